/* host.c: the host build's heap (libc malloc), for the baton tool and unit tests. */
#include <stdlib.h>
#include "lib.h"

void *mem_alloc(size_t n)
{
	return malloc(n ? n : 1);
}

void mem_free(void *p)
{
	free(p);
}
