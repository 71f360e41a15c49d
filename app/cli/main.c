/*
 * postroom: the operators' command-line tool.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: postroom COMMAND ...\n"
	    "\n"
	    "  db migrate                      apply the pending schema migrations\n"
	    "  operator create EMAIL           create an operator; prints a new password\n"
	    "  key create --role ROLE [--company NAME] [--domain FQDN ...] [--name LABEL]\n"
	    "                                  create an API key; prints it once\n"
	    "  demo load [--logins FILE]       load the demo data into an empty database\n"
	    "  purge                           remove what was deleted over 30 days ago\n"
	    "  stats ingest|follow|status ...  the log collector (postroom stats help)\n"
	    "\n"
	    "The database is the libpq conninfo string in POSTROOM_DB.\n"
	    "Roles: operator support company_admin company_viewer domain_admin.\n");
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "db",		cmd_db },
		{ "operator",	cmd_operator },
		{ "key",	cmd_key },
		{ "demo",	cmd_demo },
		{ "purge",	cmd_purge },
		{ "stats",	cmd_stats },
	};
	size_t	i;

	if (argc < 2) {
		usage(stderr);
		return (CLI_USAGE);
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		usage(stdout);
		return (CLI_OK);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) == 0)
			return (cmds[i].fn(argc - 1, argv + 1));
	}
	fprintf(stderr, "postroom: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return (CLI_USAGE);
}
