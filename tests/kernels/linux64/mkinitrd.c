/* mkinitrd.c: host tool writing BTNI test initrds; also prints the command line sum= value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

static int usage(void)
{
	fprintf(stderr, "usage: mkinitrd OUT SEED LEN     write a BTNI file of LEN (>= 16) bytes\n"
			"       mkinitrd --sum TEXT       print the FNV-1a sum= value of TEXT\n");
	return 2;
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > 0xffffffffull)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t seed, len;

	if (argc == 3 && !strcmp(argv[1], "--sum")) {
		printf("%08x\n", fnv1a32(FNV1A_INIT, argv[2], strlen(argv[2])));
		return 0;
	}
	if (argc != 4 || parse_u32(argv[2], &seed) || parse_u32(argv[3], &len) || len < BTNI_HDR)
		return usage();

	uint8_t *buf = malloc(len);
	if (!buf) {
		perror("mkinitrd");
		return 1;
	}
	memcpy(buf, BTNI_MAGIC, 4);
	st32(buf + 4, seed);
	st32(buf + 8, len);
	st32(buf + 12, 0);
	uint32_t s = btni_state(seed), v = 0;
	for (uint32_t i = BTNI_HDR; i < len; i++) {
		if ((i - BTNI_HDR) % 4 == 0)
			v = xorshift32(&s);
		buf[i] = (uint8_t)(v >> 8 * ((i - BTNI_HDR) % 4));
	}
	FILE *f = fopen(argv[1], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "mkinitrd: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	free(buf);
	return 0;
}
