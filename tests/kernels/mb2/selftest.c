/* selftest.c: the mb2 checks on the host: a synthetic good boot passes, and each broken one FAILs
 * as it should. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mb2.h"
#include "selftest.h"

#define MEMSZ	  (64u << 20) /* the synthetic machine's memory */
#define INFO	  0x800000
#define SHSTR	  0x880000 /* where the .shstrtab copy goes (ELF sections tag) */
#define SYSTAB	  0x900000
#define BOOTSERV  0x901000
#define MOD1	  0x3000000
#define MOD2	  0x3010000
#define ALIGN8(x) (((x) + 7) & ~(uint64_t)7)

struct image {
	uint8_t *file;
	size_t size;
	uint64_t off, filesz, memsz, seal_off, shoff;
	unsigned shnum, shentsize, shstrndx;
	bool is64;
};

/* One synthetic boot: memory, the captured state, where its tags are (for the mutations). */
struct world {
	struct mb2_state st;
	const struct image *img;
	uint64_t ip;		 /* info write pointer */
	uint8_t *tag[T_MAX + 1]; /* first tag of each type */
	uint8_t *mod[2], *end;
};

static uint8_t *M;
static struct image I32, I64;
static char out[1 << 16];
static size_t out_len;

static const void *hmem(void *ctx, uint64_t a, uint64_t n)
{
	if (a < 0x1000 || a > MEMSZ || n > MEMSZ - a)
		return NULL;
	return M + a;
}

static void cap(void *ctx, char c)
{
	if (out_len + 1 < sizeof(out))
		out[out_len++] = c, out[out_len] = 0;
}

static void load_image(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (im->size = (size_t)ftell(f)) < 64) {
		fprintf(stderr, "mb2-selftest: cannot read %s\n", path);
		exit(1);
	}
	im->file = malloc(im->size);
	rewind(f);
	if (fread(im->file, 1, im->size, f) != im->size)
		exit(1);
	fclose(f);
	const uint8_t *b = im->file;
	im->is64 = b[4] == 2;
	uint64_t phoff = im->is64 ? ld64(b + 32) : ld32(b + 28);
	unsigned phes = ld16(b + (im->is64 ? 54 : 42)), phnum = ld16(b + (im->is64 ? 56 : 44));
	im->shoff = im->is64 ? ld64(b + 40) : ld32(b + 32);
	im->shentsize = ld16(b + (im->is64 ? 58 : 46));
	im->shnum = ld16(b + (im->is64 ? 60 : 48));
	im->shstrndx = ld16(b + (im->is64 ? 62 : 50));
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * phes;
		if (ld32(ph) != 1)
			continue;
		im->off = im->is64 ? ld64(ph + 8) : ld32(ph + 4);
		im->filesz = im->is64 ? ld64(ph + 32) : ld32(ph + 16);
		im->memsz = im->is64 ? ld64(ph + 40) : ld32(ph + 20);
	}
	for (uint64_t i = 0; i + 8 <= im->filesz; i += 8)
		if (!memcmp(b + im->off + i, MB2_SEAL_MAGIC, 8))
			im->seal_off = i;
}

static uint8_t *tag(struct world *w, uint32_t type, uint32_t size)
{
	uint8_t *t = M + w->ip;

	st32(t, type);
	st32(t + 4, size);
	if (type <= T_MAX && !w->tag[type])
		w->tag[type] = t;
	w->ip += ALIGN8(size);
	return t;
}

static void str_tag(struct world *w, uint32_t type, const char *s)
{
	uint8_t *t = tag(w, type, 8 + (uint32_t)strlen(s) + 1);
	memcpy(t + 8, s, strlen(s) + 1);
}

static void module(struct world *w, int i, uint64_t at, uint32_t seed, uint32_t len)
{
	char s[64];

	put_btni(M + at, seed, len);
	snprintf(s, sizeof(s), "/k/i%d.bin seed=%u", i + 1, seed);
	uint8_t *t = tag(w, T_MODULE, 16 + (uint32_t)strlen(s) + 1);
	st32(t + 8, (uint32_t)at);
	st32(t + 12, (uint32_t)(at + len));
	memcpy(t + 16, s, strlen(s) + 1);
	w->mod[i] = t;
}

static uint8_t csum(const uint8_t *p, int n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

/* A good boot of im at run (the info, modules and machine state a conforming loader gives). */
static void build(struct world *w, const struct image *im, uint64_t run)
{
	bool efi = im->is64;
	char text[256], line[300];

	memset(M, 0, MEMSZ);
	memset(w, 0, sizeof(*w));
	w->img = im;
	memcpy(M + run, im->file + im->off, im->filesz);
	struct mb2_state *st = &w->st;
	st->variant = efi ? MB2_EFI64 : MB2_I386;
	st->eax = MB2_BOOT_MAGIC;
	st->info = INFO;
	st->eflags = 0x2;
	st->run = run;
	st->seal_off = im->seal_off;
	st->mem = hmem;
	st->a20_on = true;
	st->a20_addr = run + 0x1000;
	if (efi) {
		st->cr0 = 0x80000011, st->efer = 0x500;
		st->seg[0] = (struct mb2_seg){0x38, true, true, 0xa09b00, 0xffffffff, false, 0};
		st->efi_getmemmap = st->efi_handleprot = 0;
	} else {
		st->cr0 = 0x11;
		st->fb_width = MB2_FB_WIDTH, st->fb_height = MB2_FB_HEIGHT;
		for (int i = 0; i < 6; i++)
			st->seg[i] =
			    (struct mb2_seg){i ? 0x18 : 0x10,
					     true,
					     true,
					     i ? 0xcf9300u : 0xcf9b00u,
					     0xffffffff,
					     true,
					     i ? 0x00cf93000000ffffull : 0x00cf9b000000ffffull};
	}
	w->ip = INFO + 8;
	snprintf(text, sizeof(text), "expect.mods=2 expect.name=baton expect.fb=%d%s", efi ? 0 : 1,
		 efi ? " expect.bootdev=0" : " expect.fbmode=1 expect.bootdev=8001ffff");
	snprintf(line, sizeof(line), "/k/mb2.elf %s sum=%08x", text,
		 fnv1a32(FNV1A_INIT, text, strlen(text)));
	str_tag(w, T_CMDLINE, line);
	str_tag(w, T_NAME, "baton 0.1");
	module(w, 0, MOD1, 11, 20000);
	module(w, 1, MOD2, 12, 5000);
	uint8_t *t = tag(w, T_MEMINFO, 16);
	st32(t + 8, 639);
	st32(t + 12, (MEMSZ >> 10) - 1024);
	t = tag(w, T_MMAP, 16 + 2 * 24);
	st32(t + 8, 24);
	st64(t + 16, 0), st64(t + 24, 0x9fc00), st32(t + 32, 1);
	st64(t + 40, 0x100000), st64(t + 48, MEMSZ - 0x100000), st32(t + 56, 1);
	/* ELF sections: the file's headers, .shstrtab copied to SHSTR. */
	t = tag(w, T_ELF, 20 + im->shnum * im->shentsize);
	st32(t + 8, im->shnum), st32(t + 12, im->shentsize), st32(t + 16, im->shstrndx);
	memcpy(t + 20, im->file + im->shoff, im->shnum * im->shentsize);
	uint8_t *sh = t + 20 + im->shstrndx * im->shentsize;
	uint64_t soff = efi ? ld64(sh + 24) : ld32(sh + 16),
		 ssz = efi ? ld64(sh + 32) : ld32(sh + 20);
	memcpy(M + SHSTR, im->file + soff, ssz);
	if (efi)
		st64(sh + 16, SHSTR);
	else
		st32(sh + 12, SHSTR);
	t = tag(w, T_RSDP_OLD, 8 + 20);
	memcpy(t + 8, "RSD PTR ", 8);
	memcpy(t + 8 + 9, "BOCHS ", 6);
	t[8 + 8] = csum(t + 8, 20);
	t = tag(w, T_RSDP_NEW, 8 + 36);
	memcpy(t + 8, "RSD PTR ", 8);
	memcpy(t + 8 + 9, "BOCHS ", 6);
	t[8 + 15] = 2;
	st32(t + 8 + 20, 36);
	t[8 + 8] = csum(t + 8, 20);
	t[8 + 32] = csum(t + 8, 36);
	if (efi) {
		t = tag(w, T_EFI64, 16);
		st64(t + 8, SYSTAB);
		st64(M + SYSTAB, EFI_SYSTAB_SIG);
		st64(M + SYSTAB + 96, BOOTSERV);
		st64(M + BOOTSERV, EFI_BOOTSERV_SIG);
		tag(w, T_EFI_BS, 8);
		t = tag(w, T_EFI64_IH, 16);
		st64(t + 8, 0x7e5a1018);
		t = tag(w, T_EFI_MMAP, 16 + 48);
		st32(t + 8, 48), st32(t + 12, 1);
	} else {
		t = tag(w, T_FB, 8 + 24 + 6);
		st64(t + 8, 0xfd000000), st32(t + 16, MB2_FB_WIDTH * 4);
		st32(t + 20, MB2_FB_WIDTH), st32(t + 24, MB2_FB_HEIGHT);
		t[28] = 32, t[29] = 1;
		t = tag(w, T_LOAD_BASE, 12);
		st32(t + 8, (uint32_t)run);
		t = tag(w, T_BOOTDEV, 20); /* BIOS disk 0x80, its second partition */
		st32(t + 8, 0x80), st32(t + 12, 1), st32(t + 16, 0xffffffff);
	}
	w->end = tag(w, T_END, 8);
	st32(M + INFO, (uint32_t)(w->ip - INFO));
}

static unsigned run_checks(struct world *w)
{
	struct report r = {.putc = cap};

	out_len = 0, out[0] = 0;
	mb2_run_checks(&w->st, &r);
	return r.failed;
}

/* Breaks one promise of a good boot; returns the start of the check that must FAIL. */
static const char *mutate(struct world *w, int k)
{
	struct mb2_state *st = &w->st;
	uint64_t run = st->run;

	switch (k) {
	case 0: st->eax = 0x2BADB002; return "EAX holds the magic";
	case 1: st->info += 4; return "EBX: 32-bit physical address";
	case 2: st32(M + INFO + 4, 1); return "info: total_size";
	case 3: st32(w->end, 99); return "tags: 8-aligned";
	case 4: st32(w->tag[T_MEMINFO] + 4, 12); return "tags: 8-aligned";
	case 5: st->seg[0].ar &= ~(1u << 22); return "CS:";
	case 6: st->seg[1].limit = 0xfffff; return "DS:";
	case 7: st->seg[5].desc |= 0x10000ull << 16; return "SS:";
	case 8: st->seg[3].lar_ok = false; return "FS:";
	case 9: st->a20_on = false; return "A20";
	case 10: st->cr0 |= 1u << 31; return "CR0";
	case 11: st->eflags |= 1u << 9; return "EFLAGS.IF";
	case 12: st->eflags |= 1u << 17; return "EFLAGS.VM";
	case 13: {
		uint8_t *t = w->tag[T_CMDLINE];
		memset(t + 8, 'x', ld32(t + 4) - 8);
		return "command line NUL-terminated";
	}
	case 14: w->tag[T_CMDLINE][8 + 14] ^= 1; return "command line intact";
	case 15: w->tag[T_CMDLINE][8] = 'k'; return "command line starts with the kernel's path";
	case 16: st32(w->tag[T_NAME], 99); return "requested tag 2";
	case 17: st32(w->tag[T_LOAD_BASE], 99); return "requested tag 21";
	case 18:
		st32(w->tag[T_RSDP_OLD], 99), st32(w->tag[T_RSDP_NEW], 99);
		return "requested ACPI RSDP";
	case 19: memcpy(w->tag[T_NAME] + 8, "GRUB", 4); return "boot loader name begins";
	case 20: st32(w->mod[1], 99); return "module count";
	case 21:
		memmove(M + MOD2 + 8, M + MOD2, 5000);
		st32(w->mod[1] + 8, MOD2 + 8), st32(w->mod[1] + 12, MOD2 + 8 + 5000);
		return "modules page-aligned";
	case 22: M[MOD2 + 4000] ^= 0x40; return "modules loaded intact";
	case 23: w->mod[0][8 + 8 + 15] = '3'; return "modules loaded intact";
	case 24: st32(w->mod[1] + 8, (uint32_t)run); return "modules overlap nothing";
	case 25: st32(w->mod[1] + 8, MOD1 + 4096); return "modules overlap nothing";
	case 26: st32(w->tag[T_MMAP] + 8, 20); return "memory map: entry_size";
	case 27: st32(w->tag[T_MMAP] + 16 + 20, 1); return "memory map entries";
	case 28: st32(w->tag[T_MEMINFO] + 8, 1024); return "basic meminfo";
	case 29: st32(w->tag[T_ELF] + 8, ld32(w->tag[T_ELF] + 8) - 1); return "ELF sections: num";
	case 30: memset(M + SHSTR, 0, 64); return "ELF sections: string table";
	case 31: w->tag[T_RSDP_OLD][8 + 9] ^= 1; return "old RSDP copy";
	case 32: w->tag[T_RSDP_NEW][8 + 33] ^= 1; return "new RSDP copy";
	case 33: st32(w->tag[T_FB] + 16, 100); return "framebuffer info fields sane";
	case 34: st32(w->tag[T_FB], 99); return "framebuffer tag as expect.fb";
	case 35: M[run + 0x200] ^= 1; return "kernel image loaded intact";
	case 36: st->bss_bad = 5; return "kernel bss zero";
	case 37:
		st32(w->tag[T_LOAD_BASE] + 8, (uint32_t)run + 0x200000);
		return "load base address tag is where";
	case 38: build(w, w->img, MB2_LINK + 0x100000); return "image placed within";
	case 39:
		memcpy(M + run + 0x2000, M + INFO, 4096);
		st->info = run + 0x2000;
		return "boot information does not overlap";
	case 40:
		st32(w->tag[T_FB] + 20, 1024), st32(w->tag[T_FB] + 16, 4096);
		return "framebuffer is the width and height our framebuffer tag asks for";
	case 41:
		st32(w->tag[T_FB] + 24, MB2_FB_HEIGHT + 1);
		return "framebuffer is the width and height our framebuffer tag asks for";
	case 42:
		st32(w->tag[T_FB], 99);
		return "framebuffer is the width and height our framebuffer tag asks for";
	case 43:
		st->fb_width = st->fb_height = 0;
		return "framebuffer is the width and height our framebuffer tag asks for";
	case 44: st32(w->tag[T_BOOTDEV] + 12, 0); return "BIOS boot device tag";
	case 45: st32(w->tag[T_BOOTDEV], 99); return "BIOS boot device tag";
	}
	return NULL;
}

static const char *mutate_efi(struct world *w, int k)
{
	struct mb2_state *st = &w->st;

	switch (k) {
	case 0: st->efer &= ~0x400ull; return "64-bit mode";
	case 1: M[SYSTAB] ^= 1; return "EFI system table pointer";
	case 2: M[BOOTSERV + 7] ^= 1; return "EFI boot services table";
	case 3: st->efi_getmemmap = 0x8000000000000005ull; return "boot services still work";
	case 4: st->efi_handleprot = EFI_NOT_CALLED; return "image handle is ours";
	case 5: st32(w->tag[T_EFI_BS], 99); return "requested tag 18";
	case 6: st64(w->tag[T_EFI64_IH] + 8, 0); return "EFI image handle not NULL";
	case 7: st32(w->tag[T_EFI_MMAP] + 12, 2); return "EFI memory map";
	case 8: memset(M + SHSTR, 0, 64); return "ELF sections: string table";
	case 9: st->eax = 0; return "EAX holds the magic";
	case 10: M[st->run + 0x300] ^= 1; return "kernel image loaded intact";
	case 11: {
		/* a boot device tag where there is no BIOS disk: the end tag becomes tag 5 */
		uint8_t *t = w->end;
		st32(t, T_BOOTDEV), st32(t + 4, 20), st32(t + 8, 0x80);
		st32(t + 12, 0), st32(t + 16, 0xffffffff);
		st32(t + 24, T_END), st32(t + 28, 8);
		st32(M + INFO, ld32(M + INFO) + 24);
		return "no BIOS boot device tag";
	}
	}
	return NULL;
}

/* The expected check must be among the FAIL lines. */
static bool failed_as_expected(const char *what)
{
	for (const char *p = out; (p = strstr(p, "FAIL: ")); p++)
		if (!strncmp(p + 6, what, strlen(what)))
			return true;
	return false;
}

int main(void)
{
	static struct world w;
	unsigned pass = 0, fail = 0;

	M = calloc(1, MEMSZ);
	load_image(MB2_IMAGE, &I32);
	load_image(MB2_EFI_IMAGE, &I64);
	for (int efi = 0; efi < 2; efi++) {
		const struct image *im = efi ? &I64 : &I32;
		uint64_t run = efi ? MB2_EFI_LINK : MB2_LINK + MB2_RELOC_ALIGN; /* relocated */
		const char *name = efi ? "mb2-efi" : "mb2";

		build(&w, im, run);
		unsigned f = run_checks(&w);
		if (f) {
			printf("FAIL %s: good boot gives %u failures:\n%s", name, f, out);
			fail++;
		} else {
			printf("PASS %s: good boot passes every check\n", name);
			pass++;
		}
		for (int k = 0;; k++) {
			build(&w, im, run);
			const char *what = efi ? mutate_efi(&w, k) : mutate(&w, k);
			if (!what)
				break;
			run_checks(&w);
			if (failed_as_expected(what)) {
				pass++;
			} else {
				printf("FAIL %s: broken boot %d does not FAIL \"%s\":\n%s", name, k,
				       what, out);
				fail++;
			}
		}
		printf("%s: every broken boot checked\n", name);
	}
	printf("mb2-selftest: %u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
