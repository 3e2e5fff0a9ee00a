/* bzheader.S: a conformance bzImage: setup sectors with proto.h's header, then the PM part. */
#include "proto.h"

#ifndef PM_BIN
#error "PM_BIN: path of the protected-mode binary"
#endif

	.code16
	.text
_start:
	/* 0x000: the boot sector; never run (this kernel has no real-mode or BIOS entry). */
	.byte	0xfa, 0xf4, 0xeb, 0xfd		/* cli; 1: hlt; jmp 1b (bytes: no relaxation) */

	/* Setup header, boot.rst "THE REAL-MODE KERNEL HEADER" (offsets from the image start). */
	.org	H_SETUP_SECTS
	.byte	BZ_SETUP_SECTS
	.word	0			/* 0x1f2 root_flags */
	.long	(pm_end - pm_start + 15) / 16	/* 0x1f4 syssize, 16-byte paragraphs */
	.word	0			/* 0x1f8 ram_size (obsolete) */
	.word	0xffff			/* 0x1fa vid_mode: "normal" */
	.word	0			/* 0x1fc root_dev */
	.word	0xaa55			/* 0x1fe boot_flag */
	.byte	0xeb, BZ_HDR_END - 0x202 /* 0x200 jump: its target ends the header */
	.ascii	"HdrS"			/* 0x202 header */
	.word	BZ_VERSION		/* 0x206 version */
	.long	0			/* 0x208 realmode_swtch */
	.word	0			/* 0x20c start_sys_seg (obsolete) */
	.word	BZ_KVER_OFF - 0x200	/* 0x20e kernel_version: string pointer - 0x200 */
	.byte	0			/* 0x210 type_of_loader: the loader writes it */
	.byte	BZ_LOADFLAGS		/* 0x211 loadflags */
	.word	0			/* 0x212 setup_move_size */
	.long	BZ_CODE32_START		/* 0x214 code32_start */
	.long	0			/* 0x218 ramdisk_image */
	.long	0			/* 0x21c ramdisk_size */
	.long	0			/* 0x220 bootsect_kludge */
	.word	0			/* 0x224 heap_end_ptr */
	.byte	0			/* 0x226 ext_loader_ver */
	.byte	0			/* 0x227 ext_loader_type */
	.long	0			/* 0x228 cmd_line_ptr */
	.long	BZ_INITRD_ADDR_MAX	/* 0x22c initrd_addr_max */
	.long	BZ_KERNEL_ALIGNMENT	/* 0x230 kernel_alignment */
	.byte	BZ_RELOCATABLE		/* 0x234 relocatable_kernel */
	.byte	BZ_MIN_ALIGNMENT	/* 0x235 min_alignment */
	.word	BZ_XLOADFLAGS		/* 0x236 xloadflags */
	.long	BZ_CMDLINE_SIZE		/* 0x238 cmdline_size */
	.long	BZ_HARDWARE_SUBARCH	/* 0x23c hardware_subarch */
	.quad	0			/* 0x240 hardware_subarch_data */
	.long	0			/* 0x248 payload_offset */
	.long	0			/* 0x24c payload_length */
	.quad	0			/* 0x250 setup_data */
	.quad	BZ_PREF_ADDRESS		/* 0x258 pref_address */
	.long	BZ_INIT_SIZE		/* 0x260 init_size */
	.long	0			/* 0x264 handover_offset: no EFI handover */
	.long	BZ_KINFO_OFF		/* 0x268 kernel_info_offset */
	.org	BZ_HDR_END			/* fails ("move .org backwards") if the fields overrun */
hdr_end:
	/*
	 * The jump target, then the version string: non-zero bytes up to 0x290, so a loader that
	 * copies more than the header into boot_params is caught (boot.rst: 0x202 + byte at 0x201).
	 */
	.byte	0xfa, 0xf4, 0xeb, 0xfd		/* cli; 2: hlt; jmp 2b */
	.org	BZ_KVER_OFF
	.asciz	BZ_KVER_STRING

	/* The protected-mode part starts after setup_sects + 1 sectors. */
	.org	(BZ_SETUP_SECTS + 1) * 512
pm_start:
	.incbin	PM_BIN
pm_end:					/* bzimage.lds.S ends it 16-aligned, with the trailer */
