/* disk.c: BIOS disks through INT 13h extensions (AH=48h geometry, AH=42h reads via a low buffer).
 */
#include "bios.h"
#include "platform.h"
#include "blockdev.h"

#define BOUNCE_MAX 127u /* sectors per call: the limit some BIOSes have (EDD 3.0 notes) */
#define MAX_DISKS  16

/* The Disk Address Packet (EDD 3.0, INT 13h AH=42h), kept below 64 KiB with the thunk. */
static struct __attribute__((packed)) {
	uint8_t size, zero;
	uint16_t count, off, seg;
	uint64_t lba;
} dap __attribute__((aligned(4), section(".data.low")));

static struct blockdev *disks[MAX_DISKS];
static int n_disks;

/*
 * One EDD 3.0 extended transfer of n sectors at lba (at most 127) through the 64 KiB buffer
 * below 1 MiB, since INT 13h takes a real-mode address: AH=42h reads, AH=43h writes (AL = 0, no
 * verify: fs_rewrite reads back and compares). A failure resets the drive (AH=00h) and tries
 * again, three times in all, as the BIOS's own boot code does: floppies and CDs spin up on the
 * first read.
 */
static int edd_transfer(struct blockdev *dev, uint8_t ah, uint64_t lba, uint32_t n)
{
	struct bregs r;

	for (int tries = 0; tries < 3; tries++) {
		dap = (typeof(dap)){0x10, 0, (uint16_t)n, LOW_BUF & 0xf, LOW_BUF >> 4, lba};
		r = (struct bregs){.eax = (uint32_t)ah << 8,
				   .edx = dev->bios_drive,
				   .esi = (uint32_t)(uintptr_t)&dap};
		bios_call(0x13, &r);
		if (!(r.eflags & BIOS_CF))
			return 0;
		struct bregs z = {.eax = 0, .edx = dev->bios_drive};
		bios_call(0x13, &z);
	}
	return err_set(E_IO,
		       "%s: BIOS %s of %u sectors at %llu failed (INT 13h AH=%02xh error 0x%02x)",
		       dev->name, ah == 0x42 ? "read" : "write", n, (unsigned long long)lba, ah,
		       (r.eax >> 8) & 0xff);
}

static int bios_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	uint32_t per = MIN(LOW_BUF_SIZE / dev->block_size, BOUNCE_MAX);
	uint8_t *dst = buf;

	while (count) {
		uint32_t n = count < per ? (uint32_t)count : per;
		int r = edd_transfer(dev, 0x42, lba, n);
		if (r)
			return r;
		memcpy(dst, (void *)(uintptr_t)LOW_BUF, (size_t)n * dev->block_size);
		dst += (size_t)n * dev->block_size;
		lba += n;
		count -= n;
	}
	return 0;
}

/* Writes (only the state file's sectors, fs_rewrite) go the same way; there is no BIOS flush
 * call: the BIOS returns once the write is done. */
static int bios_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf)
{
	uint32_t per = MIN(LOW_BUF_SIZE / dev->block_size, BOUNCE_MAX);
	const uint8_t *src = buf;

	while (count) {
		uint32_t n = count < per ? (uint32_t)count : per;
		memcpy((void *)(uintptr_t)LOW_BUF, src, (size_t)n * dev->block_size);
		int r = edd_transfer(dev, 0x43, lba, n);
		if (r)
			return r;
		src += (size_t)n * dev->block_size;
		lba += n;
		count -= n;
	}
	return 0;
}

/* One drive with EDD extensions (AH=41h, the fixed-disk subset) and its geometry (AH=48h). */
static void add_drive(uint8_t drive, int *n_hd, int *n_cd)
{
	struct bregs r = {.eax = 0x4100, .ebx = 0x55aa, .edx = drive};

	if (n_disks == MAX_DISKS)
		return;
	bios_call(0x13, &r);
	if ((r.eflags & BIOS_CF) || (r.ebx & 0xffff) != 0xaa55 || !(r.ecx & 1))
		return;
	/* EDD result buffer: size, flags, geometry, total sectors (u64 at 16), bytes/sector. */
	static uint8_t params[0x42] __attribute__((aligned(4), section(".data.low")));
	memset(params, 0, sizeof(params));
	params[0] = 0x1e;
	struct bregs p = {.eax = 0x4800, .edx = drive, .esi = (uint32_t)(uintptr_t)params};
	bios_call(0x13, &p);
	if (p.eflags & BIOS_CF)
		return;
	uint32_t bs = get16(params + 24);
	if (bs < 512 || (bs & (bs - 1)) || bs > 4096)
		bs = drive >= 0xe0 ? 2048 : 512;
	struct blockdev *d = mem_zalloc(sizeof(*d));
	if (!d)
		return;
	d->bios_drive = drive;
	d->block_size = bs;
	d->num_blocks = get64(params + 16);
	/* A CD often reports no size: the filesystem's own bounds then apply. */
	if (!d->num_blocks || d->num_blocks > (1ull << 48))
		d->num_blocks = 1ull << 32;
	d->read = bios_read;
	/* AH=41h CX bit 0: the fixed disk access subset, which has AH=43h; CDs are read-only. */
	d->write = bs == 2048 ? NULL : bios_write;
	d->priv = d;
	d->boot = drive == bios_boot.drive;
	/* Read-only 2 KiB-block media are CDs, named cd0, cd1 as under UEFI. */
	if (bs == 2048)
		snfmt(d->name, sizeof(d->name), "cd%d", (*n_cd)++);
	else
		snfmt(d->name, sizeof(d->name), "hd%d", (*n_hd)++);
	disks[n_disks++] = d;
}

void bios_disks_init(void)
{
	int n_hd = 0, n_cd = 0;
	/* BDA 0x475: how many hard disks the BIOS numbered from 0x80. */
	int count = *(volatile uint8_t *)0x475;

	count = count ? MIN(count, MAX_DISKS) : 4;
	for (int i = 0; i < count; i++)
		add_drive((uint8_t)(0x80 + i), &n_hd, &n_cd);
	/* The boot drive when it is not one of those: a CD (El Torito no-emulation, 0xe0...). */
	if (bios_boot.drive < 0x80 || bios_boot.drive >= 0x80 + count)
		add_drive(bios_boot.drive, &n_hd, &n_cd);
	/* Other CD drives, where the BIOS numbers them (0xe0 and up) even without a CD boot. */
	for (int drive = 0xe0; drive < 0xe8; drive++)
		if (drive != bios_boot.drive)
			add_drive((uint8_t)drive, &n_hd, &n_cd);
}

int plat_disks(struct blockdev ***list)
{
	*list = disks;
	return n_disks;
}

/* Every disk the BIOS numbers is there from the start: nothing to connect. */
int plat_connect_disks(void)
{
	return 0;
}

int plat_boot_volume(struct blockdev **dev, uint64_t *start_block)
{
	for (int i = 0; i < n_disks; i++)
		if (disks[i]->boot) {
			*dev = disks[i];
			/* boot_lba counts the gap part's sectors; the device may use bigger ones.
			 */
			uint32_t ss = bios_boot.sector_size ? bios_boot.sector_size : 512;
			*start_block = bios_boot.boot_lba * ss / disks[i]->block_size;
			return 0;
		}
	return err_set(E_NOENT, "the boot drive 0x%02x is not one of the BIOS disks baton can read",
		       bios_boot.drive);
}
