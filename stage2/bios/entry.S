/* entry.S: the BIOS stage2's first code: from stage1's real mode to 64-bit long mode, then C. */
/*
 * gap.S (or the CD boot image) jumps to 0000:9000 with DL = the boot drive and SI = its header
 * (gap.h). This enables A20, identity-maps the first 4 GiB with 2 MiB pages, enters long mode
 * through a flat GDT and calls bios_main(drive, hdr) on a stack in .bss. The header's "BTN3" at
 * offset 4 and the build id at 8 are what gap.S checks before it jumps.
 */
#include "gap.h"

	.section .text.entry, "ax"
	.code16
	.globl _start
_start:
	jmp	real_start
	.org	4
	.long	BODY_MAGIC
	.org	BODY_BUILDID_OFF
	.quad	0			/* build id: written by make, also into gap.bin */

PML4 = 0x70000			/* page tables: PML4, PDPT, 4 page directories (4 GiB) */
STACK = 0x7c00			/* real mode's stack until long mode */

real_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$STACK, %sp
	mov	%dl, boot_drive
	mov	%si, patch_block

	/* Fast A20 (port 0x92); SeaBIOS leaves it on, old machines may not. */
	in	$0x92, %al
	or	$2, %al
	and	$0xfe, %al
	out	%al, $0x92

	/* Page tables at 0x70000: zero 6 pages, then link them. */
	mov	$PML4 >> 4, %ax
	mov	%ax, %es
	xor	%di, %di
	xor	%eax, %eax
	mov	$6 * 4096 / 4, %ecx
	rep stosl
	movl	$PML4 + 0x1000 + 3, %es:0	/* PML4[0] -> PDPT */
	mov	$0x1000, %di			/* PDPT[0..3] -> the page directories */
	mov	$PML4 + 0x2000 + 3, %eax
1:	mov	%eax, %es:(%di)
	add	$0x1000, %eax
	add	$8, %di
	cmp	$0x1020, %di
	jne	1b
	mov	$0x2000, %di			/* 2048 entries of 2 MiB: 4 GiB */
	mov	$0x83, %eax			/* present, writable, large */
	xor	%edx, %edx
2:	mov	%eax, %es:(%di)
	mov	%edx, %es:4(%di)
	add	$0x200000, %eax
	adc	$0, %edx
	add	$8, %di
	cmp	$0x6000, %di
	jne	2b
	xor	%ax, %ax
	mov	%ax, %es

	lgdt	gdt_desc
	mov	%cr4, %eax
	or	$0x20, %eax			/* PAE */
	mov	%eax, %cr4
	mov	$PML4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	or	$0x100, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax		/* PG | PE */
	mov	%eax, %cr0
	ljmpl	$0x18, $long_start

	.code64
long_start:
	mov	$0x20, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$__bss_start, %edi	/* .bss is not in the image stage1 loaded */
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb
	mov	$stack_top, %rsp
	movzbl	boot_drive, %edi
	movzwl	patch_block, %esi
	call	bios_main
3:	hlt
	jmp	3b

	.balign	8
	.globl	gdt_desc
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: 32-bit data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x20: data */
	.quad	0x00009a000000ffff	/* 0x28: 16-bit code, base 0, 64 KiB (the way back to real mode) */
	.quad	0x000092000000ffff	/* 0x30: 16-bit data */
	.quad	0, 0			/* 0x38: the TSS of the exception handlers (trap.c) */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
boot_drive:
	.byte	0
	.balign	2
patch_block:
	.word	0

	.section .bss
	.balign	16
	.space	64 * 1024		/* the core's stack (UEFI gives 128 KiB; we use far less) */
stack_top:

	.section .note.GNU-stack, "", @progbits
