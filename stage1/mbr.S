/* mbr.S: baton's BIOS boot sector: loads stage2 with INT 13h LBA reads and jumps to it. */
/*
 * The BIOS loads this sector to 0000:7C00 and jumps here with DL = the boot drive. Bytes 440 to
 * 511 (disk signature, partition table, 0x55AA) belong to the disk: the installer copies only
 * bytes 0 to 439 of this file, and patches the block at PATCH (stage2's first LBA and sector
 * count). stage2 goes to 0000:8000 in calls of at most 64 sectors (127 is the limit of some
 * BIOSes; 64 keeps each buffer inside one 64 KiB segment), then runs with DL = the boot drive
 * and SI = this sector's patch block. Any failure prints a message on screen and COM1 and
 * waits for a key, then asks the BIOS for the next boot device (INT 18h): never a silent hang.
 */
#include "rm16.inc"
	.code16
	.section .text.stage1, "ax"
	.globl _start
_start:
	jmp	start
	nop

	/* The patch block (layout shared with tools/install: keep the offsets). */
	.org	0x04
patch:
	.ascii	"BTN1"		/* +0: magic: this sector is baton's stage1 */
stage2_lba:
	.quad	1		/* +4: first LBA of stage2 */
stage2_count:
	.word	0		/* +12: sectors of stage2 (at most 960: 480 KiB below 0x80000) */
boot_drive:
	.byte	0		/* +14: DL as the BIOS gave it */
	.byte	0		/* +15: reserved */

STAGE2_SEG = 0x0800		/* stage2 at 0000:8000 */
STAGE2_MAGIC = 0x324e5442	/* "BTN2" at stage2 + 4 */
CHUNK = 64

start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7c00, %sp
	ljmp	$0, $1f			/* some BIOSes enter at 07C0:0000 */
1:	sti
	cld
	mov	%dl, boot_drive

	/* INT 13h AH=41h: extensions present, and the fixed-disk access subset (CX bit 0). */
	mov	$0x41, %ah
	mov	$0x55aa, %bx
	int	$0x13
	jc	no_ext
	cmp	$0xaa55, %bx
	jne	no_ext
	test	$1, %cl
	jz	no_ext

	mov	stage2_count, %cx
	test	%cx, %cx
	jz	no_stage2
	cmp	$960, %cx
	ja	no_stage2
	movw	$STAGE2_SEG, dap_seg
	mov	stage2_lba, %eax
	mov	%eax, dap_lba
	mov	stage2_lba + 4, %eax
	mov	%eax, dap_lba + 4
read_loop:
	mov	%cx, %bp
	cmp	$CHUNK, %bp
	jbe	2f
	mov	$CHUNK, %bp
2:	mov	$3, %di			/* tries */
3:	mov	%bp, dap_count		/* again on a retry: a failed call may change it */
	mov	$dap, %si
	mov	boot_drive, %dl
	mov	$0x42, %ah
	int	$0x13
	jnc	4f
	xor	%ah, %ah		/* reset the controller and try again */
	mov	boot_drive, %dl
	int	$0x13
	dec	%di
	jnz	3b
	jmp	read_error
4:	sub	%bp, %cx
	movzwl	%bp, %eax
	addl	%eax, dap_lba
	adcl	$0, dap_lba + 4
	shl	$5, %bp			/* 512-byte sectors in paragraphs */
	add	%bp, dap_seg
	test	%cx, %cx
	jnz	read_loop

	/* What was read must be baton's stage2, not whatever the gap held. */
	mov	$STAGE2_SEG, %ax
	mov	%ax, %es
	cmpl	$STAGE2_MAGIC, %es:4
	jne	no_stage2
	xor	%ax, %ax
	mov	%ax, %es
	mov	boot_drive, %dl
	mov	$patch, %si
	ljmp	$0, $0x8000

no_ext:
	mov	$msg_ext, %si
	jmp	fail
read_error:
	mov	$msg_read, %si
	jmp	fail
no_stage2:
	mov	$msg_stage2, %si
fail:
	RM16_FAIL msg_key

	RM16_PUTS

msg_ext:	.asciz	"baton: this BIOS has no INT 13h LBA extensions\r\n"
msg_read:	.asciz	"baton: disk read error loading stage2\r\n"
msg_stage2:	.asciz	"baton: stage2 is missing; run baton install again\r\n"
msg_key:	.asciz	"Press a key.\r\n"

	.balign	4
dap:
	.byte	0x10, 0		/* size, reserved */
dap_count:
	.word	0
	.word	0		/* buffer offset */
dap_seg:
	.word	0		/* buffer segment */
dap_lba:
	.quad	0

	/* The disk's own bytes start here: code and data above must not reach them. */
	.org	440
	.long	0		/* disk signature */
	.word	0
	.org	510
	.word	0xaa55

	.section .note.GNU-stack, "", @progbits
