/* handoff64.S: the last step into a 64-bit kernel: our GDT and page tables, flat selectors, registers. */
	.text
	.globl	handoff64
	.type	handoff64, @function
/*
 * void handoff64(u64 cr3, const void *gdtr, u64 entry, const u64 *regs, u64 cs, u64 ds)
 * SysV: rdi=cr3 rsi=gdtr rdx=entry rcx=regs r8=cs r9=ds. regs: rax rbx rcx rdx rsi rdi rbp.
 * Runs after ExitBootServices, from identity-mapped memory, so switching CR3 is safe.
 */
handoff64:
	cli			/* boot.rst: interrupts must be disabled */
	cld
	lgdt	(%rsi)
	movq	%rdi, %cr3
	/* Reload CS through a far return, then the data selectors (boot.rst: DS, ES, SS = __BOOT_DS). */
	pushq	%r8
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	%r9d, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	%rdx, %r11
	movq	%rcx, %r10
	movq	0(%r10), %rax
	movq	8(%r10), %rbx
	movq	16(%r10), %rcx
	movq	24(%r10), %rdx
	movq	32(%r10), %rsi
	movq	40(%r10), %rdi
	movq	48(%r10), %rbp
	jmp	*%r11
	.size	handoff64, . - handoff64

	.section .note.GNU-stack,"",@progbits
