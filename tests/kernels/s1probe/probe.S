/* probe.S: a stand-in stage2 that checks what stage1 promises and reports on COM1 (QEMU tests). */
/*
 * stage1 (stage1/mbr.S) promises: stage2's sectors at 0000:8000, DL = the boot drive, SI = its
 * patch block ("BTN1", the LBA and count it used), real mode with CS = 0. This checks each, sums
 * every loaded byte so that a short or misplaced read shows, prints one line and leaves QEMU
 * through isa-debug-exit (0x10: status 33) when all hold, 0x11 (35) otherwise.
 */
	.code16
	.section .text.stage1, "ax"
	.globl _start
_start:
	jmp	1f
	.byte	0, 0
	.ascii	"BTN2"			/* what stage1 checks at stage2 + 4 */
size_sectors:
	.word	0			/* patched by the test: sectors in this image */
1:	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	%dl, drive
	mov	$msg_ok, %di		/* the verdict so far */
	mov	%cs, %ax
	test	%ax, %ax
	jnz	bad
	cmpl	$0x314e5442, (%si)	/* "BTN1" */
	jne	bad
	mov	12(%si), %cx		/* stage2_count */
	cmp	size_sectors, %cx
	jne	bad
	/* Every sector after the first ends with its own number (the test writes them). */
	mov	$1, %bx
2:	cmp	%cx, %bx
	jae	3f
	mov	%bx, %ax
	shl	$5, %ax			/* sector bx at 0x8000 + bx * 512: segment 0x800 + bx * 32 */
	add	$0x800, %ax
	mov	%ax, %es
	cmp	%es:510, %bx
	jne	bad
	inc	%bx
	jmp	2b
3:	mov	$msg_ok, %si
	call	puts
	mov	drive, %al
	call	hex
	mov	$nl, %si
	call	puts
	mov	$0x10, %al
	out	%al, $0xf4
bad:
	mov	$msg_bad, %si
	call	puts
	mov	$0x11, %al
	out	%al, $0xf4
4:	hlt
	jmp	4b

puts:
	lodsb
	test	%al, %al
	jz	5f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	puts
5:	ret

hex:					/* AL as two hex digits */
	mov	%al, %ah
	shr	$4, %al
	call	6f
	mov	%ah, %al
	and	$15, %al
6:	add	$'0', %al
	cmp	$'9', %al
	jbe	7f
	add	$7, %al
7:	mov	$0x3f8, %dx
	out	%al, %dx
	ret

drive:		.byte	0
msg_ok:		.asciz	"BATON-STAGE1-OK drive="
msg_bad:	.asciz	"BATON-STAGE1-BAD\r\n"
nl:		.asciz	"\r\n"

	.section .note.GNU-stack, "", @progbits
