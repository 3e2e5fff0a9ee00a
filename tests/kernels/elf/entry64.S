/* entry64.S: elf64 kernel: higher-half entry (records the state). */
#include "elf.h"
#include "kasm.h"

	.section .boot, "ax"
	.ascii	ELF_MARK0
	.code64
/* README, ELF64 machine state: RAX = RDI = magic, RBX = RSI = info, no stack promised. */
	.globl	elf_entry
elf_entry:
	movq	%rax, elf_boot + B_AX(%rip)
	movq	%rbx, elf_boot + B_BX(%rip)
	movq	%rdi, elf_boot + B_DI(%rip)
	movq	%rsi, elf_boot + B_SI(%rip)
	movq	%rsp, elf_boot + B_SP(%rip)
	leaq	elf_early_stack(%rip), %rsp
	pushfq
	popq	elf_boot + B_FLAGS(%rip)
	movw	%cs, elf_boot + B_SEL + 0(%rip)
	movw	%ds, elf_boot + B_SEL + 2(%rip)
	movw	%es, elf_boot + B_SEL + 4(%rip)
	movw	%fs, elf_boot + B_SEL + 6(%rip)
	movw	%gs, elf_boot + B_SEL + 8(%rip)
	movw	%ss, elf_boot + B_SEL + 10(%rip)
	leaq	elf_entry(%rip), %rax		/* where this really runs */
	movq	%rax, elf_boot + B_ENTRY(%rip)
	cld
	leaq	_bss_start(%rip), %rsi
	leaq	_bss_end(%rip), %rcx
2:	cmpq	%rcx, %rsi
	jae	4f
	cmpb	$0, (%rsi)
	jne	3f
	incq	%rsi
	jmp	2b
3:	movq	%rsi, elf_boot + B_BSS_BAD(%rip)
4:	leaq	_bss_start(%rip), %rdi
	leaq	_bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	leaq	elf_stack_top(%rip), %rsp
	call	elf_main
	halt_forever

	.section .mark1, "aw"
	.ascii	ELF_MARK1

#include "data.S"
