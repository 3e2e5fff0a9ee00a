/* entry.S: PVH conformance kernel: Xen ELF note, the PHYS32 entry (records the state), e_entry. */
#include "pvh.h"
#include "kasm.h"

/* pvh.pandoc: ELFNOTE(Xen, XEN_ELFNOTE_PHYS32_ENTRY, .long, xen_start32). */
	.section .note.Xen, "a"
	.balign	4
	.long	4				/* namesz: "Xen\0" */
	.long	4				/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.long	pvh_entry			/* physical: linked where it is loaded */

	.section .head, "ax"
	.ascii	PVH_MARK_HEAD
	.code32

/*
 * pvh.pandoc machine state: EBX = start info, no stack promised. Record everything with
 * absolute (physical) addresses, use a small stack in .data for pushfl, then scan bss.
 */
	.globl	pvh_entry
pvh_entry:
	movl	%eax, pvh_boot + B_EAX
	movl	%ebx, pvh_boot + B_EBX
	movl	%esp, pvh_boot + B_ESP
	movl	$pvh_early_stack, %esp
	pushfl
	popl	pvh_boot + B_EFLAGS
	movl	%cr0, %eax
	movl	%eax, pvh_boot + B_CR0
	movl	%cr4, %eax
	movl	%eax, pvh_boot + B_CR4
	save_selectors32 (pvh_boot + B_SEL)
	str	pvh_boot + B_SEL + 12
	sldt	pvh_boot + B_SEL + 14
	call	1f
1:	popl	%eax
	subl	$(1b - pvh_entry), %eax
	movl	%eax, pvh_boot + B_EIP
	bss_check_clear32 (pvh_boot + B_BSS_BAD)
	movl	$pvh_stack_top, %esp
	call	pvh_main
	halt_forever

/* e_entry: a PVH loader must use the note's entry, never this one. */
	.globl	pvh_wrong_entry
pvh_wrong_entry:
	fail_exit32 msg_wrong
msg_wrong:
	.ascii	"FAIL: entered at e_entry, not at the XEN_ELFNOTE_PHYS32_ENTRY address\r\n"
	.asciz	"BATON-CONFORMANCE pvh done: 0 passed, 1 failed\r\n"

	.section .data, "aw"
	.balign	4
	.globl	pvh_boot
pvh_boot:
	.fill	B_SIZE, 1, 0
	.fill	EARLY_STACK, 1, 0
pvh_early_stack:

	.section .tail, "a"
	.ascii	PVH_MARK_TAIL

	.section .bss, "aw", @nobits
	.balign	16
	.skip	16384
	.globl	pvh_stack_top
pvh_stack_top:

	.section .note.GNU-stack, "", @progbits
