/* proto.h: the linux32 kernels' setup header values (bzheader.S, checks) over the shared layout. */
#ifndef L32_PROTO_H
#define L32_PROTO_H

#include "bzimage.h"

#define BZ_PM_BITS 32 /* the protected-mode part is i386 code (bzimage.lds.S) */

/* Setup header values (boot.rst "THE REAL-MODE KERNEL HEADER"), the same in both images. */
#define BZ_VERSION	    0x020f /* protocol 2.15 */
#define BZ_LOADFLAGS	    LOADED_HIGH
#define BZ_CODE32_START	    0x100000 /* the bzImage default; a relocating loader updates it */
#define BZ_INITRD_ADDR_MAX  0x7fffffff
#define BZ_RELOCATABLE	    1
#define BZ_MIN_ALIGNMENT    21 /* log2: 2 MiB */
#define BZ_CMDLINE_SIZE	    0x7ff
#define BZ_HARDWARE_SUBARCH 0	     /* X86_SUBARCH_PC */
#define BZ_INIT_SIZE	    0x400000 /* the protected-mode image, bss and stack fit (linker-checked) */
#define BZ_KVER_STRING	    "baton linux32 boot protocol conformance test kernel"
#define BZ_TRAILER	    "BTN-LINUX32-TAIL" /* the last 16 bytes of the protected-mode part */

/*
 * linux32.bzImage: an i386 kernel, no 64-bit entry (xloadflags 0), aligned and preferring 16 MiB
 * as Debian's 686 kernel does. OVMF keeps 16 MiB busy while a loader runs (see linux64's
 * proto.h), so under OVMF a loader must place it elsewhere and update code32_start.
 */
#define L32_I386_XLOADFLAGS	  0
#define L32_I386_KERNEL_ALIGNMENT 0x1000000
#define L32_I386_PREF_ADDRESS	  0x1000000
/*
 * linux32-k64.bzImage (built with -DL32_K64): the same code, declaring a 64-bit entry and
 * loading above 4 GiB as linux64 does; booted with `protocol linux32` forced. Its 64-bit entry
 * (load address + 0x200) only reports that it was used.
 */
#define L32_K64_XLOADFLAGS	 (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G)
#define L32_K64_KERNEL_ALIGNMENT 0x200000
#define L32_K64_PREF_ADDRESS	 0x2000000

#ifdef L32_K64
#define BZ_XLOADFLAGS	    L32_K64_XLOADFLAGS
#define BZ_KERNEL_ALIGNMENT L32_K64_KERNEL_ALIGNMENT
#define BZ_PREF_ADDRESS	    L32_K64_PREF_ADDRESS
#else
#define BZ_XLOADFLAGS	    L32_I386_XLOADFLAGS
#define BZ_KERNEL_ALIGNMENT L32_I386_KERNEL_ALIGNMENT
#define BZ_PREF_ADDRESS	    L32_I386_PREF_ADDRESS
#endif

/* struct l32_boot (entry.S fills it, main.c reads it): the entry state, stored before any use. */
#define B_ESI	 0
#define B_EDI	 4
#define B_EBP	 8
#define B_EBX	 12
#define B_ESP	 16
#define B_EFLAGS 20
#define B_CS	 24
#define B_DS	 26
#define B_ES	 28
#define B_SS	 30
#define B_SIZE	 32

#endif
