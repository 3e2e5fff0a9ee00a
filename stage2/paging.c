/* paging.c: 4-level page tables: [0, top) identity-mapped with 2 MiB pages, plus 4 KiB mappings. */
#include "core.h"

#define PTE_P  1ull
#define PTE_W  2ull
#define PTE_PS (1ull << 7)
#define ADDR   0x000ffffffffff000ull

uint64_t paging_pages(uint64_t top, const struct lp_vmap *maps, int n_maps)
{
	uint64_t gib = ALIGN_UP(top, 1ull << 30) >> 30;
	uint64_t pages = 1 + ALIGN_UP(gib, 512) / 512 + gib;

	/* Each mapping may need a page table per 2 MiB it touches, and a PD and a PDPT at each
	 * end. */
	for (int i = 0; i < n_maps; i++)
		pages += (maps[i].len >> 21) + 2 + 4;
	return pages;
}

/* The next table below entry e, made from the pool when absent. */
static uint64_t *next(uint64_t *e, uint64_t *pool, uint64_t *used, uint64_t limit)
{
	if (!(*e & PTE_P)) {
		if (*used == limit)
			return NULL;
		uint64_t *t = pool + 512 * (*used)++;
		memset(t, 0, 4096);
		*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
	} else if (*e & PTE_PS) {
		return NULL; /* a large page is there: the ranges conflict */
	}
	return (uint64_t *)(uintptr_t)(*e & ADDR);
}

int paging_identity(uint64_t top, uint64_t base, const struct lp_vmap *maps, int n_maps)
{
	uint64_t gib = ALIGN_UP(top, 1ull << 30) >> 30;
	uint64_t n_pdpt = ALIGN_UP(gib, 512) / 512;
	uint64_t total = paging_pages(top, maps, n_maps);

	if (n_pdpt > 512)
		return err_set(E_RANGE, "memory above 256 TiB cannot be identity-mapped");
	uint64_t *pml4 = (uint64_t *)(uintptr_t)base;
	uint64_t *pdpt = pml4 + 512;
	uint64_t *pd = pdpt + 512 * n_pdpt;
	uint64_t used = 1 + n_pdpt + gib;
	memset(pml4, 0, used * 4096);
	for (uint64_t i = 0; i < n_pdpt; i++)
		pml4[i] = (uint64_t)(uintptr_t)(pdpt + 512 * i) | PTE_P | PTE_W;
	for (uint64_t g = 0; g < gib; g++) {
		pdpt[g] = (uint64_t)(uintptr_t)(pd + 512 * g) | PTE_P | PTE_W;
		for (uint64_t m = 0; m < 512; m++)
			pd[512 * g + m] = ((g << 30) | (m << 21)) | PTE_P | PTE_W | PTE_PS;
	}
	/* Virtual ranges (an ELF64 kernel's p_vaddr -> p_paddr) with 4 KiB pages. */
	for (int i = 0; i < n_maps; i++) {
		uint64_t va = ALIGN_DOWN(maps[i].va, 4096), pa = ALIGN_DOWN(maps[i].pa, 4096);
		uint64_t end = ALIGN_UP(maps[i].va + maps[i].len, 4096);
		for (; va < end; va += 4096, pa += 4096) {
			uint64_t *t = pml4;
			for (int lvl = 39; lvl > 12 && t; lvl -= 9)
				t = next(&t[(va >> lvl) & 511], pml4, &used, total);
			if (!t)
				return err_set(
				    E_RANGE,
				    "cannot map 0x%llx: it falls inside the 1:1 map at a "
				    "different address",
				    (unsigned long long)va);
			t[(va >> 12) & 511] = pa | PTE_P | PTE_W;
		}
	}
	return 0;
}
