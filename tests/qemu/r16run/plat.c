/* plat.c: r16run's platform.h: COM1, INT 13h disks, a page allocator over a fixed memory plan. */
#include "bios.h"
#include "core.h"
#include "platform.h"

int bios_disks(struct blockdev **out, int max);

/*
 * Memory, as this body uses it: below 0x500 the IVT and BDA; 0x500-0x80000 this body, its
 * stacks, stage2/bios's bounce buffer and page tables (busy, free once the trampoline runs);
 * 0x80000 to the EBDA free; 16-80 MiB the heap (busy); the rest of RAM (E820) free.
 */
#define LOW_BUSY_END 0x80000ull
#define HEAP_LO	     0x1000000ull
#define HEAP_HI	     0x5000000ull

static uint64_t ram_top, ebda = 0x9f000;
static struct blockdev *disks[8];
static int n_disks;
static struct {
	uint64_t a, n;
} used[64];
static int n_used;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

void plat_serial_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			outb(0x3f8, '\r');
		outb(0x3f8, (uint8_t)*s);
	}
}

void plat_puts(const char *s)
{
	plat_serial_puts(s);
}

void con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	plat_serial_puts(buf);
}

void r16_plat_init(uint32_t drive)
{
	static uint8_t e[24] __attribute__((aligned(4), section(".data.low")));
	uint32_t next = 0;

	/* E820 for the top of RAM; INT 12h's EBDA. */
	do {
		struct bregs r = {.eax = 0xe820,
				  .edx = 0x534d4150,
				  .ecx = 24,
				  .ebx = next,
				  .edi = (uint32_t)(uintptr_t)e};
		bios_call(0x15, &r);
		if ((r.eflags & BIOS_CF) || r.eax != 0x534d4150)
			break;
		if (get32(e + 16) == 1 && get64(e) >= 0x100000)
			ram_top = MAX(ram_top, get64(e) + get64(e + 8));
		next = r.ebx;
	} while (next);
	struct bregs r = {0};
	bios_call(0x12, &r);
	ebda = (r.eax & 0xffff) * 1024ull;
	n_disks = bios_disks(disks, 8);
	/* stage2/bios/disk.c names drive 0x80 + n "hdn"; it will fill bios_drive itself. */
	for (int i = 0; i < n_disks; i++)
		disks[i]->bios_drive = (uint8_t)(0x80 + (disks[i]->name[2] - '0'));
}

int plat_disks(struct blockdev ***list)
{
	*list = disks;
	return n_disks;
}

int plat_connect_disks(void)
{
	return 0;
}

int plat_boot_volume(struct blockdev **dev, uint64_t *start_block)
{
	return err_set(E_NOENT, "r16run does not say which volume it came from");
}

static bool overlaps(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

/* Free now: RAM outside this body's low memory, the EBDA and ROMs, the heap, what is taken. */
static bool free_now(uint64_t a, uint64_t len)
{
	if (a < LOW_BUSY_END || a + len > ram_top || overlaps(a, len, ebda, 0x100000 - ebda) ||
	    overlaps(a, len, HEAP_LO, HEAP_HI - HEAP_LO))
		return false;
	for (int i = 0; i < n_used; i++)
		if (overlaps(a, len, used[i].a, used[i].n * 4096))
			return false;
	return true;
}

int plat_alloc_pages(uint64_t *addr, uint64_t pages, enum alloc_kind kind, uint64_t min,
		     uint64_t max, uint64_t align, bool top_down, bool code)
{
	uint64_t len = pages * 4096, a;

	if (n_used == (int)ARRAY_SIZE(used))
		return err_set(E_NOMEM, "r16run: too many allocations");
	if (kind == ALLOC_AT) {
		if (!free_now(*addr, len))
			return err_set(E_NOMEM, "0x%llx is busy", (unsigned long long)*addr);
		a = *addr;
	} else {
		align = MAX(align, 4096ull);
		max = MIN(max, ram_top);
		if (max < len || ALIGN_UP(min, align) > max - len)
			return err_set(E_NOMEM, "no room");
		uint64_t lo = ALIGN_UP(min, align), hi = (max - len) & ~(align - 1);
		for (a = top_down ? hi : lo; a >= lo && a <= hi;
		     a = top_down ? a - align : a + align)
			if (free_now(a, len))
				break;
		if (a < lo || a > hi)
			return err_set(E_NOMEM, "no room");
	}
	used[n_used].a = a, used[n_used++].n = pages;
	*addr = a;
	return 0;
}

void plat_free_pages(uint64_t addr, uint64_t pages)
{
	for (int i = 0; i < n_used; i++)
		if (used[i].a == addr) {
			used[i] = used[--n_used];
			return;
		}
}

bool plat_mem_reclaimable(uint64_t addr, uint64_t len, uint64_t *bad)
{
	if (addr < 0x500)
		return *bad = addr, false;
	if (overlaps(addr, len, ebda, 0x100000 - ebda))
		return *bad = MAX(addr, ebda), false;
	if (addr + len > ram_top)
		return *bad = ram_top, false;
	return true;
}

uint64_t plat_mem_total(void)
{
	return ram_top;
}

const char *plat_mem_owner(uint64_t addr)
{
	return addr < 0x500 ? "the IVT and BIOS data area" : addr < 0x100000 ? "the BIOS" : "RAM";
}

void plat_fill_bootenv(struct bootenv *env)
{
}

int plat_set_video(const struct lp_video *req)
{
	return 0;
}

int plat_exit_firmware(struct bootenv *env)
{
	return 0; /* the BIOS stays: the 16-bit entries call it */
}

int plat_firmware_map(struct bootenv *env)
{
	return 0;
}

void plat_bli_set(const char *name, const char *value)
{
}

uint64_t plat_time_us(void)
{
	return 0;
}

uint64_t plat_start_us(void)
{
	return 0;
}

bool plat_bios(void)
{
	return true;
}

bool plat_can_start_images(void)
{
	return false;
}

int plat_start_image(const void *image, uint64_t size, const char *options,
		     const struct plat_source *initrd, const char *banner, const struct volume *vol,
		     const char *path)
{
	return err_set(E_UNSUPP, "no EFI here");
}

void plat_reboot(void)
{
	outb(0xf4, 0x11);
}
