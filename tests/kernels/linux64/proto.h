/* proto.h: the linux64 setup header values and boot_params offsets (for header.S and checks). */
#ifndef L64_PROTO_H
#define L64_PROTO_H

/* Setup header values (boot.rst "THE REAL-MODE KERNEL HEADER"). */
#define L64_SETUP_SECTS	     4 /* real-mode part: (4 + 1) * 512 bytes */
#define L64_ROOT_FLAGS	     0
#define L64_VID_MODE	     0xffff /* "normal" */
#define L64_VERSION	     0x020f /* protocol 2.15 */
#define L64_LOADFLAGS	     0x01   /* LOADED_HIGH */
#define L64_CODE32_START     0x100000
#define L64_INITRD_ADDR_MAX  0x7fffffff
#define L64_KERNEL_ALIGNMENT 0x200000
#define L64_RELOCATABLE	     1
#define L64_MIN_ALIGNMENT    21	 /* log2: 2 MiB */
#define L64_XLOADFLAGS	     0x3 /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
#define L64_CMDLINE_SIZE     0x7ff
#define L64_HARDWARE_SUBARCH 0 /* X86_SUBARCH_PC */
/*
 * 32 MiB, not Linux's usual 16 MiB: OVMF keeps its DXE firmware volume (EfiBootServicesData) at
 * 0x900000-0x1500000 while a loader runs, so 16 MiB is never free there and expect.pref=1 could
 * not pass; 32 MiB is free RAM on the QEMU test machine.
 */
#define L64_PREF_ADDRESS 0x2000000
#define L64_INIT_SIZE	 0x400000 /* the protected-mode image, bss and stack fit (linker-checked) */
#define L64_KINFO_OFF	 0x1e0	  /* kernel_info, from the start of the protected-mode part */
#define L64_HDR_END	 0x26c	  /* setup header end: 0x202 + the byte at 0x201 (2.15 layout) */
#define L64_KVER_OFF	 0x270	  /* the kernel_version string in the setup part */
#define L64_ENTRY64	 0x200	  /* boot.rst 64-bit protocol: load address + 0x200 */
#define L64_TRAILER	 "BTN-LINUX64-TAIL" /* the last 16 bytes of the protected-mode part */
#define L64_TRAILER_LEN	 16

/* Setup header offsets in the image and in boot_params (boot.rst field table). */
#define H_SETUP_SECTS		0x1f1
#define H_ROOT_FLAGS		0x1f2
#define H_SYSSIZE		0x1f4
#define H_RAM_SIZE		0x1f8
#define H_VID_MODE		0x1fa
#define H_ROOT_DEV		0x1fc
#define H_BOOT_FLAG		0x1fe
#define H_JUMP			0x200
#define H_HEADER		0x202
#define H_VERSION		0x206
#define H_REALMODE_SWTCH	0x208
#define H_START_SYS_SEG		0x20c
#define H_KERNEL_VERSION	0x20e
#define H_TYPE_OF_LOADER	0x210
#define H_LOADFLAGS		0x211
#define H_SETUP_MOVE_SIZE	0x212
#define H_CODE32_START		0x214
#define H_RAMDISK_IMAGE		0x218
#define H_RAMDISK_SIZE		0x21c
#define H_BOOTSECT_KLUDGE	0x220
#define H_HEAP_END_PTR		0x224
#define H_EXT_LOADER_VER	0x226
#define H_EXT_LOADER_TYPE	0x227
#define H_CMD_LINE_PTR		0x228
#define H_INITRD_ADDR_MAX	0x22c
#define H_KERNEL_ALIGNMENT	0x230
#define H_RELOCATABLE_KERNEL	0x234
#define H_MIN_ALIGNMENT		0x235
#define H_XLOADFLAGS		0x236
#define H_CMDLINE_SIZE		0x238
#define H_HARDWARE_SUBARCH	0x23c
#define H_HARDWARE_SUBARCH_DATA 0x240
#define H_PAYLOAD_OFFSET	0x248
#define H_PAYLOAD_LENGTH	0x24c
#define H_SETUP_DATA		0x250
#define H_PREF_ADDRESS		0x258
#define H_INIT_SIZE		0x260
#define H_HANDOVER_OFFSET	0x264
#define H_KERNEL_INFO_OFFSET	0x268

/* boot_params outside the setup header (zero-page.rst). */
#define ZP_SIZE			   4096
#define ZP_SCREEN_INFO		   0x000
#define ZP_TBOOT_ADDR		   0x058
#define ZP_ACPI_RSDP_ADDR	   0x070
#define ZP_HD0_INFO		   0x080
#define ZP_SYS_DESC_TABLE	   0x0a0
#define ZP_OLPC_OFW_HEADER	   0x0b0
#define ZP_EXT_RAMDISK_IMAGE	   0x0c0
#define ZP_EXT_RAMDISK_SIZE	   0x0c4
#define ZP_EXT_CMD_LINE_PTR	   0x0c8
#define ZP_CC_BLOB_ADDRESS	   0x13c
#define ZP_EFI_INFO		   0x1c0
#define ZP_ALT_MEM_K		   0x1e0
#define ZP_SCRATCH		   0x1e4
#define ZP_E820_ENTRIES		   0x1e8
#define ZP_EDDBUF_ENTRIES	   0x1e9
#define ZP_EDD_MBR_SIG_BUF_ENTRIES 0x1ea
#define ZP_SENTINEL		   0x1ef
#define ZP_HDR_PAD_END		   0x290 /* struct setup_header and its padding end here */
#define ZP_E820_TABLE		   0x2d0
#define ZP_E820_MAX		   128 /* E820_MAX_ENTRIES_ZEROPAGE */
#define ZP_E820_ENTRY		   20

#define LOADED_HIGH		   0x01
#define XLF_KERNEL_64		   0x1
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x2

#define BOOT_CS 0x10 /* __BOOT_CS */
#define BOOT_DS 0x18 /* __BOOT_DS */

#endif
