/* data.S: the elf kernels' data (in entry32.S and entry64.S): entry record, stacks, tail mark. */
	.section .data, "aw"
	.balign	8
	.globl	elf_boot
elf_boot:
	.fill	B_SIZE, 1, 0
	.fill	EARLY_STACK, 1, 0
	.balign	16
elf_early_stack:

	.section .tail, "a"
	.ascii	ELF_TAIL

	.section .bss, "aw", @nobits
	.balign	16
	.skip	16384
	.globl	elf_stack_top
elf_stack_top:

	.section .note.GNU-stack, "", @progbits
