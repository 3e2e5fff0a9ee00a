/* entry.S: mb2 kernels' Multiboot 2 header, entries (capture the state, check and clear bss). */
#include "mb2.h"
#include "kasm.h"

	.section .mbhead, "ax"
	.globl	mb2_image_start
	.hidden	mb2_image_start
mb2_image_start:
/* 3.1.1: 8-aligned in the first 32 KiB; magic, architecture 0 (i386), length, checksum. */
	.balign	8
mb2_header:
	.long	MB2_HDR_MAGIC, 0, hdr_end - mb2_header
	.long	-(MB2_HDR_MAGIC + (hdr_end - mb2_header))
/* 3.1.4: information requests; flags 0 = required: a loader that cannot give one must not boot. */
	.balign	8
1:	.short	1, 0
	.long	2f - 1b
#ifndef MB2_EFI
	.long	T_MEMINFO, T_MMAP, T_CMDLINE, T_MODULE, T_NAME, T_ELF, T_RSDP_OLD, T_RSDP_NEW
	.long	T_LOAD_BASE
#else
	.long	T_EFI64, T_EFI64_IH, T_EFI_BS, T_CMDLINE, T_NAME
#endif
2:
#ifdef MB2_EFI
	/* A second request, optional (flags 1): 3.6.3, 3.6.8, 3.6.19 let these go while boot services run. */
	.balign	8
1:	.short	1, 1
	.long	2f - 1b
	.long	T_EFI_MMAP, T_MMAP, T_MEMINFO, T_MODULE, T_RSDP_OLD, T_RSDP_NEW
2:
#endif
/* 3.1.11 module alignment: modules page-aligned. */
	.balign	8
	.short	6, 0
	.long	8
/* 3.1.9 console flags, optional: no console requirement. */
	.balign	8
	.short	4, 1
	.long	12
	.long	0
#ifndef MB2_EFI
/* 3.1.10 framebuffer, optional (flags 1): a loader may ignore it, or give another mode. */
	.balign	8
	.short	5, 1
	.long	20
	.long	MB2_FB_WIDTH, MB2_FB_HEIGHT, MB2_FB_DEPTH
/* 3.1.13 relocatable: anywhere in [min, max] at this alignment, preferably high. */
	.balign	8
	.short	10, 0
	.long	24
	.long	MB2_RELOC_MIN, MB2_RELOC_MAX, MB2_RELOC_ALIGN, MB2_RELOC_PREF
#else
/* 3.1.12 EFI boot services: we can start with them running. */
	.balign	8
	.short	7, 0
	.long	8
/* 3.1.8 EFI amd64 entry address: entered here, in 64-bit mode, when tag 7 is honoured. */
	.balign	8
	.short	9, 0
	.long	12
	.long	mb2_entry64
#endif
	.balign	8
	.short	0, 0
	.long	8
hdr_end:

	.code32
	.globl	mb2_entry32
	.hidden	mb2_entry32
mb2_entry32:
#ifndef MB2_EFI
/*
 * 3.3 I386 machine state: EAX magic, EBX info, ESP undefined. For the one call/pop that finds
 * where we run, borrow the info's reserved field (bytes 4..7) as the stack slot and restore it.
 * Nothing is written to our image before bss has been scanned for non-zero bytes.
 */
	movl	4(%ebx), %edx
	leal	8(%ebx), %esp
	call	1f
1:	popl	%ebp
	movl	%edx, 4(%ebx)
	subl	$(1b - mb2_image_start), %ebp	/* ebp: the image's first byte */
	movl	%eax, %edx
	cld
	leal	mb2_bss_off(%ebp), %edi
	movl	$mb2_bss_size, %ecx
	xorl	%eax, %eax
	repe scasb
	movl	$0, %esi
	je	2f
	movl	%edi, %esi		/* one past the first non-zero byte */
	subl	%ebp, %esi
	subl	$mb2_bss_off, %esi
2:	leal	mb2_bss_off(%ebp), %edi
	movl	$mb2_bss_size, %ecx
	rep stosb
	leal	mb2_ent_off(%ebp), %edi
	movl	%edx, ENT_EAX(%edi)
	movl	%ebx, ENT_EBX(%edi)
	movl	%esi, ENT_BSSBAD(%edi)
	movl	%ebp, ENT_RUN(%edi)
	leal	mb2_stack_off(%ebp), %esp
	pushfl				/* nothing above touched IF */
	popl	ENT_EFLAGS(%edi)
	call	mb2_main
	halt_forever
#else
/* mb2-efi on an EFI machine must come in at mb2_entry64 (3.1.8); this is a BIOS-style entry. */
	fail_exit32 msg32
msg32:
	.ascii	"FAIL: entered at the EFI amd64 entry (tag 9) with boot services running "
	.ascii	"(came in at the i386 entry: tags 7/9 ignored or not an EFI machine)\r\n"
	.asciz	"BATON-CONFORMANCE mb2-efi done: 0 passed, 1 failed\r\n"

/*
 * 3.5 EFI amd64 machine state: 64-bit mode as UEFI hands off, boot services running,
 * EAX magic, RBX info. Scan bss before writing anything, then take our own stack.
 */
	.code64
	.globl	mb2_entry64
	.hidden	mb2_entry64
mb2_entry64:
	movl	%eax, %edx
	movq	%rsp, %r8
	cld
	leaq	mb2_image_start(%rip), %rbp
	leaq	mb2_bss_off(%rbp), %rdi
	movl	$mb2_bss_size, %ecx
	xorl	%eax, %eax
	repe scasb
	movl	$0, %esi
	je	2f
	movq	%rdi, %rsi
	subq	%rbp, %rsi
	subq	$mb2_bss_off, %rsi
2:	leaq	mb2_bss_off(%rbp), %rdi
	movl	$mb2_bss_size, %ecx
	rep stosb
	leaq	mb2_ent_off(%rbp), %rdi
	movl	%edx, ENT_EAX(%rdi)
	movq	%rbx, ENT_EBX(%rdi)
	movl	%esi, ENT_BSSBAD(%rdi)
	movl	%ebp, ENT_RUN(%rdi)
	movq	%r8, ENT_RSP(%rdi)
	leaq	mb2_stack_off(%rbp), %rsp
	pushfq
	popq	%rax
	movl	%eax, ENT_EFLAGS(%rdi)
	call	mb2_main
	halt_forever
#endif

/* The seal, in the loaded image but never written at run time (mb2seal fills it). */
	.section .rodata, "a"
	.balign	8
	.globl	mb2_seal
	.hidden	mb2_seal
mb2_seal:
	.ascii	MB2_SEAL_MAGIC
	.fill	SEAL_SIZE - 8, 1, 0

	.section .bss, "aw", @nobits
	.balign	16
	.globl	mb2_ent
	.hidden	mb2_ent
mb2_ent:
	.skip	ENT_SIZE
	.balign	16
	.skip	MB2_STACK
	.globl	mb2_stack_top
	.hidden	mb2_stack_top
mb2_stack_top:

	.section .note.GNU-stack, "", @progbits
