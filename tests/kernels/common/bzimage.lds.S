/* bzimage.lds.S: links a conformance bzImage's protected-mode part flat at 0 (it runs anywhere). */
#include "proto.h"

#if BZ_PM_BITS == 64
OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(startup_64)
#else
OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(startup_32)
#endif

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

	/* PIE bookkeeping (kept out of the binary; the build fails if .rel(a).dyn has anything). */
	.dynamic : { *(.dynamic) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }
	.rela.dyn : { *(.rela.*) }
	.rel.dyn : { *(.rel.*) }
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.interp) }
}

/* Both entries of boot.rst, in every image: the one the kernel lacks is a FAIL stub. */
ASSERT(startup_32 == _pm_start, "startup_32 must be at offset 0 (the 32-bit entry)")
ASSERT(startup_64 - _pm_start == BZ_ENTRY64, "startup_64 must be at offset 0x200")
ASSERT(_pm_mem_end <= BZ_INIT_SIZE, "init_size is too small for the image, bss and stack")
