/* fuzz_gzip.c: libFuzzer target: arbitrary bytes as a gzip'd kernel, read in pieces and checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gzip.h"

static int src(void *ctx, uint64_t off, uint64_t len, void *buf)
{
	memcpy(buf, (const uint8_t *)ctx + off, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[1 << 16];
	struct gz *g;

	if (!gz_detect(data, size) || gz_open(&g, size, src, (void *)data, "fuzz"))
		return 0;
	/* Forward, a skip, and back to the start: each must fail cleanly or succeed. */
	if (!gz_read(g, 10, 100, out) && !gz_read(g, 5000, 1000, out))
		(void)gz_read(g, 0, sizeof(out), out);
	(void)gz_finish(g);
	gz_close(g);
	return 0;
}
