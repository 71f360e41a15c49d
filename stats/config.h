/*
 * The collector's configuration file: one section per log source.
 *
 *   # comment (also after a value, behind a blank)
 *   [source mail]
 *   path = /var/log/mail.log		read by `follow`
 *   rotated = /var/log/mail.log.1	where a rotation leaves it (this
 *					is the default: path + ".1")
 *   format = auto			auto syslog rfc3339 dovecot roundcube
 *   time_zone = Europe/Amsterdam	IANA name; default UTC
 *   webmail_hosts = 192.0.2.10 2001:db8::10
 *   webmail_backend = count		count, or ignore when Roundcube's
 *					userlogins log is read too
 *   capacity = 16384			Postfix messages open at once
 *
 * The same keys are the command line's flags (--time-zone, ...).
 */

#ifndef ST_CONFIG_H
#define ST_CONFIG_H

#include <stddef.h>

#include "collect.h"

#define ST_SOURCES_MAX	64

struct st_config {
	struct st_source_cfg	*src;
	size_t			 n;
};

/* Defaults: format auto, UTC, backend logins counted. */
void	st_source_defaults(struct st_source_cfg *, const char *name);

/* One key of a source: 0, or -1 with a message in err. */
int	st_source_set(struct st_source_cfg *, const char *key,
	    const char *value, char *err, size_t errlen);

int	st_config_parse(struct st_config *, const char *text, char *err,
	    size_t errlen);
int	st_config_load(struct st_config *, const char *path, char *err,
	    size_t errlen);
void	st_config_free(struct st_config *);

/* The source of that name, or NULL. */
struct st_source_cfg	*st_config_source(struct st_config *, const char *);

/* Is the name a valid source name (stats_sources.name)? */
int	st_source_name_ok(const char *);

#endif
