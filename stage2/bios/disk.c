/* disk.c: BIOS disks through INT 13h extensions (AH=48h geometry, AH=42h reads via a low buffer).
 */
#include "bios.h"
#include "blockdev.h"

#define BOUNCE	   0x60000u /* 64 KiB below the page tables: INT 13h needs a real-mode address */
#define BOUNCE_MAX 127u	    /* sectors per call: the limit some BIOSes have */

struct bios_disk {
	struct blockdev dev;
	uint8_t drive;
};

/* The Disk Address Packet (EDD 3.0, INT 13h AH=42h), kept below 64 KiB with the thunk. */
static struct __attribute__((packed)) {
	uint8_t size, zero;
	uint16_t count, off, seg;
	uint64_t lba;
} dap __attribute__((aligned(4), section(".data.low")));

static int bios_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	struct bios_disk *d = dev->priv;
	uint32_t per = (64u * 1024) / dev->block_size;
	uint8_t *dst = buf;

	per = per < BOUNCE_MAX ? per : BOUNCE_MAX;
	while (count) {
		uint32_t n = count < per ? (uint32_t)count : per;
		dap = (typeof(dap)){0x10, 0, (uint16_t)n, 0, BOUNCE >> 4, lba};
		struct bregs r = {.eax = 0x4200, .edx = d->drive, .esi = (uint32_t)(uintptr_t)&dap};
		bios_call(0x13, &r);
		if (r.eflags & BIOS_CF)
			return err_set(E_IO,
				       "%s: BIOS read of %u sectors at %llu failed (AH=0x%02x)",
				       dev->name, n, (unsigned long long)lba, (r.eax >> 8) & 0xff);
		memcpy(dst, (void *)(uintptr_t)BOUNCE, (size_t)n * dev->block_size);
		dst += (size_t)n * dev->block_size;
		lba += n;
		count -= n;
	}
	return 0;
}

/* The hard disks the BIOS numbers 0x80 and up that have LBA extensions. */
int bios_disks(struct blockdev **out, int max)
{
	int n = 0;

	for (int drive = 0x80; drive < 0x90 && n < max; drive++) {
		struct bregs r = {.eax = 0x4100, .ebx = 0x55aa, .edx = (uint32_t)drive};
		bios_call(0x13, &r);
		if ((r.eflags & BIOS_CF) || (r.ebx & 0xffff) != 0xaa55 || !(r.ecx & 1))
			continue;
		/* EDD result buffer: size, flags, geometry, total sectors (u64 at 16),
		 * bytes/sector. */
		static uint8_t params[0x42] __attribute__((aligned(4), section(".data.low")));
		memset(params, 0, sizeof(params));
		params[0] = 0x1e;
		struct bregs p = {
		    .eax = 0x4800, .edx = (uint32_t)drive, .esi = (uint32_t)(uintptr_t)params};
		bios_call(0x13, &p);
		if (p.eflags & BIOS_CF)
			continue;
		struct bios_disk *d = mem_zalloc(sizeof(*d));
		if (!d)
			break;
		d->drive = (uint8_t)drive;
		d->dev.block_size = get16(params + 24) ? get16(params + 24) : 512;
		d->dev.num_blocks = get64(params + 16);
		d->dev.read = bios_read;
		d->dev.priv = d;
		snfmt(d->dev.name, sizeof(d->dev.name), "hd%d", drive - 0x80);
		out[n++] = &d->dev;
	}
	return n;
}
