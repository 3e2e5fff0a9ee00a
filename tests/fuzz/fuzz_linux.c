/* fuzz_linux.c: libFuzzer target: arbitrary bytes as a kernel file through the Linux and EFI
 * handlers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "linux_hdr.h"
#include "loadplan.h"

extern const struct format format_linux, format_efi, format_multiboot1, format_multiboot2;

/* A plan exec.c would refuse is a bug of the handler: pieces in order and inside their segment. */
static void check_plan(const struct load_plan *p, uint64_t fsize)
{
	if (p->mode == LP_MODE_EFI_IMAGE) {
		/* The whole file as the image, then at most the served initrd. */
		if (p->n_segs < 1 || p->n_segs > 2 || p->finish || p->entry_seg != 0 ||
		    p->seg[0].memsz != fsize || p->seg[0].n_pieces != 1 ||
		    p->seg[0].piece[0].len != fsize ||
		    (p->n_segs == 2 && p->seg[1].place != LP_SERVED))
			abort();
	} else if (p->mode == LP_MODE_REAL16) {
		/* The real-mode segment, whole, in low memory; the kernel; maybe the initrd. */
		if (p->n_segs < 2 || p->n_segs > 3 || !p->finish || p->r16.base_seg != 0 ||
		    p->seg[0].place != LP_FIXED || p->seg[0].addr < 0x10000 ||
		    p->seg[0].addr + p->seg[0].memsz > 0xa0000 || p->entry_off != 0x200)
			abort();
	} else if (p->n_segs < 3 || p->n_segs > LP_MAX_SEGS || !p->finish) {
		abort();
	}
	for (int i = 0; i < p->n_segs; i++) {
		const struct lp_segment *s = &p->seg[i];
		uint64_t at = 0;

		for (int j = 0; j < s->n_pieces; j++) {
			const struct lp_piece *pc = &s->piece[j];
			if (pc->dst_off < at || pc->dst_off + pc->len > s->memsz)
				abort();
			at = pc->dst_off + pc->len;
		}
	}
}

/* finish() with a fake placement: it writes only the zero page (the real-mode code for the
 * 16-bit entry), so only that needs bytes. */
static void run_finish(struct load_plan *p)
{
	static uint8_t zp[0x10000];
	static struct mem_range map[] = {
	    {0, 0x9f000, MEM_RAM},
	    {0x100000, 0x7ff00000, MEM_RAM},
	};
	struct bootenv env = {
	    .map = map, .n_map = 2, .efi_systab = 0x7f000000, .acpi_rsdp = 0xe0000};

	for (int i = 0; i < p->n_segs; i++) {
		p->seg[i].placed = 0x100000ull * (i + 1);
		p->seg[i].ptr =
		    strcmp(p->seg[i].name, "boot_params") && strcmp(p->seg[i].name, "setup") ? NULL
											     : zp;
	}
	p->finish(p, &env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char cmdline[] = "console=ttyS0 root=/dev/vda1";
	/* The first byte picks the case: the initrds, and a file longer than the bytes given. */
	uint8_t sel = size ? data[0] : 0;
	struct linux_hdr h;
	struct load_plan p;
	struct lp_input in;

	if (size)
		data++, size--;
	/* A longer file continues with zeros, as the rest of a real kernel would. */
	uint64_t fsize = size + (sel & 0x80 ? (uint64_t)(sel & 0x0f) << 20 : 0);
	/* The head as boot.c reads it: min(file size, LP_HEAD_BYTES), exactly sized for ASan. */
	size_t hl = fsize < LP_HEAD_BYTES ? (size_t)fsize : LP_HEAD_BYTES;
	uint8_t *head = calloc(1, hl ? hl : 1);

	if (!head)
		return 0;
	memcpy(head, data, MIN(hl, size));

	memset(&in, 0, sizeof(in));
	in.kernel = (struct lp_file){.path = "fuzz", .size = fsize, .head = head, .head_len = hl};
	in.cmdline = cmdline;
	in.loader_name = "baton fuzz";
	/* Up to three fake initrds; all empty when bit 6 is set (an error the plan reports). */
	in.n_mods = (sel >> 4) & 3;
	for (int i = 0; i < in.n_mods; i++)
		in.mods[i] =
		    (struct lp_file){.path = "initrd", .size = sel & 0x40 ? 0 : 1001 + 3 * i};

	/* As an EFI application (UEFI: in.efi): detection and plan agree. */
	in.efi = true;
	memset(&p, 0, sizeof(p));
	bool app = format_efi.detect(&in.kernel);
	int r = format_efi.plan(&in, &p);
	if (app != !r && !(app && r == E_FORMAT && sel & 0x40))
		abort();
	if (!r)
		check_plan(&p, fsize);
	lp_free(&p);

	if (linux_parse(head, hl, fsize, &h))
		goto out;
	if (h.kernel_off + h.kernel_len != fsize || h.hdr_end > LX_HDR_MAX_END || h.hdr_end > hl ||
	    h.init_size < MIN(h.kernel_len, 0xffffffffu))
		abort();

	/* What parses must be detected, as boot.c finds the handler by detection. */
	/* (A Multiboot header takes precedence: the documented order; a Multiboot magic with a
	 * bad checksum is refused as a damaged kernel, with a message that says so.) */
	const struct format *found = format_find(&in.kernel, NULL);
	if (!format_linux.detect(&in.kernel) ||
	    (found != &format_linux && found != &format_multiboot1 && found != &format_multiboot2 &&
	     (found || !strstr(err_msg(), "has a bad checksum"))))
		abort();

	/* Under UEFI (the EFI stub when it has one), elsewhere (the boot protocol), on BIOS (the
	 * 16-bit entry for old kernels) and with the 16-bit entry forced. */
	for (int c = 0; c < 4; c++) {
		in.efi = c == 1;
		in.bios = c >= 2;
		in.protocol = c == 3 ? "linux16" : NULL;
		memset(&p, 0, sizeof(p));
		r = format_linux.plan(&in, &p);
		if (!r) {
			check_plan(&p, fsize);
			if (p.finish)
				run_finish(&p);
		} else if (r != E_UNSUPP && r != E_RANGE && r != E_FORMAT) {
			abort();
		}
		lp_free(&p);
	}
out:
	free(head);
	return 0;
}
