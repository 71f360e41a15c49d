/*
 * The collector's configuration file and source settings.
 */

#include <criterion/criterion.h>

#include <string.h>

#include "collect.h"
#include "config.h"

Test(stats_config, sources)
{
	struct st_config	 c;
	struct st_source_cfg	*s;
	char			 err[256];

	cr_assert_eq(st_config_parse(&c,
	    "# the mail host\n"
	    "[source mail]\n"
	    "path = /var/log/mail.log   # rotated daily\n"
	    "  time_zone=Europe/Amsterdam  \n"
	    "webmail_hosts = 192.0.2.10, 2001:db8::10 10.0.0.5\n"
	    "webmail_backend = ignore\n"
	    "\n"
	    "[source roundcube]\n"
	    "path = /var/log/round#cube/userlogins\n"
	    "format = roundcube\n"
	    "capacity = 1024\n", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.n, 2);
	s = st_config_source(&c, "mail");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->path, "/var/log/mail.log");
	cr_assert_str_eq(s->tz, "Europe/Amsterdam");
	cr_assert_eq(s->format, LP_FMT_AUTO);
	cr_assert_eq(s->nwebmail, 3);
	cr_assert_str_eq(s->webmail[1], "2001:db8::10");
	cr_assert_eq(s->backend, ST_BACKEND_IGNORE);
	s = st_config_source(&c, "roundcube");
	cr_assert_str_eq(s->path, "/var/log/round#cube/userlogins");
	cr_assert_eq(s->format, LP_FMT_ROUNDCUBE);
	cr_assert_str_eq(s->tz, "UTC");
	cr_assert_eq(s->capacity, 1024);
	cr_assert_eq(s->backend, ST_BACKEND_COUNT);
	cr_assert_null(st_config_source(&c, "other"));
	st_config_free(&c);
}

static void
refused(const char *text, const char *msg)
{
	struct st_config	c;
	char			err[256];

	cr_assert_eq(st_config_parse(&c, text, err, sizeof(err)), -1, "%s",
	    text);
	cr_assert(strstr(err, msg) != NULL, "[%s] lacks [%s]", err, msg);
}

Test(stats_config, mistakes_are_named)
{
	refused("", "no [source NAME]");
	refused("path = /x\n", "line 1: 'path' outside a [source NAME]");
	refused("[source a]\nformat = xml\n", "line 2: bad format 'xml'");
	refused("[source a]\n[source a]\n", "line 2: source 'a' twice");
	refused("[source a b]\n", "bad source name 'a b'");
	refused("[sauce a]\n", "expected [source NAME]");
	refused("[source a]\nfoo = 1\n", "unknown setting 'foo'");
	refused("[source a]\npath\n", "expected KEY = VALUE");
	refused("[source a]\ncapacity = 3\n", "bad capacity");
	refused("[source a]\nwebmail_backend = maybe\n",
	    "bad webmail_backend");
}

Test(stats_config, names)
{
	cr_assert(st_source_name_ok("mail-1.host_a"));
	cr_assert(!st_source_name_ok(""));
	cr_assert(!st_source_name_ok("-mail"));
	cr_assert(!st_source_name_ok("a/b"));
	cr_assert(!st_source_name_ok("0123456789012345678901234567890123456789"
	    "0123456789012345678901234"));
}
