/* proto.h: the linux16 kernel's setup header values and entry-state layout (head.S, C, selftest).
 */
#ifndef L16_PROTO_H
#define L16_PROTO_H

#include "bzimage.h" /* the H_* offsets */

/* Setup header values (boot.rst "The Real-Mode Kernel Header"), the ones the loader only reads. */
#define L16_VERSION	     0x020f /* protocol 2.15 */
#define L16_LOADFLAGS	     LOADED_HIGH
#define L16_CODE32_START     0x100000 /* the bzImage default; a relocating loader updates it */
#define L16_INITRD_ADDR_MAX  0x7fffffff
#define L16_KERNEL_ALIGNMENT 0x200000
#define L16_RELOCATABLE	     1
#define L16_MIN_ALIGNMENT    21
#define L16_CMDLINE_SIZE     0x7ff
#define L16_PREF_ADDRESS     0x200000
#define L16_INIT_SIZE	     0x400000
#define L16_HDR_END	     0x26c /* 0x202 + the jump's offset byte: the 2.15 layout */
#define L16_PM_SEED	     1616  /* the protected-mode part is one BTNI file of this seed */
#define L16_PM_LEN	     98304 /* ... and length (a multiple of 16: syssize is exact) */
#define L16_SETUP_TAIL	     "BTN-L16-SETUPEND" /* the real-mode code's last 16 bytes */
#define L16_KVER	     "baton linux16 boot protocol conformance test kernel"

#define CAN_USE_HEAP 0x80

/* The entry state head.S saves before anything else (offsets in l16_save). */
#define E_AX	0
#define E_BX	2
#define E_CS	4
#define E_FLAGS 6
#define E_SP	8
#define E_SS	10
#define E_DS	12
#define E_ES	14
#define E_FS	16
#define E_GS	18
#define E_ECX	20
#define E_EDX	24
#define E_ESI	28
#define E_EDI	32
#define E_EBP	36
#define E_SIZE	40

#endif
