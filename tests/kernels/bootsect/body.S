/* body.S: the body's entry: sector.S jumps here with DS = ES = SS = 0, SP = 7000, IF set. */
#include "proto.h"

	.code16
	.section .body.entry, "ax"
	.globl	body_start
body_start:
	movl	$BS_STACK, %esp
	movw	$_bss_start, %di	/* .bss is not on the disk */
	movw	$_bss_end, %cx
	subw	%di, %cx
	xorb	%al, %al
	rep stosb
	calll	bs_main
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
