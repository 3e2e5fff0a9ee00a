/* selftest.c: host test of the PVH checks: good synthetic boots pass, broken ones fail; pvh.elf's
 * headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pvh.h"
#include "selftest.h"

#ifndef PVH_IMAGE
#define PVH_IMAGE "build/kernels/pvh.elf"
#endif

/* Fake physical memory and where the synthetic loader put things. */
#define MEM_SIZE 0x1000000ull
#define SI	 0x1000ull
#define MODLIST	 0x1100ull
#define CMD	 0x1200ull
#define MCMD0	 0x1300ull
#define MCMD1	 0x1340ull
#define MAP	 0x1400ull
#define RSDP	 0xe0000ull
#define ENTRY	 0x200008ull
#define K_END	 0x208000ull
#define F_END	 0x204000ull
#define MOD0	 0x400000ull
#define MOD1	 0x403000ull

struct machine {
	struct st_ram ram;
	struct pvh_state st;
};

static uint8_t *at(struct machine *mc, uint64_t a)
{
	return mc->ram.m + a;
}

static void set_cmdline(struct machine *mc, const char *tokens)
{
	snprintf((char *)at(mc, CMD), 0x100, "%s sum=%08x", tokens,
		 fnv1a32(FNV1A_INIT, tokens, strlen(tokens)));
}

static void put_mod(struct machine *mc, int i, uint64_t pa, uint64_t size, uint64_t cmd)
{
	uint8_t *m = at(mc, MODLIST + 32 * i);

	st64(m, pa);
	st64(m + 8, size);
	st64(m + 16, cmd);
	st64(m + 24, 0);
}

static void put_map(struct machine *mc, int i, uint64_t a, uint64_t size, uint32_t type)
{
	uint8_t *e = at(mc, MAP + 24 * i);

	st64(e, a);
	st64(e + 8, size);
	st32(e + 16, type);
	st32(e + 20, 0);
}

static void put_rsdp(struct machine *mc)
{
	uint8_t *r = at(mc, RSDP);

	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BATON ", 6);
	r[15] = 2;
	st32(r + 20, 36);
	r[8] = (uint8_t)-ck_sum8(r, 20);
	r[32] = (uint8_t)-ck_sum8(r, 36);
}

/* A machine as a correct PVH loader leaves it. */
static void build(struct machine *mc)
{
	uint8_t *si = at(mc, SI);

	memset(mc->ram.m, 0, MEM_SIZE);
	mc->st = (struct pvh_state){
	    .ebx = SI,
	    .eflags = 0x2,
	    .cr0 = 0x11,
	    .eip = ENTRY,
	    .eip_want = ENTRY,
	    .sel = {0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x18, 0},
	    .desc = {0x00cf9a000000ffffull, 0x00cf92000000ffffull, 0x00cf92000000ffffull,
		     0x00cf92000000ffffull, 0x00cf92000000ffffull, 0x00cf92000000ffffull,
		     0x00008b0000000067ull, 0},
	    .desc_ok = {true, true, true, true, true, true, true, false},
	    .kernel = {0x200000, K_END},
	    .file_end = F_END,
	    .mem = st_ram_read,
	    .ctx = &mc->ram,
	};
	memcpy(at(mc, 0x200000), PVH_MARK_HEAD, 8);
	memcpy(at(mc, F_END - 8), PVH_MARK_TAIL, 8);
	st32(si, 0x336ec578);
	st32(si + 4, 1);
	st32(si + 12, 2);
	st64(si + 16, MODLIST);
	st64(si + 24, CMD);
	st64(si + 32, RSDP);
	st64(si + 40, MAP);
	st32(si + 48, 4);
	set_cmdline(mc, "expect.mods=2 expect.memmap=1 expect.rsdp=1 expect.modcmd=1");
	put_btni(at(mc, MOD0), 11, 10001);
	put_btni(at(mc, MOD1), 22, 3001);
	put_mod(mc, 0, MOD0, 10001, MCMD0);
	put_mod(mc, 1, MOD1, 3001, MCMD1);
	strcpy((char *)at(mc, MCMD0), "/boot/a.bin seed=11");
	strcpy((char *)at(mc, MCMD1), "seed=22");
	put_map(mc, 0, 0, 0x9fc00, 1);
	put_map(mc, 1, 0x9fc00, 0x60400, 2);
	put_map(mc, 2, 0x100000, 0xe00000, 1);
	put_map(mc, 3, 0xf00000, 0x100000, 2);
	put_rsdp(mc);
}

MUT(good)
{
}
MUT(good_version0)
{
	st32(at(mc, SI + 4), 0);
	set_cmdline(mc, "expect.mods=2 expect.rsdp=1");
}
MUT(good_no_mods)
{
	st32(at(mc, SI + 12), 0);
	st64(at(mc, SI + 16), 0);
	set_cmdline(mc, "expect.mods=0 expect.memmap=1");
}
MUT(good_no_modcmd)
{
	put_mod(mc, 0, MOD0, 10001, 0);
	put_mod(mc, 1, MOD1, 3001, 0);
	set_cmdline(mc, "expect.mods=2 expect.memmap=1 expect.rsdp=1");
}
MUT(good_tr_null)
{
	mc->st.sel[SEL_TR] = 0;
	mc->st.desc_ok[SEL_TR] = false;
}
MUT(good_no_rsdp)
{
	st64(at(mc, SI + 32), 0);
	set_cmdline(mc, "expect.mods=2 expect.memmap=1");
}
MUT(wrong_entry)
{
	mc->st.eip = ENTRY + 0x10;
}
MUT(cr0_pg)
{
	mc->st.cr0 |= 0x80000000u;
}
MUT(cr0_wp)
{
	mc->st.cr0 |= 0x10000u;
}
MUT(cr4_pae)
{
	mc->st.cr4 = 0x20;
}
MUT(cs_16bit)
{
	mc->st.desc[SEL_CS] = 0x008f9a000000ffffull;
}
MUT(cs_based)
{
	mc->st.desc[SEL_CS] = 0x00cf9a010000ffffull;
}
MUT(cs_not_readable)
{
	mc->st.desc[SEL_CS] = 0x00cf98000000ffffull;
}
MUT(ds_readonly)
{
	mc->st.desc[SEL_DS] = 0x00cf90000000ffffull;
}
MUT(ds_null)
{
	mc->st.desc_ok[SEL_DS] = false;
}
MUT(es_expand_down)
{
	mc->st.desc[SEL_ES] = 0x00cf96000000ffffull;
}
MUT(es_small_limit)
{
	mc->st.desc[SEL_ES] = 0x004f92000000ffffull;
}
MUT(tr_limit)
{
	mc->st.desc[SEL_TR] = 0x00008b000000ffffull;
}
MUT(tr_not_busy)
{
	mc->st.desc[SEL_TR] = 0x0000890000000067ull;
}
MUT(if_set)
{
	mc->st.eflags |= 0x200;
}
MUT(tf_set)
{
	mc->st.eflags |= 0x100;
}
MUT(vm_set)
{
	mc->st.eflags |= 0x20000;
}
MUT(head_missing)
{
	memset(at(mc, 0x200000), 0, 8);
}
MUT(tail_missing)
{
	memset(at(mc, F_END - 8), 0, 8);
}
MUT(bss_dirty)
{
	mc->st.bss_bad = 0x204010;
}
MUT(ebx_zero)
{
	mc->st.ebx = 0;
}
MUT(bad_magic)
{
	at(mc, SI)[0] ^= 1;
}
MUT(cmdline_changed)
{
	at(mc, CMD)[2] ^= 0x20;
}
MUT(cmdline_missing)
{
	st64(at(mc, SI + 24), 0);
}
MUT(version0_memmap_expected)
{
	st32(at(mc, SI + 4), 0);
}
MUT(flags_undefined)
{
	st32(at(mc, SI + 8), 0x10000);
}
MUT(si_reserved)
{
	st32(at(mc, SI + 52), 1);
}
MUT(nmods_wrong)
{
	st32(at(mc, SI + 12), 1);
}
MUT(modlist_zero)
{
	st64(at(mc, SI + 16), 0);
}
MUT(mod_reserved)
{
	st64(at(mc, MODLIST + 24), 5);
}
MUT(mod_byte_flipped)
{
	at(mc, MOD1 + 2000)[0] ^= 1;
}
MUT(mod_size_short)
{
	put_mod(mc, 0, MOD0, 10000, MCMD0);
}
MUT(mod_seed_mismatch)
{
	strcpy((char *)at(mc, MCMD1), "/b seed=23");
}
MUT(mod_no_seed)
{
	strcpy((char *)at(mc, MCMD1), "/b");
}
MUT(mod_cmd_missing)
{
	put_mod(mc, 1, MOD1, 3001, 0);
}
MUT(mod_overlap)
{
	put_btni(at(mc, MOD0 + 0x2000), 22, 3001);
	put_mod(mc, 1, MOD0 + 0x2000, 3001, MCMD1);
}
MUT(mod_in_kernel)
{
	put_btni(at(mc, 0x206000), 22, 3001);
	put_mod(mc, 1, 0x206000, 3001, MCMD1);
}
MUT(mod_over_start_info)
{
	memcpy(at(mc, MOD1 + 3001 - 8), at(mc, SI), 56);
	mc->st.ebx = MOD1 + 3001 - 8;
}
MUT(memmap_unsorted)
{
	put_map(mc, 0, 0x100000, 0xe00000, 1);
	put_map(mc, 2, 0, 0x9fc00, 1);
}
MUT(memmap_overlap)
{
	put_map(mc, 3, 0xe00000, 0x200000, 2);
}
MUT(memmap_bad_type)
{
	put_map(mc, 3, 0xf00000, 0x100000, 9);
}
MUT(memmap_reserved)
{
	st32(at(mc, MAP + 24 + 20), 1);
}
MUT(memmap_empty)
{
	st32(at(mc, SI + 48), 0);
}
MUT(kernel_not_ram)
{
	put_map(mc, 2, 0x100000, 0x100000, 1);
	put_map(mc, 3, 0x200000, 0xe00000, 2);
}
MUT(module_not_ram)
{
	put_map(mc, 2, 0x100000, 0x300000, 1);
	put_map(mc, 3, 0x400000, 0xc00000, 2);
}
MUT(rsdp_bad_sum)
{
	at(mc, RSDP + 10)[0] ^= 1;
}
MUT(rsdp_bad_ext_sum)
{
	at(mc, RSDP + 33)[0] ^= 1;
}
MUT(rsdp_missing)
{
	st64(at(mc, SI + 32), 0);
}

static const struct tcase cases[] = {
    GOOD(good),
    GOOD(good_version0),
    GOOD(good_no_mods),
    GOOD(good_no_modcmd),
    GOOD(good_tr_null),
    GOOD(good_no_rsdp),
    BAD(wrong_entry, "XEN_ELFNOTE_PHYS32_ENTRY"),
    BAD(cr0_pg, "CR0"),
    BAD(cr0_wp, "CR0"),
    BAD(cr4_pae, "CR4"),
    BAD(cs_16bit, "CS:"),
    BAD(cs_based, "CS:"),
    BAD(cs_not_readable, "CS:"),
    BAD(ds_readonly, "DS:"),
    BAD(ds_null, "DS:"),
    BAD(es_expand_down, "ES:"),
    BAD(es_small_limit, "ES:"),
    BAD(tr_limit, "TR:"),
    BAD(tr_not_busy, "TR:"),
    BAD(if_set, "EFLAGS.IF"),
    BAD(tf_set, "EFLAGS.TF"),
    BAD(vm_set, "EFLAGS.VM"),
    BAD(head_missing, "kernel loaded at p_paddr"),
    BAD(tail_missing, "kernel loaded at p_paddr"),
    BAD(bss_dirty, "bss"),
    BAD(ebx_zero, "EBX"),
    BAD(bad_magic, "magic"),
    BAD(cmdline_changed, "sum= matches"),
    BAD(cmdline_missing, "cmdline_paddr"),
    BAD(version0_memmap_expected, "version >= 1"),
    BAD(flags_undefined, "flags"),
    BAD(si_reserved, "reserved field"),
    BAD(nmods_wrong, "nr_modules as expect.mods"),
    BAD(modlist_zero, "modlist_paddr"),
    BAD(mod_reserved, "module entries"),
    BAD(mod_byte_flipped, "every byte"),
    BAD(mod_size_short, "every byte"),
    BAD(mod_seed_mismatch, "module command lines"),
    BAD(mod_no_seed, "module command lines"),
    BAD(mod_cmd_missing, "module command lines"),
    BAD(mod_overlap, "do not overlap"),
    BAD(mod_in_kernel, "do not overlap"),
    BAD(mod_over_start_info, "do not overlap"),
    BAD(memmap_unsorted, "sorted"),
    BAD(memmap_overlap, "sorted"),
    BAD(memmap_bad_type, "known type"),
    BAD(memmap_reserved, "known type"),
    BAD(memmap_empty, "memmap_entries non-zero"),
    BAD(kernel_not_ram, "the kernel's"),
    BAD(module_not_ram, "every module is RAM"),
    BAD(rsdp_bad_sum, "valid RSDP"),
    BAD(rsdp_bad_ext_sum, "valid RSDP"),
    BAD(rsdp_missing, "rsdp_paddr set"),
};

/* pvh.elf: ELF64 EM_X86_64, a PT_LOAD at PVH_PHYS, a PT_NOTE "Xen" type 18 inside it. */
static const char *image_problem(const char *path)
{
	static uint8_t f[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(f, 1, sizeof(f), fp) : 0;
	uint64_t lo = 0, hi = 0, note = 0;

	if (fp)
		fclose(fp);
	if (n < 64 || memcmp(f, "\177ELF", 4) || f[4] != 2 || ld16(f + 18) != 62)
		return "not an ELF64 EM_X86_64 file";
	uint64_t phoff = ld64(f + 32);
	unsigned phnum = ld16(f + 56), phent = ld16(f + 54);
	if (phoff + (uint64_t)phnum * phent > n)
		return "program headers outside the file";
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *p = f + phoff + i * phent;
		uint64_t off = ld64(p + 8), pa = ld64(p + 24), fsz = ld64(p + 32);
		if (ld32(p) == 1 && pa == PVH_PHYS)
			lo = pa, hi = pa + ld64(p + 40);
		if (ld32(p) == 4 && off + 20 <= n && ld32(f + off) == 4 && ld32(f + off + 4) == 4 &&
		    ld32(f + off + 8) == XEN_ELFNOTE_PHYS32_ENTRY &&
		    !memcmp(f + off + 12, "Xen", 4) && fsz >= 20)
			note = ld32(f + off + 16);
	}
	if (!hi)
		return "no PT_LOAD at PVH_PHYS";
	if (!note || note < lo || note >= hi)
		return "no Xen PHYS32_ENTRY note inside the PT_LOAD";
	if (ld64(f + 24) == note)
		return "e_entry equals the note's entry (the wrong-entry trap is not tested)";
	if (has_multiboot_magic(f, n))
		return "a Multiboot magic in the first 32 KiB";
	return NULL;
}

int main(int argc, char **argv)
{
	struct st_tally t = {.verbose = argc > 1 && !strcmp(argv[1], "-v")};
	const char *path = argc > 1 && !t.verbose ? argv[1] : PVH_IMAGE;

	st_image(&t, path, image_problem(path));
	struct machine mc = {.ram = {malloc(MEM_SIZE), MEM_SIZE}};
	if (!mc.ram.m)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct capture k = {0};
		struct report r = {.putc = cap_putc, .ctx = &k};
		build(&mc);
		c->mut(&mc);
		pvh_run_checks(&mc.st, &r);
		st_case(&t, c->name, 26, c->want, 25, &k, &r);
	}
	free(mc.ram.m);
	return st_summary(&t, "pvh-selftest");
}
