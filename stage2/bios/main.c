/* main.c: the BIOS stage2's C entry: the gap part's facts, console, clock, memory, disks, then the core. */
#include "bios.h"
#include "platform.h"
#include "core.h"

struct gap_hdr bios_boot;

void bios_main(uint32_t drive, uint32_t hdr);

void bios_main(uint32_t drive, uint32_t hdr)
{
	/* The header lives in the gap part's memory, which baton may reuse: keep a copy. */
	const struct gap_hdr *h = (const struct gap_hdr *)(uintptr_t)hdr;
	if (hdr && hdr < 0x100000 && h->magic == GAP_HDR_MAGIC)
		bios_boot = *h;
	bios_boot.drive = (uint8_t)drive;
	bios_console_init();
	bios_time_init();
	plat_traps(true); /* a CPU exception from here on is a register dump, then a reset */
	con_printf("baton BIOS stage2: long mode, drive 0x%02x, %u MHz\n", drive,
		   (unsigned)bios_tsc_per_us());
	int r = bios_mem_init();
	if (r) {
		con_printf("baton: %s. Press a key to reboot.\n", err_msg());
		plat_getkey(-1);
		plat_reboot();
	}
	bios_disks_init();
	baton_main();
}
