/* pvh.h: the PVH conformance kernel's layout, entry record and captured state (kernel, selftest).
 */
#ifndef PVH_H
#define PVH_H

/* Linked and loaded (p_paddr) at PVH_PHYS; p_vaddr is PVH_VOFF higher, as in Linux's vmlinux. */
#define PVH_PHYS 0x200000
#define PVH_VOFF 0xffffffff80000000

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PVH_MARK_HEAD		 "PVHHEAD!" /* the first 8 loaded bytes */
#define PVH_MARK_TAIL		 "PVHTAIL!" /* the last 8 bytes of the file data */

/* struct pvh_boot offsets: what the entry records before anything else runs. */
#define B_EAX	    0
#define B_EBX	    4
#define B_ESP	    8
#define B_EFLAGS    12
#define B_CR0	    16
#define B_CR4	    20
#define B_EIP	    24 /* where the entry really ran */
#define B_BSS_BAD   28 /* first non-zero bss byte, 0: none */
#define B_SEL	    32 /* cs ds es fs gs ss tr ldtr, 16 bits each */
#define B_SIZE	    48
#define EARLY_STACK 64

#ifndef __ASSEMBLER__
#include "ckutil.h"

enum { SEL_CS, SEL_DS, SEL_ES, SEL_FS, SEL_GS, SEL_SS, SEL_TR, SEL_LDTR, SEL_N };

struct pvh_state {
	uint32_t eax, ebx, esp, eflags, cr0, cr4;
	uint32_t eip, eip_want; /* the entry ran at eip; the note names eip_want */
	uint32_t bss_bad;
	uint16_t sel[SEL_N];
	uint64_t desc[SEL_N]; /* the loader's descriptors, looked up at entry */
	bool desc_ok[SEL_N];  /* false: selector null or outside the GDT/LDT */
	uint64_t gdt_base;
	uint16_t gdt_limit;
	struct range kernel; /* [PVH_PHYS, end of bss) */
	uint64_t file_end;   /* end of the file data (the tail marker ends here) */
	/* Physical memory [addr, addr + len), or NULL when it cannot be read. */
	const void *(*mem)(void *ctx, uint64_t addr, uint64_t len);
	void *ctx;
};

void pvh_run_checks(const struct pvh_state *st, struct report *r);
#endif

#endif
