/* fuzzplan.h: what the Multiboot/ELF/PVH fuzz targets share: the kernel file, a plan's checks. */
#ifndef FUZZPLAN_H
#define FUZZPLAN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "loadplan.h"

/* Bytes past the head come from the same buffer (as boot.c reads the rest of the file). */
static int fuzz_read(const struct lp_file *f, uint64_t off, uint64_t len, void *buf)
{
	memcpy(buf, (const uint8_t *)f->ctx + off, len);
	return 0;
}

/* The input as the kernel file, with a head of at most head_max bytes. */
static struct lp_file fuzz_kernel(const uint8_t *bytes, size_t size, size_t head_max)
{
	return (struct lp_file){.path = "fuzz",
				.size = size,
				.head = bytes,
				.head_len = size < head_max ? size : head_max,
				.read = fuzz_read,
				.ctx = (void *)bytes};
}

/* A refused plan must say why with one of the handlers' error codes. */
static void fuzz_check_error(int r)
{
	if (r != E_FORMAT && r != E_UNSUPP && r != E_RANGE)
		abort();
}

/*
 * The most boot information a plan may reserve: the ELF section headers (65535 of 64 bytes) and
 * the unloaded sections kept for the kernel (elf.c SECTIONS_MAX, 8 MiB: a vmlinux's symbol
 * tables take several), plus the fixed tags' room.
 */
#define FUZZ_INFO_MAX ((8u << 20) + 65535u * 64 + (1u << 20))

/*
 * An accepted plan: its boot information (RBX's segment) is at most FUZZ_INFO_MAX, every piece
 * lies inside its segment and the file; then finish() with the segments at made-up addresses,
 * the information built in *info (allocated here, its segment's size: ASan sees any write past
 * it; the caller frees it). Returns the boot information's segment.
 */
static int fuzz_finish(struct load_plan *p, uint64_t fsize, uint8_t **info, bool boot_services)
{
	static struct mem_range map[] = {{0, 0x9f000, MEM_RAM}, {0x100000, 1 << 30, MEM_RAM}};
	struct bootenv env = {.map = map, .n_map = 2, .boot_services = boot_services};
	int is = (int)p->reg[LP_RBX].seg;

	if (is < 0 || is >= p->n_segs || !p->seg[is].memsz || p->seg[is].memsz > FUZZ_INFO_MAX)
		abort();
	*info = calloc(1, p->seg[is].memsz);
	if (!*info)
		abort();
	for (int i = 0; i < p->n_segs; i++) {
		const struct lp_segment *s = &p->seg[i];
		for (int j = 0; j < s->n_pieces; j++)
			if (s->piece[j].dst_off + s->piece[j].len > s->memsz ||
			    (s->piece[j].file == 0 && s->piece[j].off + s->piece[j].len > fsize))
				abort();
		p->seg[i].placed = 0x100000ull * (i + 1);
	}
	p->seg[is].ptr = *info;
	p->finish(p, &env);
	return is;
}

#endif
