/* mb1.lds.S: linker script of the mb1 kernels (ELF: a virtually linked entry segment; a.out: one flat image). */
#include "layout.h"

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(mb1_entry)

PHDRS
{
	boot PT_LOAD;
	kern PT_LOAD;
}

/* Separate regions so the location counter does not move backwards from the virtual .boot. */
MEMORY
{
	bootv (rwx) : ORIGIN = MB1_PHYS + MB1_VOFF, LENGTH = 0x1000
	bootp (rwx) : ORIGIN = MB1_PHYS, LENGTH = 0x1000
	kern (rwx) : ORIGIN = MB1_PHYS + 0x1000, LENGTH = 0x1000000
}

SECTIONS
{
	/* 3.1.3: an ELF image is loaded by p_paddr; e_entry (virtual) must be translated. */
	_load_start = MB1_PHYS;
	.boot : { *(.mbhead) } >bootv AT>bootp :boot
	.text : { *(.text .text.*) } >kern :kern
	.rodata : { *(.rodata .rodata.*) } >kern
	.data : { *(.data .data.*) . = ALIGN(16); } >kern
	_load_end = .;
	.bss : {
		_bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_bss_end = .;
	} >kern
	/DISCARD/ : { *(.note.* .comment .eh_frame .eh_frame_hdr) }
}
