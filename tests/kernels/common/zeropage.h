/* zeropage.h: checks of boot_params (the zero page) that the linux32 and linux64 kernels share. */
#ifndef CONF_ZEROPAGE_H
#define CONF_ZEROPAGE_H

#include "report.h"
#include "bzimage.h"

/* How a kernel reads memory: what the loader handed over, page tables, the GDT. */
enum bz_access {
	BZ_PHYS,   /* data the loader handed over, by physical address (64-bit: identity-mapped) */
	BZ_TABLE,  /* a page-table page, by physical address */
	BZ_LINEAR, /* a linear address the CPU itself uses (the GDT) */
};
/* Returns where [addr, addr + len) can be read, or NULL when it cannot. */
typedef const void *(*bz_mem_fn)(void *ctx, uint64_t addr, uint64_t len, enum bz_access how);

struct zp_range {
	uint64_t lo, hi; /* [lo, hi) */
};

static inline bool zp_overlaps(struct zp_range a, struct zp_range b)
{
	return a.lo < b.hi && b.lo < a.hi;
}

#define ZP_MAX_INITRDS 16

/* A kernel as its checks see it (the kernel itself, or a selftest's synthetic machine). */
struct bz_image {
	const struct bz_kernel *k; /* what this kernel's header declares */
	uint64_t load;		   /* where the protected-mode part runs */
	uint64_t image_size;	   /* its size in the file */
	bz_mem_fn mem;
	void *ctx;
};

/* One run of the checks: set the first block, zp_open(), then the zp_check_*() in any order. */
struct zp {
	struct bz_image im;
	struct report *r;
	bool entry32; /* entered through the 32-bit entry (everything below 4 GiB) */

	/* Found by the checks. */
	const uint8_t *bp; /* the zero page */
	uint64_t bp_addr;
	struct zp_range kernel; /* [load, load + init_size) */
	uint64_t cmd_addr, cmd_len;
	const char *cmd; /* NULL when there is no usable command line */
	uint64_t rd_addr, rd_size;
	int expect_pref, expect_fb; /* -1: not on the command line */
	int expect_bios;	    /* 1: booted by BIOS (no EFI; VGA text or a VBE framebuffer) */
	long n_initrds;		    /* -1: not on the command line */
	uint32_t seeds[ZP_MAX_INITRDS];
	int n_seeds; /* -1: missing or malformed */
	const uint8_t *systab;
	uint64_t systab_addr;
	uint64_t mmap_addr, mmap_size, mmap_dsize;
};

/* mem(), NULL for a wrapping range. */
const void *zp_read(const struct zp *c, uint64_t addr, uint64_t len, enum bz_access how);
/* The 8-bit sum of n bytes (ACPI checksums). */
uint8_t zp_sum8(const uint8_t *p, uint64_t n);
/* A boot_params field of 1, 2, 4 or 8 bytes. */
uint64_t zp_field(const struct zp *c, unsigned off, int width);

/* "what": the register holds the zero page (4 KiB readable); false: nothing else can be checked. */
bool zp_open(struct zp *c, const char *what, const char *reg, uint64_t addr);
/* A flat 4 GiB DPL 0 descriptor in the GDT copy g (NULL: unreadable): code (32 or 64-bit) or data.
 */
void zp_check_desc(struct zp *c, const char *what, const uint8_t *g, uint64_t gdt_base,
		   unsigned gdt_limit, unsigned sel, int code_bits);
void zp_check_header(struct zp *c);
void zp_check_zeroed(struct zp *c);
void zp_check_cmdline(struct zp *c);
void zp_check_placement(struct zp *c);
void zp_check_initrd(struct zp *c);
void zp_check_below_4g(struct zp *c);
void zp_check_e820(struct zp *c);
void zp_check_efi(struct zp *c);
void zp_check_overlaps(struct zp *c);
void zp_check_acpi(struct zp *c);
void zp_check_screen(struct zp *c);

#endif
