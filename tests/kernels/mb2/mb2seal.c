/* mb2seal.c: host tool sealing an mb2 kernel: its loaded size, bss size, FNV-1a and ELF section
 * facts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mb2.h"

/* The image sum: FNV-1a of the loaded file bytes with the seal's fields (after the magic) as zeros.
 */
uint32_t mb2_image_sum(const uint8_t *img, uint64_t filesz, uint64_t seal_off);

static int fail(const char *path, const char *why)
{
	fprintf(stderr, "mb2seal: %s: %s\n", path, why);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mb2seal KERNEL.elf   (seals it in place)\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r+b");
	if (!f)
		return fail(argv[1], strerror(errno));
	static uint8_t buf[4 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	if (n < 64 || memcmp(buf,
			     "\x7f"
			     "ELF",
			     4))
		return fail(argv[1], "not an ELF file");
	bool is64 = buf[4] == 2;
	uint64_t phoff = is64 ? ld64(buf + 32) : ld32(buf + 28);
	unsigned phentsize = ld16(buf + (is64 ? 54 : 42)), phnum = ld16(buf + (is64 ? 56 : 44));
	unsigned shentsize = ld16(buf + (is64 ? 58 : 46)), shnum = ld16(buf + (is64 ? 60 : 48));
	unsigned shstrndx = ld16(buf + (is64 ? 62 : 50));
	uint64_t off = 0, filesz = 0, memsz = 0;
	int loads = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
		if (phoff + (uint64_t)(i + 1) * phentsize > n)
			return fail(argv[1], "program headers out of the file");
		if (ld32(ph) != 1)
			continue;
		loads++;
		off = is64 ? ld64(ph + 8) : ld32(ph + 4);
		filesz = is64 ? ld64(ph + 32) : ld32(ph + 16);
		memsz = is64 ? ld64(ph + 40) : ld32(ph + 20);
	}
	if (loads != 1 || off + filesz > n)
		return fail(argv[1], "want exactly one PT_LOAD inside the file");
	uint8_t *img = buf + off, *seal = NULL;
	for (uint64_t i = 0; i + SEAL_SIZE <= filesz; i += 8)
		if (!memcmp(img + i, MB2_SEAL_MAGIC, 8)) {
			seal = img + i;
			break;
		}
	if (!seal)
		return fail(argv[1], "no " MB2_SEAL_MAGIC " in the loaded bytes");
	st32(seal + SEAL_FILESZ, (uint32_t)filesz);
	st32(seal + SEAL_MEMSZ, (uint32_t)memsz);
	st32(seal + SEAL_SHNUM, shnum);
	st32(seal + SEAL_SHSTRNDX, shstrndx);
	st32(seal + SEAL_SHENTSIZE, shentsize);
	st32(seal + SEAL_SUM, mb2_image_sum(img, filesz, (uint64_t)(seal - img)));
	if (fseek(f, (long)(off + (uint64_t)(seal - img)), SEEK_SET) ||
	    fwrite(seal, 1, SEAL_SIZE, f) != SEAL_SIZE || fclose(f))
		return fail(argv[1], strerror(errno));
	return 0;
}
