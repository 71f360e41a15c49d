/*
 * The collector's configuration file and source settings; see config.h.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "config.h"
#include "logparse.h"
#include "xalloc.h"

#define CONFIG_MAX	(1024 * 1024)

int
st_source_name_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > ST_NAME_MAX || !isalnum((unsigned char)s[0]))
		return (0);
	for (i = 1; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return (0);
	}
	return (1);
}

void
st_source_defaults(struct st_source_cfg *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->format = LP_FMT_AUTO;
	snprintf(s->tz, sizeof(s->tz), "UTC");
	s->backend = ST_BACKEND_COUNT;
}

static int
set_format(struct st_source_cfg *s, const char *v)
{
	static const char	*names[LP_FMT__COUNT] = {
		"auto", "syslog", "rfc3339", "dovecot", "roundcube"
	};
	int			 i;

	for (i = 0; i < LP_FMT__COUNT; i++) {
		if (strcmp(v, names[i]) == 0) {
			s->format = (enum lp_format)i;
			return (0);
		}
	}
	return (-1);
}

/* Space- or comma-separated addresses; checked by the collector. */
static int
set_webmail(struct st_source_cfg *s, const char *v)
{
	const char	*p = v;
	size_t		 n;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if ((n = strcspn(p, " ,\t")) == 0)
			break;
		if (s->nwebmail == LP_WEBMAIL_MAX ||
		    n >= sizeof(s->webmail[0]))
			return (-1);
		memcpy(s->webmail[s->nwebmail], p, n);
		s->webmail[s->nwebmail++][n] = '\0';
		p += n;
	}
	return (0);
}

static int
set_capacity(struct st_source_cfg *s, const char *v)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 16 ||
	    n > 4194304)
		return (-1);
	s->capacity = n;
	return (0);
}

int
st_source_set(struct st_source_cfg *s, const char *key, const char *v,
    char *err, size_t errlen)
{
	int	bad;

	if (strcmp(key, "path") == 0)
		bad = snprintf(s->path, sizeof(s->path), "%s", v) >=
		    (int)sizeof(s->path) || v[0] == '\0';
	else if (strcmp(key, "rotated") == 0)
		bad = snprintf(s->rotated, sizeof(s->rotated), "%s", v) >=
		    (int)sizeof(s->rotated) || v[0] == '\0';
	else if (strcmp(key, "format") == 0)
		bad = set_format(s, v);
	else if (strcmp(key, "time_zone") == 0)
		bad = snprintf(s->tz, sizeof(s->tz), "%s", v) >=
		    (int)sizeof(s->tz);
	else if (strcmp(key, "webmail_hosts") == 0)
		bad = set_webmail(s, v);
	else if (strcmp(key, "webmail_backend") == 0) {
		bad = strcmp(v, "count") != 0 && strcmp(v, "ignore") != 0;
		s->backend = strcmp(v, "ignore") == 0 ? ST_BACKEND_IGNORE :
		    ST_BACKEND_COUNT;
	} else if (strcmp(key, "capacity") == 0)
		bad = set_capacity(s, v);
	else {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return (-1);
	}
	if (bad) {
		snprintf(err, errlen, "bad %s '%s'", key, v);
		return (-1);
	}
	return (0);
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return (s);
}

/* "[source NAME]": a new source. */
static int
section(struct st_config *c, char *s, char *err, size_t errlen)
{
	char	*name, *e;

	if ((e = strchr(s, ']')) == NULL || *trim(e + 1) != '\0' ||
	    strncmp(s, "[source ", 8) != 0) {
		snprintf(err, errlen, "expected [source NAME]");
		return (-1);
	}
	*e = '\0';
	name = trim(s + 8);
	if (!st_source_name_ok(name)) {
		snprintf(err, errlen, "bad source name '%s'", name);
		return (-1);
	}
	if (st_config_source(c, name) != NULL) {
		snprintf(err, errlen, "source '%s' twice", name);
		return (-1);
	}
	if (c->n == ST_SOURCES_MAX) {
		snprintf(err, errlen, "more than %d sources", ST_SOURCES_MAX);
		return (-1);
	}
	c->src = st_xrealloc(c->src, c->n + 1, sizeof(*c->src));
	st_source_defaults(&c->src[c->n++], name);
	return (0);
}

/* A '#' at the start or after a blank begins a comment. */
static void
uncomment(char *s)
{
	char	*p;

	for (p = s; (p = strchr(p, '#')) != NULL; p++) {
		if (p == s || p[-1] == ' ' || p[-1] == '\t') {
			*p = '\0';
			return;
		}
	}
}

static int
line(struct st_config *c, char *s, char *err, size_t errlen)
{
	char	*eq, *key, *val;

	uncomment(s);
	s = trim(s);
	if (*s == '\0' || *s == '#')
		return (0);
	if (*s == '[')
		return (section(c, s, err, errlen));
	if ((eq = strchr(s, '=')) == NULL) {
		snprintf(err, errlen, "expected KEY = VALUE");
		return (-1);
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (c->n == 0) {
		snprintf(err, errlen, "'%s' outside a [source NAME]", key);
		return (-1);
	}
	return (st_source_set(&c->src[c->n - 1], key, val, err, errlen));
}

int
st_config_parse(struct st_config *c, const char *text, char *err,
    size_t errlen)
{
	char	*copy, *p, *nl, msg[256];
	int	 lineno = 0;

	memset(c, 0, sizeof(*c));
	copy = st_xcalloc(1, strlen(text) + 1);
	memcpy(copy, text, strlen(text));
	for (p = copy; p != NULL; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		lineno++;
		if (line(c, p, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "line %d: %s", lineno, msg);
			free(copy);
			st_config_free(c);
			return (-1);
		}
	}
	free(copy);
	if (c->n == 0) {
		snprintf(err, errlen, "no [source NAME]");
		return (-1);
	}
	return (0);
}

int
st_config_load(struct st_config *c, const char *path, char *err,
    size_t errlen)
{
	char	*text, msg[256];
	size_t	 n;
	FILE	*fp;
	int	 rc;

	memset(c, 0, sizeof(*c));
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	text = st_xcalloc(1, CONFIG_MAX + 1);
	n = fread(text, 1, CONFIG_MAX + 1, fp);
	fclose(fp);
	if (n > CONFIG_MAX || memchr(text, '\0', n) != NULL) {
		snprintf(err, errlen, "%s: not a configuration file", path);
		free(text);
		return (-1);
	}
	rc = st_config_parse(c, text, msg, sizeof(msg));
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", path, msg);
	free(text);
	return (rc);
}

void
st_config_free(struct st_config *c)
{
	free(c->src);
	memset(c, 0, sizeof(*c));
}

struct st_source_cfg *
st_config_source(struct st_config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->src[i].name, name) == 0)
			return (&c->src[i]);
	}
	return (NULL);
}
