/* zpfake.h: bzImage selftest harness: a synthetic machine, zero-page cases, the runner. */
#ifndef CONF_ZPFAKE_H
#define CONF_ZPFAKE_H

#include <stddef.h>
#include "zeropage.h"

/* Fake physical memory: where the synthetic loader puts things. */
#define FK_ZP	       0x7000ull
#define FK_CMD	       0x8000ull
#define FK_GDT	       0x9000ull
#define FK_SYSTAB      0xa000ull
#define FK_CFGTAB      0xa100ull
#define FK_MMAP	       0xb000ull
#define FK_RSDP	       0xe0000ull
#define FK_TABLES      0x100000ull /* free for a kernel's page tables up to FK_INITRD */
#define FK_INITRD      0xc00000ull /* below every kernel's pref_address */
#define FK_MEM_SIZE    0x4000000ull
#define FK_N_DESC      10
#define FK_DESC_KERNEL 6 /* the EFI memory map's descriptor of [load, load + init_size) */

struct fake {
	uint8_t *m; /* FK_MEM_SIZE bytes of "physical memory" */
	const uint8_t *image;
	size_t image_len;
	const struct bz_kernel *k;
	uint64_t load;	     /* where the protected-mode part sits */
	uint64_t image_size; /* its size in the file */
};

uint8_t *fk_at(struct fake *f, uint64_t a);
/* A bz_mem_fn over the fake memory (ctx: the struct fake). */
const void *fk_mem(void *ctx, uint64_t addr, uint64_t len, enum bz_access how);
/* The command line: tokens, then " sum=" and their FNV-1a, as the QEMU tests write it. */
void fk_cmdline(struct fake *f, const char *tokens);
/* Loads the protected-mode part at load, as a relocating loader would (code32_start, EFI map). */
void fk_move_kernel(struct fake *f, uint64_t load);

/* One case: a mutation of the good machine; want NULL: no FAIL at all, else a FAIL line with it. */
struct fk_case {
	const char *name;
	void (*mut)(struct fake *);
	const char *want;
};
#define FK_GOOD(f)                                                                                 \
	{                                                                                          \
#f, f, NULL                                                                        \
	}
#define FK_BAD(f, w)                                                                               \
	{                                                                                          \
#f, f, w                                                                           \
	}

/* A kernel image and what the runner does around the shared machine. */
struct fk_suite {
	const char *name;  /* for messages */
	const char *image; /* the bzImage file */
	const struct bz_kernel *k;
	void (*setup)(struct fake *f); /* the kernel's CPU state, GDT code descriptor, tables */
	struct bz_image *im;	       /* in the kernel's state: fk_run fills it before run() */
	void (*run)(struct report *r); /* the kernel's checks */
	const struct fk_case *cases;   /* the kernel's own cases, run after the shared ones */
	size_t n_cases;
	unsigned min_passes; /* a good boot passes at least this many checks */
};

/* A suite from the selftest's own setup(), st (its kernel state), run() and cases[]. */
#define FK_SUITE(name_, image_, k_)                                                                \
	{                                                                                          \
		.name = name_, .image = image_, .k = k_, .setup = setup, .im = &st.im, .run = run, \
		.cases = cases, .n_cases = sizeof(cases) / sizeof(cases[0]), .min_passes = 40      \
	}

/* Runs the shared cases and each suite's own ones ("-v": every report), then prints
 * "NAME: N passed, M failed"; the exit status. */
int fk_main(int argc, char **argv, const char *name, const struct fk_suite *suites, int n);

#endif
