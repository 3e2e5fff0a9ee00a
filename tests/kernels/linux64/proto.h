/* proto.h: the linux64 kernel's setup header values (bzheader.S, checks) over the shared layout. */
#ifndef L64_PROTO_H
#define L64_PROTO_H

#include "bzimage.h"

#define BZ_PM_BITS 64 /* the protected-mode part is x86-64 code (bzimage.lds.S) */

/* Setup header values (boot.rst "THE REAL-MODE KERNEL HEADER"). */
#define BZ_VERSION	    0x020f /* protocol 2.15 */
#define BZ_LOADFLAGS	    LOADED_HIGH
#define BZ_CODE32_START	    0x100000 /* the bzImage default; a relocating loader updates it */
#define BZ_INITRD_ADDR_MAX  0x7fffffff
#define BZ_KERNEL_ALIGNMENT 0x200000
#define BZ_RELOCATABLE	    1
#define BZ_MIN_ALIGNMENT    21 /* log2: 2 MiB */
#define BZ_XLOADFLAGS	    (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G)
#define BZ_CMDLINE_SIZE	    0x7ff
#define BZ_HARDWARE_SUBARCH 0 /* X86_SUBARCH_PC */
/*
 * 32 MiB, not Linux's usual 16 MiB: OVMF keeps its DXE firmware volume (EfiBootServicesData) at
 * 0x900000-0x1500000 while a loader runs, so 16 MiB is never free there and expect.pref=1 could
 * not pass; 32 MiB is free RAM on the QEMU test machine.
 */
#define BZ_PREF_ADDRESS 0x2000000
#define BZ_INIT_SIZE	0x400000 /* the protected-mode image, bss and stack fit (linker-checked) */
#define BZ_KVER_STRING	"baton linux64 boot protocol conformance test kernel"
#define BZ_TRAILER	"BTN-LINUX64-TAIL" /* the last 16 bytes of the protected-mode part */

#endif
