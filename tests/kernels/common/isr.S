/* isr.S: the conformance kernels' exception stubs (32- or 64-bit, as built), reported by k_trap. */
#ifdef __x86_64__
#define PUSH pushq
#else
#define PUSH pushl
#endif

/* 32 stubs 16 bytes apart (ktables.c): push 0 for an error code the CPU omits, then the vector. */
	.text
	.balign	16
	.globl	k_isr_stubs
	.hidden	k_isr_stubs
k_isr_stubs:
	vec = 0
	.rept	32
	.balign	16
	.if	(vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	PUSH	$0
	.endif
	PUSH	$vec
	jmp	isr_common
	vec = vec + 1
	.endr
isr_common:
#ifdef __x86_64__
	movq	%rsp, %rdi			/* frame: vector, error, rip, cs, rflags */
	andq	$-16, %rsp
#else
	pushl	%esp				/* frame: vector, error, eip, cs, eflags */
#endif
	call	k_trap
1:	cli
	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
