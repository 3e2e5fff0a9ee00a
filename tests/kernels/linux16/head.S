/* head.S: the linux16 kernel's real-mode code: boot sector, setup header, the 16-bit entry. */
#include "proto.h"

/*
 * Linked at 0: offsets here are offsets from the real-mode code's start, which a loader puts at
 * some base below 1 MiB and enters at (base / 16 + 0x20):0000, the jump at 0x200 (boot.rst
 * "Running the Kernel"). The entry saves every register before it changes one (four pushes on
 * the loader's stack excepted: FLAGS, CS, AX, BX and the call that finds IP), moves to CS =
 * base / 16 with a far return, then sets DS = ES = SS = CS and its own stack for the C code.
 */
	.code16
	.section .head, "ax"
	.globl	_start
_start:
	cli				/* the boot sector: this kernel does not boot from a floppy */
1:	hlt
	jmp	1b

	.org	H_SETUP_SECTS
	.byte	l16_setup_sects		/* from the linker script */
	.word	0			/* 0x1f2 root_flags */
	.long	L16_PM_LEN / 16		/* 0x1f4 syssize */
	.word	0			/* 0x1f8 ram_size */
	.word	0xffff			/* 0x1fa vid_mode */
	.word	0			/* 0x1fc root_dev */
	.word	0xaa55			/* 0x1fe boot_flag */
	.byte	0xeb, start16 - 0x202	/* 0x200 jump: over the header, to the entry */
	.ascii	"HdrS"			/* 0x202 */
	.word	L16_VERSION		/* 0x206 */
	.long	0			/* 0x208 realmode_swtch */
	.word	0x1000			/* 0x20c start_sys_seg (obsolete) */
	.word	kver - 0x200		/* 0x20e kernel_version */
	.byte	0			/* 0x210 type_of_loader */
	.byte	L16_LOADFLAGS		/* 0x211 */
	.word	0			/* 0x212 setup_move_size */
	.long	L16_CODE32_START	/* 0x214 */
	.long	0			/* 0x218 ramdisk_image */
	.long	0			/* 0x21c ramdisk_size */
	.long	0			/* 0x220 bootsect_kludge */
	.word	0			/* 0x224 heap_end_ptr */
	.byte	0			/* 0x226 ext_loader_ver */
	.byte	0			/* 0x227 ext_loader_type */
	.long	0			/* 0x228 cmd_line_ptr */
	.long	L16_INITRD_ADDR_MAX	/* 0x22c */
	.long	L16_KERNEL_ALIGNMENT	/* 0x230 */
	.byte	L16_RELOCATABLE		/* 0x234 */
	.byte	L16_MIN_ALIGNMENT	/* 0x235 */
	.word	0			/* 0x236 xloadflags: no 32/64-bit entry to offer */
	.long	L16_CMDLINE_SIZE	/* 0x238 */
	.long	0			/* 0x23c hardware_subarch */
	.quad	0			/* 0x240 hardware_subarch_data */
	.long	0			/* 0x248 payload_offset */
	.long	0			/* 0x24c payload_length */
	.quad	0			/* 0x250 setup_data */
	.quad	L16_PREF_ADDRESS	/* 0x258 */
	.long	L16_INIT_SIZE		/* 0x260 */
	.long	0			/* 0x264 handover_offset */
	.long	0			/* 0x268 kernel_info_offset */
	.org	L16_HDR_END

start16:
	pushfw
	pushw	%cs
	pushw	%ax
	pushw	%bx
	callw	2f
2:	popw	%ax			/* IP of 2b as the loader's CS sees it */
	movw	%cs, %bx
	subw	$2b, %ax		/* where offset 0 is, from CS, in paragraphs: -0x20 at CS:0 */
	sarw	$4, %ax
	addw	%ax, %bx
	pushw	%bx
	pushw	$3f
	lretw				/* CS = the real-mode code's own segment */
3:	popw	%cs:l16_save + E_BX
	popw	%cs:l16_save + E_AX
	popw	%cs:l16_save + E_CS
	popw	%cs:l16_save + E_FLAGS
	movw	%sp, %cs:l16_save + E_SP
	movw	%ss, %cs:l16_save + E_SS
	movw	%ds, %cs:l16_save + E_DS
	movw	%es, %cs:l16_save + E_ES
	movw	%fs, %cs:l16_save + E_FS
	movw	%gs, %cs:l16_save + E_GS
	movl	%ecx, %cs:l16_save + E_ECX
	movl	%edx, %cs:l16_save + E_EDX
	movl	%esi, %cs:l16_save + E_ESI
	movl	%edi, %cs:l16_save + E_EDI
	movl	%ebp, %cs:l16_save + E_EBP
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$l16_stack_top, %esp
	cld
	movw	$_bss_start, %di	/* beyond what the loader copies: the heap, not zeroed */
	movw	$_bss_end, %cx
	subw	%di, %cx
	xorb	%al, %al
	rep stosb
	calll	l16_main
4:	hlt
	jmp	4b

kver:	.asciz	L16_KVER

	.section .data, "aw"
	.globl	l16_save
	.balign	4
l16_save:
	.fill	E_SIZE, 1, 0

	.section .trailer, "a"
	.ascii	L16_SETUP_TAIL

	.section .bss, "aw", @nobits
	.balign	16
	.space	4096
	.globl	l16_stack_top
l16_stack_top:

	.section .note.GNU-stack, "", @progbits
