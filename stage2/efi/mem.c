/* mem.c: UEFI memory: pool heap, placed page allocation, leaving boot services. */
#include "efi_priv.h"
#include "platform.h"

void *mem_alloc(size_t n)
{
	void *p = NULL;

	if (efi_bs->AllocatePool(EfiLoaderData, n ? n : 1, &p) != EFI_SUCCESS)
		return NULL;
	return p;
}

void mem_free(void *p)
{
	if (p)
		efi_bs->FreePool(p);
}

/* Fetches the current memory map into a new pool buffer. */
static EFI_MEMORY_DESCRIPTOR *get_map(UINTN *size, UINTN *dsize)
{
	UINTN key;
	UINT32 ver;
	EFI_MEMORY_DESCRIPTOR *m = NULL;

	*size = 0;
	efi_bs->GetMemoryMap(size, NULL, &key, dsize, &ver);
	for (int tries = 0; tries < 4; tries++) {
		*size += 8 * *dsize; /* room for the pool allocation itself */
		m = mem_alloc(*size);
		if (!m)
			return NULL;
		EFI_STATUS st = efi_bs->GetMemoryMap(size, m, &key, dsize, &ver);
		if (st == EFI_SUCCESS)
			return m;
		mem_free(m);
		if (st != EFI_BUFFER_TOO_SMALL)
			return NULL;
	}
	return NULL;
}

int plat_alloc_pages(uint64_t *addr, uint64_t pages, enum alloc_kind kind, uint64_t min,
		     uint64_t max, uint64_t align, bool top_down, bool code)
{
	EFI_MEMORY_TYPE type = code ? EfiLoaderCode : EfiLoaderData;
	uint64_t bytes = pages * 4096;

	if (kind == ALLOC_AT) {
		EFI_PHYSICAL_ADDRESS a = *addr;
		if (efi_bs->AllocatePages(AllocateAddress, type, pages, &a) != EFI_SUCCESS)
			return E_NOMEM;
		return 0;
	}
	if (align < 4096)
		align = 4096;
	/*
	 * UEFI has no aligned or lowest-fit allocation: find candidates in the free
	 * (EfiConventionalMemory) ranges ourselves, then claim one with AllocateAddress.
	 */
	for (int attempt = 0; attempt < 8; attempt++) {
		UINTN size, dsize;
		EFI_MEMORY_DESCRIPTOR *map = get_map(&size, &dsize);
		if (!map)
			return E_NOMEM;
		uint64_t best = 0;
		bool found = false;
		for (UINTN off = 0; off + dsize <= size; off += dsize) {
			EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + off);
			if (d->Type != EfiConventionalMemory)
				continue;
			uint64_t lo = MAX(d->PhysicalStart, min);
			uint64_t hi = d->PhysicalStart + d->NumberOfPages * 4096;
			if (hi > max)
				hi = max;
			if (hi <= lo || hi - lo < bytes)
				continue;
			uint64_t cand =
			    top_down ? ALIGN_DOWN(hi - bytes, align) : ALIGN_UP(lo, align);
			if (cand < lo || cand + bytes > hi)
				continue;
			if (!found || (top_down ? cand > best : cand < best))
				best = cand, found = true;
		}
		mem_free(map);
		if (!found)
			return E_NOMEM;
		EFI_PHYSICAL_ADDRESS a = best;
		if (efi_bs->AllocatePages(AllocateAddress, type, pages, &a) == EFI_SUCCESS) {
			*addr = best;
			return 0;
		}
	}
	return E_NOMEM;
}

const char *plat_mem_owner(uint64_t addr)
{
	static const char *const names[] = {
	    "reserved memory", "baton's code", "baton's data",	   "firmware code",
	    "firmware data",   "runtime code", "runtime data",	   "free memory",
	    "unusable memory", "ACPI tables",  "ACPI NVS memory",  "MMIO",
	    "MMIO port space", "PAL code",     "persistent memory"};
	UINTN size, dsize;
	EFI_MEMORY_DESCRIPTOR *map = get_map(&size, &dsize);
	const char *r = "no memory at all";

	for (UINTN off = 0; map && off + dsize <= size; off += dsize) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + off);
		if (addr >= d->PhysicalStart && addr - d->PhysicalStart < d->NumberOfPages * 4096)
			r = d->Type < ARRAY_SIZE(names) ? names[d->Type] : "firmware memory";
	}
	mem_free(map);
	return r;
}

uint64_t plat_mem_total(void)
{
	UINTN size, dsize;
	EFI_MEMORY_DESCRIPTOR *map = get_map(&size, &dsize);
	uint64_t total = 0;

	for (UINTN off = 0; map && off + dsize <= size; off += dsize) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + off);
		if (d->Type == EfiConventionalMemory || d->Type == EfiBootServicesCode ||
		    d->Type == EfiBootServicesData || d->Type == EfiLoaderCode ||
		    d->Type == EfiLoaderData)
			total += d->NumberOfPages * 4096;
	}
	mem_free(map);
	return total;
}

bool plat_mem_reclaimable(uint64_t addr, uint64_t len, uint64_t *bad)
{
	UINTN size, dsize;
	EFI_MEMORY_DESCRIPTOR *map = get_map(&size, &dsize);
	uint64_t at = addr, end = addr + len;
	bool progress = true;

	if (!map || end < addr)
		return false;
	/* Walk forward through the descriptors that cover [at, end), in any order. */
	while (at < end && progress) {
		progress = false;
		for (UINTN off = 0; off + dsize <= size; off += dsize) {
			EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + off);
			uint64_t lo = d->PhysicalStart, hi = lo + d->NumberOfPages * 4096;
			bool free_later = d->Type == EfiConventionalMemory ||
					  d->Type == EfiBootServicesCode ||
					  d->Type == EfiBootServicesData ||
					  d->Type == EfiLoaderCode || d->Type == EfiLoaderData;
			if (free_later && lo <= at && at < hi) {
				at = hi;
				progress = true;
			}
		}
	}
	mem_free(map);
	if (bad)
		*bad = at;
	return at >= end;
}

void plat_free_pages(uint64_t addr, uint64_t pages)
{
	efi_bs->FreePages(addr, pages);
}

/* UEFI memory types to E820 types, as Linux's own EFI stub converts them. */
static uint32_t e820_type(UINT32 t)
{
	switch (t) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory: return MEM_RAM;
	case EfiACPIReclaimMemory: return MEM_ACPI;
	case EfiACPIMemoryNVS: return MEM_NVS;
	case EfiUnusableMemory: return MEM_UNUSABLE;
	case 14: /* EfiPersistentMemory */ return MEM_PERSISTENT;
	default: return MEM_RESERVED;
	}
}

/* Sorted, merged neutral map; runs after ExitBootServices, so it must not allocate. */
static int convert_map(const uint8_t *m, UINTN size, UINTN dsize, struct mem_range *out, int max)
{
	int n = 0;

	for (UINTN off = 0; off + dsize <= size && n < max; off += dsize) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)(m + off);
		struct mem_range r = {d->PhysicalStart, d->NumberOfPages * 4096,
				      e820_type(d->Type)};
		if (!r.len)
			continue;
		int i = n++;
		while (i > 0 &&
		       out[i - 1].base > r.base) { /* insertion sort: the map is nearly sorted */
			out[i] = out[i - 1];
			i--;
		}
		out[i] = r;
	}
	int w = 0;
	for (int i = 0; i < n; i++) {
		if (w && out[w - 1].type == out[i].type &&
		    out[w - 1].base + out[w - 1].len == out[i].base)
			out[w - 1].len += out[i].len;
		else
			out[w++] = out[i];
	}
	return w;
}

void efi_console_booted_out(void);

/* The memory map as it is, boot services kept (Multiboot 2 with the EFI boot services tag). */
int plat_firmware_map(struct bootenv *env)
{
	UINTN size, dsize;
	uint8_t *map = (uint8_t *)get_map(&size, &dsize);

	if (!map)
		return err_set(E_NOMEM, "cannot read the memory map");
	int max_ranges = (int)(size / dsize) + 4;
	struct mem_range *ranges = mem_alloc(sizeof(*ranges) * (size_t)max_ranges);
	if (!ranges)
		return err_set(E_NOMEM, "out of memory for the memory map");
	env->efi_mmap = (uint64_t)(uintptr_t)map;
	env->efi_mmap_size = size;
	env->efi_desc_size = dsize;
	env->efi_desc_version = EFI_MEMORY_DESCRIPTOR_VERSION;
	env->map = ranges;
	env->n_map = convert_map(map, size, dsize, ranges, max_ranges);
	env->boot_services = true;
	return 0;
}

int plat_exit_firmware(struct bootenv *env)
{
	UINTN size = 0, key, dsize;
	UINT32 ver;

	efi_bs->GetMemoryMap(&size, NULL, &key, &dsize, &ver);
	/*
	 * Every buffer is allocated now: after a failed ExitBootServices only GetMemoryMap may be
	 * called (UEFI 7.4), so the slack must cover the map growing meanwhile.
	 */
	UINTN cap = size + 32 * dsize;
	uint8_t *map = mem_alloc(cap);
	int max_ranges = (int)(cap / dsize) + 4;
	struct mem_range *ranges = mem_alloc(sizeof(*ranges) * (size_t)max_ranges);
	if (!map || !ranges)
		return err_set(E_NOMEM, "out of memory for the final memory map");

	EFI_STATUS st = EFI_INVALID_PARAMETER;
	bool tried = false;
	for (int tries = 0; tries < 16 && st != EFI_SUCCESS; tries++) {
		size = cap;
		st = efi_bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map, &key, &dsize, &ver);
		if (st != EFI_SUCCESS)
			break;
		/*
		 * The firmware's IDT, GDT and TR back before it is left, and only now: a failed
		 * GetMemoryMap above goes back to the menu with baton's handlers still on.
		 */
		plat_traps(false);
		/* EFI_INVALID_PARAMETER: the map changed since GetMemoryMap; fetch it again. */
		st = efi_bs->ExitBootServices(efi_image, key);
		tried = true;
	}
	if (st != EFI_SUCCESS && !tried)
		return err_set(E_IO, "GetMemoryMap failed (status 0x%llx)", (unsigned long long)st);
	if (st != EFI_SUCCESS) {
		/*
		 * After a failed ExitBootServices only memory services are safe (UEFI 7.4), so the
		 * menu cannot come back: say so on the serial port, wait, and reset.
		 */
		char msg[160];
		efi_console_booted_out();
		snfmt(msg, sizeof(msg),
		      "\nbaton: ExitBootServices failed 16 times (status 0x%llx); the firmware is "
		      "in an "
		      "unknown state. Resetting in 10 s.\n",
		      (unsigned long long)st);
		plat_serial_puts(msg);
		for (uint64_t t = plat_time_us(); plat_time_us() - t < 10000000;)
			;
		efi_st->RuntimeServices->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
	}

	efi_console_booted_out();
	env->efi_mmap = (uint64_t)(uintptr_t)map;
	env->efi_mmap_size = size;
	env->efi_desc_size = dsize;
	env->efi_desc_version = ver;
	env->map = ranges;
	env->n_map = convert_map(map, size, dsize, ranges, max_ranges);
	return 0;
}

void plat_reboot(void)
{
	efi_st->RuntimeServices->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
}
