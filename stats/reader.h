/*
 * A log file read line by line, plain or gzip-compressed (told by its
 * first bytes, not its name), in bounded memory.
 *
 * Identity: device and inode, and a fingerprint (hex SHA-256) of the first
 * line, which stays the same when the file is renamed or compressed.  A
 * file whose first line has no newline yet has no fingerprint: it is not
 * read until it has one.
 *
 * Offsets count bytes of the text (uncompressed for a .gz file).  A line
 * is handed out only with its newline; a longer line than LP_LINE_MAX is
 * handed out as its first LP_LINE_MAX + 1 bytes (the parser skips it as
 * too long) once its newline arrives.
 */

#ifndef ST_READER_H
#define ST_READER_H

#include <stddef.h>
#include <stdint.h>

#define ST_FP_LEN	64

struct st_file {
	char		 path[4096];
	int		 fd;
	void		*gz;		/* gzFile, or NULL: a plain file */
	uint64_t	 dev;
	uint64_t	 ino;
	int64_t		 mtime;
	uint64_t	 size;		/* on disk, at open or st_file_stat */
	char		 fp[ST_FP_LEN + 1];	/* "" until a first line */
	char		*buf;
	size_t		 cap;
	size_t		 start;		/* first byte not handed out */
	size_t		 len;		/* bytes in buf */
	uint64_t	 base;		/* offset of buf[0] */
	char		*longbuf;	/* head of a line too long */
	int		 discard;	/* inside a line too long */
	int		 error;		/* a read failed */
};

/* 0, or -1 with a message in err. */
int		st_file_open(struct st_file *, const char *, char *, size_t);
void		st_file_close(struct st_file *);

/* Go to an offset read before: 0, or -1 when the file is shorter. */
int		st_file_seek(struct st_file *, uint64_t);

/*
 * The next complete line in *line, *len (newline included, or the head
 * of a long line) and the offset just past it in *end: returns 1; 0 when
 * no complete line is there (yet); -1 on a read error.
 */
int		st_file_line(struct st_file *, const char **, size_t *,
		    uint64_t *);

/* Offset of the first byte not handed out yet. */
uint64_t	st_file_offset(const struct st_file *);

/* Refresh size and mtime from the file (follow mode). */
int		st_file_stat(struct st_file *);

/* Bytes of the file on disk read so far (compressed ones for gzip). */
uint64_t	st_file_disk_offset(const struct st_file *);

/*
 * Is the open file still the one it was (copytruncate empties it in
 * place): 1 yes, 0 it is shorter than the offset read or its first line
 * changed.  Refreshes size and mtime.
 */
int		st_file_unchanged(struct st_file *);

/* Is the file a gzip stream? */
int		st_file_compressed(const struct st_file *);

#endif
