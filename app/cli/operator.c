/*
 * `postroom operator create EMAIL`: the first operator, and any later one.
 */
#include <openssl/crypto.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "password.h"
#include "sbuf.h"
#include "validate.h"

#define NEW_PASSWORD_LEN	20

static int
operator_create(const char *input)
{
	char		 email[PR_ADDRESS_MAX + 1], pw[NEW_PASSWORD_LEN + 1];
	char		 hash[PR_PW_HASH_MAX];
	const char	*why, *p[3];
	struct sbuf	 after;
	PGresult	*res;
	PGconn		*db;
	int		 rc = CLI_FAIL;

	if ((why = pr_address_check(input, email, sizeof(email))) != NULL) {
		fprintf(stderr, "postroom: EMAIL '%s': %s\n", input, why);
		return (CLI_USAGE);
	}
	if (pr_random_string(pw, sizeof(pw), NEW_PASSWORD_LEN) == -1 ||
	    pr_password_hash(pw, PR_PW_SHA512_CRYPT, hash, sizeof(hash)) == -1) {
		fprintf(stderr, "postroom: cannot make a password\n");
		return (CLI_FAIL);
	}
	if ((db = cli_connect()) == NULL)
		return (CLI_FAIL);

	sbuf_init(&after);
	if (!cli_begin(db))
		goto out;
	p[0] = email;
	p[1] = hash;
	res = cli_query(db, "INSERT INTO admins (email, password_hash, role) "
	    "VALUES ($1, $2, 'operator') ON CONFLICT (email) DO NOTHING "
	    "RETURNING id", 2, p);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		fprintf(stderr, "postroom: an admin with e-mail %s already "
		    "exists\n", email);
		PQclear(res);
		goto fail;
	}
	sbuf_puts(&after, "{\"email\":");
	sbuf_json_str(&after, email);
	sbuf_puts(&after, ",\"role\":\"operator\"}");
	if (!cli_audit(db, NULL, "admin.create", "admin", PQgetvalue(res, 0, 0),
	    after.data)) {
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (!cli_commit(db))
		goto out;
	printf("operator: %s\npassword: %s\n", email, pw);
	rc = CLI_OK;
	goto out;
fail:
	cli_rollback(db);
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	sbuf_free(&after);
	PQfinish(db);
	return (rc);
}

int
cmd_operator(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "create") != 0) {
		fprintf(stderr, "usage: postroom operator create EMAIL\n");
		return (CLI_USAGE);
	}
	return (operator_create(argv[2]));
}
