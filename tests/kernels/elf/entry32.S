/* entry32.S: elf32 kernel: PT_LOAD 0 (virtually linked entry, runs at its physical address). */
#include "elf.h"
#include "kasm.h"

#define PHYS(x) ((x) - ELF32_BOOT_V + ELF32_BOOT_P)

	.section .boot, "ax"
	.ascii	ELF_MARK0
	.code32
/*
 * README, ELF32 machine state: EAX magic, EBX info, flat segments, no stack. This section runs
 * at its physical address: its own labels only through PHYS(); elf_boot (PT_LOAD 1) is linked
 * where it is loaded.
 */
	.globl	elf_entry
elf_entry:
	movl	%eax, elf_boot + B_AX
	movl	%ebx, elf_boot + B_BX
	movl	%edi, elf_boot + B_DI
	movl	%esi, elf_boot + B_SI
	movl	%esp, elf_boot + B_SP
	movl	$elf_early_stack, %esp
	pushfl
	popl	elf_boot + B_FLAGS
	save_selectors32 (elf_boot + B_SEL)
	call	1f
1:	popl	%eax
	subl	$(1b - elf_entry), %eax
	movl	%eax, elf_boot + B_ENTRY
	bss_check_clear32 (elf_boot + B_BSS_BAD)
	movl	$elf_stack_top, %esp
	movl	$elf_main, %eax
	call	*%eax
	halt_forever

	.section .mark1, "ax"
	.ascii	ELF_MARK1

#include "data.S"
