/* cdboot.S: baton's El Torito boot image: loads the BIOS stage2 body from the CD and runs it. */
/*
 * El Torito 1.0, no emulation: the BIOS loads this file's first sectors (the catalog's load
 * size, 4 x 512 = all of these 2048 bytes) to 0000:7C00 and jumps here with DL = the CD drive.
 * The boot file is this image followed by the body (bios.bin); `baton mkiso` writes the body's
 * size and CRC-32 into the block at 64, xorriso's -boot-info-table writes our own LBA and
 * length into the table at 8. The body goes to 0000:9000 with INT 13h AH=42h on the CD drive
 * (2048-byte sectors, at most 16 = 32 KiB per call, all below 1 MiB), its magic and CRC-32 are
 * checked, and it runs as gap.S runs it: real mode, DL = the drive, SI = a gap_hdr (gap.h)
 * built here, with boot_lba 0 (the ISO 9660 volume is the whole CD) and sector_size 2048.
 * Any failure prints a message on screen and COM1, waits for a key and hands over to the BIOS
 * (INT 18h): never a silent hang.
 */
#include "gap.h"
#include "rm16.inc"

CD_MAGIC = 0x434e5442		/* "BTNC": the block mkiso fills */
CD_SECTOR = 2048
CD_CHUNK = 16			/* sectors per read: 32 KiB, inside one segment */

	.code16
	.section .text.cdboot, "ax"
	.globl _start
_start:
	jmp	start

	/* The boot info table (mkisofs -boot-info-table, as xorriso writes it): keep 8-63 free. */
	.org	8
bi_pvd:
	.long	0		/* LBA of the primary volume descriptor */
bi_file:
	.long	0		/* LBA of this boot file, in 2048-byte blocks */
bi_length:
	.long	0		/* the boot file's length in bytes */
bi_csum:
	.long	0
	.fill	40, 1, 0

	/* Written by baton mkiso (tools/mkiso.c): keep the offsets. */
	.org	64
patch:
	.ascii	"BTNC"
body_size:
	.long	0		/* bytes of the body after our 2048 */
body_crc:
	.long	0		/* its zlib CRC-32 */
	.long	0

	/* What the body gets in SI: gap.S's header, filled in here (gap.h). */
	.org	80
hdr:
	.long	GAP_HDR_MAGIC
	.long	1		/* version */
	.quad	0		/* build id: the body's own */
	.long	0		/* body size */
	.long	0		/* body CRC-32 */
	.quad	0		/* boot volume's first sector: the CD's, 0 */
	.word	0		/* no extents: the body was read as one run */
	.word	0
	.word	CD_SECTOR
	.word	0
	.byte	0		/* drive: filled here */
	.byte	0
	.org	hdr + GH_SIZE

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
	mov	%dl, hdr + GH_DRIVE

	/* Where we are (the boot info table) and what follows us (mkiso's block). */
	mov	$msg_table, %si
	cmpl	$0, bi_file
	je	fail
	mov	$msg_patch, %si
	cmpl	$CD_MAGIC, patch
	jne	fail
	mov	body_size, %eax
	test	%eax, %eax
	jz	fail
	mov	$msg_big, %si		/* whole sectors of it must fit below BODY_END */
	cmp	$BODY_END - BODY_ADDR, %eax
	ja	fail
	add	$CD_SECTOR - 1, %eax
	shr	$11, %eax
	mov	%ax, left
	shl	$11, %eax
	cmp	$BODY_END - BODY_ADDR, %eax
	ja	fail
	mov	$msg_short, %si
	mov	body_size, %eax
	add	$CD_SECTOR, %eax
	cmp	bi_length, %eax
	ja	fail

	/* INT 13h AH=41h: extensions, with the fixed-disk access subset (CX bit 0) for AH=42h. */
	mov	$0x41, %ah
	mov	$0x55aa, %bx
	mov	hdr + GH_DRIVE, %dl
	int	$0x13
	mov	$msg_ext, %si
	jc	fail
	cmp	$0xaa55, %bx
	jne	fail
	test	$1, %cl
	jz	fail

	/* The body: the sectors after ours, to 0000:9000. */
	mov	bi_file, %eax
	inc	%eax
	mov	%eax, dap_lba
	movw	$BODY_ADDR >> 4, dap_seg
read_loop:
	mov	left, %cx
	test	%cx, %cx
	jz	read_done
	cmp	$CD_CHUNK, %cx
	jbe	2f
	mov	$CD_CHUNK, %cx
2:	mov	$3, %di			/* tries */
3:	mov	%cx, dap_count		/* again on a retry: a failed call may change it */
	push	%cx
	push	%di
	mov	$dap, %si
	mov	hdr + GH_DRIVE, %dl
	mov	$0x42, %ah
	int	$0x13
	pop	%di
	pop	%cx
	jnc	4f
	push	%cx
	xor	%ah, %ah		/* reset and try again */
	mov	hdr + GH_DRIVE, %dl
	int	$0x13
	pop	%cx
	dec	%di
	jnz	3b
	mov	$msg_read, %si
	jmp	fail
4:	sub	%cx, left
	movzwl	%cx, %eax
	add	%eax, dap_lba
	shl	$7, %cx			/* 2048-byte sectors in paragraphs */
	add	%cx, dap_seg
	jmp	read_loop

read_done:
	mov	$BODY_ADDR >> 4, %ax
	mov	%ax, %es
	mov	$msg_body, %si
	cmpl	$BODY_MAGIC, %es:4
	jne	fail
	mov	%es:BODY_BUILDID_OFF, %eax
	mov	%eax, hdr + GH_BUILD_ID
	mov	%es:BODY_BUILDID_OFF + 4, %eax
	mov	%eax, hdr + GH_BUILD_ID + 4

	mov	body_size, %ecx
	mov	$BODY_ADDR, %ebx
	RM16_CRC32
	mov	$msg_crc, %si
	cmp	body_crc, %edx
	jne	fail

	mov	body_size, %eax
	mov	%eax, hdr + GH_BODY_SIZE
	mov	%edx, hdr + GH_BODY_CRC
	mov	hdr + GH_DRIVE, %dl
	mov	$hdr, %si
	ljmp	$0, $BODY_ADDR

/* Prints the message at SI, then waits for a key and asks the BIOS for the next boot device. */
fail:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	RM16_FAIL msg_key

	RM16_PUTS

msg_table:	.asciz	"baton: the CD boot image has no boot info table (xorriso -boot-info-table)"
msg_patch:	.asciz	"baton: the CD boot image does not say how big stage2 is; make the ISO with baton mkiso"
msg_big:	.asciz	"baton: the stage2 file is too big for memory below 384 KiB"
msg_short:	.asciz	"baton: the CD boot file is shorter than the stage2 it should hold"
msg_ext:	.asciz	"baton: this BIOS has no INT 13h LBA extensions for the CD drive"
msg_read:	.asciz	"baton: CD read error loading stage2"
msg_body:	.asciz	"baton: the CD boot file holds no baton stage2"
msg_crc:	.asciz	"baton: stage2 on the CD is damaged (CRC-32 mismatch)"
msg_key:	.asciz	"\r\nPress a key.\r\n"

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
left:	.word	0		/* sectors still to read */

	/* The whole image is one CD sector: mkiso appends the body right after it. */
	.org	CD_SECTOR

	.section .note.GNU-stack, "", @progbits
