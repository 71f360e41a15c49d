/*
 * Log source configuration: format hint, time zone, reference time for
 * year inference, webmail host addresses.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif

#include <sys/socket.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logparse.h"
#include "lp_scan.h"

static int
tz_is_utc(const char *tz)
{
	static const char	*utc[] = {
		"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "Universal",
		"Etc/Universal", "Etc/Zulu", "UCT", "Etc/UCT", NULL
	};
	int			 i;

	for (i = 0; utc[i] != NULL; i++) {
		if (strcmp(tz, utc[i]) == 0)
			return (1);
	}
	return (0);
}

/* Only plain zone names: no absolute paths, no "..", no POSIX strings. */
static int
tz_name_ok(const char *tz)
{
	const char	*p;

	if (tz[0] == '\0' || tz[0] == '/' || tz[0] == '.' ||
	    strstr(tz, "..") != NULL)
		return (0);
	for (p = tz; *p != '\0'; p++) {
		if (!lp_isalnum((unsigned char)*p) && *p != '/' &&
		    *p != '_' && *p != '-' && *p != '+')
			return (0);
	}
	return (1);
}

/* The zone file must exist and be a TZif file (not a directory). */
static int
tz_file_ok(const char *tz)
{
	const char	*dir;
	char		 path[512], magic[4];
	int		 fd, ok;
	ssize_t		 n;

	lp_env_lock();
	if ((dir = getenv("TZDIR")) == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	n = snprintf(path, sizeof(path), "%s/%s", dir, tz);
	lp_env_unlock();
	if (n < 0 || (size_t)n >= sizeof(path))
		return (0);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, magic, sizeof(magic));
	ok = n == (ssize_t)sizeof(magic) && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return (ok);
}

int
lp_source_init(struct lp_source *src, enum lp_format fmt, const char *tz,
    int64_t ref)
{
	memset(src, 0, sizeof(*src));
	if ((int)fmt < 0 || fmt >= LP_FMT__COUNT)
		return (-1);
	src->format = fmt;
	if (tz == NULL || tz[0] == '\0')
		tz = "UTC";
	if (strlen(tz) >= sizeof(src->tz))
		return (-1);
	if (tz_is_utc(tz))
		src->tz_utc = 1;
	else if (!tz_name_ok(tz) || !tz_file_ok(tz))
		return (-1);
	memcpy(src->tz, tz, strlen(tz) + 1);
	lp_source_set_ref(src, ref);
	return (0);
}

/*
 * A dotted quad as inet_pton(3) takes it (four parts of at most 255, no
 * leading zero), without copying the text to a C string first.
 */
static int
ipv4(const char *p, const char *end, unsigned char *out)
{
	int	i, n, v;

	for (i = 0; i < 4; i++) {
		if (i > 0 && (p >= end || *p++ != '.'))
			return (-1);
		for (v = 0, n = 0; p < end && lp_isdigit(*p); p++, n++) {
			if (n > 0 && v == 0)
				return (-1);
			if ((v = v * 10 + (*p - '0')) > 255)
				return (-1);
		}
		if (n == 0)
			return (-1);
		out[i] = (unsigned char)v;
	}
	return (p == end ? 0 : -1);
}

int
lp_ip_parse(const char *p, size_t len, struct lp_webmail *a)
{
	char	buf[64];

	memset(a, 0, sizeof(*a));
	if (len == 0 || len >= sizeof(buf))
		return (-1);
	if (ipv4(p, p + len, a->addr) == 0) {
		a->family = AF_INET;
		return (0);
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, a->addr) != 1)
		return (-1);
	a->family = AF_INET6;
	lp_addr_unmap(a);
	return (0);
}

int
lp_source_add_webmail(struct lp_source *src, const char *addr)
{
	struct lp_webmail	*w;

	if (src->nwebmail >= LP_WEBMAIL_MAX)
		return (-1);
	w = &src->webmail[src->nwebmail];
	if (lp_ip_parse(addr, strlen(addr), w) == -1)
		return (-1);
	src->nwebmail++;
	return (0);
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes plain IPv4. */
void
lp_addr_unmap(struct lp_webmail *w)
{
	static const unsigned char	pfx[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (w->family == AF_INET6 && memcmp(w->addr, pfx, sizeof(pfx)) == 0) {
		memmove(w->addr, w->addr + 12, 4);
		memset(w->addr + 4, 0, sizeof(w->addr) - 4);
		w->family = AF_INET;
	}
}

/* 1 when ip (text) is one of the source's webmail hosts. */
int
lp_is_webmail(const struct lp_source *src, struct lp_str ip)
{
	struct lp_webmail	 a;
	size_t			 i;

	if (src->nwebmail == 0 || lp_ip_parse(ip.p, ip.len, &a) == -1)
		return (0);
	for (i = 0; i < src->nwebmail; i++) {
		if (src->webmail[i].family == a.family &&
		    memcmp(src->webmail[i].addr, a.addr, sizeof(a.addr)) == 0)
			return (1);
	}
	return (0);
}
