/* fuzz_mb1.c: libFuzzer target: arbitrary bytes as a Multiboot 1 / ELF kernel through plan and
 * finish. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "loadplan.h"
#include "elf.h"

extern const struct format format_multiboot1, format_pvh, format_elf;

/* Bytes past the head come from the same buffer (as boot.c reads the rest of the file). */
static int fuzz_read(const struct lp_file *f, uint64_t off, uint64_t len, void *buf)
{
	memcpy(buf, (const uint8_t *)f->ctx + off, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct lp_input in;
	struct load_plan p;
	struct elf_info e;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&in, 0, sizeof(in));
	/* A short head, so the reader is exercised too. */
	in.kernel = (struct lp_file){.path = "fuzz",
				     .size = size,
				     .head = copy,
				     .head_len = size < 4096 ? size : 4096,
				     .read = fuzz_read,
				     .ctx = copy};
	in.cmdline = "console=com0";
	in.loader_name = "baton fuzz";
	in.n_mods = size ? data[0] % 3 : 0;
	for (int i = 0; i < in.n_mods; i++)
		in.mods[i] = (struct lp_file){.path = "/m", .size = 100 + i, .args = "seed=1"};

	if (!elf_parse(&in.kernel, &e)) {
		/* What the parser accepts is what a loader may rely on. */
		for (int i = 0; i < e.n_load; i++) {
			const struct elf_seg *s = &e.load[i];
			if (s->filesz > s->memsz || s->off + s->filesz > size)
				abort();
			for (int j = 0; j < i; j++)
				if (s->paddr < e.load[j].paddr + e.load[j].memsz &&
				    e.load[j].paddr < s->paddr + s->memsz)
					abort();
		}
	}
	static const struct format *const fmts[] = {&format_multiboot1, &format_pvh, &format_elf};
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		memset(&p, 0, sizeof(p));
		int r = fmts[f]->plan(&in, &p);
		if (!r) {
			static uint8_t info[1 << 20];
			static struct mem_range map[] = {{0, 0x9f000, MEM_RAM},
							 {0x100000, 1 << 30, MEM_RAM}};
			struct bootenv env = {.map = map, .n_map = 2};
			int is = (int)p.reg[LP_RBX].seg;
			if ((p.mode != LP_MODE_PROT32 && p.mode != LP_MODE_LONG64) || is < 0 ||
			    is >= p.n_segs || p.seg[is].memsz > sizeof(info) ||
			    (p.mode == LP_MODE_PROT32 && p.entry_off >> 32))
				abort();
			for (int i = 0; i < p.n_segs; i++) {
				const struct lp_segment *s = &p.seg[i];
				for (int j = 0; j < s->n_pieces; j++)
					if (s->piece[j].dst_off + s->piece[j].len > s->memsz ||
					    (s->piece[j].file == 0 &&
					     s->piece[j].off + s->piece[j].len > size))
						abort();
				p.seg[i].placed = 0x100000ull * (i + 1);
			}
			p.seg[is].ptr = info;
			p.finish(&p, &env);
		} else if (r != E_FORMAT && r != E_UNSUPP && r != E_RANGE) {
			abort();
		}
		lp_free(&p);
	}
	free(copy);
	return 0;
}
