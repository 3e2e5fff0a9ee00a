/* main.c: the BIOS stage2's C entry (for now: proof that long mode is reached, on COM1). */
#include "bios.h"
#include "fs.h"
#include "part.h"

void bios_heap_init(void *base, size_t size);
int bios_disks(struct blockdev **out, int max);

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
	/* A BIOS call through the thunk and back: INT 13h AH=41h (extensions present). */
	struct bregs r = {.eax = 0x4100, .ebx = 0x55aa, .edx = drive};
	bios_call(0x13, &r);
	snfmt(line, sizeof(line),
	      "baton BIOS stage2: INT 13h AH=41h: CF=%u BX=0x%04x CX=0x%04x\r\n",
	      r.eflags & BIOS_CF, r.ebx & 0xffff, r.ecx & 0xffff);
	com1_puts(line);
	/* And INT 10h teletype, so the screen shows it too. */
	for (const char *p = "baton\r\n"; *p; p++) {
		struct bregs t = {.eax = 0x0e00u | (uint8_t)*p};
		bios_call(0x10, &t);
	}
	com1_puts("baton BIOS stage2: back in long mode\r\n");
	/* The same partition scanner and drivers as UEFI, over INT 13h. */
	bios_heap_init((void *)0x1000000, 64u << 20); /* 16-80 MiB: free on any machine we run on */
	struct blockdev *disks[8];
	int nd = bios_disks(disks, 8);
	for (int i = 0; i < nd; i++) {
		struct volume v[16];
		int nv = part_scan(disks[i], v, 16);
		for (int j = 0; j < nv; j++) {
			struct fs *fs;
			int r = fs_mount(&v[j], &fs);
			snfmt(line, sizeof(line), "baton BIOS stage2: (%s) %s %s\r\n", v[j].name,
			      r ? "-" : fs->drv->name, r ? err_msg() : fs->label);
			com1_puts(line);
		}
	}
	outb(0xf4, 0x10); /* isa-debug-exit: a test build's verdict */
}
