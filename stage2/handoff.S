/* handoff.S: the trampoline: our page tables, the relocator's copies, then 64-, 32- or 16-bit entry. */
#include "handoff.h"

/*
 * exec.c copies tramp_start..tramp_end into a page that no segment's destination touches, with a
 * struct tramp (handoff.h) at the page's start, and jumps here with RDI = that page. It runs
 * after ExitBootServices, from identity-mapped memory below 4 GiB, and uses no memory but its
 * page: the copies may overwrite anything else, baton's own code and stack included. For a
 * real-mode entry (BIOS) the page is below 1 MiB and its GDT has 16-bit descriptors based on it.
 */
	.text
	.globl	tramp_start, tramp_end
	.code64
tramp_start:
	cli				/* every protocol enters with interrupts off */
	cld
	movq	%rdi, %r15
	lgdt	T_GDTR(%r15)
	movq	T_CR3(%r15), %rax
	movq	%rax, %cr3
	leaq	T_PAGE(%r15), %rsp
	/* The relocator: segments loaded elsewhere move to their destinations (no overlaps). */
	movq	T_NCOPY(%r15), %r14
	leaq	T_COPY(%r15), %r13
1:	testq	%r14, %r14
	jz	2f
	movq	0(%r13), %rdi
	movq	8(%r13), %rsi
	movq	16(%r13), %rcx
	rep movsb
	addq	$24, %r13
	decq	%r14
	jmp	1b
2:	movq	%r15, %rbp		/* 32-bit code reaches the page through EBP */
	pushq	T_CS(%r15)
	cmpq	$0, T_MODE(%r15)
	jne	3f
	leaq	4f(%rip), %rax
	pushq	%rax
	lretq				/* CS = the plan's 64-bit code selector */
4:	movl	T_DS(%r15), %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	T_ENTRY(%r15), %r11
	movq	T_REGS + 0(%r15), %rax
	movq	T_REGS + 8(%r15), %rbx
	movq	T_REGS + 16(%r15), %rcx
	movq	T_REGS + 24(%r15), %rdx
	movq	T_REGS + 32(%r15), %rsi
	movq	T_REGS + 40(%r15), %rdi
	movq	T_REGS + 48(%r15), %rbp
	jmp	*%r11

3:	leaq	5f(%rip), %rax
	pushq	%rax
	lretq				/* CS = the plan's 32-bit code selector: compatibility mode */
	.code32
	/*
	 * Leaving long mode (Intel SDM vol. 3, 10.8.5.4): in compatibility mode, from an identity-
	 * mapped page, clear CR0.PG (EFER.LMA follows), then EFER.LME.
	 */
5:	movl	%cr0, %eax
	andl	$0x7fffffff, %eax
	movl	%eax, %cr0
	movl	$0xc0000080, %ecx
	rdmsr
	andl	$~0x100, %eax
	wrmsr
	/* CR0 = PE (+ the fixed ET), CR4 = 0: the state PVH requires ("all other writeable
	 * bits cleared"), and a clean one for every 32-bit protocol. */
	movl	$0x11, %eax
	movl	%eax, %cr0
	xorl	%eax, %eax
	movl	%eax, %cr4
	cmpl	$2, T_MODE(%ebp)
	je	r16_down
	movzwl	T_TR(%ebp), %eax
	testl	%eax, %eax
	jz	6f
	ltr	%ax
6:	movl	T_DS(%ebp), %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leal	T_PAGE(%ebp), %esp
	pushl	T_ENTRY(%ebp)
	movl	T_REGS + 0(%ebp), %eax
	movl	T_REGS + 8(%ebp), %ebx
	movl	T_REGS + 16(%ebp), %ecx
	movl	T_REGS + 24(%ebp), %edx
	movl	T_REGS + 32(%ebp), %esi
	movl	T_REGS + 40(%ebp), %edi
	movl	T_REGS + 48(%ebp), %ebp
	ret

	/*
	 * On to real mode (Intel SDM vol. 3, 9.9.2 "Switching Back to Real-Address Mode"), paging
	 * being off already (steps 1-2): a far jump to 16-bit code whose segment limit is 64 KiB
	 * (step 3), every data segment loaded with a 16-bit selector of limit 64 KiB, byte granular,
	 * expand-up, writable (step 4), the real-mode IVT in the IDTR (step 5), CR0.PE cleared (step
	 * 6) and a far jump to real mode (step 7). Both 16-bit descriptors have the page as their
	 * base, wherever below 1 MiB it is: offsets here are offsets in the page.
	 */
r16_down:
	movl	$T_SEL16_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	ljmpl	$T_SEL16_CS, $(T_CODE + r16_pm - tramp_start)
	.code16
r16_pm:	lidtl	T_R16_IDTR
	movl	%cr0, %eax
	andl	$~1, %eax
	movl	%eax, %cr0
	ljmpw	*T_R16_JMP		/* CS = the page's paragraph */
	/*
	 * Real mode (step 8): the plan's registers. SS:SP first (a MOV to SS holds interrupts off
	 * for one instruction, and IF is clear anyway), DS last among the segments and EAX last of
	 * all, since they carry the loads; IF set or not, then the far jump to CS:IP. Every load
	 * goes through CS, the page's own paragraph.
	 */
	.globl	tramp_real16
tramp_real16:
	movw	%cs:T_R16_SS, %ss
	movw	%cs:T_R16_SP, %sp
	movw	%cs:T_R16_ES, %es
	movw	%cs:T_R16_FS, %fs
	movw	%cs:T_R16_GS, %gs
	movl	%cs:T_REGS + 8, %ebx
	movl	%cs:T_REGS + 16, %ecx
	movl	%cs:T_REGS + 24, %edx
	movl	%cs:T_REGS + 32, %esi
	movl	%cs:T_REGS + 40, %edi
	movl	%cs:T_REGS + 48, %ebp
	movw	%cs:T_R16_DS, %ds
	movl	%cs:T_REGS + 0, %eax
	testb	$1, %cs:T_R16_STI
	jz	7f
	sti				/* effective after the next instruction: at CS:IP */
7:	ljmpw	*%cs:T_R16_IP
	.code32
tramp_end:

	.section .note.GNU-stack,"",@progbits
