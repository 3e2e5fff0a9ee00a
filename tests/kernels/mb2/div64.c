/* div64.c: 64-bit unsigned division helpers gcc calls in 32-bit code (no libgcc in the kernel). */
#include <stdint.h>

/* Shift-subtract long division: quotient returned, remainder in *rem. */
static uint64_t divmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = r << 1 | (n >> i & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	*rem = r;
	return q;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t r;
	uint64_t q = divmod64(n, d, &r);

	if (rem)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	return divmod64(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	divmod64(n, d, &r);
	return r;
}
