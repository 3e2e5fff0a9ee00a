/* elf64.S: baton ELF protocol smoke kernel: ELF64 linked higher-half, entered with it mapped. */
	.section .text
	.code64
	.globl	_start
_start:
	cmpl	$0x36d76289, %eax		/* README: EAX = RDI = magic, RBX = RSI = info */
	jne	9f
	cmpl	$0x36d76289, %edi
	jne	9f
	cmpq	%rbx, %rsi
	jne	9f
	leaq	msg(%rip), %rsi
	call	puts64
	movb	$0x10, %al
	outb	%al, $0xf4
9:	movb	$0x11, %al
	outb	%al, $0xf4
	hlt
puts64:	movb	(%rsi), %al
	testb	%al, %al
	jz	2f
	movw	$0x3fd, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	movb	(%rsi), %al
	movw	$0x3f8, %dx
	outb	%al, %dx
	incq	%rsi
	jmp	puts64
2:	ret
	.section .data
msg:	.asciz	"BATON-SMOKE elf64 OK: higher half\r\n"
