/* sector.S: the boot-sector conformance kernel's sector: saves the entry state, loads its body. */
#include "proto.h"
#include "serial.h"

/*
 * A loader enters a boot sector at 0000:7C00 in real mode (CS:IP, DL, DS:SI, SS:SP: see
 * tests/kernels/README.md, bootsect). This sector saves every register before it changes one
 * (three pushes on the loader's stack excepted: FLAGS, CS and the call that finds IP), then
 * finds where on drive DL it was read from (LBA 0, as an MBR, or the start LBA of the
 * partition entry at DS:SI, as a VBR: the 512 bytes there must be these), loads the body from
 * the sectors after it and jumps there. The body (main.c) checks the promises. Only the first
 * 440 bytes are code and data: the test may write this sector as a disk's MBR, keeping its
 * partition table.
 */
	.code16
	.section .sector, "ax"
	.globl	_start, bs_ip1_off
_start:
	jmp	start
	.org	BS_MAGIC_OFF
	.ascii	"BTNB"
	.byte	BS_F_BATON		/* BS_FLAGS_OFF */
	.byte	0
	.word	bs_body_sectors		/* BS_COUNT_OFF: from the linker script */
start:
	pushfw
	pushw	%cs
	callw	1f
1:	ljmpw	$0, $2f			/* CS = 0, whatever CS:IP the loader used */
2:	popw	%cs:BS_SAVE + S_IP1
	popw	%cs:BS_SAVE + S_CS
	popw	%cs:BS_SAVE + S_FLAGS
	movw	%sp, %cs:BS_SAVE + S_SP	/* the loader's SP: three pushes undone */
	movw	%ss, %cs:BS_SAVE + S_SS
	movw	%ds, %cs:BS_SAVE + S_DS
	movw	%es, %cs:BS_SAVE + S_ES
	movw	%fs, %cs:BS_SAVE + S_FS
	movw	%gs, %cs:BS_SAVE + S_GS
	movl	%eax, %cs:BS_SAVE + S_EAX
	movl	%ebx, %cs:BS_SAVE + S_EBX
	movl	%ecx, %cs:BS_SAVE + S_ECX
	movl	%edx, %cs:BS_SAVE + S_EDX
	movl	%esi, %cs:BS_SAVE + S_ESI
	movl	%edi, %cs:BS_SAVE + S_EDI
	movl	%ebp, %cs:BS_SAVE + S_EBP
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$BS_STACK, %esp
	sti
	cld
	/* LBA 0 of DL: this sector, if it is the MBR. */
	xorl	%eax, %eax
	call	read1
	jc	no_read
	call	same
	je	found
	/* Else the partition entry at the loader's DS:SI names our LBA. */
	movw	BS_SAVE + S_DS, %es
	movw	BS_SAVE + S_ESI, %si
	testw	%si, %si
	jz	not_found
	movl	%es:8(%si), %eax
	call	read1
	jc	no_read
	call	same
	jne	not_found
found:	movl	%eax, BS_SAVE + S_OWN
	/* The body: bs_body_sectors sectors after ours, to 0000:7E00. */
	incl	%eax
	movw	$BS_BODY, %bx
	movw	$bs_body_sectors, %cx
	call	read
	jc	no_read
	ljmpw	$0, $BS_BODY

/* Reads sector EAX of drive DL (saved) to BS_BUF (read1), or CX sectors to 0:BX (read). */
read1:	movw	$BS_BUF, %bx
	movw	$1, %cx
read:	pushl	%eax
	movw	$BS_SAVE + S_DAP, %si
	movw	$16, (%si)		/* size; reserved byte 0 */
	movw	%cx, 2(%si)
	movw	%bx, 4(%si)
	movw	$0, 6(%si)
	movl	%eax, 8(%si)
	movl	$0, 12(%si)
	movb	BS_SAVE + S_EDX, %dl
	movb	$0x42, %ah
	int	$0x13
	popl	%eax
	ret

/* ZF set when BS_BUF holds this sector's 512 bytes. */
same:	pushw	%cx
	movw	$BS_ADDR, %si
	movw	$BS_BUF, %di
	movw	$512, %cx
	repe cmpsb
	popw	%cx
	ret

no_read:
	movw	$msg_read, %si
	jmp	fail
not_found:
	movw	$msg_where, %si
fail:	call	puts
	movw	$msg_done, %si
	call	puts
	movb	$DEBUG_EXIT_FAIL, %al
	outb	%al, $DEBUG_EXIT_PORT
5:	hlt
	jmp	5b

puts:	lodsb
	testb	%al, %al
	jz	6f
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	puts
6:	ret

msg_read:
	.asciz	"FAIL: bootsect: INT 13h AH=42h on DL\r\n"
msg_where:
	.asciz	"FAIL: bootsect: not at LBA 0 nor at DS:SI's LBA on DL\r\n"
msg_done:
	.asciz	"BATON-CONFORMANCE bootsect done: 0 passed, 1 failed\r\n"
bs_ip1_off = 1b - _start
	.org	440			/* the rest belongs to the disk when this is an MBR */
	.org	510
	.byte	0x55, 0xaa

	.section .note.GNU-stack, "", @progbits
