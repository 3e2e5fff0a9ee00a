/* elf64.lds.S: elf64 kernel, higher half: text 0xffffffff80200000 -> 0x200000, data ...80600000 -> 0x300000. */
#include "elf.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(elf_entry)

PHDRS
{
	text PT_LOAD FLAGS(5);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = ELF64_TEXT_V;
	.boot : AT(ELF64_TEXT_P) { *(.boot) } :text
	.text : { *(.text .text.*) } :text
	_text_sec = ADDR(.text);
	.rodata : { *(.rodata .rodata.*) } :text
	_text_end = .;
	. = ELF64_DATA_V;
	.mark1 : AT(ELF64_DATA_P) { *(.mark1) } :data
	.data : { *(.data .data.*) } :data
	.tail : { *(.tail) } :data
	_file_end = .;
	.bss : {
		_bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_bss_end = .;
	} :data
	/DISCARD/ : { *(.note.* .comment .eh_frame .eh_frame_hdr) }
}
