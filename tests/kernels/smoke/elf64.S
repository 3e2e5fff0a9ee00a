/* elf64.S: baton ELF protocol smoke kernel: ELF64 linked higher-half, entered with it mapped. */
#include "kasm.h"
	.section .text
	.code64
	.globl	_start
_start:
	cmpl	$0x36d76289, %eax		/* README: EAX = RDI = magic, RBX = RSI = info */
	jne	fail64
	cmpl	$0x36d76289, %edi
	jne	fail64
	cmpq	%rbx, %rsi
	jne	fail64
	leaq	msg(%rip), %rsi
	call	puts64
	jmp	pass64
#include "common64.S"
	.section .data
msg:	.asciz	"BATON-SMOKE elf64 OK: higher half\r\n"
