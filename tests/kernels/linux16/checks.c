/* checks.c: what boot.rst promises the real-mode setup code at the 16-bit entry, checked. */
#include "checks.h"
#include "ckutil.h"
#include "proto.h"

#define WIN 2048

/* Bytes of a big object (the initrd, the protected-mode part) read a window at a time. */
struct win {
	const struct l16_state *st;
	uint32_t lin, at, n;
	uint8_t buf[WIN];
};

/* Byte off of the object at w->lin, or -1 when it cannot be read. */
static int wbyte(struct win *w, uint32_t off)
{
	if (off < w->at || off >= w->at + w->n) {
		w->at = off;
		w->n = WIN;
		if (w->st->peek(w->st->ctx, w->lin + off, w->buf, WIN)) {
			w->n = 0;
			return -1;
		}
	}
	return w->buf[off - w->at];
}

static struct win win; /* 2 KiB: in .bss, not on the 4 KiB stack */

/* "a byte differs at offset 0x1234" into why. */
static const char *differs(char *why, size_t wl, uint32_t off)
{
	static const char pre[] = "a byte differs at offset 0x";
	size_t n = 0;

	for (; pre[n] && n + 10 < wl; n++)
		why[n] = pre[n];
	for (int sh = 28; sh >= 0; sh -= 4)
		why[n++] = "0123456789abcdef"[off >> sh & 15];
	why[n] = 0;
	return why;
}

/*
 * BTNI files back to back from lin, each at a 4-byte aligned offset with zeros between (as
 * loaders concatenate initrds), exactly size bytes: NULL, or what is wrong (in why).
 */
static const char *btni_files(const struct l16_state *st, uint32_t lin, uint32_t size,
			      const uint32_t *seeds, int n, char *why, size_t wl)
{
	uint32_t off = 0;

	win = (struct win){.st = st, .lin = lin};
	for (int i = 0; i < n; i++) {
		for (; off & 3; off++)
			if (off >= size || wbyte(&win, off))
				return "a padding byte is not 0, or the initrd ends in it";
		uint8_t h[16];
		for (int j = 0; j < 16; j++) {
			int b = off + j < size ? wbyte(&win, off + j) : -1;
			if (b < 0)
				return "a file's header runs past the end, or cannot be read";
			h[j] = (uint8_t)b;
		}
		uint32_t len = ld32(h + 8), s = btni_state(ld32(h + 4)), v = 0;
		if (!c_memeq(h, BTNI_MAGIC, 4) || ld32(h + 12) || len < BTNI_HDR ||
		    len > size - off)
			return "no BTNI header where a file should start, or it runs past the end";
		if (ld32(h + 4) != seeds[i])
			return "a file's seed is not the next of initrd.seeds (wrong order?)";
		for (uint32_t j = BTNI_HDR; j < len; j++) {
			if ((j - BTNI_HDR) % 4 == 0)
				v = xorshift32(&s);
			if (wbyte(&win, off + j) != (uint8_t)(v >> 8 * ((j - BTNI_HDR) % 4)))
				return differs(why, wl, off + j);
		}
		off += len;
	}
	return off == size ? NULL : "bytes follow the last file";
}

/* [lo, hi) inside E820 RAM (type 1), possibly over several touching entries. */
static bool in_ram(const struct l16_state *st, uint64_t lo, uint64_t hi)
{
	while (lo < hi) {
		int i;
		for (i = 0; i < st->n_map; i++)
			if (st->map[i].type == 1 && st->map[i].base <= lo &&
			    lo < st->map[i].base + st->map[i].len)
				break;
		if (i >= st->n_map)
			return false;
		lo = st->map[i].base + st->map[i].len;
	}
	return true;
}

static bool overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

/* "initrd.seeds=11,22": the seeds in order; -1 when missing or malformed. */
static int parse_seeds(const char *cmd, size_t n, uint32_t *seeds, int max)
{
	size_t vl;
	const char *v = ck_token(cmd, n, "initrd.seeds=", &vl);
	int k = 0;

	if (!v)
		return -1;
	for (size_t i = 0; i < vl;) {
		size_t j = i;
		uint64_t x;
		while (j < vl && v[j] != ',')
			j++;
		if (k == max || !ck_num(v + i, j - i, &x) || x > 0xffffffffu)
			return -1;
		seeds[k++] = (uint32_t)x;
		i = j + 1;
	}
	return k;
}

static void check_cpu(const struct l16_state *st, struct report *r)
{
	uint16_t base = st->base_seg;

	rp_check(r, !(st->msw & 1), "real mode: CR0.PE clear", "CR0 low word 0x%04x", st->msw);
	rp_check(r, st->idt_base == 0 && st->idt_limit == 0x3ff,
		 "IDTR holds the real-mode IVT: base 0, limit 0x3ff", "base 0x%x, limit 0x%x",
		 st->idt_base, st->idt_limit);
	rp_check(r, !(st->flags & 0x200), "interrupts disabled at entry (FLAGS.IF clear)",
		 "FLAGS 0x%04x", st->flags);
	rp_check(r, st->cs == (uint16_t)(base + 0x20),
		 "CS is the real-mode code's segment + 0x20 (\"segment offset 0x20\")",
		 "CS 0x%04x, the code's segment 0x%04x", st->cs, base);
	rp_check(r, st->ip == 0, "IP is 0: entered at the jump at offset 0x200", "IP 0x%04x",
		 st->ip);
	rp_check(r, st->ds == base && st->es == base && st->ss == base,
		 "DS, ES and SS are the real-mode code's segment",
		 "DS %04x ES %04x SS %04x, code %04x", st->ds, st->es, st->ss, base);
	rp_check(r, st->fs == base && st->gs == base,
		 "FS and GS are the same segment (boot.rst recommends fs = gs = ds = es = ss)",
		 "FS %04x GS %04x", st->fs, st->gs);
	rp_check(r, st->a20, "A20 enabled", "1 MiB wraps to 0");
	uint8_t bda[0x20];
	bool ok = !st->peek(st->ctx, 0x400, bda, sizeof(bda));
	rp_check(r, ok && st->int12 && st->int12 <= 640 && st->int12 == ld16(bda + 0x13),
		 "BIOS usable: INT 12h answers, as the data area's word at 0x413 says",
		 "INT 12h %u KiB, 0x413 holds %u", st->int12, ok ? ld16(bda + 0x13) : 0);
	bool e820 = st->n_map > 0 && in_ram(st, 0, 0x1000) && in_ram(st, 0x100000, 0x200000);
	rp_check(r, e820, "BIOS usable: INT 15h E820h gives a map, RAM at 0 and at 1 MiB",
		 "%d entries", st->n_map);
}

void l16_run_checks(const struct l16_state *st, struct report *r)
{
	uint32_t base = (uint32_t)st->base_seg * 16;
	uint8_t h[0x300], tail[16];
	static char cmd[L16_CMDLINE_SIZE + 2];
	char why[40];

	rp_printf(
	    r,
	    "\nbaton linux16 conformance kernel: real-mode code at 0x%x, entered at %04x:%04x, "
	    "DS %04x ES %04x FS %04x GS %04x SS:SP %04x:%04x FLAGS %04x\n",
	    base, st->cs, st->ip, st->ds, st->es, st->fs, st->gs, st->ss, st->sp, st->flags);
	check_cpu(st, r);
	if (st->peek(st->ctx, base, h, sizeof(h))) {
		rp_fail(r, "the real-mode code is readable", "at 0x%x", base);
		rp_summary(r, "linux16");
		return;
	}
	/* "Memory Layout": a bzImage's real-mode code anywhere from 0x10000, below the EBDA. */
	uint32_t heap_end = ld16(h + H_HEAP_END_PTR) + 0x200u;
	rp_check(r, base >= 0x10000 && base + 0x8000 <= st->int12 * 1024u,
		 "real-mode code at or above 0x10000, its 32 KiB below INT 12h's top of low memory",
		 "at 0x%x, low memory ends at 0x%x", base, st->int12 * 1024u);
	uint32_t setup_len = (st->setup_sects + 1) * 512;
	bool whole = h[H_SETUP_SECTS] == st->setup_sects &&
		     !st->peek(st->ctx, base + setup_len - 16, tail, 16) &&
		     c_memeq(tail, L16_SETUP_TAIL, 16);
	rp_check(r, whole,
		 "the real-mode code loaded whole: setup_sects + 1 sectors, its last 16 "
		 "bytes in place",
		 "setup_sects %u (built with %u)", h[H_SETUP_SECTS], st->setup_sects);

	/* The fields a loader reads only keep their values (boot.rst field table). */
	static const struct {
		uint16_t off;
		uint8_t n;
		uint32_t v;
	} ro[] = {
	    {H_SYSSIZE, 4, L16_PM_LEN / 16},
	    {H_BOOT_FLAG, 2, 0xaa55},
	    {H_VERSION, 2, L16_VERSION},
	    {H_INITRD_ADDR_MAX, 4, L16_INITRD_ADDR_MAX},
	    {H_RELOCATABLE_KERNEL, 1, L16_RELOCATABLE},
	    {H_MIN_ALIGNMENT, 1, L16_MIN_ALIGNMENT},
	    {H_CMDLINE_SIZE, 4, L16_CMDLINE_SIZE},
	    {H_PREF_ADDRESS, 4, L16_PREF_ADDRESS},
	    {H_INIT_SIZE, 4, L16_INIT_SIZE},
	};
	unsigned bad = 0;
	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]) && !bad; i++) {
		uint32_t v = ro[i].n == 1   ? h[ro[i].off]
			     : ro[i].n == 2 ? ld16(h + ro[i].off)
					    : ld32(h + ro[i].off);
		if (v != ro[i].v || !c_memeq(h + H_HEADER, "HdrS", 4))
			bad = ro[i].off;
	}
	rp_check(r, !bad,
		 "setup header: the fields a loader only reads are as built (syssize, "
		 "boot_flag, HdrS, version, initrd_addr_max, relocatable_kernel, "
		 "min_alignment, cmdline_size, pref_address, init_size)",
		 "the field at 0x%x differs", bad);
	uint32_t ka = ld32(h + H_KERNEL_ALIGNMENT);
	rp_check(r,
		 ka && !(ka & (ka - 1)) && ka >= 1u << L16_MIN_ALIGNMENT &&
		     ka <= L16_KERNEL_ALIGNMENT,
		 "kernel_alignment a power of two between 1 << min_alignment and the image's",
		 "0x%x", ka);

	/* The command line first: the expectations come from it. */
	uint32_t cl = ld32(h + H_CMD_LINE_PTR);
	long n = -1;
	if (cl && !st->peek(st->ctx, cl, cmd, L16_CMDLINE_SIZE + 1))
		n = ck_strnlen(cmd, L16_CMDLINE_SIZE + 1);
	rp_check(r, cl >= base + heap_end && cl < 0xa0000,
		 "cmd_line_ptr set, between the heap's end and 0xA0000", "0x%x; heap ends at 0x%x",
		 cl, base + heap_end);
	rp_check(r, n >= 0, "command line: NUL within cmdline_size + 1 bytes", "no NUL at 0x%x",
		 cl);
	size_t cn = n > 0 ? (size_t)n : 0, at;
	uint32_t got, want;
	const char *sum = ck_sum(cmd, cn, 0, &at, &got, &want);
	rp_check(r, !sum, "command line: bytes as sent (sum=)", "%s: FNV-1a %08x, sum= %08x",
		 sum ? sum : "", got, want);
	long e_loader = ck_expect(cmd, cn, "expect.loader="),
	     e_vga = ck_expect(cmd, cn, "expect.vga=");
	long e_sp = ck_expect(cmd, cn, "expect.sp="), n_rd = ck_expect(cmd, cn, "initrds=");

	/* What the loader writes (boot.rst "Details of Header Fields", the sample's code). */
	rp_check(r, h[H_TYPE_OF_LOADER] == (e_loader < 0 ? 0xff : e_loader),
		 "type_of_loader is expect.loader (0xFF: no assigned id, when not given)", "0x%02x",
		 h[H_TYPE_OF_LOADER]);
	rp_check(r, (h[H_LOADFLAGS] & ~CAN_USE_HEAP) == L16_LOADFLAGS,
		 "loadflags: LOADED_HIGH kept, no other bit set but CAN_USE_HEAP", "0x%02x",
		 h[H_LOADFLAGS]);
	rp_check(r, h[H_LOADFLAGS] & CAN_USE_HEAP,
		 "loadflags: CAN_USE_HEAP set (protocol 2.01+: heap_end_ptr is valid)", "0x%02x",
		 h[H_LOADFLAGS]);
	rp_check(r, heap_end > setup_len && heap_end <= 0x10000 && !(heap_end & 1),
		 "heap_end_ptr: the heap ends after the setup code, inside the 64 KiB segment",
		 "heap_end_ptr 0x%x", heap_end - 0x200);
	rp_check(r, st->sp > setup_len && st->sp <= heap_end && !(st->sp & 1),
		 "SP inside the setup heap (\"normally pointing to the top of the heap\")",
		 "SP 0x%04x, setup code to 0x%x, heap to 0x%x", st->sp, setup_len, heap_end);
	if (e_sp >= 0)
		rp_check(r, st->sp == e_sp, "SP is expect.sp (the sample's _SP = heap_end)",
			 "SP 0x%04x, expected 0x%lx", st->sp, e_sp);
	rp_check(r, ld16(h + H_VID_MODE) == (e_vga < 0 ? 0xffff : e_vga),
		 "vid_mode is expect.vga (0xFFFF \"normal\", when not given)", "0x%04x",
		 ld16(h + H_VID_MODE));

	/* The protected-mode part where code32_start says, every byte. */
	uint32_t k = ld32(h + H_CODE32_START);
	rp_check(r, k == 0x100000 || (k && !(k % ka)),
		 "code32_start: 0x100000, or a relocated load address aligned to kernel_alignment",
		 "0x%x", k);
	static const uint32_t pm_seed = L16_PM_SEED;
	const char *pm = btni_files(st, k, L16_PM_LEN, &pm_seed, 1, why, sizeof(why));
	rp_check(r, !pm, "the protected-mode part at code32_start, whole (every byte)",
		 "at 0x%x: %s", k, pm ? pm : "");
	rp_check(r, in_ram(st, k, (uint64_t)k + L16_INIT_SIZE),
		 "[code32_start, + init_size) is RAM in the E820 map", "0x%x", k);

	/* The initrds. */
	uint32_t rd = ld32(h + H_RAMDISK_IMAGE), rn = ld32(h + H_RAMDISK_SIZE);
	uint32_t seeds[8];
	int ns = parse_seeds(cmd, cn, seeds, 8);
	bool present = n_rd < 0 ? false : n_rd ? rd && rn : !rd && !rn;
	rp_check(r, present, "ramdisk_image/ramdisk_size present as initrds=N says",
		 "initrds=%ld, ramdisk 0x%x, %u bytes", n_rd, rd, rn);
	if (n_rd > 0 && rd && rn) {
		rp_check(r, (uint64_t)rd + rn - 1 <= L16_INITRD_ADDR_MAX,
			 "initrd entirely at or below initrd_addr_max", "0x%x + %u", rd, rn);
		rp_check(r, !(rd & 4095), "initrd page-aligned (baton promise; boot.rst asks none)",
			 "0x%x", rd);
		const char *f = ns != n_rd ? "initrd.seeds= does not list initrds=N seeds"
					   : btni_files(st, rd, rn, seeds, ns, why, sizeof(why));
		rp_check(r, !f,
			 "initrd: the files of initrd.seeds in order, 4-byte aligned, zero "
			 "padded, every byte",
			 "%s", f ? f : "");
		rp_check(r, in_ram(st, rd, (uint64_t)rd + rn), "initrd is RAM in the E820 map",
			 "0x%x", rd);
	}
	/* Nothing the loader placed overlaps anything else. */
	bool ov = overlap(k, L16_INIT_SIZE, rd, rn) || overlap(k, L16_INIT_SIZE, base, heap_end) ||
		  overlap(rd, rn, base, heap_end) || overlap(cl, cn + 1, k, L16_INIT_SIZE) ||
		  overlap(cl, cn + 1, rd, rn) || overlap(cl, cn + 1, base, heap_end);
	rp_check(
	    r, !ov,
	    "kernel range, initrd, real-mode code with its heap and command line do not overlap",
	    "kernel 0x%x, initrd 0x%x, real-mode 0x%x-0x%x, command line 0x%x", k, rd, base,
	    base + heap_end, cl);
	rp_summary(r, "linux16");
}
