/* linux.c: Linux bzImage handler: the EFI stub, or boot.rst's 64-, 32- or 16-bit entry. */
#include "loadplan.h"
#include "linux_hdr.h"
#include "pe.h"

enum { SEG_KERNEL, SEG_PARAMS, SEG_CMDLINE, SEG_INITRD };

struct linux_priv {
	uint8_t params[BP_SIZE]; /* the zero page as planned; finish() completes the placed copy */
	bool has_initrd;
	uint64_t initrd_size;
	int setup_seg; /* room for a SETUP_E820_EXT node, or -1 */
};

static bool linux_detect(const struct lp_file *k)
{
	return k->head_len >= LX_HEADER + 4 && get16(k->head + LX_BOOT_FLAG) == 0xaa55 &&
	       !memcmp(k->head + LX_HEADER, "HdrS", 4);
}

static void put_e820_entries(uint8_t *e, const struct mem_range *m, int n)
{
	for (int i = 0; i < n; i++, e += 20) { /* struct boot_e820_entry: addr, size, type */
		put64(e, m[i].base);
		put64(e + 8, m[i].len);
		put32(e + 16, m[i].type);
	}
}

/*
 * The map (sorted and merged already) into the zero page's 128-entry e820_table; the rest into
 * a SETUP_E820_EXT node linked at the head of the setup_data chain (zero-page.rst, boot.rst
 * "setup_data"), which the kernel appends to the table.
 */
static void put_e820(uint8_t *bp, const struct bootenv *env, struct lp_segment *ext)
{
	int n = MIN(env->n_map, BP_E820_MAX);
	int more = ext ? MIN(env->n_map - n, E820_EXT_MAX) : 0;

	put_e820_entries(bp + BP_E820_TABLE, env->map, n);
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	if (more <= 0)
		return;
	uint8_t *sd = ext->ptr;
	put64(sd, get64(bp + LX_SETUP_DATA)); /* next: whatever chain was there */
	put32(sd + 8, SETUP_E820_EXT);
	put32(sd + 12, (uint32_t)more * 20);
	put_e820_entries(sd + SETUP_HDR_SIZE, env->map + n, more);
	put64(bp + LX_SETUP_DATA, ext->placed);
}

/* zero-page.rst / include/uapi/linux/screen_info.h: describe a GOP framebuffer as VIDEO_TYPE_EFI.
 */
/* include/uapi/linux/screen_info.h; VIDEO_TYPE_EFI for a GOP framebuffer, VIDEO_TYPE_VLFB for
 * a VBE one (BIOS, as Linux's own real-mode setup code reports it: lfb_size in 64 KiB units). */
static void put_screen_info(uint8_t *bp, const struct framebuffer *fb, bool vbe)
{
	uint8_t *si = bp + BP_SCREEN_INFO;

	si[0x0f] = vbe ? 0x23 : 0x70; /* orig_video_isVGA */
	put16(si + 0x12, (uint16_t)fb->width);
	put16(si + 0x14, (uint16_t)fb->height);
	put16(si + 0x16, fb->bpp);
	put32(si + 0x18, (uint32_t)fb->base);
	/* lfb_size is in bytes for VIDEO_TYPE_EFI (64 KiB units only for VLFB), as the EFI stub
	 * sets it. */
	put32(si + 0x1c, vbe ? (uint32_t)((fb->size + 0xffff) >> 16) : (uint32_t)fb->size);
	put16(si + 0x32, 1); /* pages */
	put16(si + 0x24, (uint16_t)fb->pitch);
	si[0x26] = fb->red_size, si[0x27] = fb->red_pos;
	si[0x28] = fb->green_size, si[0x29] = fb->green_pos;
	si[0x2a] = fb->blue_size, si[0x2b] = fb->blue_pos;
	si[0x2c] = fb->rsvd_size, si[0x2d] = fb->rsvd_pos;
	if (fb->base >> 32) {
		put32(si + 0x3a, (uint32_t)(fb->base >> 32)); /* ext_lfb_base */
		put32(si + 0x36, 2); /* capabilities: VIDEO_CAPABILITY_64BIT_BASE */
	}
}

static void linux_finish(struct load_plan *p, const struct bootenv *env)
{
	struct linux_priv *lp = p->priv;
	uint8_t *bp = p->seg[SEG_PARAMS].ptr;
	uint64_t cmd = p->seg[SEG_CMDLINE].placed;

	memcpy(bp, lp->params, BP_SIZE);
	/*
	 * boot.rst relocatable_kernel: "After loading, the boot loader must set the code32_start
	 * field to point to the loaded code" (code32_start "defaults to the load address"). It is
	 * the 32-bit entry's address: a kernel placed above 4 GiB (64-bit entry) has none to give.
	 */
	uint64_t kernel = p->seg[SEG_KERNEL].placed;
	if (!(kernel >> 32))
		put32(bp + LX_CODE32_START, (uint32_t)kernel);
	/* boot.rst: cmd_line_ptr, with the high half in ext_cmd_line_ptr (zero-page.rst 0x0c8). */
	put32(bp + LX_CMD_LINE_PTR, (uint32_t)cmd);
	put32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(cmd >> 32));
	if (lp->has_initrd) {
		uint64_t rd = p->seg[SEG_INITRD].placed;
		put32(bp + LX_RAMDISK_IMAGE, (uint32_t)rd);
		put32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(rd >> 32));
		put32(bp + LX_RAMDISK_SIZE, (uint32_t)lp->initrd_size);
		put32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(lp->initrd_size >> 32));
	}
	put_e820(bp, env, lp->setup_seg >= 0 ? &p->seg[lp->setup_seg] : NULL);
	if (env->efi_systab) {
		/* zero-page.rst efi_info: "EL64" tells a 64-bit kernel the map is from 64-bit
		 * firmware. */
		uint8_t *ei = bp + BP_EFI_INFO;
		memcpy(ei, "EL64", 4);
		put32(ei + 4, (uint32_t)env->efi_systab);
		put32(ei + 8, (uint32_t)env->efi_desc_size);
		put32(ei + 12, env->efi_desc_version);
		put32(ei + 16, (uint32_t)env->efi_mmap);
		put32(ei + 20, (uint32_t)env->efi_mmap_size);
		put32(ei + 24, (uint32_t)(env->efi_systab >> 32));
		put32(ei + 28, (uint32_t)(env->efi_mmap >> 32));
	}
	/* acpi_rsdp_addr is a protocol 2.14 field. */
	if (get16(bp + LX_VERSION) >= 0x020e && env->acpi_rsdp)
		put64(bp + BP_ACPI_RSDP, env->acpi_rsdp);
	if (env->have_fb) {
		put_screen_info(bp, &env->fb, !env->efi_systab);
	} else if (env->text_mode) {
		/* 80x25 colour text, what the kernel's setup code would have found: vgacon takes
		 * it over where baton left the cursor. */
		uint8_t *si = bp + BP_SCREEN_INFO;
		si[0x00] = env->text_x, si[0x01] = env->text_y; /* orig_x, orig_y */
		si[0x06] = 3;					/* orig_video_mode */
		si[0x07] = 80;					/* orig_video_cols */
		put16(si + 0x0a, 0x0003); /* orig_video_ega_bx: colour, 256 KiB (INT 10h AH=12h) */
		si[0x0e] = 25;		  /* orig_video_lines */
		si[0x0f] = 0x22;	  /* orig_video_isVGA = VIDEO_TYPE_VGAC */
		put16(si + 0x10, 16);	  /* orig_video_points */
	}
}

/*
 * Under UEFI, protocol linux (or none) starts the kernel's own EFI stub, as systemd-boot does and
 * as boot.rst recommends over the deprecated EFI handover protocol: the stub then does what only
 * code running before ExitBootServices can (EFI RNG seed, TPM event log, memory attributes), and
 * decompresses the kernel straight into place. Stub version 1.0 (the PE header's
 * MajorImageVersion, Linux include/linux/pe.h) is the first that loads its initrd through the
 * LINUX_EFI_INITRD_MEDIA_GUID device path; older stubs, and protocol linux64, get the 64-bit
 * entry of the boot protocol.
 */
static bool linux_use_stub(const struct lp_input *in)
{
	struct pe_info pe;

	if (!in->efi || (in->protocol && strcmp(in->protocol, "linux")))
		return false;
	return !pe_parse(in->kernel.head, in->kernel.head_len, in->kernel.size, &pe) &&
	       pe_is_efi_app(&pe) && (pe.image_version >> 16) >= 1;
}

static int linux_plan(const struct lp_input *in, struct load_plan *p)
{
	struct linux_hdr h;
	struct linux_priv *lp;
	size_t cmdlen = strlen(in->cmdline);
	int r, s;

	r = linux_parse(in->kernel.head, in->kernel.head_len, in->kernel.size, &h);
	if (r)
		return r;
	/* boot.rst "cmdline_size": the maximum length without the terminating zero. */
	if (cmdlen > h.cmdline_size)
		return err_set(E_RANGE, "command line is %zu bytes; this kernel accepts at most %u",
			       cmdlen, h.cmdline_size);
	if (linux_use_stub(in)) {
		p->format = "linux";
		p->entry_kind = "EFI stub";
		return efi_image_plan(in, p);
	}
	if (in->protocol && !strcmp(in->protocol, "linux16"))
		return linux16_plan(in, p, &h, NULL);
	/*
	 * Kernels with no usable 32-bit entry: a zImage (LOADED_HIGH clear: its protected-mode
	 * code runs at 0x10000, moved there by its setup), a protocol before 2.02 (its setup
	 * relocates itself to 0x90000 and its 32-bit code reads what setup left there), or a
	 * code32_start of 0. On BIOS they get the 16-bit entry, their own setup code.
	 */
	bool no32 = h.version < 0x0202 || !h.code32_start || !(h.loadflags & LX_LOADED_HIGH);
	if (no32 && in->bios && (!in->protocol || !strcmp(in->protocol, "linux")))
		return linux16_plan(
		    in, p, &h,
		    !(h.loadflags & LX_LOADED_HIGH)
			? "16-bit entry (boot.rst \"Running the Kernel\"): a zImage "
			  "has no 32-bit entry"
		    : h.version < 0x0202
			? "16-bit entry (boot.rst \"Running the Kernel\"): protocol "
			  "before 2.02, no usable 32-bit entry"
			: "16-bit entry (boot.rst \"Running the Kernel\"): "
			  "code32_start is 0, no 32-bit entry");
	/* boot.rst: a zImage (LOADED_HIGH clear) runs at 0x10000 from real mode. */
	if (!(h.loadflags & LX_LOADED_HIGH))
		return err_set(E_UNSUPP,
			       "a zImage kernel (loaded low, protocol %u.%02u) only boots through "
			       "its 16-bit entry: protocol linux16, under BIOS",
			       h.version >> 8, h.version & 0xff);
	/* The 32-bit entry when asked for, or when the kernel has no other (XLF_KERNEL_64 clear:
	 * an i386 kernel, or any before protocol 2.12). */
	bool entry32 =
	    (in->protocol && !strcmp(in->protocol, "linux32")) || !(h.xloadflags & XLF_KERNEL_64);
	/* Asked for by name, the 64-bit entry must exist (boot.rst xloadflags XLF_KERNEL_64). */
	if (entry32 && in->protocol && !strcmp(in->protocol, "linux64"))
		return err_set(E_UNSUPP,
			       "protocol linux64: this kernel has no 64-bit entry (XLF_KERNEL_64 "
			       "clear, protocol %u.%02u); use protocol linux32 or none",
			       h.version >> 8, h.version & 0xff);

	lp = mem_zalloc(sizeof(*lp));
	if (!lp)
		return err_set(E_NOMEM, "out of memory");
	p->priv = lp;
	p->format = "linux";
	p->entry_kind = entry32 ? "32-bit entry (boot.rst \"32-bit BOOT PROTOCOL\")"
				: "64-bit entry (boot.rst \"64-bit BOOT PROTOCOL\")";
	p->bootinfo_kind = "boot_params (zero page)";
	p->finish = linux_finish;
	/* XLF_CAN_BE_LOADED_ABOVE_4G: kernel, boot_params, cmdline and ramdisk may live above 4
	 * GiB. */
	uint64_t top =
	    (h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) && !entry32 ? UINT64_MAX : 0x100000000ull;

	/* The protected-mode kernel: the rest of the file, with init_size room from its start. */
	s = lp_add_seg(p, "kernel");
	struct lp_segment *k = &p->seg[s];
	k->flags = LP_EXEC | LP_NOZERO;
	k->memsz = ALIGN_UP((uint64_t)h.init_size, 4096);
	k->piece[k->n_pieces++] =
	    (struct lp_piece){.file = 0, .off = h.kernel_off, .len = h.kernel_len};
	if (h.relocatable) {
		/* Relocatable: anywhere aligned to kernel_alignment, pref_address first
		 * (boot.rst 2.10+). */
		k->place = LP_ANYWHERE;
		k->addr = h.pref_address;
		k->align = h.kernel_alignment;
		k->min = 0x100000;
		k->max = top;
	} else {
		k->place = LP_FIXED;
		k->addr = h.pref_address;
	}

	/* The zero page: the setup header copied from 0x1f1 to its end (boot.rst 64-bit protocol).
	 */
	s = lp_add_seg(p, "boot_params");
	memcpy(lp->params + LX_SETUP_SECTS, in->kernel.head + LX_SETUP_SECTS,
	       h.hdr_end - LX_SETUP_SECTS);
	lp->params[LX_TYPE_OF_LOADER] = 0xff;	 /* boot.rst: 0xFF, no assigned boot loader id */
	put16(lp->params + LX_VID_MODE, 0xffff); /* "normal" video mode */
	p->seg[s] = (struct lp_segment){.name = "boot_params",
					.place = LP_ANYWHERE,
					.min = 0x1000,
					.max = top,
					.align = 4096,
					.memsz = BP_SIZE};
	p->seg[s].piece[p->seg[s].n_pieces++] =
	    (struct lp_piece){.file = -1, .mem = lp->params, .len = BP_SIZE};

	s = lp_add_seg(p, "cmdline");
	p->seg[s] = (struct lp_segment){.name = "cmdline",
					.place = LP_ANYWHERE,
					.min = 0x1000,
					.max = top,
					.align = 4096,
					.memsz = cmdlen + 1};
	p->seg[s].piece[p->seg[s].n_pieces++] =
	    (struct lp_piece){.file = -1, .mem = in->cmdline, .len = cmdlen + 1};

	if (in->n_mods) {
		s = linux_add_initrds(p, in, h.initrd_addr_max);
		if (s < 0)
			return s;
		lp->has_initrd = true;
		lp->initrd_size = p->seg[s].memsz;
	}
	/* Room for the memory map beyond 128 entries (setup_data exists from protocol 2.09). */
	lp->setup_seg = -1;
	if (h.version >= 0x0209) {
		s = lp->setup_seg = lp_add_seg(p, "setup_data");
		p->seg[s] = (struct lp_segment){.name = "setup_data",
						.place = LP_ANYWHERE,
						.min = 0x1000,
						.max = top,
						.align = 4096,
						.memsz = SETUP_HDR_SIZE + 20 * E820_EXT_MAX};
	}

	/* boot.rst 64-bit protocol: enter at the load address + 0x200, RSI = boot_params. */
	p->entry_seg = SEG_KERNEL;
	lp_set_reg(p, LP_RSI, SEG_PARAMS, 0);
	if (entry32) {
		/* boot.rst 32-bit protocol: protected mode, paging off, at the load address, ESI =
		 * boot_params, EBP, EDI and EBX zero. */
		p->mode = LP_MODE_PROT32;
		p->entry_off = 0;
		lp_set_reg(p, LP_RBP, -1, 0);
		lp_set_reg(p, LP_RDI, -1, 0);
		lp_set_reg(p, LP_RBX, -1, 0);
	} else {
		p->mode = LP_MODE_LONG64;
		p->entry_off = 0x200;
	}
	p->cs = 0x10; /* __BOOT_CS */
	p->ds = 0x18; /* __BOOT_DS */
	p->idmap_segs = (1u << p->n_segs) - 1;
	return 0;
}

const struct format format_linux = {
    .name = "linux",
    .detect = linux_detect,
    .plan = linux_plan,
};
