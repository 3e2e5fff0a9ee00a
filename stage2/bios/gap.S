/* gap.S: the gap-resident part of the BIOS stage2: loads the body file by its block list, checks it, runs it. */
/*
 * stage1 loads this (gap.bin, at most 4 KiB) to 0000:8000 and jumps here with DL = the boot
 * drive. The installer filled the header (gap.h): the body file's extents on the boot drive,
 * its size and CRC-32. The body goes to 0000:9000 in reads of at most 32 KiB (below 1 MiB: no
 * bounce needed), then its CRC-32 and its build id are checked against the header, so a body
 * rewritten or moved since the install, or from another build, is named instead of run. Any
 * failure prints a message on screen and COM1, waits for a key and asks the BIOS for the next
 * boot device (INT 18h).
 */
#include "gap.h"
#include "rm16.inc"

	.code16
	.section .text.gap, "ax"
	.globl _start
_start:
	jmp	start
	.byte	0, 0
	.ascii	"BTN2"			/* what stage1 checks */

	.org	GAP_HDR_OFF
hdr:
	.long	GAP_HDR_MAGIC
	.long	1			/* version */
	.quad	0			/* build id: written by make */
	.long	0			/* body size: installer */
	.long	0			/* body CRC-32: installer */
	.quad	0			/* boot volume's first sector: installer */
	.word	0			/* extents used: installer */
	.word	GAP_MAX_EXT
	.word	512			/* sector size: installer */
	.word	ext - _start
	.byte	0			/* drive: filled here */
	.byte	0
	.org	GAP_HDR_OFF + GH_SIZE

start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7c00, %sp
	sti
	cld
	mov	%dl, hdr + GH_DRIVE
	rdtsc				/* baton's clock starts here (stage1 took a few ms) */
	mov	%eax, hdr + GH_TSC
	mov	%edx, hdr + GH_TSC + 4

	/* Sectors per read: 32 KiB of them. */
	movzwl	hdr + GH_SECTOR, %ecx
	cmp	$512, %ecx
	jb	bad_hdr
	mov	$32768, %eax
	xor	%edx, %edx
	div	%ecx
	test	%eax, %eax
	jz	bad_hdr
	mov	%ax, chunk
	mov	hdr + GH_N_EXT, %cx
	test	%cx, %cx
	jz	bad_hdr
	cmp	$GAP_MAX_EXT, %cx
	ja	bad_hdr
	mov	$ext, %bx
	movl	$BODY_ADDR, dest

next_ext:
	mov	0(%bx), %eax
	mov	%eax, dap_lba
	mov	4(%bx), %eax
	mov	%eax, dap_lba + 4
	mov	8(%bx), %eax
	mov	%eax, left
read_loop:
	mov	left, %eax
	test	%eax, %eax
	jz	ext_done
	movzwl	chunk, %edx
	cmp	%edx, %eax
	jbe	1f
	mov	%edx, %eax
1:	mov	%ax, count
	/* The body and its .bss must stay below BODY_END. */
	movzwl	hdr + GH_SECTOR, %edx
	imul	%eax, %edx
	add	dest, %edx
	cmp	$BODY_END, %edx
	ja	too_big
	mov	dest, %eax
	shr	$4, %eax
	mov	%ax, dap_seg
	mov	dest, %eax
	and	$15, %ax
	mov	%ax, dap_off
	mov	$3, %di			/* tries */
2:	mov	count, %ax
	mov	%ax, dap_count		/* again on a retry: a failed call may change it */
	push	%bx
	mov	$dap, %si
	mov	hdr + GH_DRIVE, %dl
	mov	$0x42, %ah
	int	$0x13
	pop	%bx
	jnc	3f
	xor	%ah, %ah		/* reset and try again */
	mov	hdr + GH_DRIVE, %dl
	int	$0x13
	dec	%di
	jnz	2b
	jmp	read_error
3:	movzwl	count, %eax
	sub	%eax, left
	addl	%eax, dap_lba
	adcl	$0, dap_lba + 4
	movzwl	hdr + GH_SECTOR, %edx
	imul	%edx, %eax
	add	%eax, dest
	jmp	read_loop
ext_done:
	add	$16, %bx
	dec	%cx
	jnz	next_ext

	/* All of the body read? */
	mov	dest, %eax
	sub	$BODY_ADDR, %eax
	cmp	hdr + GH_BODY_SIZE, %eax
	jb	short_list
	mov	hdr + GH_BODY_SIZE, %eax
	cmp	$BODY_END - BODY_ADDR, %eax
	ja	too_big

	mov	hdr + GH_BODY_SIZE, %ecx
	mov	$BODY_ADDR, %ebx
	RM16_CRC32
	cmp	hdr + GH_BODY_CRC, %edx
	jne	bad_crc
	mov	$BODY_ADDR >> 4, %ax
	mov	%ax, %es
	cmpl	$BODY_MAGIC, %es:4
	jne	bad_build
	mov	%es:BODY_BUILDID_OFF, %eax
	cmp	hdr + GH_BUILD_ID, %eax
	jne	bad_build
	mov	%es:BODY_BUILDID_OFF + 4, %eax
	cmp	hdr + GH_BUILD_ID + 4, %eax
	jne	bad_build
	xor	%ax, %ax
	mov	%ax, %es
	mov	hdr + GH_DRIVE, %dl
	mov	$hdr, %si
	ljmp	$0, $BODY_ADDR

bad_hdr:
	mov	$msg_hdr, %si
	jmp	fail
read_error:
	mov	$msg_read, %si
	jmp	fail
too_big:
	mov	$msg_big, %si
	jmp	fail
short_list:
	mov	$msg_short, %si
	jmp	fail
bad_crc:
	mov	$msg_crc, %si
	jmp	fail
bad_build:
	mov	$msg_build, %si
fail:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	RM16_FAIL msg_again

	RM16_PUTS

msg_hdr:	.asciz	"baton: the boot code has no block list for its stage2 file"
msg_read:	.asciz	"baton: disk read error loading the stage2 file"
msg_big:	.asciz	"baton: the stage2 file is too big for memory below 384 KiB"
msg_short:	.asciz	"baton: the block list is shorter than the stage2 file"
msg_crc:	.asciz	"baton: the stage2 file changed since it was installed (moved or rewritten)"
msg_build:	.asciz	"baton: the stage2 file is from another baton build than the boot code"
msg_again:	.asciz	";\r\nreinstall baton (baton install, or baton mkiso for an ISO). Press a key.\r\n"

	.balign	4
dap:
	.byte	0x10, 0		/* size, reserved */
dap_count:
	.word	0
dap_off:
	.word	0
dap_seg:
	.word	0
dap_lba:
	.quad	0
dest:	.long	0
left:	.long	0
chunk:	.word	0
count:	.word	0

	.balign	16
ext:
	.fill	GAP_MAX_EXT * 16, 1, 0
	.balign	512, 0
gap_end:

	.section .note.GNU-stack, "", @progbits
