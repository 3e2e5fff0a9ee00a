/* mb1tool.c: host tool sealing an mb1 kernel (loaded ranges, their FNV-1a, ELF section facts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mb1.h"

static uint8_t *img;
static size_t img_len;
static uint32_t r_addr[MB1_SEAL_RANGES], r_len[MB1_SEAL_RANGES], r_off[MB1_SEAL_RANGES];
static uint32_t n_ranges;

/* Physical address -> file bytes, through the ranges. */
static const void *fmem(void *ctx, uint64_t addr, uint64_t len)
{
	for (uint32_t i = 0; i < n_ranges; i++)
		if (addr >= r_addr[i] && addr + len <= (uint64_t)r_addr[i] + r_len[i])
			return img + r_off[i] + (addr - r_addr[i]);
	return NULL;
}

static int die(const char *why)
{
	fprintf(stderr, "mb1tool: %s\n", why);
	return 1;
}

static void add_range(uint32_t addr, uint32_t len, uint32_t off)
{
	if (n_ranges < MB1_SEAL_RANGES && len)
		r_addr[n_ranges] = addr, r_len[n_ranges] = len, r_off[n_ranges++] = off;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr,
			"usage: mb1tool IMAGE [TRAILER_BYTES]   seal IMAGE in place; append "
			"TRAILER_BYTES bytes 0xA5 (not loaded)\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	img = malloc(1 << 22);
	if (!f || !img || !(img_len = fread(img, 1, 1 << 22, f)) || img_len == 1 << 22)
		return die("cannot read the image");
	fclose(f);
	uint8_t facts[SEAL_SIZE] = {0};

	if (img_len >= 52 && !memcmp(img, "\177ELF", 4)) {
		/* 3.1.3 ELF: PT_LOADs by p_paddr, file bytes only (p_memsz beyond is bss) */
		uint32_t phoff = ld32(img + 28), shoff = ld32(img + 32);
		uint16_t phnum = ld16(img + 44), shnum = ld16(img + 48), shstrndx = ld16(img + 50);
		for (uint32_t i = 0; i < phnum; i++) {
			const uint8_t *ph = img + phoff + 32 * i;
			if (ld32(ph) == 1)
				add_range(ld32(ph + 12), ld32(ph + 16), ld32(ph + 4));
		}
		uint32_t h = FNV1A_INIT;
		for (uint32_t i = 0; i < shnum; i++)
			h = mb1_shdr_hash(h, img + shoff + 40 * i);
		const uint8_t *ss = img + shoff + 40 * shstrndx;
		st32(facts + SEAL_SHNUM, shnum);
		st32(facts + SEAL_SHENTSIZE, ld16(img + 46));
		st32(facts + SEAL_SHSTRNDX, shstrndx);
		st32(facts + SEAL_SHDR_HASH, h);
		st32(facts + SEAL_SHSTRTAB_HASH,
		     fnv1a32(FNV1A_INIT, img + ld32(ss + 16), ld32(ss + 20)));
	} else {
		/* 3.1.3 a.out kludge: header at offset o loads from o - (header_addr - load_addr)
		 */
		size_t o;
		for (o = 0; o + 32 <= img_len && o < 8192; o += 4)
			if (ld32(img + o) == MB1_HEADER_MAGIC && (ld32(img + o + 4) & MB1_HF_AOUT))
				break;
		if (o + 32 > img_len || o >= 8192)
			return die("no a.out kludge Multiboot header in the first 8 KiB");
		uint32_t hdr = ld32(img + o + 12), load = ld32(img + o + 16),
			 end = ld32(img + o + 20);
		if (end - load != img_len - (o - (hdr - load)))
			return die("load_end_addr is not the end of the flat image");
		add_range(load, end - load, o - (hdr - load));
	}
	uint8_t *seal = memmem(img, img_len, MB1_SEAL_MAGIC, 8);
	if (!seal || memmem(seal + 8, img_len - (seal + 8 - img), MB1_SEAL_MAGIC, 8))
		return die("not exactly one seal magic in the image");
	uint32_t seal_addr = 0;
	for (uint32_t i = 0; i < n_ranges; i++)
		if ((size_t)(seal - img) >= r_off[i] && (size_t)(seal - img) < r_off[i] + r_len[i])
			seal_addr = r_addr[i] + (uint32_t)(seal - img - r_off[i]);
	if (!seal_addr)
		return die("the seal is not in a loaded range");
	memcpy(seal + 8, facts + 8, SEAL_SIZE - 8);
	st32(seal + SEAL_NRANGES, n_ranges);
	for (uint32_t i = 0; i < n_ranges; i++) {
		st32(seal + SEAL_RANGE + 8 * i, r_addr[i]);
		st32(seal + SEAL_RANGE + 8 * i + 4, r_len[i]);
	}
	bool ok;
	st32(seal + SEAL_SUM, mb1_seal_hash(seal, seal_addr, fmem, NULL, &ok));
	if (!ok)
		return die("cannot hash the ranges");
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, img_len, f) != img_len)
		return die("cannot write the image");
	for (long n = argc == 3 ? atol(argv[2]) : 0; n > 0; n--)
		fputc(0xa5, f);
	return fclose(f) ? die("cannot write the image") : 0;
}
