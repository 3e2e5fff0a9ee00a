/* mem.c: the BIOS stage2's heap: first fit over one region of RAM, neighbours merged on free. */
#include "lib.h"

/* Each block: a header with its size (header included) and whether it is free. */
struct blk {
	size_t size;
	size_t free;
};

static uint8_t *heap, *heap_end;

/* The region comes from the E820 map; until then the caller gives a known-free one. */
void bios_heap_init(void *base, size_t size)
{
	heap = base;
	heap_end = heap + size;
	((struct blk *)heap)->size = size;
	((struct blk *)heap)->free = 1;
}

void *mem_alloc(size_t n)
{
	size_t need = (n + sizeof(struct blk) + 15) & ~(size_t)15;

	for (uint8_t *p = heap; p && p < heap_end; p += ((struct blk *)p)->size) {
		struct blk *b = (struct blk *)p;
		if (!b->free || b->size < need)
			continue;
		if (b->size - need >= 64) { /* split: the rest stays free */
			struct blk *rest = (struct blk *)(p + need);
			rest->size = b->size - need;
			rest->free = 1;
			b->size = need;
		}
		b->free = 0;
		return b + 1;
	}
	return NULL;
}

void mem_free(void *ptr)
{
	if (!ptr)
		return;
	struct blk *b = (struct blk *)ptr - 1;
	b->free = 1;
	/* Merge every run of free blocks: one pass, the heap is small. */
	for (uint8_t *p = heap; p < heap_end;) {
		struct blk *a = (struct blk *)p;
		uint8_t *q = p + a->size;
		if (a->free && q < heap_end && ((struct blk *)q)->free) {
			a->size += ((struct blk *)q)->size;
			continue;
		}
		p = q;
	}
}
