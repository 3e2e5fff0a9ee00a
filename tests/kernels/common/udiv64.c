/* udiv64.c: 64-bit division helpers gcc -m32 calls (no 32-bit libgcc on Debian without multilib).
 */
#include <stdint.h>

/* Restoring division, one bit at a time: only used to print numbers. */
static uint64_t divmod(uint64_t n, uint64_t d, uint64_t *rem)
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

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	return divmod(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	divmod(n, d, &r);
	return r;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t r, q = divmod(n, d, &r);

	if (rem)
		*rem = r;
	return q;
}
