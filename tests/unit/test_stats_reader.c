/*
 * Log files line by line: offsets, a last line without its newline, the
 * identity that survives compression, resuming at an offset, and lines
 * longer than the parser takes.
 */

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "logparse.h"
#include "reader.h"

static char	dir[64];
static char	path[128], gzpath[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/st-reader-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	snprintf(gzpath, sizeof(gzpath), "%s/mail.log.2.gz", dir);
}

static void
teardown(void)
{
	unlink(path);
	unlink(gzpath);
	rmdir(dir);
}

static void
write_file(const char *p, const char *mode, const char *data, size_t n)
{
	FILE	*fp = fopen(p, mode);

	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static void
write_gz(const char *p, const char *data, size_t n)
{
	gzFile	gz = gzopen(p, "wb");

	cr_assert_not_null(gz);
	cr_assert_eq(gzwrite(gz, data, (unsigned)n), (int)n);
	gzclose(gz);
}

static void
open_ok(struct st_file *f, const char *p)
{
	char	err[256];

	cr_assert_eq(st_file_open(f, p, err, sizeof(err)), 0, "%s", err);
}

/* The next line must be want, ending at offset end. */
static void
next(struct st_file *f, const char *want, uint64_t end)
{
	const char	*line;
	size_t		 len;
	uint64_t	 e;

	cr_assert_eq(st_file_line(f, &line, &len, &e), 1, "want %s", want);
	cr_assert_eq(len, strlen(want));
	cr_assert(memcmp(line, want, len) == 0, "%.*s", (int)len, line);
	cr_assert_eq(e, end);
}

static void
none(struct st_file *f)
{
	const char	*line;
	size_t		 len;
	uint64_t	 e;

	cr_assert_eq(st_file_line(f, &line, &len, &e), 0);
}

TestSuite(stats_reader, .init = setup, .fini = teardown);

Test(stats_reader, lines_and_a_partial_last_one)
{
	struct st_file	f;

	write_file(path, "w", "one\ntwo\nthr", 11);
	open_ok(&f, path);
	cr_assert_eq(strlen(f.fp), ST_FP_LEN);
	cr_assert_eq(st_file_compressed(&f), 0);
	next(&f, "one\n", 4);
	next(&f, "two\n", 8);
	none(&f);
	/* The line waits for its newline, then comes whole. */
	write_file(path, "a", "ee\nfour\n", 8);
	next(&f, "three\n", 14);
	next(&f, "four\n", 19);
	none(&f);
	cr_assert_eq(st_file_offset(&f), 19);
	st_file_close(&f);
}

Test(stats_reader, identity_survives_compression)
{
	struct st_file	f, g;
	const char	data[] = "first line\nsecond\nthird\n";

	write_file(path, "w", data, sizeof(data) - 1);
	write_gz(gzpath, data, sizeof(data) - 1);
	open_ok(&f, path);
	open_ok(&g, gzpath);
	cr_assert_eq(st_file_compressed(&g), 1);
	cr_assert_str_eq(f.fp, g.fp);
	cr_assert_neq(f.ino, g.ino);
	/* The same offsets: resume a plain file's position in its .gz. */
	cr_assert_eq(st_file_seek(&g, 11), 0);
	next(&g, "second\n", 18);
	cr_assert_eq(st_file_seek(&g, 0), 0);
	next(&g, "first line\n", 11);
	cr_assert_eq(st_file_seek(&f, 18), 0);
	next(&f, "third\n", 24);
	none(&f);
	cr_assert_eq(st_file_seek(&f, 25), -1);
	cr_assert_eq(st_file_seek(&g, 99), -1);
	st_file_close(&f);
	st_file_close(&g);

	/* Another first line is another file. */
	write_file(path, "w", "First line\n", 11);
	open_ok(&f, path);
	cr_assert_str_neq(f.fp, g.fp);
	st_file_close(&f);
}

Test(stats_reader, no_first_line_yet)
{
	struct st_file	f;
	char		err[256];

	write_file(path, "w", "", 0);
	open_ok(&f, path);
	cr_assert_str_eq(f.fp, "");
	st_file_close(&f);
	write_file(path, "w", "no newline", 10);
	open_ok(&f, path);
	cr_assert_str_eq(f.fp, "");
	st_file_close(&f);
	cr_assert_eq(st_file_open(&f, "/nonexistent/x", err, sizeof(err)),
	    -1);
	cr_assert(strstr(err, "/nonexistent/x") != NULL);
}

/* A line longer than LP_LINE_MAX: its head, then the next line. */
Test(stats_reader, long_lines)
{
	struct st_file	 f;
	const char	*line;
	size_t		 n = 3 * 1024 * 1024, len;
	uint64_t	 e;
	char		*data = malloc(n + 16);

	memset(data, 'x', n);
	memcpy(data + n, "\nshort\n", 7);
	write_file(path, "w", data, n + 7);
	write_gz(gzpath, data, n + 7);
	open_ok(&f, path);
	cr_assert_eq(st_file_line(&f, &line, &len, &e), 1);
	cr_assert_eq(len, LP_LINE_MAX + 1);
	cr_assert_eq(e, n + 1);
	cr_assert_eq(line[0], 'x');
	next(&f, "short\n", n + 7);
	st_file_close(&f);

	/* Without its newline yet, it waits like any line. */
	write_file(path, "w", data, n);
	open_ok(&f, path);
	none(&f);
	write_file(path, "a", "\n", 1);
	cr_assert_eq(st_file_line(&f, &line, &len, &e), 1);
	cr_assert_eq(e, n + 1);
	st_file_close(&f);

	open_ok(&f, gzpath);
	cr_assert_eq(st_file_line(&f, &line, &len, &e), 1);
	cr_assert_eq(e, n + 1);
	next(&f, "short\n", n + 7);
	st_file_close(&f);
	free(data);
}
