/* entry.S: linux64 conformance kernel entries: 32-bit (must not be used), 64-bit startup_64, exception stubs. */
#include "proto.h"

	.section .head.text, "ax"
/*
 * Offset 0: the 32-bit entry (boot.rst 32-bit protocol). A 64-bit loader must never come here:
 * say so on COM1 and exit QEMU with failure. No stack is promised, so borrow boot_params'
 * scratch field (0x1e4) for the one call that finds our address, as Linux's startup_32 does.
 */
	.code32
	.globl	startup_32
	.hidden	startup_32
startup_32:
	cli
	cld
	leal	(ZP_SCRATCH + 4)(%esi), %esp
	call	1f
1:	popl	%ebp
	xorl	%ecx, %ecx
2:	movzbl	(msg32 - 1b)(%ebp, %ecx), %ebx
	testl	%ebx, %ebx
	jz	4f
	movl	$0x3fd, %edx		/* COM1 LSR: wait for THRE (bit 5) */
3:	inb	%dx, %al
	testb	$0x20, %al
	jz	3b
	movl	%ebx, %eax
	movl	$0x3f8, %edx
	outb	%al, %dx
	addl	$1, %ecx
	jmp	2b
4:	movb	$0x11, %al		/* isa-debug-exit: failure */
	outb	%al, $0xf4
5:	hlt
	jmp	5b
msg32:
	.ascii	"FAIL: entered through the 32-bit entry (a 64-bit loader must jump to load address + 0x200)\r\n"
	.asciz	"BATON-CONFORMANCE linux64 done: 0 passed, 1 failed\r\n"

/* boot.rst "THE KERNEL_INFO": "LToP", size, size_total, setup_type_max. */
	.org	L64_KINFO_OFF
	.globl	l64_kernel_info
	.hidden	l64_kernel_info
l64_kernel_info:
	.ascii	"LToP"
	.long	16
	.long	16
	.long	0x80000000 | 9		/* SETUP_INDIRECT | SETUP_ENUM_MAX (SETUP_RNG_SEED) */

/*
 * Offset 0x200: the 64-bit entry (boot.rst "64-bit BOOT PROTOCOL"). Nothing is promised about
 * the stack, so record the entry state RIP-relative without one, then switch to our own stack
 * (in bss) before pushfq. MOV and LEA leave RFLAGS alone, so the IF seen is the loader's.
 */
	.org	L64_ENTRY64
	.code64
	.globl	startup_64
	.hidden	startup_64
startup_64:
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

/* Exception stubs, 16 bytes apart: push a zero error code where the CPU pushes none, then the vector. */
	.text
	.balign	16
	.globl	l64_isr_stubs
	.hidden	l64_isr_stubs
l64_isr_stubs:
	vec = 0
	.rept	32
	.balign	16
	.if	(vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	isr_common
	vec = vec + 1
	.endr
isr_common:
	movq	%rsp, %rdi		/* frame: vector, error, rip, cs, rflags, rsp, ss */
	andq	$-16, %rsp
	call	l64_trap
7:	cli
	hlt
	jmp	7b

	.section .data, "aw"
	.balign	8
	.globl	l64_boot
	.hidden	l64_boot
l64_boot:				/* struct l64_boot: rsi, rsp, cs, ds, es, ss, rflags */
	.fill	32, 1, 0

	.section .trailer, "a"
	.ascii	L64_TRAILER

	.section .bss, "aw", @nobits
	.balign	16
	.skip	65536
	.globl	l64_stack_top
	.hidden	l64_stack_top
l64_stack_top:

	.section .note.GNU-stack, "", @progbits
