/* mb2.S: Multiboot 2 smoke kernel: i386 entry after the firmware, or (EFI_BS) the EFI amd64 entry. */
#include "kasm.h"
	.section .text
	.globl	_start
	.align	8
hdr:	.long	0xE85250D6, 0, hdr_end - hdr, -(0xE85250D6 + (hdr_end - hdr))
	.align	8
	.short	1, 0				/* information request: cmdline (required) */
	.long	12, 1
#ifdef EFI_BS
	.align	8
	.short	7, 0				/* EFI boot services */
	.long	8
	.align	8
	.short	9, 0				/* EFI amd64 entry address */
	.long	12, start64
#endif
	.align	8
	.short	0, 0
	.long	8
hdr_end:
	.code32
_start:
	cmpl	$0x36d76289, %eax		/* 3.2: EAX */
	jne	fail32
	movl	%ebx, %edi
	movl	$msg, %esi
	call	puts32
	leal	8(%edi), %ecx			/* find tag 1 */
1:	cmpl	$0, (%ecx)
	je	fail32
	cmpl	$1, (%ecx)
	je	2f
	movl	4(%ecx), %eax
	addl	$7, %eax
	andl	$-8, %eax
	addl	%eax, %ecx
	jmp	1b
2:	leal	8(%ecx), %esi
	call	puts32
	movl	$nl, %esi
	call	puts32
	jmp	pass32
#include "common32.S"
#ifdef EFI_BS
	.code64
start64:
	cmpl	$0x36d76289, %eax
	jne	fail64
	leaq	msg64(%rip), %rsi
	call	puts64
	jmp	pass64
#include "common64.S"
msg64:	.asciz	"BATON-SMOKE mb2-efi OK: 64-bit entry, boot services running\r\n"
#endif
	.section .data
msg:	.asciz	"BATON-SMOKE mb2 OK cmdline="
nl:	.asciz	"\r\n"
