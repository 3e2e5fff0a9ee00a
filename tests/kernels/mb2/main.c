/* main.c: mb2 conformance kernels: capture the Multiboot 2 entry state, run the checks, exit QEMU.
 */
/*
 * Expectations come from the command line (tag 1), baton convention:
 *
 *   PATH TOKEN... sum=XXXXXXXX
 *
 * PATH             the kernel's path, must start with '/' (unless expect.path=0)
 * expect.path=0    the loader passes no path (GRUB 2 gives only the arguments): the first
 *                  word is then a token too, and sum= covers from after the first space
 *                  (so start the line with a dummy word, e.g. "mb2 expect.path=0 ...")
 * expect.mods=N    exactly N module tags
 * expect.name=S    the boot loader name begins with S
 * expect.fb=0|1|2  a framebuffer tag must be absent / present / present as EGA text (type 2,
 *                  a BIOS in text mode) (no token: either)
 * expect.fbmode=1  the framebuffer has the width and height our framebuffer tag asks for
 * expect.rsdp=0    the machine has no ACPI: requested tags 14/15 may be missing
 * expect.bootdev=0 no boot device tag (5) (not a BIOS disk); =XXXXXXXX (8 hex digits): tag 5
 *                  present with this drive and partition, as Multiboot 1's boot_device word
 *                  (drive in the top byte, then partition and sub-partition, 0xFF: none)
 * sum=XXXXXXXX     FNV-1a (fnv1a32, FNV1A_INIT) of the text after the first space up to
 *                  " sum="; `build/kernels/mkinitrd --sum TEXT` prints it. Always last.
 *
 * Tokens only count when sum= matches. Module strings are "PATH seed=N": each module is a
 * BTNI file (mkinitrd OUT N LEN) whose header seed must be N.
 */
#include "mb2.h"
#include "kmain.h"

#ifdef MB2_EFI
#define MB2_NAME "mb2-efi"
#else
#define MB2_NAME "mb2"
#endif

extern uint8_t mb2_ent[], mb2_seal[], mb2_image_start[], _bss_start[], _bss_end[];

static struct mb2_state st;

/* LAR/LSL read the descriptor the selector names (ZF: valid); the GDT copy gives its base. */
static void probe_selector(struct mb2_seg *s, uint16_t sel)
{
	struct k_dtr g;

	s->sel = sel;
	s->lar_ok = k_lar(sel, &s->ar);
	s->lsl_ok = k_lsl(sel, &s->limit);
	__asm__ volatile("sgdt %0" : "=m"(g));
	if (!(sel & 4) && (sel | 7u) <= g.limit && k_flat_mem(0, g.base + (sel & ~7u), 8)) {
		s->desc = ld64((const void *)(g.base + (sel & ~7u)));
		s->desc_ok = true;
	}
}

static void capture_common(void)
{
	uint16_t sel[6];

	st.eax = ld32(mb2_ent + ENT_EAX);
	st.info = ld64(mb2_ent + ENT_EBX);
	st.eflags = ld32(mb2_ent + ENT_EFLAGS);
	st.bss_bad = ld32(mb2_ent + ENT_BSSBAD);
	st.run = ld32(mb2_ent + ENT_RUN);
	st.seal_off = (uint64_t)(mb2_seal - mb2_image_start);
	st.bss_off = (uint64_t)(_bss_start - mb2_image_start);
	st.bss_size = (uint64_t)(_bss_end - _bss_start);
	st.mem = k_flat_mem;
	st.efi_getmemmap = st.efi_handleprot = EFI_NOT_CALLED;
	__asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%es, %2"
			 : "=r"(sel[0]), "=r"(sel[1]), "=r"(sel[2]));
	__asm__ volatile("mov %%fs, %0; mov %%gs, %1; mov %%ss, %2"
			 : "=r"(sel[3]), "=r"(sel[4]), "=r"(sel[5]));
	for (int i = 0; i < 6; i++)
		probe_selector(&st.seg[i], sel[i]);
	uintptr_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	st.cr0 = cr0;
}

#ifndef MB2_EFI
static volatile uint8_t a20_probe;

/* A20 (3.3): after writing our byte, its alias 1 MiB away must still read what it did. */
static void probe_a20(void)
{
	volatile uint8_t *a = &a20_probe, *b = (volatile uint8_t *)((uintptr_t)a ^ 0x100000);
	uint8_t sb = *b;

	*a = (uint8_t)~sb;
	st.a20_on = *b == sb;
	st.a20_addr = (uintptr_t)a;
}

void mb2_main(void)
{
	k_start(MB2_NAME);
	st.variant = MB2_I386;
	st.fb_width = MB2_FB_WIDTH, st.fb_height = MB2_FB_HEIGHT;
	capture_common();
	probe_a20();
	/* 3.3: GDTR may be invalid: our own GDT before any segment load, an IDT for faults. */
	k_own_gdt();
	k_set_idt(0x08);
#else
/* UEFI calls: the Microsoft x64 convention. */
typedef uint64_t(__attribute__((ms_abi)) * efi_getmemmap_fn)(uint64_t *size, void *map,
							     uint64_t *key, uint64_t *dsize,
							     uint32_t *dver);
typedef uint64_t(__attribute__((ms_abi)) * efi_handleprot_fn)(uint64_t handle, const void *guid,
							      void **iface);

/* EFI_LOADED_IMAGE_PROTOCOL_GUID 5b1b31a1-9562-11d2-8e3f-00a0c969723b */
static const uint8_t loaded_image_guid[16] = {0xa1, 0x31, 0x1b, 0x5b, 0x62, 0x95, 0xd2, 0x11,
					      0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b};
static uint8_t memmap[65536] __attribute__((aligned(16)));

/* Boot services really running (3.5): two calls through the table the info hands over. */
static void call_boot_services(void)
{
	const uint8_t *t = mb2_tag(&st, T_EFI64, NULL), *ih = mb2_tag(&st, T_EFI64_IH, NULL);
	const uint8_t *systab = t ? k_flat_mem(0, ld64(t + 8), 120) : NULL;
	if (!systab || ld64(systab) != EFI_SYSTAB_SIG)
		return;
	const uint8_t *bs = k_flat_mem(0, ld64(systab + 96), 160);
	if (!bs || ld64(bs) != EFI_BOOTSERV_SIG)
		return;
	uint64_t size = sizeof(memmap), key = 0, dsize = 0;
	uint32_t dver = 0;
	st.efi_getmemmap = ((efi_getmemmap_fn)ld64(bs + 56))(&size, memmap, &key, &dsize, &dver);
	st.efi_memmap_count = dsize ? size / dsize : 0;
	if (ih) {
		void *li = 0;
		st.efi_handleprot =
		    ((efi_handleprot_fn)ld64(bs + 152))(ld64(ih + 8), loaded_image_guid, &li);
	}
}

void mb2_main(void)
{
	uint32_t lo, hi;

	k_start(MB2_NAME);
	st.variant = MB2_EFI64;
	capture_common();
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u)); /* IA32_EFER */
	st.efer = lo | (uint64_t)hi << 32;
	call_boot_services();
#endif
	uint32_t sz;
	const uint8_t *cl = mb2_tag(&st, T_CMDLINE, &sz);
	rp_printf(&k_rep, "\nbaton %s conformance kernel at 0x%lx, info 0x%lx, EAX 0x%x\n",
		  MB2_NAME, (unsigned long)st.run, (unsigned long)st.info, st.eax);
	if (cl && c_memeq(cl + sz - 1, "", 1))
		rp_printf(&k_rep, "command line: %s\n", (const char *)cl + 8);
	mb2_run_checks(&st, &k_rep);
	k_finish();
}
