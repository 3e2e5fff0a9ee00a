/* pe.h: the few PE/COFF header fields baton reads (EFI applications, the Linux EFI stub). */
#ifndef BATON_PE_H
#define BATON_PE_H

#include "lib.h"
#include "loadplan.h"

#define PE_MACHINE_X64	     0x8664
#define PE_OPT_PE32PLUS	     0x20b
#define PE_SUBSYSTEM_EFI_APP 10

struct pe_info {
	uint16_t machine, magic, subsystem;
	uint32_t entry_rva;
	uint32_t image_version; /* MajorImageVersion << 16 | MinorImageVersion */
};

/* Reads the headers from the file's first bytes; E_FORMAT when they are not PE/COFF. */
int pe_parse(const uint8_t *head, size_t head_len, uint64_t file_size, struct pe_info *pe);
bool pe_is_efi_app(const struct pe_info *pe);
/* The plan for starting the file as an EFI image: shared by the efi and linux handlers. */
int efi_image_plan(const struct lp_input *in, struct load_plan *p);

#endif
