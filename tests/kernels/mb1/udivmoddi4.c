/* udivmoddi4.c: the 64-bit division helper gcc -m32 calls (Debian has no 32-bit libgcc without
 * multilib). */
#include <stdint.h>

/* Shift-and-subtract; the kernels only divide to print numbers. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = r << 1 | (n >> i & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}
