#include <string.h>

#include "embed.h"

const struct pr_embedded *
pr_embedded_find(const struct pr_embedded *table, const char *name)
{
	for (; table->name != NULL; table++) {
		if (strcmp(table->name, name) == 0)
			return (table);
	}
	return (NULL);
}
