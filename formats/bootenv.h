/* bootenv.h: the machine facts a boot-information builder needs, in a firmware-neutral form. */
#ifndef BATON_BOOTENV_H
#define BATON_BOOTENV_H

#include "lib.h"

/* E820 types (ACPI address range types), the neutral memory map form. */
enum mem_type {
	MEM_RAM = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,
	MEM_NVS = 4,
	MEM_UNUSABLE = 5,
	MEM_PERSISTENT = 7,
};

struct mem_range {
	uint64_t base, len;
	uint32_t type;
};

struct framebuffer {
	uint64_t base, size;
	uint32_t width, height, pitch; /* pitch in bytes */
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size, rsvd_pos, rsvd_size;
};

struct bootenv {
	/* The final memory map, sorted by base, adjacent ranges of one type merged. */
	struct mem_range *map;
	int n_map;
	/* UEFI only (0 elsewhere): system table and the raw map as GetMemoryMap returned it. */
	uint64_t efi_systab;
	uint64_t efi_mmap, efi_mmap_size, efi_desc_size;
	uint32_t efi_desc_version;
	uint64_t acpi_rsdp;	  /* 0 when unknown */
	uint64_t smbios, smbios3; /* SMBIOS 2.x and 3.x entry points, 0 when absent */
	uint64_t efi_image;	  /* baton's EFI image handle (UEFI) */
	bool boot_services;	  /* the firmware's boot services still run (not left) */
	bool have_fb;
	struct framebuffer fb;
	/* BIOS without a framebuffer: the screen is 80x25 colour text, the cursor at text_x, y. */
	bool text_mode;
	uint8_t text_x, text_y;
	/* BIOS with a VBE mode set (have_fb from it): what Multiboot's VBE fields carry (VBE 3.0
	 * functions 00h, 01h and 0Ah). */
	bool have_vbe;
	uint16_t vbe_mode, vbe_if_seg, vbe_if_off, vbe_if_len;
	uint8_t vbe_control[512], vbe_mode_info[256];
};

#endif
