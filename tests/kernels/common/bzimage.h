/* bzimage.h: the setup header and boot_params layout the linux32 and linux64 bzImages share. */
#ifndef CONF_BZIMAGE_H
#define CONF_BZIMAGE_H

/*
 * The layout both conformance bzImages share (bzheader.S): the kernel's own proto.h sets the
 * header values (BZ_VERSION, BZ_XLOADFLAGS, ...) and includes this file.
 */
#define BZ_SETUP_SECTS 4     /* real-mode part: (4 + 1) * 512 bytes */
#define BZ_KINFO_OFF   0x1e0 /* kernel_info, from the start of the protected-mode part */
#define BZ_HDR_END     0x26c /* setup header end: 0x202 + the byte at 0x201 (2.15 layout) */
#define BZ_KVER_OFF    0x270 /* the kernel_version string in the setup part */
#define BZ_ENTRY64     0x200 /* boot.rst 64-bit protocol: load address + 0x200 */
#define BZ_TRAILER_LEN 16    /* the protected-mode part ends with a 16-byte trailer string */

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

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What a conformance kernel's setup header declares, for the checks of the copy in boot_params. */
struct bz_kernel {
	uint16_t version, xloadflags;
	uint8_t loadflags, relocatable, min_alignment;
	/* code32_start: the header's default; the loader must point it at the load address. */
	uint32_t code32_start;
	uint32_t initrd_addr_max, kernel_alignment, cmdline_size, hardware_subarch, init_size;
	uint64_t pref_address;
	char trailer[BZ_TRAILER_LEN + 1]; /* the protected-mode part's last 16 bytes */
};

/* The struct bz_kernel of the including kernel's proto.h values. */
#define BZ_KERNEL_VALUES                                                                           \
	{                                                                                          \
		.version = BZ_VERSION, .xloadflags = BZ_XLOADFLAGS, .loadflags = BZ_LOADFLAGS,     \
		.relocatable = BZ_RELOCATABLE, .min_alignment = BZ_MIN_ALIGNMENT,                  \
		.code32_start = BZ_CODE32_START, .initrd_addr_max = BZ_INITRD_ADDR_MAX,            \
		.kernel_alignment = BZ_KERNEL_ALIGNMENT, .cmdline_size = BZ_CMDLINE_SIZE,          \
		.hardware_subarch = BZ_HARDWARE_SUBARCH, .init_size = BZ_INIT_SIZE,                \
		.pref_address = BZ_PREF_ADDRESS, .trailer = BZ_TRAILER                             \
	}
#endif

#endif
