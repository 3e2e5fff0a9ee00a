/* thunk.S: bios_call(): from 64-bit long mode down to real mode for one BIOS interrupt, and back. */
/*
 * int bios_call(int vector, struct bregs *r): r's registers are loaded in real mode, INT vector
 * runs, and the registers and flags it leaves are stored back in r. The way down: a 32-bit
 * compatibility-mode segment, paging and EFER.LME off, a 16-bit protected-mode segment, CR0.PE
 * off, a real-mode far jump; the way up is the same in reverse (Intel SDM vol. 3, 9.8.5 and
 * 9.9.2). Interrupts are on only around the INT. Everything here is below 64 KiB.
 */
	.section .text.low, "ax"
	.code64
	.globl bios_call
bios_call:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, saved_rsp
	/* The handler's address from the vector table, for a far call that stands in for INT:
	 * patching an INT instruction instead would make an emulator (QEMU's TCG) translate
	 * this code again on every call. */
	movzbl	%dil, %eax
	mov	(,%rax,4), %eax
	mov	%eax, int_target
	mov	%rsi, saved_regs
	/* Copy the caller's registers into the low block the real-mode code reads. */
	mov	$BREGS_SIZE / 4, %ecx
	mov	$regs, %edi
	rep movsl
	sidt	saved_idt
	/* To 32-bit compatibility mode. */
	push	$0x08
	lea	1f(%rip), %rax
	push	%rax
	lretq
	.code32
1:	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr0, %eax			/* paging off: now 32-bit protected mode */
	and	$0x7fffffff, %eax
	mov	%eax, %cr0
	mov	$0xc0000080, %ecx		/* EFER.LME off */
	rdmsr
	and	$~0x100, %eax
	wrmsr
	ljmp	$0x28, $2f
	.code16
2:	mov	$0x30, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr0, %eax
	and	$~1, %eax
	mov	%eax, %cr0
	ljmp	$0, $3f
3:	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$REAL_STACK, %sp
	lidt	real_idt
	/* The caller's registers, then the interrupt. */
	mov	regs_es, %ax
	mov	%ax, %es
	mov	regs + 0, %eax
	mov	regs + 4, %ebx
	mov	regs + 8, %ecx
	mov	regs + 12, %edx
	mov	regs + 16, %esi
	mov	regs + 20, %edi
	mov	regs + 24, %ebp
	push	regs_ds
	pop	%ds
	/* INT's work: FLAGS (IF set) pushed, IF clear, a far call; the handler's IRET returns. */
	sti
	pushfw
	cli
	lcallw	*%cs:int_target
	/* The flags the handler returned (CF: an error), before the xor below clears CF. */
	pushfl
	cli
	push	%ds
	push	%ax
	xor	%ax, %ax
	mov	%ax, %ds
	pop	%ax
	pop	regs_ds
	popl	regs_flags
	mov	%eax, regs + 0
	mov	%ebx, regs + 4
	mov	%ecx, regs + 8
	mov	%edx, regs + 12
	mov	%esi, regs + 16
	mov	%edi, regs + 20
	mov	%ebp, regs + 24
	mov	%es, %ax
	mov	%ax, regs_es
	/* Back up: protected mode, then long mode with the same page tables. */
	xor	%ax, %ax
	mov	%ax, %es
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $4f
	.code32
4:	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0xc0000080, %ecx
	rdmsr
	or	$0x100, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80000000, %eax
	mov	%eax, %cr0
	ljmp	$0x18, $5f
	.code64
5:	mov	$0x20, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	lidt	saved_idt
	mov	saved_rsp, %rsp
	/* The registers the interrupt left, back to the caller. */
	mov	$regs, %esi
	mov	saved_regs, %rdi
	mov	$BREGS_SIZE / 4, %ecx
	rep movsl
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	xor	%eax, %eax
	ret

REAL_STACK = 0x5000
BREGS_SIZE = 36			/* struct bregs in bios.h */

	.section .data.low, "aw"
	.balign	8
saved_rsp:	.quad	0
saved_regs:	.quad	0
int_target:	.long	0		/* segment:offset of the vector's handler */
saved_idt:	.word	0
		.quad	0
real_idt:	.word	0x3ff		/* the real-mode vector table at 0 */
		.long	0
	.balign	4
regs:		.fill	7, 4, 0		/* eax ebx ecx edx esi edi ebp */
regs_ds:	.word	0
regs_es:	.word	0
regs_flags:	.long	0

	.section .note.GNU-stack, "", @progbits
