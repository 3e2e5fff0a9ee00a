/* entry32.S: elf32 kernel: PT_LOAD 0 (virtually linked entry, runs at its physical address), traps. */
#include "elf.h"

#define PHYS(x) ((x) - ELF32_BOOT_V + ELF32_BOOT_P)

	.section .boot, "ax"
	.ascii	ELF_MARK0
	.code32
/*
 * README, ELF32 machine state: EAX magic, EBX info, flat segments, no stack. This section runs
 * at its physical address: its own labels only through PHYS(); elf_boot (PT_LOAD 1) is linked
 * where it is loaded.
 */
	.globl	elf_entry
elf_entry:
	movl	%eax, elf_boot + B_AX
	movl	%ebx, elf_boot + B_BX
	movl	%edi, elf_boot + B_DI
	movl	%esi, elf_boot + B_SI
	movl	%esp, elf_boot + B_SP
	movl	$elf_early_stack, %esp
	pushfl
	popl	elf_boot + B_FLAGS
	movw	%cs, elf_boot + B_SEL + 0
	movw	%ds, elf_boot + B_SEL + 2
	movw	%es, elf_boot + B_SEL + 4
	movw	%fs, elf_boot + B_SEL + 6
	movw	%gs, elf_boot + B_SEL + 8
	movw	%ss, elf_boot + B_SEL + 10
	call	1f
1:	popl	%eax
	subl	$(1b - elf_entry), %eax
	movl	%eax, elf_boot + B_ENTRY
	cld
	movl	$_bss_start, %esi
2:	cmpl	$_bss_end, %esi
	jae	4f
	cmpb	$0, (%esi)
	jne	3f
	incl	%esi
	jmp	2b
3:	movl	%esi, elf_boot + B_BSS_BAD
4:	movl	$_bss_start, %edi
	movl	$_bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$elf_stack_top, %esp
	movl	$elf_main, %eax
	call	*%eax
5:	cli
	hlt
	jmp	5b

	.section .mark1, "ax"
	.ascii	ELF_MARK1

	.text
	.balign	16
	.globl	elf_isr_stubs
elf_isr_stubs:
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
	call	elf_trap
6:	cli
	hlt
	jmp	6b

	.section .data, "aw"
	.balign	8
	.globl	elf_boot
elf_boot:
	.fill	B_SIZE, 1, 0
	.fill	EARLY_STACK, 1, 0
elf_early_stack:

	.section .tail, "a"
	.ascii	ELF_TAIL

	.section .bss, "aw", @nobits
	.balign	16
	.skip	16384
	.globl	elf_stack_top
elf_stack_top:

	.section .note.GNU-stack, "", @progbits
