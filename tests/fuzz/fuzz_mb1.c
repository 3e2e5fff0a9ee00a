/* fuzz_mb1.c: libFuzzer target: arbitrary bytes as a Multiboot 1 / ELF kernel through plan and
 * finish. */
#include "fuzzplan.h"
#include "elf.h"

extern const struct format format_multiboot1, format_pvh, format_elf;

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
	in.kernel = fuzz_kernel(copy, size, 4096);
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
	/* Detection as boot.c runs it: a format whose detect() takes the bytes, or a refusal
	 * (empty, not a kernel, a damaged signature) that names the file. */
	const struct format *found = format_find(&in.kernel, NULL);
	if (found ? !found->detect(&in.kernel) : strncmp(err_msg(), "fuzz", 4))
		abort();
	static const struct format *const fmts[] = {&format_multiboot1, &format_pvh, &format_elf};
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		memset(&p, 0, sizeof(p));
		int r = fmts[f]->plan(&in, &p);
		if (!r) {
			uint8_t *info;
			if ((p.mode != LP_MODE_PROT32 && p.mode != LP_MODE_LONG64) ||
			    (p.mode == LP_MODE_PROT32 && p.entry_off >> 32))
				abort();
			fuzz_finish(&p, size, &info, false);
			free(info);
		} else {
			fuzz_check_error(r);
		}
		lp_free(&p);
	}
	free(copy);
	return 0;
}
