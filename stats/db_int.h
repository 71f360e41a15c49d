/* Shared by the collector's database files (db_*.c) only. */

#ifndef ST_DB_INT_H
#define ST_DB_INT_H

#include <libpq-fe.h>

#include "store.h"

/* 0, or -1 with s->err set. */
int		 st_db_exec(struct st_store *, const char *);

/* A parameterised statement's result; NULL with s->err set. */
PGresult	*st_db_query(struct st_store *, const char *, int,
		    const char *const *);

/* The roll-up stages (temporary tables) and their upserts. */
int		 st_db_stages(struct st_store *);

#endif
