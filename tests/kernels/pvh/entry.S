/* entry.S: PVH conformance kernel: Xen ELF note, the PHYS32 entry (records the state), traps. */
#include "pvh.h"

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
	movw	%cs, pvh_boot + B_SEL + 0
	movw	%ds, pvh_boot + B_SEL + 2
	movw	%es, pvh_boot + B_SEL + 4
	movw	%fs, pvh_boot + B_SEL + 6
	movw	%gs, pvh_boot + B_SEL + 8
	movw	%ss, pvh_boot + B_SEL + 10
	str	pvh_boot + B_SEL + 12
	sldt	pvh_boot + B_SEL + 14
	call	1f
1:	popl	%eax
	subl	$(1b - pvh_entry), %eax
	movl	%eax, pvh_boot + B_EIP
	cld
	movl	$_bss_start, %esi
2:	cmpl	$_bss_end, %esi
	jae	4f
	cmpb	$0, (%esi)
	jne	3f
	incl	%esi
	jmp	2b
3:	movl	%esi, pvh_boot + B_BSS_BAD
4:	movl	$_bss_start, %edi
	movl	$_bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$pvh_stack_top, %esp
	call	pvh_main
5:	cli
	hlt
	jmp	5b

/* e_entry: a PVH loader must use the note's entry, never this one. */
	.globl	pvh_wrong_entry
pvh_wrong_entry:
	cli
	movl	$msg_wrong, %esi
6:	movzbl	(%esi), %ebx
	testl	%ebx, %ebx
	jz	8f
	movl	$0x3fd, %edx			/* COM1 LSR: wait for THRE */
7:	inb	%dx, %al
	testb	$0x20, %al
	jz	7b
	movl	%ebx, %eax
	movl	$0x3f8, %edx
	outb	%al, %dx
	incl	%esi
	jmp	6b
8:	movb	$0x11, %al			/* isa-debug-exit: failure */
	outb	%al, $0xf4
9:	hlt
	jmp	9b
msg_wrong:
	.ascii	"FAIL: entered at e_entry, not at the XEN_ELFNOTE_PHYS32_ENTRY address\r\n"
	.asciz	"BATON-CONFORMANCE pvh done: 0 passed, 1 failed\r\n"

/* Exception stubs, 16 bytes apart: push 0 where the CPU pushes no error code, then the vector. */
	.text
	.balign	16
	.globl	pvh_isr_stubs
pvh_isr_stubs:
	vec = 0
	.rept	32
	.balign	16
	.if	(vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushl	$0
	.endif
	pushl	$vec
	jmp	isr_common
	vec = vec + 1
	.endr
isr_common:
	pushl	%esp				/* frame: vector, error, eip, cs, eflags */
	call	pvh_trap
10:	cli
	hlt
	jmp	10b

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
