/* mb1.S: Multiboot 1 smoke kernel: ELF32 linked at a virtual address, loaded by p_paddr. */
#include "kasm.h"
#define PHYS(x) ((x) - VIRT + PHYS_BASE)
	.section .text
	.globl	_start
	.align	4
	.long	0x1BADB002, 3, -(0x1BADB002 + 3)	/* spec 3.1.1: magic, flags, checksum */
_start:
	cmpl	$0x2BADB002, %eax			/* spec 3.2: EAX */
	jne	fail32
	movl	%ebx, %edi
	movl	$PHYS(msg), %esi
	call	puts32
	testl	$4, (%edi)				/* info flag 2: cmdline */
	jz	fail32
	movl	16(%edi), %esi
	call	puts32
	movl	$PHYS(nl), %esi
	call	puts32
	jmp	pass32
#include "common32.S"
	.section .data
msg:	.asciz	"BATON-SMOKE mb1 OK cmdline="
nl:	.asciz	"\r\n"
