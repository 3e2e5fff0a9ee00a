/* linux16.c: Linux's 16-bit boot protocol: the kernel's own real-mode setup code, entered by BIOS.
 */
#include "loadplan.h"
#include "linux_hdr.h"

/*
 * boot.rst "Memory Layout": a bzImage of protocol 2.02 or later takes its real-mode code at any
 * X from 0x10000 up, "as low as the design of the boot loader permits": baton uses the lowest,
 * 0x10000, with the whole 64 KiB segment ("Sample Boot Configuration": code 0x0000-0x7fff,
 * stack and heap 0x8000-0xdfff, command line 0xe000-0xffff). A zImage, and protocols 2.00 and
 * 2.01 (whose setup moves itself there anyway), need the 0x90000 segment, and then nothing
 * above 0x9a000: code to 0x7fff, heap to 0x97ff, command line 0x9800-0x9fff.
 */
#ifdef BATON_EFI
/*
 * The UEFI build: there is no BIOS to enter in real mode, so the plan is left out of
 * BOOTX64.EFI (its size budget) and the entry refused here, with the words exec.c would use.
 * The host tool and the BIOS build have the real one below.
 */
int linux16_plan(const struct lp_input *in, struct load_plan *p, const struct linux_hdr *h,
		 const char *why)
{
	return err_set(E_UNSUPP, "needs BIOS: Linux's 16-bit entry runs the kernel's real-mode "
				 "setup code, which calls the BIOS (use protocol linux, linux32 or "
				 "linux64 under UEFI)");
}
#else
#define LOW_BASE    0x10000
#define OLD_BASE    0x90000
#define RM_CODE_MAX 0x8000 /* "The real-mode code can total up to 32K" */
#define ZIMAGE_ADDR 0x10000

enum { SEG_SETUP, SEG_KERNEL, SEG_INITRD };

struct l16_priv {
	uint8_t rm[RM_CODE_MAX]; /* the boot sector and setup code, with the header filled */
	uint32_t rm_len;
	bool relocatable, has_initrd;
	uint64_t initrd_size;
};

/*
 * boot.rst "Special Command Line Options": vga=<mode> is an integer in C notation or "normal"
 * (0xFFFF), "ext" (0xFFFE), "ask" (0xFFFD), to be entered into vid_mode, since the setup code
 * uses it before the command line is parsed. Without it, 0xFFFF ("normal"). The last vga= wins,
 * as the kernel's own parser would have it.
 */
static int vga_mode(const char *cmd, uint16_t *mode)
{
	*mode = 0xffff;
	for (const char *t = cmd; *t;) {
		while (*t == ' ')
			t++;
		const char *end = t;
		while (*end && *end != ' ')
			end++;
		if (end - t > 4 && !memcmp(t, "vga=", 4)) {
			const char *v = t + 4;
			size_t n = (size_t)(end - v);
			uint64_t x = 0;
			unsigned base = 10;
			size_t i = 0;
			if (n == 6 && !memcmp(v, "normal", 6)) {
				*mode = 0xffff;
			} else if (n == 3 && !memcmp(v, "ext", 3)) {
				*mode = 0xfffe;
			} else if (n == 3 && !memcmp(v, "ask", 3)) {
				*mode = 0xfffd;
			} else {
				if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
					base = 16, i = 2;
				else if (n > 1 && v[0] == '0')
					base = 8, i = 1;
				for (; i < n && x <= 0xffff; i++) {
					char c = v[i];
					unsigned d =
					    c >= '0' && c <= '9'   ? (unsigned)(c - '0')
					    : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
					    : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
								   : 99;
					if (d >= base)
						break;
					x = x * base + d;
				}
				if (i < n || x > 0xffff)
					return err_set(E_INVAL,
						       "%.*s: not a video mode (a number up to "
						       "0xffff, normal, ext or ask)",
						       (int)(end - t), t);
				*mode = (uint16_t)x;
			}
		}
		t = end;
	}
	return 0;
}

/* Once everything is placed: the addresses only the executor knows go into the header. */
static void linux16_finish(struct load_plan *p, const struct bootenv *env)
{
	struct l16_priv *lp = p->priv;
	uint8_t *rm = p->seg[SEG_SETUP].ptr;

	/* boot.rst relocatable_kernel: "the boot loader must set the code32_start field to point
	 * to the loaded code"; the setup code jumps there in protected mode. */
	if (lp->relocatable)
		put32(rm + LX_CODE32_START, (uint32_t)p->seg[SEG_KERNEL].placed);
	/* boot.rst ramdisk_image, ramdisk_size (write, obligatory). */
	if (lp->has_initrd) {
		put32(rm + LX_RAMDISK_IMAGE, (uint32_t)p->seg[SEG_INITRD].placed);
		put32(rm + LX_RAMDISK_SIZE, (uint32_t)lp->initrd_size);
	}
}

int linux16_plan(const struct lp_input *in, struct load_plan *p, const struct linux_hdr *h,
		 const char *why)
{
	size_t cmdlen = strlen(in->cmdline);
	uint16_t vid;
	int r, s;

	r = vga_mode(in->cmdline, &vid);
	if (r)
		return r;
	/* boot.rst "The Real-Mode Kernel Header": the boot sector and setup, up to 32 KiB. */
	uint32_t rm_len = (h->setup_sects + 1) * 512;
	if (rm_len > RM_CODE_MAX)
		return err_set(E_FORMAT,
			       "%s: %u setup sectors: more real-mode code than the 32 KiB boot.rst "
			       "allows",
			       in->kernel.path, h->setup_sects);
	bool high = h->loadflags & LX_LOADED_HIGH; /* "is_bzImage" (Loading The Rest) */
	/* boot.rst "Sample Boot Configuration": heap_end, and where the segment sits. */
	bool low = h->version >= 0x0202 && high;
	uint32_t base = low ? LOW_BASE : OLD_BASE;
	uint32_t heap_end = low ? 0xe000 : 0x9800;
	uint32_t seg_size = low ? 0x10000 : 0xa000; /* 0x90000: nothing above 0x9a000 */
	if (cmdlen + 1 > seg_size - heap_end)
		return err_set(E_RANGE,
			       "command line is %zu bytes; the 16-bit entry has room for %u below "
			       "the real-mode segment's end",
			       cmdlen, seg_size - heap_end - 1);
	/* A zImage's protected-mode code runs at 0x10000, up to the real-mode code at 0x90000. */
	if (!high && h->kernel_len > OLD_BASE - ZIMAGE_ADDR)
		return err_set(E_FORMAT,
			       "%s: a zImage of %llu KiB does not fit below its real-mode code at "
			       "0x90000 (at most 512 KiB)",
			       in->kernel.path, (unsigned long long)(h->kernel_len >> 10));

	struct l16_priv *lp = mem_zalloc(sizeof(*lp));
	if (!lp)
		return err_set(E_NOMEM, "out of memory");
	p->priv = lp;
	r = lp_read(&in->kernel, 0, rm_len, lp->rm);
	if (r)
		return r;
	lp->rm_len = rm_len;
	uint8_t *rm = lp->rm;
	uint16_t v = h->version;

	/* boot.rst "Details of Header Fields" and the sample: what a loader writes, by protocol. */
	rm[LX_SETUP_SECTS] = (uint8_t)h->setup_sects; /* "if (setup_sects == 0) setup_sects = 4" */
	put16(rm + LX_VID_MODE, vid);		      /* vid_mode (obligatory) */
	rm[LX_TYPE_OF_LOADER] = 0xff;		      /* no assigned boot loader id */
	if (v >= 0x0201) {
		/* heap_end_ptr: "the offset (from the beginning of the real-mode code) of the end
		 * of the setup stack/heap, minus 0x0200"; CAN_USE_HEAP says it is valid. */
		put16(rm + LX_HEAP_END_PTR, (uint16_t)(heap_end - 0x200));
		rm[LX_LOADFLAGS] |= LX_CAN_USE_HEAP;
	}
	if (v >= 0x0202) {
		/* cmd_line_ptr: a linear address "between the end of the setup heap and 0xA0000".
		 */
		put32(rm + LX_CMD_LINE_PTR, base + heap_end);
	} else {
		/* "If the protocol version is *not* 2.02 or higher": the magic at 0x20, the offset
		 * at 0x22, and the line inside setup_move_size (2.00-2.01: the bytes the setup
		 * code takes along when it moves to 0x90000; it is there already). */
		put16(rm + LX_CL_MAGIC, 0xa33f);
		put16(rm + LX_CL_OFFSET, (uint16_t)heap_end);
		put16(rm + LX_SETUP_MOVE_SIZE, (uint16_t)(heap_end + cmdlen + 1));
	}

	/* The real-mode segment: code, then zeros (heap, stack), then the command line. */
	s = lp_add_seg(p, "setup");
	p->seg[s] = (struct lp_segment){
	    .name = "setup", .place = LP_FIXED, .addr = base, .flags = LP_EXEC, .memsz = seg_size};
	p->seg[s].piece[p->seg[s].n_pieces++] =
	    (struct lp_piece){.file = -1, .mem = lp->rm, .len = rm_len};
	p->seg[s].piece[p->seg[s].n_pieces++] = (struct lp_piece){
	    .file = -1, .mem = in->cmdline, .len = cmdlen + 1, .dst_off = heap_end};

	/* boot.rst "Loading The Rest of The Kernel": from (setup_sects + 1) * 512 in the file, at
	 * 0x100000 for a bzImage, 0x10000 for a zImage; a relocatable kernel anywhere aligned to
	 * kernel_alignment (pref_address first), with code32_start pointing at it (finish). Its
	 * setup code then jumps there itself, in 32-bit protected mode, with everything below 4
	 * GiB. */
	s = lp_add_seg(p, "kernel");
	struct lp_segment *k = &p->seg[s];
	k->flags = LP_EXEC | LP_NOZERO;
	k->memsz = ALIGN_UP((uint64_t)h->init_size, 4096);
	k->piece[k->n_pieces++] =
	    (struct lp_piece){.file = 0, .off = h->kernel_off, .len = h->kernel_len};
	lp->relocatable = h->relocatable && high;
	if (!high) {
		k->place = LP_FIXED;
		k->addr = ZIMAGE_ADDR;
		k->memsz = h->kernel_len;
	} else if (lp->relocatable) {
		k->place = LP_ANYWHERE;
		k->addr = h->pref_address;
		k->align = h->kernel_alignment;
		k->min = 0x100000;
		k->max = 0x100000000ull;
	} else {
		k->place = LP_FIXED;
		k->addr = h->pref_address; /* 0x100000 before protocol 2.10 */
	}

	if (in->n_mods) {
		s = linux_add_initrds(p, in, h->initrd_addr_max);
		if (s < 0)
			return s;
		lp->has_initrd = true;
		lp->initrd_size = p->seg[s].memsz;
	}

	/*
	 * boot.rst "Running the Kernel": at segment offset 0x20 from the real-mode code (CS =
	 * base / 16 + 0x20, IP = 0), DS = ES = SS = the real-mode code's segment and, to guard
	 * against kernel bugs, FS = GS = the same; SP at the top of the heap (the sample's
	 * heap_end); interrupts disabled.
	 */
	p->format = "linux";
	p->entry_kind = why ? why : "16-bit entry (boot.rst \"Running the Kernel\")";
	p->bootinfo_kind = "the setup header in the real-mode code (the kernel's setup builds "
			   "boot_params itself, from the BIOS)";
	p->finish = linux16_finish;
	p->mode = LP_MODE_REAL16;
	p->r16 = (struct lp_real16){.base_seg = SEG_SETUP, .cs = 0x20, .sp = (uint16_t)heap_end};
	p->entry_seg = SEG_SETUP;
	p->entry_off = 0x200;
	return 0;
}
#endif
