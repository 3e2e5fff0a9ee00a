/* time.c: monotonic time from the TSC, calibrated against the firmware's Stall(). */
#include "efi_priv.h"
#include "platform.h"

static uint64_t tsc_per_us = 1;
static uint64_t tsc_start; /* when efi_main began */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void efi_time_init(void)
{
	uint64_t t0 = rdtsc();

	tsc_start = t0;
	efi_bs->Stall(1000); /* 1 ms: enough for a 0.1% rate, and cheap */
	uint64_t d = rdtsc() - t0;
	tsc_per_us = d / 1000 ? d / 1000 : 1;
}

uint64_t plat_time_us(void)
{
	return rdtsc() / tsc_per_us;
}

uint64_t plat_start_us(void)
{
	return tsc_start / tsc_per_us;
}
