/* entry.S: linux64 conformance kernel entries: 32-bit (must not be used), 64-bit startup_64, exception stubs. */
#include "proto.h"
#include "bzentry.inc"

	.section .head.text, "ax"
/*
 * Offset 0: the 32-bit entry (boot.rst 32-bit protocol). A 64-bit loader must never come here:
 * say so on COM1 and exit QEMU with failure. No stack is promised, so borrow boot_params'
 * scratch field (0x1e4) for the one call that finds our address, as Linux's startup_32 does.
 */
	.code32
	symbol	startup_32
	cli
	cld
	leal	(ZP_SCRATCH + 4)(%esi), %esp
	call	1f
1:	popl	%esi
	addl	$(msg32 - 1b), %esi
	com1_fail_exit %esi
msg32:
	.ascii	"FAIL: entered through the 32-bit entry (a 64-bit loader must jump to load address + 0x200)\r\n"
	.asciz	"BATON-CONFORMANCE linux64 done: 0 passed, 1 failed\r\n"

	kernel_info

/*
 * Offset 0x200: the 64-bit entry (boot.rst "64-bit BOOT PROTOCOL"). Nothing is promised about
 * the stack, so record the entry state RIP-relative without one, then switch to our own stack
 * (in bss) before pushfq. MOV and LEA leave RFLAGS alone, so the IF seen is the loader's.
 */
	startup_64_at_0x200
	movq	%rsi, l64_boot + 0(%rip)
	movq	%rsp, l64_boot + 8(%rip)
	movw	%cs, l64_boot + 16(%rip)
	movw	%ds, l64_boot + 18(%rip)
	movw	%es, l64_boot + 20(%rip)
	movw	%ss, l64_boot + 22(%rip)
	leaq	l64_stack_top(%rip), %rsp
	pushfq
	popq	%rax
	movq	%rax, l64_boot + 24(%rip)
	cld
	/* The loader need not clear bss (init_size is just room); the stack is not live yet. */
	leaq	_bss_start(%rip), %rdi
	leaq	_bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	call	l64_main
6:	cli
	hlt
	jmp	6b

/* Exception stubs (bzentry.inc), then the common part. */
	.text
	.balign	16
	symbol	l64_isr_stubs
	isr_stubs pushq, isr_common
isr_common:
	movq	%rsp, %rdi		/* frame: vector, error, rip, cs, rflags, rsp, ss */
	andq	$-16, %rsp
	call	bz_trap
7:	cli
	hlt
	jmp	7b

	.section .data, "aw"
	.balign	8
	symbol	l64_boot				/* struct l64_boot: rsi, rsp, cs, ds, es, ss, rflags */
	.fill	32, 1, 0

	trailer_and_stack l64_stack_top

	.section .note.GNU-stack, "", @progbits
