/* paging.c: builds 4-level page tables identity-mapping [0, top) with 2 MiB pages. */
#include "core.h"

#define PTE_P  1ull
#define PTE_W  2ull
#define PTE_PS (1ull << 7)

uint64_t paging_pages(uint64_t top)
{
	uint64_t gib = ALIGN_UP(top, 1ull << 30) >> 30;

	return 1 + ALIGN_UP(gib, 512) / 512 + gib;
}

int paging_identity(uint64_t top, uint64_t base)
{
	uint64_t gib = ALIGN_UP(top, 1ull << 30) >> 30;
	uint64_t n_pdpt = ALIGN_UP(gib, 512) / 512;

	if (n_pdpt > 512)
		return err_set(E_RANGE, "memory above 256 TiB cannot be identity-mapped");
	uint64_t *pml4 = (uint64_t *)(uintptr_t)base;
	uint64_t *pdpt = pml4 + 512;
	uint64_t *pd = pdpt + 512 * n_pdpt;
	memset(pml4, 0, paging_pages(top) * 4096);
	for (uint64_t i = 0; i < n_pdpt; i++)
		pml4[i] = (uint64_t)(uintptr_t)(pdpt + 512 * i) | PTE_P | PTE_W;
	for (uint64_t g = 0; g < gib; g++) {
		pdpt[g] = (uint64_t)(uintptr_t)(pd + 512 * g) | PTE_P | PTE_W;
		for (uint64_t m = 0; m < 512; m++)
			pd[512 * g + m] = ((g << 30) | (m << 21)) | PTE_P | PTE_W | PTE_PS;
	}
	return 0;
}
