/* time.c: BIOS monotonic time: the TSC, calibrated against the PIT's channel 2. */
#include "bios.h"
#include "platform.h"

static uint64_t tsc_per_us = 1000; /* until calibrated: a 1 GHz guess */
static uint64_t start_tsc;

/*
 * PIT channel 2 (gate and output through port 0x61, the speaker's; Intel 8254 data sheet, mode
 * 0): counts 11932 ticks of 1.193182 MHz, 10 ms, while the TSC runs. Interrupts stay off.
 */
void bios_time_init(void)
{
	const uint32_t ticks = 11932;
	uint8_t p61 = inb(0x61);

	outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xb0);			     /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, (uint8_t)ticks);
	outb(0x42, (uint8_t)(ticks >> 8));
	uint64_t t0 = rdtsc();
	/* OUT2 (port 0x61 bit 5) goes high at terminal count; bounded in case there is no PIT. */
	for (uint32_t i = 0; i < 100000000u && !(inb(0x61) & 0x20); i++)
		;
	uint64_t d = rdtsc() - t0;
	outb(0x61, p61);
	if (d >= 10000)
		tsc_per_us = d / 10000;
	start_tsc = bios_boot.tsc && bios_boot.tsc < rdtsc() ? bios_boot.tsc : t0;
}

uint64_t bios_tsc_per_us(void)
{
	return tsc_per_us;
}

uint64_t plat_time_us(void)
{
	return rdtsc() / tsc_per_us;
}

/* When the gap part started: the first moment of baton's own code after stage1. */
uint64_t plat_start_us(void)
{
	return start_tsc / tsc_per_us;
}
