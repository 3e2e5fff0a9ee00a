/* linux64.lds.S: links the protected-mode part flat at 0 (run anywhere: all references RIP-relative). */
#include "proto.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(startup_64)

SECTIONS
{
	. = 0;
	.head : {
		_pm_start = .;
		KEEP(*(.head.text))
	}
	.text : { *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : {
		*(.data .data.*)
		*(.got .got.plt)
	}
	/* The trailer is the file's last 16 bytes: the test checks the loader copied all of it. */
	.trailer : ALIGN(16) {
		KEEP(*(.trailer))
		_pm_file_end = .;
	}
	.bss (NOLOAD) : ALIGN(16) {
		_bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		_bss_end = .;
	}
	_pm_mem_end = .;

	/* PIE bookkeeping (kept out of the binary; the build fails if .rela.dyn has anything). */
	.dynamic : { *(.dynamic) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }
	.rela.dyn : { *(.rela.*) }
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.interp) }
}

ASSERT(startup_64 - _pm_start == L64_ENTRY64, "startup_64 must be at offset 0x200")
ASSERT(_pm_mem_end <= L64_INIT_SIZE, "init_size is too small for the image, bss and stack")
