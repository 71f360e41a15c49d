/*
 * A strict RFC 8259 reader.  See json.h for the contract.
 *
 * The parser is iterative: open arrays and objects live on a fixed stack
 * of PR_JSON_DEPTH_MAX frames, so hostile nesting cannot overflow the C
 * stack.  Every node and string of a document comes from one arena, a
 * list of malloc'd blocks, so freeing a document is one walk.
 *
 * Refused, beyond the RFC grammar: a byte order mark (RFC 8259 lets a
 * reader ignore it; a request body has no reason to carry one), U+0000
 * in strings and names (every decoded string is then a safe C string),
 * and a name given twice in one object.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

#define ARENA_FIRST	4096		/* bytes in the first block */
#define ARENA_LARGEST	(1024 * 1024)	/* blocks stop doubling here */
#define NUM_INLINE	64		/* numbers copied on the stack */
#define DUP_LINEAR	8		/* objects checked without sorting */
#define NAME_SHOWN	32		/* name bytes quoted in a message */

struct arena {
	struct arena	*next;
	size_t		 size;		/* bytes in data */
	size_t		 used;
	max_align_t	 data[];
};

/*
 * An object member: the public node, then what the duplicate check
 * needs.  Only members are this size; elements are plain nodes.
 */
struct member {
	struct pr_json	 node;
	size_t		 keylen;
	size_t		 keyoff;	/* offset of the name's '"' */
};

struct frame {
	struct pr_json	*node;		/* open array or object */
	struct pr_json	*last;		/* its last child so far */
};

struct parser {
	const unsigned char	*text;
	size_t			 len;
	size_t			 pos;
	struct arena		*arena;
	struct pr_json		*root;
	char			*err;
	size_t			 errlen;
	struct frame		 stack[PR_JSON_DEPTH_MAX];
	size_t			 depth;
	const char		*key;		/* name of the next member */
	size_t			 keylen;
	size_t			 keyoff;
};

static int	fail(struct parser *, size_t, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));

/* Line and column (1-based, columns in bytes) of offset off. */
static void
position(const struct parser *p, size_t off, size_t *line, size_t *col)
{
	const unsigned char	*nl;
	size_t			 start = 0;

	*line = 1;
	while ((nl = memchr(p->text + start, '\n', off - start)) != NULL) {
		(*line)++;
		start = (size_t)(nl - p->text) + 1;
	}
	*col = off - start + 1;
}

static int
fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list	ap;
	char	what[128];
	size_t	line, col;

	if (p->err == NULL || p->errlen == 0)
		return (-1);
	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	position(p, off, &line, &col);
	(void)snprintf(p->err, p->errlen, "line %zu, column %zu: %s",
	    line, col, what);
	return (-1);
}

/* A byte for a message: 'x' when printable, else its value. */
static const char *
show_byte(unsigned char c, char *buf, size_t len)
{
	if (c > 0x20 && c < 0x7f)
		(void)snprintf(buf, len, "character '%c'", c);
	else
		(void)snprintf(buf, len, "byte 0x%02x", c);
	return (buf);
}

/*
 * A member name for a message: printable ASCII as is, ' and \ escaped,
 * other bytes as \xNN, cut to NAME_SHOWN bytes and "...".  Names come
 * from clients, and messages go back to them and into logs.
 */
static const char *
show_name(const char *name, size_t len, char buf[NAME_SHOWN + 4])
{
	const unsigned char	*s = (const unsigned char *)name;
	char			 one[8];
	size_t			 i, n = 0, k;

	for (i = 0; i < len; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			k = (size_t)snprintf(one, sizeof(one), "\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			k = (size_t)snprintf(one, sizeof(one), "%c", s[i]);
		else
			k = (size_t)snprintf(one, sizeof(one), "\\x%02x", s[i]);
		if (n + k > NAME_SHOWN)
			break;
		memcpy(buf + n, one, k);
		n += k;
	}
	if (i < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return (buf);
}

static void
arena_free(struct arena *a)
{
	struct arena	*next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
}

/*
 * A new block holding at least size bytes.  A block for a large request
 * goes behind the current one, which keeps its free space.
 */
static void *
arena_grow(struct parser *p, size_t size)
{
	struct arena	*a, *cur = p->arena;
	size_t		 want;

	want = cur == NULL ? ARENA_FIRST : cur->size * 2;
	if (want > ARENA_LARGEST)
		want = ARENA_LARGEST;
	if (want < size)
		want = size;
	if (want > SIZE_MAX - sizeof(*a) ||
	    (a = malloc(sizeof(*a) + want)) == NULL) {
		(void)fail(p, p->pos, "out of memory");
		return (NULL);
	}
	a->size = want;
	a->used = size;
	if (cur != NULL && want - size < cur->size - cur->used) {
		a->next = cur->next;
		cur->next = a;
	} else {
		a->next = cur;
		p->arena = a;
	}
	return (a->data);
}

/* align is a power of two no larger than max_align_t's. */
static void *
arena_alloc(struct parser *p, size_t size, size_t align)
{
	struct arena	*a = p->arena;
	size_t		 off;

	if (a != NULL) {
		off = (a->used + align - 1) & ~(align - 1);
		if (off <= a->size && size <= a->size - off) {
			a->used = off + size;
			return ((char *)a->data + off);
		}
	}
	return (arena_grow(p, size));
}

static void
skip_space(struct parser *p)
{
	unsigned char	c;

	while (p->pos < p->len) {
		c = p->text[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		p->pos++;
	}
}

/* A new node, linked into the open container or made the root. */
static struct pr_json *
new_node(struct parser *p, enum pr_json_type type)
{
	struct pr_json	*n;
	struct member	*m;
	struct frame	*f;

	if (p->key != NULL) {
		m = arena_alloc(p, sizeof(*m), _Alignof(struct member));
		if (m == NULL)
			return (NULL);
		memset(m, 0, sizeof(*m));
		m->keylen = p->keylen;
		m->keyoff = p->keyoff;
		n = &m->node;
		n->key = p->key;
		p->key = NULL;
	} else {
		n = arena_alloc(p, sizeof(*n), _Alignof(struct pr_json));
		if (n == NULL)
			return (NULL);
		memset(n, 0, sizeof(*n));
	}
	n->type = type;
	if (p->depth == 0) {
		p->root = n;
		return (n);
	}
	f = &p->stack[p->depth - 1];
	if (f->last == NULL)
		f->node->u.children.first = n;
	else
		f->last->next = n;
	f->last = n;
	f->node->u.children.count++;
	return (n);
}

static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/*
 * The escape "\uXXXX" at off: its value, -1 when the bytes there are
 * not one, -2 when the input ends before that is known.
 */
static long
hex4(const struct parser *p, size_t off)
{
	long	v = 0;
	size_t	i;
	int	c;

	for (i = off; i < off + 6; i++) {
		if (i == p->len)
			return (-2);
		c = p->text[i];
		if (i == off || i == off + 1) {
			if (c != (i == off ? '\\' : 'u'))
				return (-1);
			continue;
		}
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return (-1);
		v = v << 4 | c;
	}
	return (v);
}

/*
 * The \u escape at p->pos, a surrogate pair joined: 1 decoded, 0 cut
 * short by the end of the input, -1 refused.
 */
static int
unicode_escape(struct parser *p, char *out, size_t *n)
{
	size_t	at = p->pos;
	long	hi, lo;

	if ((hi = hex4(p, at)) < 0)
		return (hi == -2 ? 0 : fail(p, at, "invalid \\u escape"));
	if (hi == 0)
		return (fail(p, at, "strings must not contain U+0000"));
	if (hi < 0xd800 || hi > 0xdfff) {
		*n += utf8_put((uint32_t)hi, out + *n);
		p->pos += 6;
		return (1);
	}
	lo = hi <= 0xdbff ? hex4(p, at + 6) : -1;
	if (lo == -2)
		return (0);
	if (lo < 0xdc00 || lo > 0xdfff)
		return (fail(p, at, "unpaired UTF-16 surrogate \\u%04lx", hi));
	*n += utf8_put(0x10000 + ((uint32_t)(hi - 0xd800) << 10) +
	    (uint32_t)(lo - 0xdc00), out + *n);
	p->pos += 12;
	return (1);
}

/* The escape at p->pos: 1 decoded, 0 cut short, -1 refused. */
static int
escape(struct parser *p, char *out, size_t *n)
{
	static const char	 from[] = "\"\\/bfnrt";
	static const char	 to[] = "\"\\/\b\f\n\r\t";
	const char		*c;
	char			 what[32];
	unsigned char		 e;

	if (p->len - p->pos < 2)
		return (0);
	e = p->text[p->pos + 1];
	if (e == 'u')
		return (unicode_escape(p, out, n));
	if (e == '\0' || (c = strchr(from, e)) == NULL) {
		if (e > 0x20 && e < 0x7f)
			return (fail(p, p->pos, "invalid escape '\\%c'", e));
		return (fail(p, p->pos, "invalid escape: '\\' before %s",
		    show_byte(e, what, sizeof(what))));
	}
	out[(*n)++] = to[c - from];
	p->pos += 2;
	return (1);
}

/*
 * Bytes from off to the closing quote, or to the end of the input: the
 * decoded string is never longer.
 */
static size_t
string_bound(const struct parser *p, size_t off)
{
	size_t	i = off;

	while (i < p->len && p->text[i] != '"')
		i += p->text[i] == '\\' ? 2 : 1;
	return (i < p->len ? i - off : p->len - off);
}

/* The next byte of a string's body, copied or decoded into out. */
static int
string_byte(struct parser *p, char *out, size_t *n)
{
	unsigned char	c = p->text[p->pos];
	size_t		k;

	if (c == '\\')
		return (escape(p, out, n));
	if (c < 0x20)
		return (fail(p, p->pos, "unescaped control character 0x%02x "
		    "in a string", c));
	if ((k = pr_utf8_len(p->text + p->pos, p->len - p->pos)) == 0)
		return (fail(p, p->pos, "invalid UTF-8"));
	memcpy(out + *n, p->text + p->pos, k);
	*n += k;
	p->pos += k;
	return (1);
}

/* The string at p->pos (its '"'), decoded into the arena. */
static int
parse_string(struct parser *p, const char **s, size_t *len)
{
	size_t	start = p->pos, n = 0;
	char	*out;
	int	r;

	p->pos++;
	if ((out = arena_alloc(p, string_bound(p, p->pos) + 1, 1)) == NULL)
		return (-1);
	for (;;) {
		if (p->pos == p->len)
			return (fail(p, start, "unterminated string"));
		if (p->text[p->pos] == '"')
			break;
		if ((r = string_byte(p, out, &n)) == -1)
			return (-1);
		if (r == 0)
			return (fail(p, start, "unterminated string"));
	}
	p->pos++;
	out[n] = '\0';
	*s = out;
	*len = n;
	return (0);
}

static int
is_digit(const struct parser *p, size_t i)
{
	return (i < p->len && p->text[i] >= '0' && p->text[i] <= '9');
}

static size_t
skip_digits(const struct parser *p, size_t i)
{
	while (is_digit(p, i))
		i++;
	return (i);
}

/* The end of the number at p->pos, checked against RFC 8259 section 6. */
static int
number_end(struct parser *p, size_t *end, int *plain)
{
	size_t	i = p->pos;

	*plain = 1;
	if (p->text[i] == '-' && !is_digit(p, ++i))
		return (fail(p, i, "expected a digit after '-'"));
	if (p->text[i] == '0') {
		if (is_digit(p, ++i))
			return (fail(p, i, "leading zero in a number"));
	} else
		i = skip_digits(p, i);
	if (i < p->len && p->text[i] == '.') {
		*plain = 0;
		if (!is_digit(p, ++i))
			return (fail(p, i, "expected a digit after '.'"));
		i = skip_digits(p, i);
	}
	if (i < p->len && (p->text[i] == 'e' || p->text[i] == 'E')) {
		*plain = 0;
		if (++i < p->len && (p->text[i] == '+' || p->text[i] == '-'))
			i++;
		if (!is_digit(p, i))
			return (fail(p, i, "expected a digit in the exponent"));
		i = skip_digits(p, i);
	}
	*end = i;
	return (0);
}

/* An integer that fits in int64 into n; 0 when it does not fit. */
static int
to_int64(const unsigned char *s, size_t len, int64_t *n)
{
	uint64_t	v = 0, limit = INT64_MAX, d;
	size_t		i = 0;
	int		neg = 0;

	if (s[0] == '-') {
		neg = 1;
		limit = (uint64_t)INT64_MAX + 1;
		i++;
	}
	for (; i < len; i++) {
		d = (uint64_t)(s[i] - '0');
		if (v > (limit - d) / 10)
			return (0);
		v = v * 10 + d;
	}
	if (!neg)
		*n = (int64_t)v;
	else
		*n = v == limit ? INT64_MIN : -(int64_t)v;
	return (1);
}

/*
 * strtod on a NUL-terminated copy.  The grammar is already checked, so
 * strtod's extensions (hex, "inf", leading space) cannot be reached; its
 * decimal point is the locale's, which is "C" because Postroom never
 * calls setlocale.  Out of range values become +-HUGE_VAL or 0 as strtod
 * has them.
 */
static int
to_double(struct parser *p, size_t start, size_t len, double *d)
{
	char	 buf[NUM_INLINE], *copy = buf;

	if (len >= sizeof(buf) && (copy = malloc(len + 1)) == NULL)
		return (fail(p, start, "out of memory"));
	memcpy(copy, p->text + start, len);
	copy[len] = '\0';
	*d = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	return (0);
}

static int
parse_number(struct parser *p)
{
	struct pr_json	*n;
	size_t		 start = p->pos, end = p->pos;
	int		 plain;

	if (number_end(p, &end, &plain) == -1)
		return (-1);
	if ((n = new_node(p, PR_JSON_NUMBER)) == NULL)
		return (-1);
	p->pos = end;
	if (plain && to_int64(p->text + start, end - start,
	    &n->u.number.integer)) {
		n->u.number.is_integer = 1;
		n->u.number.real = (double)n->u.number.integer;
		return (0);
	}
	return (to_double(p, start, end - start, &n->u.number.real));
}

static int
parse_literal(struct parser *p, const char *word, enum pr_json_type type)
{
	struct pr_json	*n;
	size_t		 i;
	char		 what[32];

	for (i = 0; word[i] != '\0'; i++) {
		if (p->pos + i == p->len)
			return (fail(p, p->len, "unexpected end of input"));
		if (p->text[p->pos + i] != (unsigned char)word[i])
			return (fail(p, p->pos + i, "unexpected %s",
			    show_byte(p->text[p->pos + i], what,
			    sizeof(what))));
	}
	if ((n = new_node(p, type)) == NULL)
		return (-1);
	n->u.boolean = word[0] == 't';
	p->pos += i;
	return (0);
}

/* The name at p->pos and its ':', kept for the member's node. */
static int
parse_name(struct parser *p)
{
	size_t	off = p->pos;

	if (p->pos == p->len)
		return (fail(p, p->pos, "unexpected end of input"));
	if (p->text[p->pos] != '"')
		return (fail(p, p->pos, "expected a member name"));
	if (parse_string(p, &p->key, &p->keylen) == -1)
		return (-1);
	p->keyoff = off;
	skip_space(p);
	if (p->pos == p->len)
		return (fail(p, p->pos, "unexpected end of input"));
	if (p->text[p->pos] != ':')
		return (fail(p, p->pos, "expected ':' after a member name"));
	p->pos++;
	return (0);
}

/*
 * '[' or '{' at p->pos.  Returns 1 when a value must follow (after the
 * first member's name in an object), 0 when the container was empty.
 */
static int
open_container(struct parser *p, enum pr_json_type type)
{
	struct pr_json	*n;
	char		 close = type == PR_JSON_ARRAY ? ']' : '}';

	if (p->depth == PR_JSON_DEPTH_MAX)
		return (fail(p, p->pos, "nesting deeper than %d",
		    PR_JSON_DEPTH_MAX));
	if ((n = new_node(p, type)) == NULL)
		return (-1);
	p->pos++;
	skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == close) {
		p->pos++;
		return (0);
	}
	p->stack[p->depth].node = n;
	p->stack[p->depth].last = NULL;
	p->depth++;
	if (type == PR_JSON_OBJECT && parse_name(p) == -1)
		return (-1);
	return (1);
}

static int
parse_string_value(struct parser *p)
{
	struct pr_json	*n;
	const char	*str;
	size_t		 len;

	if (parse_string(p, &str, &len) == -1)
		return (-1);
	if ((n = new_node(p, PR_JSON_STRING)) == NULL)
		return (-1);
	n->u.string.s = str;
	n->u.string.len = len;
	return (0);
}

/*
 * One value at p->pos.  Returns 0 when it is complete, 1 when it opened
 * an array or object that now waits for its first value, or -1.
 */
static int
parse_value(struct parser *p)
{
	char	what[32];
	int	c;

	skip_space(p);
	if (p->pos == p->len)
		return (fail(p, p->pos, "unexpected end of input"));
	c = p->text[p->pos];
	if (c == '[')
		return (open_container(p, PR_JSON_ARRAY));
	if (c == '{')
		return (open_container(p, PR_JSON_OBJECT));
	if (c == '"')
		return (parse_string_value(p));
	if (c == '-' || (c >= '0' && c <= '9'))
		return (parse_number(p));
	if (c == 't')
		return (parse_literal(p, "true", PR_JSON_BOOL));
	if (c == 'f')
		return (parse_literal(p, "false", PR_JSON_BOOL));
	if (c == 'n')
		return (parse_literal(p, "null", PR_JSON_NULL));
	if (p->pos == 0 && p->len >= 3 &&
	    memcmp(p->text, "\xef\xbb\xbf", 3) == 0)
		return (fail(p, 0, "byte order mark (not allowed)"));
	return (fail(p, p->pos, "unexpected %s",
	    show_byte((unsigned char)c, what, sizeof(what))));
}

static int
same_name(const struct member *a, const struct member *b)
{
	return (a->keylen == b->keylen &&
	    memcmp(a->node.key, b->node.key, a->keylen) == 0);
}

/* By name, then by position: a name's repeats follow its first use. */
static int
member_cmp(const void *va, const void *vb)
{
	const struct member	*a = *(const struct member * const *)va;
	const struct member	*b = *(const struct member * const *)vb;
	size_t			 n;
	int			 r;

	n = a->keylen < b->keylen ? a->keylen : b->keylen;
	if ((r = memcmp(a->node.key, b->node.key, n)) != 0)
		return (r);
	if (a->keylen != b->keylen)
		return (a->keylen < b->keylen ? -1 : 1);
	return (a->keyoff < b->keyoff ? -1 : a->keyoff > b->keyoff);
}

/* The earliest repeated name of a small object, or NULL. */
static const struct member *
repeat_linear(const struct pr_json *obj)
{
	const struct pr_json	*a, *b;

	for (b = obj->u.children.first; b != NULL; b = b->next)
		for (a = obj->u.children.first; a != b; a = a->next)
			if (same_name((const struct member *)a,
			    (const struct member *)b))
				return ((const struct member *)b);
	return (NULL);
}

/*
 * The earliest repeated name of a large object, found by sorting so
 * that a body of many members costs n log n, not n squared.
 */
static int
repeat_sorted(struct parser *p, const struct pr_json *obj,
    const struct member **dup)
{
	const struct member	**v;
	const struct pr_json	 *c;
	size_t			  i, n = obj->u.children.count;

	*dup = NULL;
	if (n > SIZE_MAX / sizeof(*v) || (v = malloc(n * sizeof(*v))) == NULL)
		return (fail(p, p->pos, "out of memory"));
	for (i = 0, c = obj->u.children.first; c != NULL; c = c->next)
		v[i++] = (const struct member *)c;
	qsort(v, n, sizeof(*v), member_cmp);
	for (i = 1; i < n; i++)
		if (same_name(v[i - 1], v[i]) &&
		    (*dup == NULL || v[i]->keyoff < (*dup)->keyoff))
			*dup = v[i];
	free(v);
	return (0);
}

/*
 * Names are checked when their object closes.  The message points at
 * the second use of the name.
 */
static int
check_names(struct parser *p, const struct pr_json *obj)
{
	const struct member	*dup;
	char			 name[NAME_SHOWN + 4];

	if (obj->u.children.count <= DUP_LINEAR)
		dup = repeat_linear(obj);
	else if (repeat_sorted(p, obj, &dup) == -1)
		return (-1);
	if (dup == NULL)
		return (0);
	return (fail(p, dup->keyoff, "duplicate member '%s'",
	    show_name(dup->node.key, dup->keylen, name)));
}

/*
 * After a value inside the innermost open container: a ',' and the
 * next name (1: a value must follow), or the closing bracket (0).
 */
static int
parse_next(struct parser *p)
{
	struct pr_json	*c = p->stack[p->depth - 1].node;
	char		 close = c->type == PR_JSON_ARRAY ? ']' : '}';

	skip_space(p);
	if (p->pos == p->len)
		return (fail(p, p->pos, "unexpected end of input"));
	if (p->text[p->pos] == close) {
		if (c->type == PR_JSON_OBJECT && check_names(p, c) == -1)
			return (-1);
		p->pos++;
		p->depth--;
		return (0);
	}
	if (p->text[p->pos] != ',')
		return (fail(p, p->pos, c->type == PR_JSON_ARRAY ?
		    "expected ',' or ']' after an array element" :
		    "expected ',' or '}' after an object member"));
	p->pos++;
	skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == close)
		return (fail(p, p->pos, "trailing comma before '%c'", close));
	if (c->type == PR_JSON_OBJECT && parse_name(p) == -1)
		return (-1);
	return (1);
}

static int
parse_document(struct parser *p)
{
	int	r;

	for (;;) {
		if ((r = parse_value(p)) == -1)
			return (-1);
		while (r == 0) {
			if (p->depth == 0) {
				skip_space(p);
				if (p->pos < p->len)
					return (fail(p, p->pos,
					    "trailing data after the value"));
				return (0);
			}
			if ((r = parse_next(p)) == -1)
				return (-1);
		}
	}
}

int
pr_json_parse(const char *text, size_t len, struct pr_json_doc *doc,
    char *err, size_t errlen)
{
	struct parser	p;

	doc->root = NULL;
	doc->arena = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.text = (const unsigned char *)(text != NULL ? text : "");
	p.len = text != NULL ? len : 0;
	p.err = err;
	p.errlen = errlen;
	if (parse_document(&p) == -1) {
		arena_free(p.arena);
		return (-1);
	}
	doc->root = p.root;
	doc->arena = p.arena;
	return (0);
}

void
pr_json_free(struct pr_json_doc *doc)
{
	if (doc == NULL)
		return;
	arena_free(doc->arena);
	doc->root = NULL;
	doc->arena = NULL;
}

const struct pr_json *
pr_json_get(const struct pr_json *obj, const char *key)
{
	const struct pr_json	*m;

	if (obj == NULL || obj->type != PR_JSON_OBJECT || key == NULL)
		return (NULL);
	for (m = obj->u.children.first; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			return (m);
	return (NULL);
}

const char *
pr_json_type_name(enum pr_json_type type)
{
	switch (type) {
	case PR_JSON_NULL:
		return ("null");
	case PR_JSON_BOOL:
		return ("boolean");
	case PR_JSON_NUMBER:
		return ("number");
	case PR_JSON_STRING:
		return ("string");
	case PR_JSON_ARRAY:
		return ("array");
	case PR_JSON_OBJECT:
		return ("object");
	}
	return ("unknown");
}
