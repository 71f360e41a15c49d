/*
 * /api/v1/companies/{id}/contacts: a company's contacts, read and
 * replaced as one list.
 *
 * Provider staff and the company's admins and viewers read them; a
 * domain admin is a reseller's customer and does not.  Operators and the
 * company's admins replace them.  The whole list is checked before
 * anything is written, and one statement locks the company, deletes the
 * old list, inserts the new one and writes the audit entry with both: a
 * bad contact changes nothing.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "company.h"
#include "validate.h"

int	pr_company_contacts(struct http_request *);

#define CONTACTS_MAX	50

#define CONTACT_JSON							\
	"json_strip_nulls(json_build_object('kind', k.kind, "		\
	"'name', k.name, 'email', k.email, 'phone', k.phone))"

/* The company's contacts in the order they were given, as JSON. */
#define CONTACT_LIST(from)						\
	"coalesce((SELECT json_agg(" CONTACT_JSON " ORDER BY k.id) "	\
	"FROM " from "), '[]')"

static void	contacts_done(struct pr_api *);

static const char *const kinds[] = { "technical", "emergency",
    "maintenance", "abuse", "billing", "stats", NULL };

static int
reader(struct pr_api *api)
{
	if (api->actor.role != PR_ROLE_DOMAIN_ADMIN &&
	    api->actor.role != PR_ROLE_NONE)
		return (1);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", "this role cannot read a company's contacts");
	return (0);
}

static int
writer(struct pr_api *api)
{
	if (api->actor.role == PR_ROLE_OPERATOR ||
	    api->actor.role == PR_ROLE_COMPANY_ADMIN)
		return (1);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", "this role cannot change a company's contacts");
	return (0);
}

static void
contacts_get(struct pr_api *api)
{
	char	id[24];

	if (!reader(api) || !pr_company_path(api, id, sizeof(id)))
		return;
	pr_api_query(api, contacts_done,
	    "SELECT json_build_object('contacts', " CONTACT_LIST(
	    "contacts k WHERE k.company_id = c.id") ") FROM companies c "
	    "WHERE c.id = $2 AND " COMPANY_SCOPE,
	    2, api->actor.company, id);
}

/* As the schema's CHECK: an optional '+', then 3 to 40 of these. */
static int
phone_ok(const char *s)
{
	size_t	len;

	if (*s == '+')
		s++;
	len = strlen(s);
	return (len >= 3 && len <= 40 &&
	    strspn(s, "0123456789 ()./-") == len);
}

static const char *
contact_string(const struct pr_json *c, const char *name, const char *what,
    struct pr_fields *f, const char *field)
{
	const struct pr_json	*v = pr_json_get(c, name);

	if (v == NULL || v->type != PR_JSON_STRING) {
		pr_fields_add(f, field, "required, %s", what);
		return (NULL);
	}
	return (v->u.string.s);
}

/* Contact i, checked and appended to out as the database wants it. */
static void
contact_check(struct pr_fields *f, const struct pr_json *c, size_t i,
    struct sbuf *out)
{
	static const char *const known[] = { "kind", "name", "email",
	    "phone", NULL };
	const struct pr_json	*m, *phone;
	const char		*kind, *name, *email, *why;
	char			 field[64], address[PR_ADDRESS_MAX + 1];
	size_t			 k, chars;

#define FIELD(n)	(snprintf(field, sizeof(field), "contacts[%zu]%s%s", \
			    i, *(n) ? "." : "", n), field)
	if (c->type != PR_JSON_OBJECT) {
		pr_fields_add(f, FIELD(""), "must be an object");
		return;
	}
	for (m = c->u.children.first; m != NULL; m = m->next) {
		for (k = 0; known[k] != NULL && strcmp(known[k], m->key); k++)
			;
		if (known[k] == NULL)
			pr_fields_add(f, FIELD(m->key), "unknown field");
	}
	if ((kind = contact_string(c, "kind", "a string", f,
	    FIELD("kind"))) != NULL) {
		for (k = 0; kinds[k] != NULL && strcmp(kinds[k], kind); k++)
			;
		if (kinds[k] == NULL)
			pr_fields_add(f, FIELD("kind"), "must be technical, "
			    "emergency, maintenance, abuse, billing or stats");
	}
	if ((name = contact_string(c, "name", "a string", f,
	    FIELD("name"))) != NULL) {
		for (chars = 0, why = name; *why != '\0'; why++)
			chars += ((unsigned char)*why & 0xc0) != 0x80;
		if (chars < 1 || chars > 200)
			pr_fields_add(f, FIELD("name"), "must have 1 to 200 "
			    "characters");
	}
	address[0] = '\0';
	if ((email = contact_string(c, "email", "an e-mail address", f,
	    FIELD("email"))) != NULL &&
	    (why = pr_address_check(email, address, sizeof(address))) != NULL)
		pr_fields_add(f, FIELD("email"), "%s", why);
	phone = pr_json_get(c, "phone");
	if (phone != NULL && phone->type != PR_JSON_NULL &&
	    (phone->type != PR_JSON_STRING || !phone_ok(phone->u.string.s)))
		pr_fields_add(f, FIELD("phone"), "must be a telephone number: "
		    "an optional '+', then 3 to 40 digits, spaces or ()./-");
#undef FIELD

	if (f->count > 0)
		return;
	sbuf_printf(out, "%s{\"kind\":", i > 0 ? "," : "");
	sbuf_json_str(out, kind);
	sbuf_puts(out, ",\"name\":");
	sbuf_json_str(out, name);
	sbuf_puts(out, ",\"email\":");
	sbuf_json_str(out, address);
	sbuf_puts(out, ",\"phone\":");
	if (phone != NULL && phone->type == PR_JSON_STRING)
		sbuf_json_str(out, phone->u.string.s);
	else
		sbuf_puts(out, "null");
	sbuf_puts(out, "}");
}

/* The body's list, checked whole; 0 after answering 422. */
static int
contacts_check(struct pr_api *api, const struct pr_json *body,
    struct sbuf *out)
{
	static const char *const known[] = { "contacts", NULL };
	const struct pr_json	*list, *c;
	struct pr_fields	 f;
	size_t			 i = 0;

	pr_fields_init(&f);
	pr_fields_known(&f, body, known);
	sbuf_puts(out, "[");
	list = pr_json_get(body, "contacts");
	if (list == NULL || list->type != PR_JSON_ARRAY)
		pr_fields_add(&f, "contacts", "required, an array of "
		    "contacts");
	else if (list->u.children.count > CONTACTS_MAX)
		pr_fields_add(&f, "contacts", "at most %d contacts",
		    CONTACTS_MAX);
	else
		for (c = list->u.children.first; c != NULL; c = c->next)
			contact_check(&f, c, i++, out);
	sbuf_puts(out, "]");
	return (!pr_fields_answer(api, &f));
}

static void
contacts_put(struct pr_api *api)
{
	const struct pr_json	*body;
	struct sbuf		 list;
	char			 id[24], remote[64];

	if (!writer(api) || !pr_company_path(api, id, sizeof(id)))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	sbuf_init(&list);
	if (!contacts_check(api, body, &list)) {
		sbuf_free(&list);
		return;
	}

	/*
	 * The statement's parts share one snapshot, taken before the lock
	 * was granted: the old list is deleted by a function that reads
	 * after the lock (sql/007_contacts_take.sql), and before the insert,
	 * which needs its row; the list after is what the insert returns.
	 */
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, contacts_done,
	    "WITH c AS (SELECT c.id FROM companies c WHERE c.id = $2 AND "
	    COMPANY_SCOPE "FOR UPDATE), "
	    "old AS (SELECT " CONTACT_LIST("c, pr_company_contacts_take(c.id) "
	    "k") " AS doc), "
	    "ins AS (INSERT INTO contacts (company_id, kind, name, email, "
	    "phone) SELECT c.id, e.v->>'kind', e.v->>'name', e.v->>'email', "
	    "e.v->>'phone' FROM c, old, jsonb_array_elements($3::jsonb) WITH "
	    "ORDINALITY e(v, n) ORDER BY e.n RETURNING *), "
	    "new AS (SELECT " CONTACT_LIST("ins k") " AS doc), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before, after) SELECT c.id, $4, nullif($5, ''), "
	    "nullif($7, '')::bigint, nullif($6, '')::inet, "
	    "'company.contacts.replace', 'company', c.id::text, "
	    "jsonb_build_object('contacts', old.doc), "
	    "jsonb_build_object('contacts', new.doc) FROM c, old, new) "
	    "SELECT json_build_object('contacts', new.doc) FROM c, new",
	    7, api->actor.company, id, list.data, api->actor.who,
	    api->actor.key_id, remote, api->actor.admin_id);
	sbuf_free(&list);
}

static void
contacts_done(struct pr_api *api)
{
	const char	*json;

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such company");
		return;
	}
	json = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

int
pr_company_contacts(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_PUT,
	    req->method == HTTP_METHOD_PUT ? contacts_put : contacts_get));
}
