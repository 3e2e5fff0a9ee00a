/* ktables.c: the conformance kernels' own descriptor tables: a flat GDT, the exception IDT. */
#include "kmain.h"

#ifdef __x86_64__
static uint64_t idt[32 * 2] __attribute__((aligned(16)));
#else
/*
 * 0x08 flat 32-bit code, 0x10 flat data. Accessed bits preset: the CPU would set them, changing
 * loaded bytes the image checks hash. Constants only, so a relocated image holds the same bytes.
 */
static uint64_t gdt[3] = {0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};
static uint64_t idt[32];
#endif
extern uint8_t k_isr_stubs[];

void k_set_idt(uint16_t cs)
{
	struct k_dtr d;

	for (int v = 0; v < 32; v++) {
		uint64_t h = (uint64_t)(uintptr_t)(k_isr_stubs + 16 * v);
#ifdef __x86_64__
		idt[2 * v] =
		    (h & 0xffff) | (uint64_t)cs << 16 | 0x8e00ull << 32 | (h >> 16 & 0xffff) << 48;
		idt[2 * v + 1] = h >> 32;
#else
		idt[v] = (h & 0xffff) | (uint64_t)cs << 16 | 0x8e00ull << 32 | (h >> 16) << 48;
#endif
	}
	d.limit = sizeof(idt) - 1;
	d.base = (uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(d));
}

#ifndef __x86_64__
/* The far return reloads CS without an absolute address (position independent kernels). */
void k_own_gdt(void)
{
	struct k_dtr d = {sizeof(gdt) - 1, (uintptr_t)gdt};

	__asm__ volatile("lgdt %0\n\t"
			 "movl $0x10, %%eax\n\t"
			 "movl %%eax, %%ds\n\tmovl %%eax, %%es\n\tmovl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\tmovl %%eax, %%ss\n\t"
			 "call 1f\n1:\tpopl %%eax\n\t"
			 "addl $(2f - 1b), %%eax\n\t"
			 "pushl $0x08\n\tpushl %%eax\n\tlret\n2:"
			 :
			 : "m"(d)
			 : "eax", "memory");
}
#endif
