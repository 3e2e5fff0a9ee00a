/* trapstub.S: the entry stubs of the CPU exceptions (vectors 0-31) and their common path to C. */
/*
 * Each stub (trap_stub() in trap.h) pushes its vector and joins trap_common, which saves the
 * general registers and calls trap_handler(frame) on a 16-byte aligned stack. The CPU pushed SS, RSP, RFLAGS, CS, RIP
 * and, for some vectors, an error code (Intel SDM vol. 3, 6.14.2); trap.c knows which. Only a
 * nested NMI returns (trap.c): the registers come back and IRETQ resumes the handler it hit.
 * Position-independent: it is linked into BOOTX64.EFI too.
 */
	.text
	.globl	trap_stubs
	.hidden	trap_stubs
	.balign	8
trap_stubs:
	/* 4 bytes each (push imm8, jmp rel8), so each reaches the jump in the middle. */
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.org	trap_stubs + \v * 4	/* an assertion too: .org cannot go back */
	push	$\v
	jmp	1f
	.endr
	.org	trap_stubs + 64
1:	jmp	trap_common
	.irp	v, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.org	trap_stubs + 8 + \v * 4
	push	$\v
	jmp	1b
	.endr
	.org	trap_stubs + 8 + 32 * 4

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld				/* the C code's string operations assume it */
	mov	%rsp, %rdi
	mov	%rsp, %rbx		/* callee-saved: the frame, for the way back */
	/* The first exception leaves the top 2 KiB of the stack to a nested NMI (on an IST stack
	 * it starts at the same top), which comes back without touching the first one's frames. */
	cmpl	$0, trap_depth(%rip)
	jne	1f
	sub	$2048, %rsp
1:	and	$-16, %rsp
	call	trap_handler
	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$8, %rsp		/* the vector; an NMI has no error code */
	iretq

	.section .note.GNU-stack, "", @progbits
