/* entry.S: linux32 kernel entries: startup_32, a 64-bit entry that must not be used, trap stubs. */
#include "proto.h"
#include "bzentry.inc"

	.section .head.text, "ax"
/*
 * Offset 0: the 32-bit entry (boot.rst "32-bit Boot Protocol"). No stack is promised: like
 * Linux's startup_32, borrow boot_params' scratch field (0x1e4) as a one-word stack for the
 * pushfl/popl that reads EFLAGS and the call/pop that finds where we run. Only EAX, ECX, EDX
 * (of which nothing is promised) and ESP change before the entry state is stored; LEA, MOV and
 * CALL leave EFLAGS alone, so the IF seen is the loader's.
 */
	.code32
	symbol	startup_32
	movl	%esp, %edx
	leal	(ZP_SCRATCH + 4)(%esi), %esp
	pushfl
	popl	%ecx
	call	1f
1:	popl	%eax
	addl	$_GLOBAL_OFFSET_TABLE_ + (. - 1b), %eax	/* EAX = the GOT: GOTOFF reaches .data */
	movl	%esi, l32_boot@GOTOFF + B_ESI(%eax)
	movl	%edi, l32_boot@GOTOFF + B_EDI(%eax)
	movl	%ebp, l32_boot@GOTOFF + B_EBP(%eax)
	movl	%ebx, l32_boot@GOTOFF + B_EBX(%eax)
	movl	%edx, l32_boot@GOTOFF + B_ESP(%eax)
	movl	%ecx, l32_boot@GOTOFF + B_EFLAGS(%eax)
	movw	%cs, l32_boot@GOTOFF + B_CS(%eax)
	movw	%ds, l32_boot@GOTOFF + B_DS(%eax)
	movw	%es, l32_boot@GOTOFF + B_ES(%eax)
	movw	%ss, l32_boot@GOTOFF + B_SS(%eax)
	cli
	cld
	leal	l32_stack_top@GOTOFF(%eax), %esp
	/* The loader need not clear bss (init_size is just room); the stack is not live yet. */
	leal	_bss_start@GOTOFF(%eax), %edi
	leal	_bss_end@GOTOFF(%eax), %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	call	l32_main
5:	cli
	hlt
	jmp	5b

	kernel_info

/*
 * Offset 0x200: boot.rst's 64-bit entry. linux32.bzImage does not declare it (no XLF_KERNEL_64),
 * linux32-k64.bzImage does but is booted with the 32-bit entry forced: either way a loader that
 * comes here broke the rule, so say so and exit QEMU with failure.
 */
	startup_64_at_0x200
	cli
	leaq	msg64(%rip), %rsi
	com1_fail_exit %rsi
msg64:
#ifdef L32_K64
	.ascii	"FAIL: entered through the 64-bit entry (load address + 0x200), not the 32-bit one "
	.ascii	"protocol linux32 asks for\r\n"
#else
	.ascii	"FAIL: entered through a 64-bit entry at load address + 0x200 that this kernel does "
	.ascii	"not declare (xloadflags has no XLF_KERNEL_64)\r\n"
#endif
	.asciz	"BATON-CONFORMANCE linux32 done: 0 passed, 1 failed\r\n"
	.code32

/* Exception stubs (bzentry.inc), then the common part: the handler gets the frame. */
	.text
	.balign	16
	symbol	l32_isr_stubs
	isr_stubs pushl, isr_common
isr_common:
	pushl	%esp			/* frame: vector, error, eip, cs, eflags */
	call	bz_trap
6:	cli
	hlt
	jmp	6b

	.section .data, "aw"
	.balign	4
	symbol	l32_boot
	.fill	B_SIZE, 1, 0

	trailer_and_stack l32_stack_top

	.section .note.GNU-stack, "", @progbits
