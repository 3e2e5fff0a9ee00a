/* rm16.c: BIOS services for the 16-bit conformance kernels: memory above 1 MiB, disks, E820, A20.
 */
#include "rm16.h"

/*
 * INT 15h AH=87h (move extended memory block): the BIOS copies CX words between two linear
 * addresses described as data segments of a GDT at ES:SI (null, GDT, source, target, and two
 * the BIOS fills). A bounce buffer in our segment takes odd lengths.
 */
static uint8_t bounce[4096];
static uint8_t mgdt[48];

static void seg_desc(uint8_t *d, uint32_t base)
{
	d[0] = 0xff, d[1] = 0xff; /* 64 KiB */
	d[2] = (uint8_t)base, d[3] = (uint8_t)(base >> 8), d[4] = (uint8_t)(base >> 16);
	d[5] = 0x93; /* present, read/write data, accessed */
	d[6] = 0;
	d[7] = (uint8_t)(base >> 24);
}

/* Below 1 MiB a segment reaches every byte: FS = the paragraph, then a byte at a time. */
static void far_copy(uint32_t lin, uint8_t *out, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++, lin++) {
		uint8_t b;
		__asm__ volatile("pushw %%fs\n\tmovw %1, %%fs\n\tmovb %%fs:(%2), %0\n\tpopw %%fs"
				 : "=q"(b)
				 : "r"((uint16_t)(lin >> 4)), "r"((uint32_t)(lin & 15))
				 : "memory");
		out[i] = b;
	}
}

int rm_peek(uint32_t lin, void *buf, uint32_t len)
{
	uint8_t *out = buf;

	if (lin < 0x100000 && len <= 0x100000 - lin) {
		far_copy(lin, out, len);
		return 0;
	}
	while (len) {
		uint32_t n = len < sizeof(bounce) ? len : sizeof(bounce);
		struct rmregs r = {0};
		for (unsigned i = 0; i < sizeof(mgdt); i++)
			mgdt[i] = 0;
		seg_desc(mgdt + 16, lin);
		seg_desc(mgdt + 24, rm_lin(bounce));
		r.eax = 0x8700;
		r.ecx = (n + 1) / 2;
		r.es = rm_ds();
		r.esi = (uint16_t)(uintptr_t)mgdt;
		r.ds = rm_ds();
		rm_int(0x15, &r);
		if ((r.eflags & RM_CF) || (r.eax & 0xff00))
			return -1;
		for (uint32_t i = 0; i < n; i++)
			out[i] = bounce[i];
		out += n, lin += n, len -= n;
	}
	return 0;
}

/* INT 13h AH=42h (extended read): a disk address packet at DS:SI, the buffer as segment:offset. */
static uint8_t dap[16];

int rm_disk_read(uint8_t drive, uint32_t lba, void *buf)
{
	struct rmregs r = {0};
	uint32_t lin = rm_lin(buf);

	for (unsigned i = 0; i < sizeof(dap); i++)
		dap[i] = 0;
	dap[0] = 16;
	st16(dap + 2, 1);
	st16(dap + 4, (uint16_t)(lin & 15));
	st16(dap + 6, (uint16_t)(lin >> 4));
	st32(dap + 8, lba);
	r.eax = 0x4200;
	r.edx = drive;
	r.ds = rm_ds();
	r.es = rm_ds();
	r.esi = (uint16_t)(uintptr_t)dap;
	rm_int(0x13, &r);
	if (r.eflags & RM_CF)
		return (r.eax >> 8 & 0xff) ? (int)(r.eax >> 8 & 0xff) : -1;
	return 0;
}

int rm_e820_map(struct rm_e820 *out, int max)
{
	static uint8_t e[24];
	uint32_t next = 0;
	int n = 0;

	do {
		struct rmregs r = {0};
		r.eax = 0xe820;
		r.edx = 0x534d4150; /* "SMAP" */
		r.ecx = 24;
		r.ebx = next;
		r.es = rm_ds();
		r.ds = rm_ds();
		r.edi = (uint16_t)(uintptr_t)e;
		rm_int(0x15, &r);
		if ((r.eflags & RM_CF) || r.eax != 0x534d4150 || r.ecx < 20)
			return n ? n : -1;
		if (n < max)
			out[n++] = (struct rm_e820){ld64(e), ld64(e + 8), ld32(e + 16)};
		next = r.ebx;
	} while (next);
	return n;
}

bool rm_a20(void)
{
	uint8_t was, alias;

	/* 0000:0500 is the BDA's print-screen byte: changed for a moment, then put back. */
	__asm__ volatile("pushfw\n\tcli\n\t"
			 "pushw %%fs\n\tpushw %%gs\n\t"
			 "xorw %%ax, %%ax\n\tmovw %%ax, %%fs\n\tdecw %%ax\n\tmovw %%ax, %%gs\n\t"
			 "movb %%fs:0x500, %0\n\t"
			 "movb %0, %%ah\n\tnotb %%ah\n\tmovb %%ah, %%fs:0x500\n\t"
			 "movb %%gs:0x510, %1\n\t"
			 "movb %0, %%fs:0x500\n\t"
			 "popw %%gs\n\tpopw %%fs\n\tpopfw"
			 : "=&q"(was), "=&q"(alias)
			 :
			 : "ax", "memory");
	uint8_t flipped = (uint8_t)(was ^ 0xff);
	return alias != flipped;
}

uint16_t rm_msw(void)
{
	uint16_t v;

	__asm__ volatile("smsw %0" : "=r"(v));
	return v;
}

void rm_sidt(uint32_t *base, uint16_t *limit)
{
	uint8_t d[6];

	__asm__ volatile("sidtl %0" : "=m"(d));
	*limit = ld16(d);
	*base = ld32(d + 2);
}
