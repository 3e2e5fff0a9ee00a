/* selftest.c: host test of the linux16 checks on the real image: good boots pass, broken ones fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checks.h"
#include "proto.h"
#include "selftest.h"

#ifndef L16_IMAGE
#define L16_IMAGE "build/kernels/linux16.bzImage"
#endif

#define RAM	  (32u << 20)
#define BASE	  0x10000u
#define KERNEL	  0x200000u
#define INITRD	  0x1000000u
#define RD1_LEN	  1001u
#define RD2_LEN	  3001u
#define ALIGN4(x) (((x) + 3u) & ~3u)

/* A synthetic PC with 32 MiB, and the entry state a loader left. */
struct machine {
	uint8_t *ram;
	struct l16_state st;
};
static struct machine m;
static uint8_t *image;
static long image_len;
static unsigned setup_len;

static int peek(void *ctx, uint32_t lin, void *buf, uint32_t len)
{
	struct machine *mc = ctx;

	if (lin > RAM || len > RAM - lin)
		return -1;
	memcpy(buf, mc->ram + lin, len);
	return 0;
}

static uint32_t fnv(const char *s)
{
	return fnv1a32(FNV1A_INIT, s, strlen(s));
}

/* The command line with its sum=, at lin. */
static void put_cmdline(uint32_t lin, const char *tokens)
{
	char *p = (char *)m.ram + lin;

	sprintf(p, "%s sum=%08x", tokens, fnv(tokens));
}

/*
 * What boot.rst's sample loader does with the image: the real-mode code at base, the header
 * fields written, the command line above the heap, the protected-mode part at code32_start and
 * the initrds (BTNI files of seeds 11 and 22, 4-byte aligned) at INITRD.
 */
static void load(uint32_t base, uint16_t heap_end, uint32_t cmd, uint32_t kernel, uint8_t loader,
		 const char *tokens)
{
	memset(m.ram, 0, RAM);
	uint8_t *rm = m.ram + base;
	memcpy(rm, image, setup_len);
	rm[H_TYPE_OF_LOADER] = loader;
	rm[H_LOADFLAGS] |= CAN_USE_HEAP;
	st16(rm + H_HEAP_END_PTR, (uint16_t)(heap_end - 0x200));
	st32(rm + H_CMD_LINE_PTR, cmd);
	put_cmdline(cmd, tokens);
	st32(rm + H_CODE32_START, kernel);
	memcpy(m.ram + kernel, image + setup_len, L16_PM_LEN);
	put_btni(m.ram + INITRD, 11, RD1_LEN);
	put_btni(m.ram + INITRD + ALIGN4(RD1_LEN), 22, RD2_LEN);
	st32(rm + H_RAMDISK_IMAGE, INITRD);
	st32(rm + H_RAMDISK_SIZE, ALIGN4(RD1_LEN) + RD2_LEN);
	st16(m.ram + 0x413, 639);
	uint16_t seg = (uint16_t)(base >> 4);
	m.st = (struct l16_state){.cs = seg + 0x20,
				  .ip = 0,
				  .flags = 0x46,
				  .ds = seg,
				  .es = seg,
				  .fs = seg,
				  .gs = seg,
				  .ss = seg,
				  .sp = heap_end,
				  .base_seg = seg,
				  .setup_sects = image[H_SETUP_SECTS],
				  .msw = 0x10,
				  .idt_limit = 0x3ff,
				  .a20 = true,
				  .int12 = 639,
				  .n_map = 2,
				  .peek = peek,
				  .ctx = &m};
	m.st.map[0] = (struct l16_e820){0, 0x9fc00, 1};
	m.st.map[1] = (struct l16_e820){0x100000, RAM - 0x100000, 1};
}

#define TOKENS "baton.test=linux16 initrds=2 initrd.seeds=11,22"

#undef MUT
#define MUT(name) static void name(struct machine *mc)
/* As baton plans it: 0x10000, the sample's heap_end 0xe000 and command line there. */
MUT(baton)
{
	load(BASE, 0xe000, BASE + 0xe000, KERNEL, 0xff, TOKENS " expect.sp=0xe000");
}
/* As QEMU's -kernel does it (its option ROM: SP 0xfff0, the line at 0x20000, type 0xB0). */
MUT(qemu)
{
	load(BASE, 0, 0x20000, 0x100000, 0xb0, TOKENS " expect.loader=0xb0");
	st16(mc->ram + BASE + H_HEAP_END_PTR, 0xfe00);
	mc->st.sp = 0xfff0;
}
MUT(vga_asked)
{
	load(BASE, 0xe000, BASE + 0xe000, KERNEL, 0xff, TOKENS " vga=ask expect.vga=0xfffd");
	st16(mc->ram + BASE + H_VID_MODE, 0xfffd);
}
MUT(protected_mode)
{
	baton(mc);
	mc->st.msw |= 1;
}
MUT(idt_not_ivt)
{
	baton(mc);
	mc->st.idt_limit = 0x7ff;
}
MUT(if_set)
{
	baton(mc);
	mc->st.flags |= 0x200;
}
MUT(cs_is_base)
{
	baton(mc);
	mc->st.cs = 0x1000, mc->st.ip = 0x200;
}
MUT(ip_not_0)
{
	baton(mc);
	mc->st.ip = 2;
}
MUT(ss_other)
{
	baton(mc);
	mc->st.ss = 0x9000;
}
MUT(gs_other)
{
	baton(mc);
	mc->st.gs = 0;
}
MUT(a20_off)
{
	baton(mc);
	mc->st.a20 = false;
}
MUT(int12_wrong)
{
	baton(mc);
	mc->st.int12 = 600;
}
MUT(no_e820)
{
	baton(mc);
	mc->st.n_map = -1;
}
MUT(below_64k)
{
	load(0x8000, 0xe000, 0x8000 + 0xe000, KERNEL, 0xff, TOKENS);
}
MUT(setup_cut)
{
	baton(mc);
	memset(mc->ram + BASE + setup_len - 512, 0, 512);
}
MUT(version_changed)
{
	baton(mc);
	st16(mc->ram + BASE + H_VERSION, 0x0202);
}
MUT(loader_zero)
{
	baton(mc);
	mc->ram[BASE + H_TYPE_OF_LOADER] = 0;
}
MUT(no_can_use_heap)
{
	baton(mc);
	mc->ram[BASE + H_LOADFLAGS] &= ~CAN_USE_HEAP;
}
MUT(quiet_flag)
{
	baton(mc);
	mc->ram[BASE + H_LOADFLAGS] |= 0x20;
}
MUT(heap_in_code)
{
	baton(mc);
	st16(mc->ram + BASE + H_HEAP_END_PTR, 0x100);
}
MUT(sp_outside)
{
	baton(mc);
	mc->st.sp = 0xf000;
}
MUT(sp_not_heap_end)
{
	baton(mc);
	mc->st.sp = 0xdff0;
}
MUT(cmdline_in_heap)
{
	load(BASE, 0xe000, BASE + 0xd000, KERNEL, 0xff, TOKENS);
}
MUT(cmdline_no_nul)
{
	baton(mc);
	memset(mc->ram + BASE + 0xe000, 'x', 0x1000);
}
MUT(cmdline_sum)
{
	baton(mc);
	mc->ram[BASE + 0xe000 + 3] ^= 1;
}
MUT(vid_mode_wrong)
{
	baton(mc);
	st16(mc->ram + BASE + H_VID_MODE, 0x317);
}
MUT(code32_unaligned)
{
	load(BASE, 0xe000, BASE + 0xe000, KERNEL + 0x1000, 0xff, TOKENS);
}
MUT(code32_stale)
{
	baton(mc);
	st32(mc->ram + BASE + H_CODE32_START, 0x100000); /* relocated, but not said so */
}
MUT(pm_byte)
{
	baton(mc);
	mc->ram[KERNEL + L16_PM_LEN - 1] ^= 1;
}
MUT(kernel_not_ram)
{
	baton(mc);
	mc->st.map[1].len = KERNEL + 0x1000 - 0x100000;
}
MUT(no_initrd)
{
	baton(mc);
	st32(mc->ram + BASE + H_RAMDISK_IMAGE, 0);
	st32(mc->ram + BASE + H_RAMDISK_SIZE, 0);
}
MUT(initrd_above_max)
{
	baton(mc);
	st32(mc->ram + BASE + H_RAMDISK_IMAGE, 0x7ffffc00); /* + 4008 bytes: past it */
}
MUT(initrd_unaligned)
{
	baton(mc);
	memmove(mc->ram + INITRD + 4, mc->ram + INITRD, 8192);
	st32(mc->ram + BASE + H_RAMDISK_IMAGE, INITRD + 4);
}
MUT(initrd_byte)
{
	baton(mc);
	mc->ram[INITRD + 2000] ^= 1;
}
MUT(initrd_order)
{
	baton(mc);
	put_btni(mc->ram + INITRD, 22, RD1_LEN);
}
MUT(initrd_short)
{
	baton(mc);
	st32(mc->ram + BASE + H_RAMDISK_SIZE, ALIGN4(RD1_LEN) + RD2_LEN - 1);
}
MUT(overlap)
{
	baton(mc);
	memcpy(mc->ram + KERNEL + 0x100000, mc->ram + INITRD, 8192);
	st32(mc->ram + BASE + H_RAMDISK_IMAGE, KERNEL + 0x100000);
}

static const struct tcase cases[] = {
    GOOD(baton),
    GOOD(qemu),
    GOOD(vga_asked),
    BAD(protected_mode, "real mode"),
    BAD(idt_not_ivt, "IDTR"),
    BAD(if_set, "interrupts disabled"),
    BAD(cs_is_base, "CS is the real-mode code's segment + 0x20"),
    BAD(ip_not_0, "IP is 0"),
    BAD(ss_other, "DS, ES and SS"),
    BAD(gs_other, "FS and GS"),
    BAD(a20_off, "A20"),
    BAD(int12_wrong, "INT 12h"),
    BAD(no_e820, "E820h gives a map"),
    BAD(below_64k, "at or above 0x10000"),
    BAD(setup_cut, "loaded whole"),
    BAD(version_changed, "only reads are as built"),
    BAD(loader_zero, "type_of_loader"),
    BAD(no_can_use_heap, "CAN_USE_HEAP set"),
    BAD(quiet_flag, "no other bit set"),
    BAD(heap_in_code, "heap_end_ptr"),
    BAD(sp_outside, "SP inside the setup heap"),
    BAD(sp_not_heap_end, "SP is expect.sp"),
    BAD(cmdline_in_heap, "cmd_line_ptr set, between"),
    BAD(cmdline_no_nul, "NUL within"),
    BAD(cmdline_sum, "bytes as sent"),
    BAD(vid_mode_wrong, "vid_mode"),
    BAD(code32_unaligned, "code32_start: 0x100000, or"),
    BAD(code32_stale, "protected-mode part at code32_start"),
    BAD(pm_byte, "protected-mode part at code32_start"),
    BAD(kernel_not_ram, "init_size) is RAM"),
    BAD(no_initrd, "present as initrds=N says"),
    BAD(initrd_above_max, "initrd_addr_max"),
    BAD(initrd_unaligned, "page-aligned"),
    BAD(initrd_byte, "every byte"),
    BAD(initrd_order, "every byte"),
    BAD(initrd_short, "every byte"),
    BAD(overlap, "do not overlap"),
};

int main(int argc, char **argv)
{
	struct st_tally t = {.verbose = argc > 1 && !strcmp(argv[1], "-v")};
	FILE *f = fopen(L16_IMAGE, "rb");

	if (!f || fseek(f, 0, SEEK_END) || (image_len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(image = malloc(image_len)) || fread(image, 1, image_len, f) != (size_t)image_len) {
		fprintf(stderr, "linux16-selftest: cannot read %s\n", L16_IMAGE);
		return 1;
	}
	fclose(f);
	setup_len = (image[H_SETUP_SECTS] + 1u) * 512;
	st_image(&t, L16_IMAGE,
		 image_len != (long)(setup_len + L16_PM_LEN)  ? "not the setup code and the part"
		 : ld32(image + H_SYSSIZE) * 16 != L16_PM_LEN ? "syssize is not the part's size"
							      : NULL);
	m.ram = malloc(RAM);
	if (!m.ram)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture k = {0};
		struct report r = {.putc = cap_putc, .ctx = &k};
		cases[i].mut(&m);
		l16_run_checks(&m.st, &r);
		st_case(&t, cases[i].name, 20, cases[i].want, 30, &k, &r);
	}
	return st_summary(&t, "linux16-selftest");
}
