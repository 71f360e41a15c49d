/*
 * One batch of the collector: what the lines read since the last commit
 * produced, before the addresses are matched to mailboxes.  Records point
 * at interned addresses (lower-cased, each once) and at strings kept in an
 * arena; nothing points into the reader's buffer.  Memory grows with the
 * batch and is reused by the next one (st_batch_reset).
 */

#ifndef ST_BATCH_H
#define ST_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "logparse.h"
#include "sbuf.h"

#define ST_SAMPLE_SLOTS	20	/* unparsed lines kept per reason */
#define ST_SAMPLE_MAX	1000	/* bytes of a sampled line */
#define ST_ADDR_MAX	254	/* longer addresses are cut */
#define ST_TEXT_MAX	256	/* counterpart, dsn, queue id, address */
#define ST_VALUE_MAX	(1LL << 40)	/* a size or count of one line */
#define ST_BATCH_LINES	1000000		/* lines of a batch, by default */
#define ST_BATCH_BYTES	(64 * 1024 * 1024)	/* of records and strings */

enum st_rec_kind {
	ST_REC_LOGIN = 0,	/* a login or failed login: a login event */
	ST_REC_RCPT,		/* a recipient's outcome: delivery events */
	ST_REC_MSG,		/* a message handed in: messages out */
	ST_REC_SESSION,		/* IMAP/POP3 session bytes */
	ST_REC_LMTP,		/* Dovecot saved a message */
	ST_REC_QUOTA,		/* Dovecot could not: quota exceeded */
	ST_REC__COUNT
};

/* st_rec.flags */
#define ST_F_SUCCESS	0x01	/* LOGIN: succeeded */
#define ST_F_AUTH	0x02	/* RCPT, MSG: the message was authenticated */
#define ST_F_CLIENT	0x04	/* RCPT, MSG: it came in through smtpd */

struct st_rec {
	int64_t		at;	/* UTC microseconds */
	int64_t		size;	/* message size; SESSION: bytes in */
	int64_t		n;	/* LOGIN: attempts; RCPT: deferrals; */
				/* MSG: recipients; SESSION: bytes out */
	uint32_t	addr;	/* interned: user, recipient, account */
	uint32_t	raw;	/* arena: addr as logged */
	uint32_t	acct;	/* RCPT: the message's account, interned */
	uint32_t	acct_raw;
	uint32_t	peer;	/* RCPT: arena, the sender as logged */
	uint32_t	qid;	/* arena */
	uint32_t	ip;	/* LOGIN: arena, a valid IP address or "" */
	uint32_t	dsn;	/* RCPT: arena */
	uint8_t		kind;
	uint8_t		what;	/* LOGIN, SESSION: lp_proto; RCPT: lp_outcome */
	uint8_t		flags;
};

/* What an interned address turned out to be (filled by the resolver). */
struct st_mbox {
	int64_t		company;
	int64_t		domain;
	int64_t		mailbox;
	int		tz;		/* index of the company's zone */
	int		known;		/* 0: no mailbox */
};

struct st_addr {
	uint32_t	off;		/* keys offset of the lower-cased key */
	uint32_t	len;
	int		ours;		/* its domain is one of ours */
	int		ask;		/* to be looked up */
	struct st_mbox	mbox;
};

/* Kept as read (made safe when written out: most are overwritten). */
struct st_sample {
	int		used;
	size_t		len;
	char		line[ST_SAMPLE_MAX];
};

struct st_batch {
	struct sbuf	 arena;		/* NUL-terminated strings; 0 is "" */
	struct st_rec	*recs;
	size_t		 nrecs;
	size_t		 caprecs;
	struct st_addr	*addrs;
	size_t		 naddrs;
	size_t		 capaddrs;
	/*
	 * The interned keys, apart from the arena so that a lookup reads
	 * few cache lines: each is its index and length (uint32_t each),
	 * then the key and a NUL.  addrmap maps to their offsets.
	 */
	struct sbuf	 keys;
	struct st_hmap	 addrmap;
	/* The latest unparsed lines, by reason and ring slot. */
	struct st_sample sample[LP_SKIP__COUNT][ST_SAMPLE_SLOTS];
};

void		st_batch_init(struct st_batch *);
void		st_batch_free(struct st_batch *);
void		st_batch_reset(struct st_batch *);

/* A new record, zeroed but for the string fields (""). */
struct st_rec	*st_batch_rec(struct st_batch *, enum st_rec_kind, int64_t);

/* Keep a string (made safe, cut at max bytes); its arena offset. */
uint32_t	st_batch_str(struct st_batch *, const char *, size_t, size_t);

/* The address lower-cased, interned: its index. */
uint32_t	st_batch_addr(struct st_batch *, const char *, size_t);

/* An interned address's lower-cased key (NUL-terminated). */
const char	*st_batch_key(const struct st_batch *, const struct st_addr *);

const char	*st_batch_at(const struct st_batch *, uint32_t off);

/* Is the batch big enough to commit (pending lines, or its memory)? */
int		st_batch_full(const struct st_batch *, size_t pending,
		    size_t batch_lines);

/* Keep an unparsed line in slot n mod ST_SAMPLE_SLOTS of its reason. */
void		st_batch_sample(struct st_batch *, enum lp_skip, uint64_t n,
		    const char *, size_t);

#endif
