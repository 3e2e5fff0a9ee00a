/* linux_hdr.h: the Linux x86 setup header and zero page layout (boot.rst, zero-page.rst). */
#ifndef BATON_LINUX_HDR_H
#define BATON_LINUX_HDR_H

#include "lib.h"

/* Offsets in the kernel image and in struct boot_params (the "zero page"); boot.rst "THE REAL-MODE
 * KERNEL HEADER". */
#define LX_CL_MAGIC	    0x020 /* cmd_line_magic, before protocol 2.02 */
#define LX_CL_OFFSET	    0x022 /* cmd_line_offset, before protocol 2.02 */
#define LX_SETUP_SECTS	    0x1f1
#define LX_SYSSIZE	    0x1f4
#define LX_VID_MODE	    0x1fa
#define LX_BOOT_FLAG	    0x1fe
#define LX_JUMP		    0x200
#define LX_HEADER	    0x202
#define LX_VERSION	    0x206
#define LX_TYPE_OF_LOADER   0x210
#define LX_LOADFLAGS	    0x211
#define LX_SETUP_MOVE_SIZE  0x212
#define LX_CODE32_START	    0x214
#define LX_RAMDISK_IMAGE    0x218
#define LX_RAMDISK_SIZE	    0x21c
#define LX_HEAP_END_PTR	    0x224
#define LX_CMD_LINE_PTR	    0x228
#define LX_INITRD_ADDR_MAX  0x22c
#define LX_KERNEL_ALIGNMENT 0x230
#define LX_RELOCATABLE	    0x234
#define LX_MIN_ALIGNMENT    0x235
#define LX_XLOADFLAGS	    0x236
#define LX_CMDLINE_SIZE	    0x238
#define LX_SETUP_DATA	    0x250
#define LX_PREF_ADDRESS	    0x258
#define LX_INIT_SIZE	    0x260
#define LX_HANDOVER_OFFSET  0x264
#define LX_HDR_MAX_END	    0x290 /* struct setup_header ends before this in boot_params */

/* zero-page.rst */
#define BP_SCREEN_INFO	     0x000
#define BP_ACPI_RSDP	     0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_EFI_INFO	     0x1c0
#define BP_E820_ENTRIES	     0x1e8
#define BP_E820_TABLE	     0x2d0
#define BP_E820_MAX	     128
#define BP_SIZE		     4096

/* boot.rst "setup_data" (2.09+): a chain of struct setup_data {u64 next; u32 type, len; data}. */
#define SETUP_HDR_SIZE 16
#define SETUP_E820_EXT 1
/* E820 entries baton can pass past the zero page's 128: room reserved in every plan. */
#define E820_EXT_MAX 896

#define LX_LOADED_HIGH		   0x01
#define LX_CAN_USE_HEAP		   0x80
#define XLF_KERNEL_64		   (1 << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1 << 1)

/* What baton needs from the setup header, checked and with protocol defaults applied. */
struct linux_hdr {
	uint16_t version;	/* boot protocol, e.g. 0x020f */
	unsigned setup_sects;	/* 0 means 4 */
	uint64_t kernel_off;	/* protected-mode kernel starts here in the file */
	uint64_t kernel_len;	/* bytes from kernel_off to the end of the file */
	uint64_t syssize_bytes; /* syssize * 16 */
	uint8_t loadflags;
	uint32_t code32_start; /* the header's, before a loader changes it */
	uint16_t xloadflags;   /* 0 before 2.12 */
	bool relocatable;
	uint32_t kernel_alignment;
	uint8_t min_alignment;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint32_t hdr_end; /* 0x202 + byte at 0x201 */
};

/*
 * Parses and checks the header in the file's first bytes. Errors name the problem
 * (not a bzImage, truncated, protocol too old) with E_FORMAT / E_UNSUPP.
 */
int linux_parse(const uint8_t *head, size_t head_len, uint64_t file_size, struct linux_hdr *h);

/*
 * The 16-bit entry's plan (linux16.c): the kernel's real-mode setup code at 0x10000 (0x90000
 * for zImages and protocols before 2.02), entered in real mode. why: the entry_kind to show
 * when baton chose it itself, or NULL.
 */
struct lp_input;
struct load_plan;
/* Every entry's initrds: one segment, its index returned (negative: an error). */
int linux_add_initrds(struct load_plan *p, const struct lp_input *in, uint32_t initrd_addr_max);
int linux16_plan(const struct lp_input *in, struct load_plan *p, const struct linux_hdr *h,
		 const char *why);

#endif
