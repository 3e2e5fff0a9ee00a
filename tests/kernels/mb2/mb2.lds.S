/* mb2.lds.S: linker script of the mb2 kernels: one loadable segment, header first, bss last. */
#include "mb2.h"

#ifdef MB2_EFI
OUTPUT_FORMAT("elf64-x86-64")
#define LINK MB2_EFI_LINK
#else
OUTPUT_FORMAT("elf32-i386")
#ifdef LINK_AT /* a second link elsewhere, to show the loaded bytes do not depend on the address */
#define LINK LINK_AT
#else
#define LINK MB2_LINK
#endif
#endif
ENTRY(mb2_entry32)

PHDRS
{
	image PT_LOAD FLAGS(7);
}

SECTIONS
{
	. = LINK;
	.mbhead : { *(.mbhead) } :image
	.text : { *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.got : { *(.got .got.plt .igot.plt) }
	.data : { *(.data .data.*) . = ALIGN(16); }
	.bss : {
		_bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_bss_end = .;
	}
	/* Offsets from the image start, for the position independent entry (entry.S). */
	mb2_bss_off = ABSOLUTE(_bss_start - LINK);
	mb2_bss_size = ABSOLUTE(_bss_end - _bss_start);
	mb2_ent_off = ABSOLUTE(mb2_ent - LINK);
	mb2_stack_off = ABSOLUTE(mb2_stack_top - LINK);
	/DISCARD/ : { *(.note.* .comment .eh_frame .eh_frame_hdr .interp .dynamic .dynsym .dynstr .hash .gnu.hash) }
}
