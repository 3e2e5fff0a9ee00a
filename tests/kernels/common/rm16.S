/* rm16.S: rm_int(), a BIOS interrupt from C compiled with gcc -m16 (calll/retl, cdecl). */
	.code16
	.text
	.globl	rm_int
/*
 * rm_int(int vec, struct rmregs *r): the vector's far pointer from the IVT (FS = 0), FLAGS
 * pushed and IF cleared as INT does, a far call the handler's IRET returns from. r is an offset
 * in SS (= C's DS); its fields are read and written through SS, since DS is the BIOS's then.
 * Stack after the saves: FS at 0, PUSHAL at 2, the return address at 34, vec at 38, r at 42.
 */
rm_int:
	pushal
	pushw	%fs
	xorw	%ax, %ax
	movw	%ax, %fs
	movzbl	38(%esp), %eax
	pushl	%fs:(,%eax,4)		/* the handler; vec now at 42, r at 46 */
	movl	46(%esp), %ebp
	movl	%ss:0(%ebp), %eax
	movl	%ss:4(%ebp), %ebx
	movl	%ss:8(%ebp), %ecx
	movl	%ss:12(%ebp), %edx
	movl	%ss:16(%ebp), %esi
	movl	%ss:20(%ebp), %edi
	movw	%ss:30(%ebp), %es
	movw	%ss:28(%ebp), %ds
	movl	%ss:24(%ebp), %ebp
	pushfw
	cli
	lcallw	*%ss:2(%esp)
	pushl	%ebp			/* the handler's EBP; r at 50 */
	pushfl
	movl	%ss:54(%esp), %ebp
	popl	%ss:32(%ebp)		/* EFLAGS */
	movl	%eax, %ss:0(%ebp)
	movl	%ebx, %ss:4(%ebp)
	movl	%ecx, %ss:8(%ebp)
	movl	%edx, %ss:12(%ebp)
	movl	%esi, %ss:16(%ebp)
	movl	%edi, %ss:20(%ebp)
	movw	%ds, %ss:28(%ebp)
	movw	%es, %ss:30(%ebp)
	popl	%ss:24(%ebp)		/* EBP */
	addl	$4, %esp
	popw	%fs
	pushw	%ss
	popw	%ds
	pushw	%ss
	popw	%es
	popal
	retl

	.section .note.GNU-stack, "", @progbits
