/* fuzz_mb2.c: libFuzzer target: arbitrary bytes as a Multiboot 2 kernel through plan and finish. */
#include "fuzzplan.h"

extern const struct format format_multiboot2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct lp_input in;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&in, 0, sizeof(in));
	in.kernel = fuzz_kernel(copy, size, 40000);
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
			uint8_t *info;
			if (p.mode != LP_MODE_PROT32 && p.mode != LP_MODE_EFI64_BS)
				abort();
			int is = fuzz_finish(&p, size, &info, efi);
			/* The structure ends inside its segment. */
			if (get32(info) > p.seg[is].memsz)
				abort();
			free(info);
		} else {
			fuzz_check_error(r);
		}
		lp_free(&p);
	}
	free(copy);
	return 0;
}
