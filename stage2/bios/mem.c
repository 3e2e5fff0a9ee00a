/* mem.c: BIOS memory: the E820 map, a page allocator over its RAM, and the heap on top of it. */
#include "bios.h"
#include "platform.h"
#include "bootenv.h"

#define PAGE	   4096u
#define MAX_E820   128
#define MAX_BUSY   256
#define LIMIT_4G   (1ull << 32) /* entry.S maps 4 GiB: baton reaches nothing above */
#define MAX_ARENAS 16

extern char _start[], __bss_end[];

static struct mem_range e820[MAX_E820];
static int n_e820;

/* Ranges not free for allocation: baton's own low memory and every allocation. */
struct busy {
	uint64_t base, end;
	const char *owner;
	bool alloc; /* made by plat_alloc_pages (plat_free_pages may end it) */
};
static struct busy busy[MAX_BUSY];
static int n_busy;

/* ACPI 6.5, 15.1 (INT 15h E820h): higher types are more restrictive; unknown types reserved. */
static uint32_t rank(uint32_t type)
{
	return type == MEM_RAM ? 0 : type == MEM_ACPI ? 1 : type > 7 ? 2 : type + 1;
}

/* Sorted, overlaps resolved to the more restrictive type, neighbours of one type merged. */
static int sanitize(struct mem_range *in, int n, struct mem_range *out, int max)
{
	uint64_t pts[2 * MAX_E820];
	int np = 0, w = 0;

	for (int i = 0; i < n; i++) {
		pts[np++] = in[i].base;
		pts[np++] = in[i].base + in[i].len;
	}
	for (int i = 1; i < np; i++) /* insertion sort: a handful of points */
		for (int j = i; j > 0 && pts[j - 1] > pts[j]; j--) {
			uint64_t t = pts[j];
			pts[j] = pts[j - 1];
			pts[j - 1] = t;
		}
	for (int i = 0; i + 1 < np; i++) {
		uint64_t a = pts[i], b = pts[i + 1];
		if (a == b)
			continue;
		uint32_t type = 0;
		for (int k = 0; k < n; k++)
			if (in[k].base <= a && in[k].base + in[k].len >= b &&
			    (!type || rank(in[k].type) > rank(type)))
				type = in[k].type;
		if (!type)
			continue;
		if (w && out[w - 1].type == type && out[w - 1].base + out[w - 1].len == a)
			out[w - 1].len += b - a;
		else if (w < max)
			out[w++] = (struct mem_range){a, b - a, type};
	}
	return w;
}

/* INT 15h EAX=E820h, the ACPI "Query System Address Map" call, through a low buffer. */
static int read_e820(void)
{
	static struct mem_range raw[MAX_E820];
	uint8_t *buf = (uint8_t *)(uintptr_t)LOW_BUF;
	uint32_t cont = 0;
	int n = 0;

	do {
		memset(buf, 0, 24);
		buf[20] = 1; /* ACPI 3.0 extended attributes: "enabled" unless cleared */
		struct bregs r = {.eax = 0xe820,
				  .ebx = cont,
				  .ecx = 24,
				  .edx = 0x534d4150, /* "SMAP" */
				  .edi = LOW_BUF & 0xf,
				  .es = LOW_BUF >> 4};
		bios_call(0x15, &r);
		if ((r.eflags & BIOS_CF) || r.eax != 0x534d4150)
			break;
		uint64_t len = get64(buf + 8);
		/* Extended attributes bit 0 clear: ignore the entry (ACPI 3.0). */
		if (len && !(r.ecx >= 24 && !(buf[20] & 1)))
			raw[n++] = (struct mem_range){get64(buf), len, get32(buf + 16)};
		cont = r.ebx;
	} while (cont && n < MAX_E820);
	if (!n) {
		/* INT 15h AX=E801h / AH=88h would do for very old machines; none we support. */
		return err_set(E_NOMEM, "the BIOS gave no E820 memory map");
	}
	n_e820 = sanitize(raw, n, e820, MAX_E820);
	return 0;
}

static void add_busy(uint64_t base, uint64_t end, const char *owner, bool alloc)
{
	if (n_busy == MAX_BUSY)
		return;
	int i = n_busy++;
	while (i > 0 && busy[i - 1].base > base) {
		busy[i] = busy[i - 1];
		i--;
	}
	busy[i] = (struct busy){base, end, owner, alloc};
}

static const struct busy *conflict(uint64_t a, uint64_t b)
{
	for (int i = 0; i < n_busy; i++)
		if (busy[i].base < b && a < busy[i].end)
			return &busy[i];
	return NULL;
}

/* The E820 RAM range holding all of [a, b), or NULL. */
static const struct mem_range *ram_range(uint64_t a, uint64_t b)
{
	for (int i = 0; i < n_e820; i++)
		if (e820[i].type == MEM_RAM && e820[i].base <= a && b <= e820[i].base + e820[i].len)
			return &e820[i];
	return NULL;
}

int plat_alloc_pages(uint64_t *addr, uint64_t pages, enum alloc_kind kind, uint64_t min,
		     uint64_t max, uint64_t align, bool top_down, bool code)
{
	uint64_t bytes = pages * PAGE;

	if (!pages)
		return E_INVAL;
	if (kind == ALLOC_AT) {
		uint64_t a = *addr;
		if ((a & (PAGE - 1)) || a + bytes > LIMIT_4G || !ram_range(a, a + bytes) ||
		    conflict(a, a + bytes))
			return E_NOMEM;
		add_busy(a, a + bytes, "baton's data", true);
		return 0;
	}
	if (align < PAGE)
		align = PAGE;
	if (max > LIMIT_4G || !max)
		max = LIMIT_4G;
	bool found = false;
	uint64_t best = 0;
	for (int i = 0; i < n_e820; i++) {
		if (e820[i].type != MEM_RAM)
			continue;
		uint64_t lo = MAX(e820[i].base, min), hi = MIN(e820[i].base + e820[i].len, max);
		if (hi <= lo || hi - lo < bytes)
			continue;
		if (!top_down) {
			for (uint64_t c = ALIGN_UP(lo, align); c + bytes <= hi;) {
				const struct busy *b = conflict(c, c + bytes);
				if (!b) {
					if (!found || c < best)
						best = c, found = true;
					break;
				}
				c = ALIGN_UP(b->end, align);
			}
		} else {
			for (uint64_t c = ALIGN_DOWN(hi - bytes, align); c >= lo;) {
				const struct busy *b = conflict(c, c + bytes);
				if (!b) {
					if (!found || c > best)
						best = c, found = true;
					break;
				}
				if (b->base < lo + bytes)
					break;
				c = ALIGN_DOWN(b->base - bytes, align);
			}
		}
	}
	if (!found)
		return E_NOMEM;
	add_busy(best, best + bytes, "baton's data", true);
	*addr = best;
	return 0;
}

void plat_free_pages(uint64_t addr, uint64_t pages)
{
	for (int i = 0; i < n_busy; i++)
		if (busy[i].alloc && busy[i].base == addr) {
			memmove(&busy[i], &busy[i + 1], (size_t)(n_busy - i - 1) * sizeof(busy[0]));
			n_busy--;
			return;
		}
}

const char *plat_mem_owner(uint64_t addr)
{
	const struct busy *b = conflict(addr, addr + 1);

	if (b)
		return b->owner;
	for (int i = 0; i < n_e820; i++)
		if (e820[i].base <= addr && addr < e820[i].base + e820[i].len)
			switch (e820[i].type) {
			case MEM_RAM: return "free memory";
			case MEM_ACPI: return "ACPI tables";
			case MEM_NVS: return "ACPI NVS memory";
			case MEM_UNUSABLE: return "unusable memory";
			default: return "memory the BIOS reserved";
			}
	return "no memory (a hole in the BIOS memory map)";
}

uint64_t plat_mem_total(void)
{
	uint64_t total = 0;

	for (int i = 0; i < n_e820; i++)
		if (e820[i].type == MEM_RAM)
			total += e820[i].len;
	return total;
}

/* RAM the kernel may have once baton is gone: all of E820's RAM but the real-mode vector table
 * and BIOS data area, which 16-bit entries still use. */
bool plat_mem_reclaimable(uint64_t addr, uint64_t len, uint64_t *bad)
{
	uint64_t end = addr + len;

	/* The IVT and the BDA (0-0x4FF) stay: a real-mode hand-off (a boot sector, Linux's
	 * 16-bit entry) still calls the BIOS. Above them, low RAM is free once baton is done. */
	if (addr < 0x500) {
		*bad = addr;
		return false;
	}
	for (uint64_t at = addr; at < end;) {
		const struct mem_range *r = ram_range(at, at + 1);
		if (!r) {
			*bad = at;
			return false;
		}
		at = r->base + r->len;
	}
	return true;
}

/* --- the heap: first fit over arenas of pages, neighbours merged on free --- */
struct blk {
	size_t size; /* header included */
	size_t free;
};
static struct {
	uint8_t *base, *end;
} arenas[MAX_ARENAS];
static int n_arenas;

static int add_arena(size_t bytes)
{
	uint64_t a;

	if (n_arenas == MAX_ARENAS)
		return E_NOMEM;
	bytes = ALIGN_UP(bytes, PAGE);
	/*
	 * High in the first 4 GiB, as UEFI allocates, clear of the low fixed addresses kernels
	 * want; but 64 MiB under the top of RAM, which stays for what formats put above a kernel
	 * loaded high (modules, boot information) and for initrds, placed top-down.
	 */
	uint64_t top = 0;
	for (int i = 0; i < n_e820; i++)
		if (e820[i].type == MEM_RAM && e820[i].base < LIMIT_4G)
			top = MAX(top, MIN(e820[i].base + e820[i].len, LIMIT_4G));
	uint64_t max = top >= (256u << 20) ? top - (64u << 20) : LIMIT_4G;
	if (plat_alloc_pages(&a, bytes / PAGE, ALLOC_ANY, 0x100000, max, PAGE, true, false) &&
	    plat_alloc_pages(&a, bytes / PAGE, ALLOC_ANY, 0x100000, LIMIT_4G, PAGE, true, false))
		return E_NOMEM;
	for (int i = n_busy - 1; i >= 0; i--)
		if (busy[i].base == a)
			busy[i].owner = "baton's heap";
	arenas[n_arenas].base = (uint8_t *)(uintptr_t)a;
	arenas[n_arenas].end = arenas[n_arenas].base + bytes;
	((struct blk *)arenas[n_arenas].base)->size = bytes;
	((struct blk *)arenas[n_arenas].base)->free = 1;
	n_arenas++;
	return 0;
}

static void *arena_alloc(int k, size_t need)
{
	for (uint8_t *p = arenas[k].base; p < arenas[k].end; p += ((struct blk *)p)->size) {
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

void *mem_alloc(size_t n)
{
	size_t need = (n + sizeof(struct blk) + 15) & ~(size_t)15;

	if (n > (1ull << 31))
		return NULL;
	for (int k = 0; k < n_arenas; k++) {
		void *p = arena_alloc(k, need);
		if (p)
			return p;
	}
	if (add_arena(MAX(need, (size_t)16 << 20)))
		return NULL;
	return arena_alloc(n_arenas - 1, need);
}

void mem_free(void *ptr)
{
	if (!ptr)
		return;
	struct blk *b = (struct blk *)ptr - 1;
	b->free = 1;
	for (int k = 0; k < n_arenas; k++) {
		if ((uint8_t *)b < arenas[k].base || (uint8_t *)b >= arenas[k].end)
			continue;
		/* Merge every run of free blocks: one pass over a small arena. */
		for (uint8_t *p = arenas[k].base; p < arenas[k].end;) {
			struct blk *a = (struct blk *)p;
			uint8_t *q = p + a->size;
			if (a->free && q < arenas[k].end && ((struct blk *)q)->free) {
				a->size += ((struct blk *)q)->size;
				continue;
			}
			p = q;
		}
		return;
	}
}

int bios_mem_init(void)
{
	int r = read_e820();
	if (r)
		return r;
	/* baton's own low memory, in use until the handoff. */
	add_busy(0, 0x1000, "the real-mode vector table and BIOS data", false);
	add_busy(0x1000, 0x5000, "baton's real-mode stack", false);
	add_busy(GAP_ADDR, BODY_ADDR, "baton's gap part", false);
	add_busy(BODY_ADDR, ALIGN_UP((uint64_t)(uintptr_t)__bss_end, PAGE), "baton's code", false);
	add_busy(LOW_BUF, LOW_BUF + LOW_BUF_SIZE, "baton's BIOS buffer", false);
	add_busy(PAGE_TABLES, PAGE_TABLES_END, "baton's page tables", false);
	(void)_start;
	uint64_t ram = plat_mem_total();
	/* A first arena of 32 MiB (less on a small machine); more are added as needed. */
	return add_arena(MIN((uint64_t)32 << 20, MAX(ram / 8, (uint64_t)1 << 20)));
}

/* The E820 map as the kernel gets it (bootenv.h: sorted, merged). */
int plat_firmware_map(struct bootenv *env)
{
	static struct mem_range out[MAX_E820];

	memcpy(out, e820, sizeof(e820[0]) * (size_t)n_e820);
	env->map = out;
	env->n_map = n_e820;
	env->boot_services = false;
	return 0;
}

extern bool bios_booted_out;

/* The BIOS has nothing to end: the map is final, and from here only the serial port prints. */
int plat_exit_firmware(struct bootenv *env)
{
	plat_firmware_map(env);
	plat_traps(false);
	bios_booted_out = true;
	return 0;
}
