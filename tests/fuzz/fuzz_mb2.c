/* fuzz_mb2.c: libFuzzer target: arbitrary bytes as a Multiboot 2 kernel through plan and finish. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "loadplan.h"

extern const struct format format_multiboot2;

static int fuzz_read(const struct lp_file *f, uint64_t off, uint64_t len, void *buf)
{
	memcpy(buf, (const uint8_t *)f->ctx + off, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct lp_input in;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&in, 0, sizeof(in));
	in.kernel = (struct lp_file){.path = "fuzz",
				     .size = size,
				     .head = copy,
				     .head_len = size < 40000 ? size : 40000,
				     .read = fuzz_read,
				     .ctx = copy};
	in.cmdline = "x";
	in.loader_name = "baton fuzz";
	in.n_mods = 1;
	in.mods[0] = (struct lp_file){.path = "/m", .size = 4096, .args = "a"};
	/* Under UEFI (EFI tags honoured) and without. */
	for (int efi = 0; efi < 2; efi++) {
		struct load_plan p;
		in.efi = efi;
		memset(&p, 0, sizeof(p));
		int r = format_multiboot2.plan(&in, &p);
		if (!r) {
			static uint8_t info[1 << 17];
			static struct mem_range map[] = {{0, 0x9f000, MEM_RAM},
							 {0x100000, 1 << 30, MEM_RAM}};
			struct bootenv env = {.map = map, .n_map = 2, .boot_services = efi};
			int is = (int)p.reg[LP_RBX].seg;
			if (is < 0 || is >= p.n_segs || p.seg[is].memsz > sizeof(info) ||
			    (p.mode != LP_MODE_PROT32 && p.mode != LP_MODE_EFI64_BS))
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
			/* The structure ends inside its segment. */
			if (get32(info) > p.seg[is].memsz)
				abort();
		} else if (r != E_FORMAT && r != E_UNSUPP && r != E_RANGE) {
			abort();
		}
		lp_free(&p);
	}
	free(copy);
	return 0;
}
