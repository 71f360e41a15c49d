/*
 * Database connections handed to requests in the order they asked
 * (dbslot.c).  A request embeds a slot and takes it before its first
 * query; it gives it back once answered.
 */
#ifndef PR_DBSLOT_H
#define PR_DBSLOT_H

#include <sys/queue.h>

#include <kore/kore.h>
#include <kore/http.h>

#define PR_SLOT_NONE		0
#define PR_SLOT_WAITING		1
#define PR_SLOT_HELD		2

struct pr_dbslot {
	struct http_request		*req;
	int				 state;
	TAILQ_ENTRY(pr_dbslot)		 list;
};

/* 1 when held, 0 when the request sleeps until it is its turn. */
int	pr_dbslot_take(struct pr_dbslot *, struct http_request *);
/* Give the slot back, or the place in the line; idempotent. */
void	pr_dbslot_release(struct pr_dbslot *);

#endif
