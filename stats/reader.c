/*
 * Log files, plain or gzip, line by line; see reader.h.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "apikey.h"
#include "logparse.h"
#include "reader.h"
#include "xalloc.h"

#define BUF_SIZE	(1024 * 1024)	/* more than LP_LINE_MAX + 1 */
#define HEAD		(LP_LINE_MAX + 1)

/* Bytes read into the buffer: 0 at the end (for now), -1 on error. */
static ssize_t
fill(struct st_file *f)
{
	ssize_t	n;
	int	zerr;

	if (f->start > 0) {
		memmove(f->buf, f->buf + f->start, f->len - f->start);
		f->base += f->start;
		f->len -= f->start;
		f->start = 0;
	}
	if (f->len == f->cap)
		return (0);
	if (f->gz != NULL) {
		n = gzread(f->gz, f->buf + f->len, f->cap - f->len);
		/* A stream still being written ends early: wait for more. */
		if (n < 0 && (gzerror(f->gz, &zerr), zerr == Z_BUF_ERROR)) {
			gzclearerr(f->gz);
			n = 0;
		}
	} else {
		do {
			n = read(f->fd, f->buf + f->len, f->cap - f->len);
		} while (n == -1 && errno == EINTR);
	}
	if (n < 0) {
		f->error = 1;
		return (-1);
	}
	f->len += (size_t)n;
	return (n);
}

/* The hex SHA-256 of the first line in p (len bytes read), or "". */
static void
hash_first(const char *p, size_t len, char *fp)
{
	const char	*nl;
	char		*copy;
	size_t		 n;

	fp[0] = '\0';
	if ((nl = memchr(p, '\n', len)) != NULL)
		n = nl - p + 1;
	else if (len >= HEAD)
		n = HEAD;
	else
		return;
	copy = st_xcalloc(1, n + 1);
	memcpy(copy, p, n);
	pr_token_hash(copy, fp);
	free(copy);
}

/* The first line (or the head of a long one) as the file's identity. */
static void
fingerprint(struct st_file *f)
{
	while (memchr(f->buf, '\n', f->len) == NULL && f->len < HEAD) {
		if (fill(f) <= 0)
			break;
	}
	hash_first(f->buf, f->len, f->fp);
}

int
st_file_unchanged(struct st_file *f)
{
	char	fp[ST_FP_LEN + 1], *head;
	ssize_t	n;

	if (f->gz != NULL)
		return (1);
	if (st_file_stat(f) == -1 || f->size < st_file_offset(f))
		return (0);
	head = st_xcalloc(1, HEAD);
	if ((n = pread(f->fd, head, HEAD, 0)) > 0)
		hash_first(head, (size_t)n, fp);
	free(head);
	return (n > 0 && strcmp(fp, f->fp) == 0);
}

static int
is_gzip(int fd)
{
	unsigned char	magic[2];

	return (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
	    magic[1] == 0x8b);
}

int
st_file_open(struct st_file *f, const char *path, char *err, size_t errlen)
{
	int	zfd;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	snprintf(f->path, sizeof(f->path), "%s", path);
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    st_file_stat(f) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		st_file_close(f);
		return (-1);
	}
	if (is_gzip(f->fd)) {
		if ((zfd = dup(f->fd)) == -1 ||
		    (f->gz = gzdopen(zfd, "rb")) == NULL) {
			if (zfd != -1)
				close(zfd);
			snprintf(err, errlen, "%s: cannot read gzip", path);
			st_file_close(f);
			return (-1);
		}
	}
	f->cap = BUF_SIZE;
	f->buf = st_xcalloc(1, f->cap);
	f->longbuf = st_xcalloc(1, HEAD);
	fingerprint(f);
	if (f->error) {
		snprintf(err, errlen, "%s: read error", path);
		st_file_close(f);
		return (-1);
	}
	return (0);
}

void
st_file_close(struct st_file *f)
{
	if (f->gz != NULL)
		gzclose(f->gz);
	if (f->fd != -1)
		close(f->fd);
	free(f->buf);
	free(f->longbuf);
	f->gz = NULL;
	f->fd = -1;
	f->buf = f->longbuf = NULL;
}

int
st_file_stat(struct st_file *f)
{
	struct stat	st;

	if (fstat(f->fd, &st) == -1)
		return (-1);
	f->dev = (uint64_t)st.st_dev;
	f->ino = (uint64_t)st.st_ino;
	f->mtime = (int64_t)st.st_mtime;
	f->size = (uint64_t)st.st_size;
	return (0);
}

int
st_file_compressed(const struct st_file *f)
{
	return (f->gz != NULL);
}

uint64_t
st_file_disk_offset(const struct st_file *f)
{
	z_off_t	off;

	if (f->gz == NULL)
		return (st_file_offset(f));
	off = gzoffset(f->gz);
	return (off < 0 ? 0 : (uint64_t)off);
}

uint64_t
st_file_offset(const struct st_file *f)
{
	return (f->base + f->start);
}

int
st_file_seek(struct st_file *f, uint64_t off)
{
	f->discard = 0;
	if (off >= f->base && off <= f->base + f->len) {
		f->start = (size_t)(off - f->base);
		return (0);
	}
	if (f->gz == NULL) {
		if (off > f->size || lseek(f->fd, (off_t)off, SEEK_SET) == -1)
			return (-1);
		f->base = off;
		f->start = f->len = 0;
		return (0);
	}
	/* A gzip stream only reads forwards: from here, or from the top. */
	if (off < f->base) {
		if (gzrewind(f->gz) == -1)
			return (-1);
		f->base = 0;
		f->start = f->len = 0;
	}
	while (f->base + f->len < off) {
		f->start = f->len;
		if (fill(f) <= 0)
			return (-1);
	}
	f->start = (size_t)(off - f->base);
	return (0);
}

/* Drop bytes up to the newline that ends a long line; 1 when found. */
static int
discard(struct st_file *f)
{
	char	*nl;

	for (;;) {
		nl = memchr(f->buf + f->start, '\n', f->len - f->start);
		if (nl != NULL) {
			f->start = nl - f->buf + 1;
			f->discard = 0;
			return (1);
		}
		f->start = f->len;
		if (fill(f) <= 0)
			return (0);
	}
}

int
st_file_line(struct st_file *f, const char **line, size_t *len,
    uint64_t *end)
{
	char	*p, *nl;

	for (;;) {
		if (f->discard) {
			if (!discard(f))
				return (f->error ? -1 : 0);
			*line = f->longbuf;
			*len = HEAD;
			*end = st_file_offset(f);
			return (1);
		}
		p = f->buf + f->start;
		if ((nl = memchr(p, '\n', f->len - f->start)) != NULL) {
			*line = p;
			*len = nl - p + 1;
			f->start += *len;
			*end = st_file_offset(f);
			return (1);
		}
		if (f->len - f->start >= HEAD) {
			memcpy(f->longbuf, p, HEAD);
			f->discard = 1;
			continue;
		}
		if (fill(f) <= 0)
			return (f->error ? -1 : 0);
	}
}
