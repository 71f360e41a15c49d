/*
 * Prints the API's mailbox lookup statement, so that `make bench` gives
 * pgbench exactly what the server runs.
 */
#include <stdio.h>

#include "mailbox.h"

int
main(void)
{
	puts(MAILBOX_GET_SQL);
	return (0);
}
