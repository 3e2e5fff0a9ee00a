/* elf32.lds.S: elf32 kernel: PT_LOAD 0 virtual (0xC0200000 -> 0x200000), PT_LOAD 1 at 0x201000. */
#include "elf.h"

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(elf_entry)

PHDRS
{
	boot PT_LOAD FLAGS(5);
	kern PT_LOAD FLAGS(7);
}

MEMORY
{
	bootv (rwx) : ORIGIN = ELF32_BOOT_V, LENGTH = 0x1000
	bootp (rwx) : ORIGIN = ELF32_BOOT_P, LENGTH = 0x1000
	kern (rwx) : ORIGIN = ELF32_KERN, LENGTH = 0x1000000
}

SECTIONS
{
	.boot : { *(.boot) } >bootv AT>bootp :boot
	_boot_size = SIZEOF(.boot);
	.mark1 : { *(.mark1) } >kern :kern
	.text : { *(.text .text.*) } >kern :kern
	_text_sec = ADDR(.text);
	.rodata : { *(.rodata .rodata.*) } >kern :kern
	.data : { *(.data .data.*) } >kern :kern
	.tail : { *(.tail) } >kern :kern
	_file_end = .;
	.bss : {
		_bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_bss_end = .;
	} >kern :kern
	/DISCARD/ : { *(.note.* .comment .eh_frame .eh_frame_hdr) }
}
