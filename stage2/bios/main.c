/* main.c: the BIOS stage2's C entry (for now: proof that long mode is reached, on COM1). */
#include "lib.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void com1_puts(const char *s)
{
	for (; *s; s++)
		outb(0x3f8, (uint8_t)*s);
}

void bios_main(uint32_t drive, uint32_t patch);

void bios_main(uint32_t drive, uint32_t patch)
{
	char line[96];

	snfmt(line, sizeof(line),
	      "baton BIOS stage2: long mode, drive 0x%02x, stage1 block at 0x%x\r\n", drive, patch);
	com1_puts(line);
	outb(0xf4, 0x10); /* isa-debug-exit: a test build's verdict */
}
