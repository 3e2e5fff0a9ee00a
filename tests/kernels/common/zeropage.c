/* zeropage.c: the boot_params checks linux32 and linux64 share (boot.rst, zero-page.rst). */
#include "zeropage.h"

#define EFI_SYSTAB_SIG 0x5453595320494249ull /* "IBI SYST" */
#define GIB4	       0x100000000ull

#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))

const void *zp_read(const struct zp *c, uint64_t addr, uint64_t len, enum bz_access how)
{
	if (addr + len < addr)
		return 0;
	return c->im.mem(c->im.ctx, addr, len, how);
}

uint64_t zp_field(const struct zp *c, unsigned off, int width)
{
	const uint8_t *p = c->bp + off;

	return width == 1 ? *p : width == 2 ? ld16(p) : width == 4 ? ld32(p) : ld64(p);
}

/* boot.rst 32- and 64-bit protocols: "%esi/%rsi must hold the base address of the struct
 * boot_params". */
bool zp_open(struct zp *c, const char *what, const char *reg, uint64_t addr)
{
	c->expect_pref = c->expect_fb = c->expect_bios = -1;
	c->n_initrds = -1;
	c->n_seeds = -1;
	c->kernel = (struct zp_range){c->im.load, c->im.load + c->im.k->init_size};
	c->bp_addr = addr;
	c->bp = addr ? zp_read(c, addr, ZP_SIZE, BZ_PHYS) : NULL;
	return rp_check(c->r, c->bp != NULL, what, "%s 0x%" PX64, reg, addr);
}

/* --- GDT descriptors (both protocols: "both descriptors must be 4G flat segment") --- */

void zp_check_desc(struct zp *c, const char *what, const uint8_t *g, uint64_t gdt_base,
		   unsigned gdt_limit, unsigned sel, int code_bits)
{
	if (!g) {
		rp_fail(c->r, what,
			"GDT at 0x%" PX64 " limit 0x%x does not hold selector 0x%x or cannot be "
			"read",
			gdt_base, gdt_limit, sel);
		return;
	}
	uint64_t d = ld64(g + sel);
	unsigned p = d >> 47 & 1, dpl = d >> 45 & 3, s = d >> 44 & 1, type = d >> 40 & 15;
	unsigned l = d >> 53 & 1, db = d >> 54 & 1, gran = d >> 55 & 1;
	uint64_t base = (d >> 16 & 0xffffff) | (d >> 56 & 0xff) << 24;
	uint64_t limit = (d & 0xffff) | (d >> 48 & 0xf) << 16;
	/* Flat: base 0, limit 0xfffff in 4 KiB units. */
	bool ok = p && dpl == 0 && s && base == 0 && limit == 0xfffff && gran;
	if (code_bits == 64)
		ok = ok && (type & 8) && (type & 2) && l && !db; /* execute/read, 64-bit */
	else if (code_bits == 32)
		ok = ok && (type & 8) && (type & 2) && !l && db; /* execute/read, 32-bit */
	else /* read/write data; in protected mode B=1 makes SS a 32-bit (ESP) stack */
		ok = ok && !(type & 8) && (type & 2) && (db || !c->entry32);
	rp_check(c->r, ok, what,
		 "descriptor 0x%016" PX64
		 ": P=%u DPL=%u S=%u type=0x%x L=%u D=%u G=%u base 0x%" PX64 " limit 0x%" PX64,
		 d, p, dpl, s, type, l, db, gran, base, limit);
}

/* --- the setup header in boot_params (boot.rst field table: "read" fields are the kernel's) --- */

static void hdr_eq(struct zp *c, const char *what, unsigned off, int width, uint64_t want)
{
	uint64_t got = zp_field(c, off, width);

	rp_check(c->r, got == want, what, "0x%" PX64 " at 0x%x, the kernel's header says 0x%" PX64,
		 got, off, want);
}

void zp_check_header(struct zp *c)
{
	const struct bz_kernel *k = c->im.k;
	struct report *r = c->r;

	hdr_eq(c, "setup header: setup_sects", H_SETUP_SECTS, 1, BZ_SETUP_SECTS);
	hdr_eq(c, "setup header: syssize", H_SYSSIZE, 4, ALIGN_UP(c->im.image_size, 16) / 16);
	hdr_eq(c, "setup header: boot_flag 0xAA55", H_BOOT_FLAG, 2, 0xaa55);
	hdr_eq(c, "setup header: jump (its byte at 0x201 gives the header end)", H_JUMP, 2,
	       0xeb | (BZ_HDR_END - 0x202) << 8);
	hdr_eq(c, "setup header: header \"HdrS\"", H_HEADER, 4, 0x53726448);
	hdr_eq(c, "setup header: version 0x020f", H_VERSION, 2, k->version);
	hdr_eq(c, "setup header: kernel_version", H_KERNEL_VERSION, 2, BZ_KVER_OFF - 0x200);
	hdr_eq(c, "setup header: initrd_addr_max", H_INITRD_ADDR_MAX, 4, k->initrd_addr_max);
	hdr_eq(c, "setup header: relocatable_kernel", H_RELOCATABLE_KERNEL, 1, k->relocatable);
	hdr_eq(c, "setup header: min_alignment", H_MIN_ALIGNMENT, 1, k->min_alignment);
	hdr_eq(c, "setup header: xloadflags", H_XLOADFLAGS, 2, k->xloadflags);
	hdr_eq(c, "setup header: cmdline_size", H_CMDLINE_SIZE, 4, k->cmdline_size);
	hdr_eq(c, "setup header: hardware_subarch 0 (X86_SUBARCH_PC)", H_HARDWARE_SUBARCH, 4,
	       k->hardware_subarch);
	hdr_eq(c, "setup header: payload_offset/payload_length", H_PAYLOAD_OFFSET, 8, 0);
	hdr_eq(c, "setup header: pref_address", H_PREF_ADDRESS, 8, k->pref_address);
	hdr_eq(c, "setup header: init_size", H_INIT_SIZE, 4, k->init_size);
	hdr_eq(c, "setup header: handover_offset", H_HANDOVER_OFFSET, 4, 0);
	hdr_eq(c, "setup header: kernel_info_offset", H_KERNEL_INFO_OFFSET, 4, BZ_KINFO_OFF);

	/* kernel_alignment is "modify (reloc)": a loader may lower it, never below min_alignment.
	 */
	uint64_t ka = zp_field(c, H_KERNEL_ALIGNMENT, 4);
	rp_check(r,
		 ka && !(ka & (ka - 1)) && ka >= (1u << k->min_alignment) &&
		     ka <= k->kernel_alignment,
		 "setup header: kernel_alignment a power of two in [1 << min_alignment, the "
		 "header's]",
		 "kernel_alignment 0x%" PX64 ", the header says 0x%x", ka, k->kernel_alignment);
	/* type_of_loader: "write (obligatory)"; 0xFF = "undefined", a loader without an assigned
	 * id. */
	rp_check(r, zp_field(c, H_TYPE_OF_LOADER, 1) == 0xff,
		 "type_of_loader is 0xFF (no assigned loader id)", "type_of_loader 0x%" PX64,
		 zp_field(c, H_TYPE_OF_LOADER, 1));
	rp_check(r, zp_field(c, H_LOADFLAGS, 1) & LOADED_HIGH, "loadflags keeps LOADED_HIGH",
		 "loadflags 0x%" PX64, zp_field(c, H_LOADFLAGS, 1));
	/* vid_mode: "modify (obligatory)"; baton has no vga= and leaves "normal". */
	rp_check(r, zp_field(c, H_VID_MODE, 2) == 0xffff, "vid_mode is 0xFFFF (normal)",
		 "vid_mode 0x%" PX64, zp_field(c, H_VID_MODE, 2));
}

/* --- what else the loader must leave alone (boot.rst: boot_params "initialized to all zero") ---
 */

static bool all_zero(struct zp *c, unsigned off, unsigned len, unsigned *at)
{
	for (unsigned i = 0; i < len; i++) {
		if (c->bp[off + i]) {
			*at = off + i;
			return false;
		}
	}
	return true;
}

void zp_check_zeroed(struct zp *c)
{
	struct report *r = c->r;
	unsigned at = 0;

	/* zero-page.rst sentinel: nonzero makes the kernel distrust (and clear) most of
	 * boot_params. */
	rp_check(r, c->bp[ZP_SENTINEL] == 0, "sentinel (0x1ef) is 0", "sentinel 0x%x",
		 c->bp[ZP_SENTINEL]);
	/* The header ends at 0x202 + byte at 0x201; the image has non-zero bytes right after it. */
	bool ok = all_zero(c, BZ_HDR_END, ZP_HDR_PAD_END - BZ_HDR_END, &at);
	rp_check(r, ok, "nothing copied past the setup header end (0x26c-0x28f zero)",
		 "byte 0x%x is 0x%x", at, c->bp[at]);
	ok = all_zero(c, ZP_TBOOT_ADDR, 8, &at) && all_zero(c, ZP_HD0_INFO, 0x40, &at) &&
	     all_zero(c, ZP_CC_BLOB_ADDRESS, 4, &at) && all_zero(c, ZP_EDDBUF_ENTRIES, 2, &at);
	rp_check(
	    r, ok,
	    "unused zero page fields are 0 (tboot_addr, hd_info, sys_desc_table, olpc_ofw_header, "
	    "cc_blob_address, EDD counts)",
	    "byte 0x%x is 0x%x", at, c->bp[at]);

	/* setup_data: "write (special)": a linked list of struct setup_data, or 0. */
	uint64_t sd = zp_field(c, H_SETUP_DATA, 8);
	int n = 0;
	const char *why = NULL;
	for (; sd && n < 64 && !why; n++) {
		const uint8_t *h = zp_read(c, sd, 16, BZ_PHYS);
		if (!h) {
			why = "node cannot be read";
			break;
		}
		uint32_t type = ld32(h + 8) & 0x7fffffff, len = ld32(h + 12);
		if (type == 0 || type > 11)
			why = "unknown type";
		else if (!zp_read(c, sd + 16, len, BZ_PHYS))
			why = "payload cannot be read";
		else
			sd = ld64(h);
	}
	if (!why && sd)
		why = "more than 64 nodes (a loop?)";
	rp_check(r, !why, "setup_data is 0 or a well-formed list", "node %d at 0x%" PX64 ": %s", n,
		 sd, why);
}

/* --- the command line (boot.rst "cmd_line_ptr", "cmdline_size") --- */

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static unsigned hexval(char ch)
{
	return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

/* The value of the token "key=..." (at the start or after a space), with its length. */
static const char *token(struct zp *c, const char *key, uint64_t *vlen)
{
	size_t kl = c_strlen(key);

	if (!c->cmd)
		return NULL;
	for (uint64_t i = 0; i + kl <= c->cmd_len; i++) {
		if ((i == 0 || c->cmd[i - 1] == ' ') && c_memeq(c->cmd + i, key, kl)) {
			uint64_t e = i + kl;
			while (e < c->cmd_len && c->cmd[e] != ' ')
				e++;
			*vlen = e - i - kl;
			return c->cmd + i + kl;
		}
	}
	return NULL;
}

/* Parses a decimal or 0x-hex number of exactly len characters; false when malformed. */
static bool parse_num(const char *s, uint64_t len, uint64_t *v)
{
	uint64_t i = 0, base = 10;

	*v = 0;
	if (len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
		i = 2, base = 16;
	if (i >= len)
		return false;
	for (; i < len; i++) {
		if (base == 16 ? !is_hex(s[i]) : !(s[i] >= '0' && s[i] <= '9'))
			return false;
		*v = *v * base + hexval(s[i]);
		if (*v > 0xffffffffull)
			return false;
	}
	return true;
}

static int flag_token(struct zp *c, const char *key)
{
	uint64_t vl, v;
	const char *s = token(c, key, &vl);

	return s && parse_num(s, vl, &v) ? (int)(v != 0) : -1;
}

static void parse_tokens(struct zp *c)
{
	uint64_t vl, v;
	const char *s;

	c->expect_pref = flag_token(c, "expect.pref=");
	c->expect_fb = flag_token(c, "expect.fb=");
	c->expect_bios = flag_token(c, "expect.bios=");
	c->n_initrds = -1;
	s = token(c, "initrds=", &vl);
	if (s && parse_num(s, vl, &v) && v <= ZP_MAX_INITRDS)
		c->n_initrds = (long)v;
	c->n_seeds = -1;
	s = token(c, "initrd.seeds=", &vl);
	if (s) {
		uint64_t i = 0;
		c->n_seeds = 0;
		while (i < vl && c->n_seeds >= 0) {
			uint64_t e = i;
			while (e < vl && s[e] != ',')
				e++;
			if (c->n_seeds == ZP_MAX_INITRDS || !parse_num(s + i, e - i, &v))
				c->n_seeds = -1;
			else
				c->seeds[c->n_seeds++] = (uint32_t)v;
			i = e + 1;
		}
	}
}

void zp_check_cmdline(struct zp *c)
{
	struct report *r = c->r;
	uint64_t max = c->im.k->cmdline_size;
	const char *what = "command line: cmd_line_ptr set, NUL within cmdline_size";

	c->cmd_addr = zp_field(c, H_CMD_LINE_PTR, 4) | zp_field(c, ZP_EXT_CMD_LINE_PTR, 4) << 32;
	c->cmd = NULL;
	if (!c->cmd_addr) {
		rp_fail(r, what, "cmd_line_ptr and ext_cmd_line_ptr are 0");
	} else {
		/* Page by page: the string may end well before cmdline_size, next to unmapped
		 * memory. */
		uint64_t len = 0;
		bool found = false, readable = true;
		while (!found && readable && len <= max) {
			uint64_t a = c->cmd_addr + len;
			uint64_t chunk = 4096 - (a & 4095);
			if (chunk > max + 1 - len)
				chunk = max + 1 - len;
			const char *p = zp_read(c, a, chunk, BZ_PHYS);
			if (!p) {
				readable = false;
				break;
			}
			for (uint64_t i = 0; i < chunk && !found; i++, len++)
				found = !p[i];
		}
		if (found) {
			c->cmd_len = len - 1;
			c->cmd = zp_read(c, c->cmd_addr, len, BZ_PHYS);
		}
		if (rp_check(r, c->cmd != NULL, what, "%s at 0x%" PX64,
			     readable ? "no NUL within cmdline_size + 1 bytes"
				      : "unreadable (not identity-mapped?)",
			     c->cmd_addr + len))
			rp_printf(r, "  cmdline: \"%s\"\n", c->cmd);
	}
	parse_tokens(c);

	/* The test appends " sum=XXXXXXXX", the FNV-1a of every byte before it: any change shows.
	 */
	what = "command line: bytes as sent (sum= is the FNV-1a of the bytes before it)";
	if (!c->cmd) {
		rp_fail(r, what, "no command line");
		return;
	}
	uint64_t at = c->cmd_len;
	for (uint64_t i = 0; i + 5 <= c->cmd_len; i++)
		if (c_memeq(c->cmd + i, " sum=", 5))
			at = i;
	if (at == c->cmd_len || c->cmd_len - at != 13) {
		rp_fail(r, what, "the command line does not end in \" sum=\" and 8 hex digits");
		return;
	}
	uint32_t want = 0;
	for (int i = 0; i < 8; i++) {
		char ch = c->cmd[at + 5 + i];
		if (!is_hex(ch)) {
			rp_fail(r, what, "sum= has a non-hex digit '%c'", ch);
			return;
		}
		want = want << 4 | hexval(ch);
	}
	uint32_t got = fnv1a32(FNV1A_INIT, c->cmd, at);
	rp_check(r, got == want, what,
		 "FNV-1a of the %" PU64 " bytes before \" sum=\" is %08x, sum= says %08x", at, got,
		 want);
}

/* --- where the kernel was put (boot.rst "kernel_alignment", "pref_address", "code32_start") --- */

void zp_check_placement(struct zp *c)
{
	const struct bz_kernel *k = c->im.k;
	struct report *r = c->r;
	uint64_t load = c->im.load;

	rp_check(r,
		 !(load & (k->kernel_alignment - 1)) && !(load & ((1ull << k->min_alignment) - 1)),
		 "kernel load address aligned to kernel_alignment",
		 "loaded at 0x%" PX64 ", kernel_alignment 0x%x", load, k->kernel_alignment);
	if (c->expect_pref == 1)
		rp_check(r, load == k->pref_address,
			 "kernel loaded at pref_address (expect.pref=1)",
			 "loaded at 0x%" PX64 ", pref_address 0x%" PX64, load, k->pref_address);
	/* relocatable_kernel: "After loading, the boot loader must set the code32_start field to
	 * point to the loaded code" (code32_start: "defaults to the load address"). */
	uint64_t c32 = zp_field(c, H_CODE32_START, 4);
	rp_check(r, c32 == load,
		 "code32_start is the load address (relocatable_kernel: the loader points it at "
		 "the loaded code)",
		 "code32_start 0x%" PX64 ", loaded at 0x%" PX64 " (the header's default is 0x%x)",
		 c32, load, k->code32_start);
	const uint8_t *tail =
	    zp_read(c, load + c->im.image_size - BZ_TRAILER_LEN, BZ_TRAILER_LEN, BZ_PHYS);
	rp_check(r, tail && c_memeq(tail, k->trailer, BZ_TRAILER_LEN),
		 "the whole protected-mode part is loaded (its last 16 bytes are in place)",
		 "trailer at 0x%" PX64 " %s", load + c->im.image_size - BZ_TRAILER_LEN,
		 tail ? "differs" : "cannot be read");
}

/* --- the ramdisk (boot.rst "ramdisk_image", "ramdisk_size", "initrd_addr_max") --- */

/* Checks the BTNI files back to back, 4-byte aligned with zero padding, as baton concatenates them.
 */
static void check_initrd_files(struct zp *c, const uint8_t *p)
{
	const char *what =
	    "initrd: the files of initrd.seeds in order, 4-byte aligned, zero padded, every byte";
	struct report *r = c->r;
	uint64_t off = 0, size = c->rd_size;

	if (c->n_seeds != c->n_initrds) {
		rp_fail(r, what,
			"initrd.seeds= lists %d seeds (-1: missing or malformed) for initrds=%ld",
			c->n_seeds, c->n_initrds);
		return;
	}
	for (int i = 0; i < c->n_initrds; i++) {
		uint64_t start = ALIGN_UP(off, 4);
		for (; off < start && off < size; off++) {
			if (p[off]) {
				rp_fail(r, what,
					"padding byte before file %d at offset 0x%" PX64 " is 0x%x",
					i, off, p[off]);
				return;
			}
		}
		if (start + BTNI_HDR > size) {
			rp_fail(r, what,
				"file %d: header at offset 0x%" PX64
				" runs past ramdisk_size 0x%" PX64,
				i, start, size);
			return;
		}
		const uint8_t *f = p + start;
		uint32_t seed = ld32(f + 4), len = ld32(f + 8);
		if (!c_memeq(f, BTNI_MAGIC, 4) || ld32(f + 12) || len < BTNI_HDR) {
			rp_fail(r, what,
				"file %d at offset 0x%" PX64
				": no BTNI header (%02x %02x %02x %02x, "
				"length %u)",
				i, start, f[0], f[1], f[2], f[3], len);
			return;
		}
		if (seed != c->seeds[i]) {
			rp_fail(r, what,
				"file %d has seed %u, initrd.seeds lists %u there (wrong order?)",
				i, seed, c->seeds[i]);
			return;
		}
		if (start + len > size) {
			rp_fail(r, what,
				"file %d (%u bytes at offset 0x%" PX64
				") runs past ramdisk_size 0x%" PX64,
				i, len, start, size);
			return;
		}
		uint32_t s = btni_state(seed), v = 0;
		for (uint32_t j = BTNI_HDR; j < len; j++) {
			if ((j - BTNI_HDR) % 4 == 0)
				v = xorshift32(&s);
			uint8_t want = (uint8_t)(v >> 8 * ((j - BTNI_HDR) % 4));
			if (f[j] != want) {
				rp_fail(r, what,
					"file %d byte %u (ramdisk offset 0x%" PX64
					") is 0x%02x, expected 0x%02x",
					i, j, start + j, f[j], want);
				return;
			}
		}
		off = start + len;
	}
	rp_check(r, off == size, what,
		 "ramdisk_size is 0x%" PX64 " but the %ld files end at 0x%" PX64, size,
		 c->n_initrds, off);
}

void zp_check_initrd(struct zp *c)
{
	struct report *r = c->r;
	uint64_t max = c->im.k->initrd_addr_max;

	c->rd_addr = zp_field(c, H_RAMDISK_IMAGE, 4) | zp_field(c, ZP_EXT_RAMDISK_IMAGE, 4) << 32;
	c->rd_size = zp_field(c, H_RAMDISK_SIZE, 4) | zp_field(c, ZP_EXT_RAMDISK_SIZE, 4) << 32;
	const char *what = "initrd: ramdisk_image/ramdisk_size present as initrds=N says";
	if (c->n_initrds < 0) {
		rp_fail(r, what,
			"no initrds=N on the command line (ramdisk 0x%" PX64 ", 0x%" PX64 " bytes)",
			c->rd_addr, c->rd_size);
		c->rd_addr = c->rd_size = 0;
		return;
	}
	if (c->n_initrds == 0) {
		rp_check(r, !c->rd_addr && !c->rd_size, what,
			 "initrds=0 but ramdisk at 0x%" PX64 ", 0x%" PX64 " bytes", c->rd_addr,
			 c->rd_size);
		c->rd_addr = c->rd_size = 0;
		return;
	}
	if (!rp_check(r, c->rd_addr && c->rd_size, what,
		      "initrds=%ld but ramdisk at 0x%" PX64 ", 0x%" PX64 " bytes", c->n_initrds,
		      c->rd_addr, c->rd_size)) {
		c->rd_addr = c->rd_size = 0;
		return;
	}
	/* "initrd_addr_max: the maximum address that may be occupied by the initial ramdisk". */
	rp_check(r, c->rd_addr + c->rd_size - 1 <= max && c->rd_addr + c->rd_size > c->rd_addr,
		 "initrd: entirely at or below initrd_addr_max",
		 "ramdisk 0x%" PX64 "-0x%" PX64 ", initrd_addr_max 0x%" PX64, c->rd_addr,
		 c->rd_addr + c->rd_size - 1, max);
	/* boot.rst asks no alignment of the ramdisk; baton page-aligns it (loadplan align 4096). */
	rp_check(r, !(c->rd_addr & 4095),
		 "initrd: page-aligned (baton promise; boot.rst requires none)",
		 "ramdisk_image 0x%" PX64, c->rd_addr);
	const uint8_t *p = zp_read(c, c->rd_addr, c->rd_size, BZ_PHYS);
	if (!p)
		rp_fail(r,
			"initrd: the files of initrd.seeds in order, 4-byte aligned, zero padded, "
			"every byte",
			"ramdisk 0x%" PX64 ", 0x%" PX64
			" bytes cannot be read (not identity-mapped?)",
			c->rd_addr, c->rd_size);
	else
		check_initrd_files(c, p);
}

/*
 * The ext_* fields (zero-page.rst 0x0c0-0x0cb) carry the high halves of addresses above 4 GiB:
 * boot.rst xloadflags, XLF_CAN_BE_LOADED_ABOVE_4G ("kernel/boot_params/cmdline/ramdisk can be
 * above 4G"). Without that flag, or at the 32-bit entry (paging off: only the first 4 GiB can
 * be reached), they must be 0, and so must the high half of the EFI memory map baton places.
 */
void zp_check_below_4g(struct zp *c)
{
	const uint8_t *ei = c->bp + ZP_EFI_INFO;
	unsigned at = 0;

	if ((c->im.k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) && !c->entry32)
		return;
	bool ok = all_zero(c, ZP_EXT_RAMDISK_IMAGE, 12, &at);
	if (ok && c_memeq(ei, "EL", 2) && ld32(ei + 28))
		ok = false, at = ZP_EFI_INFO + 28;
	rp_check(c->r, ok,
		 c->entry32 ? "boot data below 4 GiB for the 32-bit entry: ext_ramdisk_image, "
			      "ext_ramdisk_size, ext_cmd_line_ptr, efi_memmap_hi are 0"
			    : "boot data below 4 GiB (no XLF_CAN_BE_LOADED_ABOVE_4G): ext_* fields "
			      "and efi_memmap_hi are 0",
		 "byte 0x%x is 0x%x", at, c->bp[at]);
}

/* --- e820 (zero-page.rst e820_entries 0x1e8, e820_table 0x2d0) --- */

static bool known_e820_type(uint32_t t)
{
	/* RAM, RESERVED, ACPI, NVS, UNUSABLE, PMEM, PRAM, SOFT_RESERVED */
	return (t >= 1 && t <= 5) || t == 7 || t == 12 || t == 0xefffffff;
}

/* Is [lo, hi) covered by usable RAM (type 1) entries? *gap is the first byte that is not. */
static bool in_ram(struct zp *c, uint64_t lo, uint64_t hi, uint64_t *gap)
{
	unsigned n = c->bp[ZP_E820_ENTRIES];
	uint64_t pos = lo;

	if (n > ZP_E820_MAX)
		n = ZP_E820_MAX;
	while (pos < hi) {
		bool moved = false;
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *e = c->bp + ZP_E820_TABLE + i * ZP_E820_ENTRY;
			uint64_t b = ld64(e), l = ld64(e + 8);
			if (ld32(e + 16) == 1 && b <= pos && pos - b < l) {
				pos = b + l;
				moved = true;
				break;
			}
		}
		if (!moved) {
			*gap = pos;
			return false;
		}
	}
	return true;
}

static void check_ram(struct zp *c, const char *what, uint64_t lo, uint64_t len)
{
	uint64_t gap = 0;
	bool ok = in_ram(c, lo, lo + len, &gap); /* before gap is passed on */

	rp_check(c->r, ok, what,
		 "0x%" PX64 "-0x%" PX64 ": 0x%" PX64 " is not in a usable (type 1) e820 entry", lo,
		 lo + len - 1, gap);
}

void zp_check_e820(struct zp *c)
{
	struct report *r = c->r;
	unsigned n = c->bp[ZP_E820_ENTRIES];

	rp_check(r, n >= 1 && n <= ZP_E820_MAX, "e820: 1 to 128 entries", "e820_entries %u", n);
	if (n > ZP_E820_MAX)
		n = ZP_E820_MAX;
	const char *why = NULL;
	unsigned bad = 0, other = 0;
	for (unsigned i = 0; i < n && !why; i++) {
		const uint8_t *e = c->bp + ZP_E820_TABLE + i * ZP_E820_ENTRY;
		uint64_t b = ld64(e), l = ld64(e + 8);
		bad = i;
		if (!known_e820_type(ld32(e + 16)))
			why = "unknown type";
		else if (!l || b + l < b)
			why = "zero length or wrapping";
		for (unsigned j = i + 1; j < n && !why; j++) {
			const uint8_t *f = c->bp + ZP_E820_TABLE + j * ZP_E820_ENTRY;
			struct zp_range x = {b, b + l}, y = {ld64(f), ld64(f) + ld64(f + 8)};
			if (zp_overlaps(x, y))
				why = "overlaps entry", other = j;
		}
	}
	const uint8_t *e = c->bp + ZP_E820_TABLE + bad * ZP_E820_ENTRY;
	const uint8_t *o = c->bp + ZP_E820_TABLE + other * ZP_E820_ENTRY;
	const char *what = "e820: entries non-overlapping, nonzero, of known types";
	if (!why)
		rp_pass(r, what);
	else if (other)
		rp_fail(r, what,
			"entry %u (0x%" PX64 ", 0x%" PX64
			" bytes, type %u) overlaps entry %u (0x%" PX64 ", 0x%" PX64 " bytes)",
			bad, ld64(e), ld64(e + 8), ld32(e + 16), other, ld64(o), ld64(o + 8));
	else
		rp_fail(r, what, "entry %u (0x%" PX64 ", 0x%" PX64 " bytes, type %u): %s", bad,
			ld64(e), ld64(e + 8), ld32(e + 16), why);
	check_ram(c, "e820: the kernel's [load, load + init_size) is usable RAM", c->kernel.lo,
		  c->im.k->init_size);
	check_ram(c, "e820: the zero page is usable RAM", c->bp_addr, ZP_SIZE);
	if (c->cmd)
		check_ram(c, "e820: the command line is usable RAM", c->cmd_addr, c->cmd_len + 1);
	if (c->rd_size)
		check_ram(c, "e820: the initrd is usable RAM", c->rd_addr, c->rd_size);
}

/* init_size: "the amount of linear contiguous memory ... the kernel needs before it is capable of
 * examining its memory map": nothing handed over may sit there, nor overlap each other. */
void zp_check_overlaps(struct zp *c)
{
	struct zp_range g[5];
	int n = 0;
	static const char names[][12] = {"kernel", "zero page", "cmdline", "initrd", "EFI memmap"};
	int id[5];
	const char *what = "boot data do not overlap the kernel's init_size range or each other";

	g[n] = c->kernel, id[n++] = 0;
	g[n] = (struct zp_range){c->bp_addr, c->bp_addr + ZP_SIZE}, id[n++] = 1;
	if (c->cmd)
		g[n] = (struct zp_range){c->cmd_addr, c->cmd_addr + c->cmd_len + 1}, id[n++] = 2;
	if (c->rd_size)
		g[n] = (struct zp_range){c->rd_addr, c->rd_addr + c->rd_size}, id[n++] = 3;
	if (c->mmap_addr && c->mmap_size)
		g[n] = (struct zp_range){c->mmap_addr, c->mmap_addr + c->mmap_size}, id[n++] = 4;
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			if (zp_overlaps(g[i], g[j])) {
				rp_fail(c->r, what,
					"%s 0x%" PX64 "-0x%" PX64 " overlaps %s 0x%" PX64
					"-0x%" PX64,
					names[id[i]], g[i].lo, g[i].hi - 1, names[id[j]], g[j].lo,
					g[j].hi - 1);
				return;
			}
		}
	}
	rp_pass(c->r, what);
}

/* --- EFI (zero-page.rst efi_info at 0x1c0) --- */

void zp_check_efi(struct zp *c)
{
	struct report *r = c->r;
	const uint8_t *ei = c->bp + ZP_EFI_INFO;
	const char *what;
	unsigned at = 0;

	/* A BIOS boot has no EFI firmware to describe: efi_info must stay zero, or the kernel
	 * would take garbage for a system table. */
	if (c->expect_bios == 1) {
		rp_check(r, all_zero(c, ZP_EFI_INFO, 32, &at),
			 "efi_info is zero (BIOS boot, expect.bios=1)", "byte 0x%x is not", at);
		return;
	}
	/* "EL64": the firmware (not the kernel) is 64-bit, as OVMF x64 is at either entry. */
	rp_check(r, c_memeq(ei, "EL64", 4), "efi_info: efi_loader_signature is \"EL64\"",
		 "signature %02x %02x %02x %02x", ei[0], ei[1], ei[2], ei[3]);

	what = "efi_info: efi_systab points to the EFI system table (signature, header CRC32)";
	c->systab_addr = ld32(ei + 4) | (uint64_t)ld32(ei + 24) << 32;
	c->systab = NULL;
	const uint8_t *h = c->systab_addr ? zp_read(c, c->systab_addr, 24, BZ_PHYS) : NULL;
	if (!h) {
		rp_fail(r, what, "efi_systab 0x%" PX64 " cannot be read", c->systab_addr);
	} else if (ld64(h) != EFI_SYSTAB_SIG) {
		rp_fail(r, what, "signature 0x%016" PX64 " at 0x%" PX64, ld64(h), c->systab_addr);
	} else {
		uint32_t hs = ld32(h + 12);
		const uint8_t *t =
		    hs >= 120 && hs <= 1024 ? zp_read(c, c->systab_addr, hs, BZ_PHYS) : NULL;
		if (!t) {
			rp_fail(r, what, "HeaderSize %u", hs);
		} else {
			uint8_t copy[1024];
			for (uint32_t i = 0; i < hs; i++)
				copy[i] = t[i];
			st32(copy + 16, 0);
			uint32_t crc = crc32_ieee(copy, hs);
			if (rp_check(r, crc == ld32(t + 16), what,
				     "CRC32 0x%08x, the header says 0x%08x", crc, ld32(t + 16)))
				c->systab = t;
		}
	}
	/* UEFI ExitBootServices(): "ConsoleInHandle, ConIn, ConsoleOutHandle, ConOut,
	 * StandardErrorHandle, StdErr and BootServices" are set to NULL. The kernel gets the
	 * machine. */
	what = "EFI boot services exited (system table ConIn, ConOut, StdErr, BootServices NULL)";
	if (!c->systab)
		rp_fail(r, what, "no valid system table");
	else
		rp_check(r,
			 !ld64(c->systab + 48) && !ld64(c->systab + 64) && !ld64(c->systab + 80) &&
			     !ld64(c->systab + 96),
			 what,
			 "ConIn 0x%" PX64 " ConOut 0x%" PX64 " StdErr 0x%" PX64
			 " BootServices 0x%" PX64,
			 ld64(c->systab + 48), ld64(c->systab + 64), ld64(c->systab + 80),
			 ld64(c->systab + 96));

	what = "efi_info: memory map (desc_size >= 40, size a multiple, desc_version 1, sane "
	       "descriptors)";
	c->mmap_dsize = ld32(ei + 8);
	c->mmap_addr = ld32(ei + 16) | (uint64_t)ld32(ei + 28) << 32;
	c->mmap_size = ld32(ei + 20);
	uint32_t ver = ld32(ei + 12);
	if (c->mmap_dsize < 40 || c->mmap_dsize % 8 || !c->mmap_size ||
	    c->mmap_size % c->mmap_dsize || ver != 1 || !c->mmap_addr) {
		rp_fail(r, what,
			"efi_memmap 0x%" PX64 " size 0x%" PX64 " desc_size %" PU64
			" desc_version %u",
			c->mmap_addr, c->mmap_size, c->mmap_dsize, ver);
		c->mmap_addr = 0;
		return;
	}
	const uint8_t *m = zp_read(c, c->mmap_addr, c->mmap_size, BZ_PHYS);
	if (!m) {
		rp_fail(r, what, "efi_memmap 0x%" PX64 " (0x%" PX64 " bytes) cannot be read",
			c->mmap_addr, c->mmap_size);
		c->mmap_addr = 0;
		return;
	}
	uint64_t n = c->mmap_size / c->mmap_dsize;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *d = m + i * c->mmap_dsize;
		uint32_t type = ld32(d);
		uint64_t start = ld64(d + 8), pages = ld64(d + 24);
		/* Types up to EfiUnacceptedMemoryType (15), or the OEM/OS ranges from 0x70000000.
		 */
		if ((type > 15 && type < 0x70000000) || (start & 4095) || !pages || (pages >> 52)) {
			rp_fail(r, what,
				"descriptor %" PU64 ": type %u start 0x%" PX64 " pages 0x%" PX64, i,
				type, start, pages);
			c->mmap_addr = 0;
			return;
		}
	}
	rp_pass(r, what);

	/* What baton hands over it allocated from the firmware as loader code/data. */
	what = "EFI memory map: kernel, zero page, cmdline, initrd in EfiLoaderCode/Data (baton "
	       "promise)";
	struct zp_range want[4] = {c->kernel, {c->bp_addr, c->bp_addr + ZP_SIZE}};
	int nw = 2;
	if (c->cmd)
		want[nw++] = (struct zp_range){c->cmd_addr, c->cmd_addr + c->cmd_len + 1};
	if (c->rd_size)
		want[nw++] = (struct zp_range){c->rd_addr, c->rd_addr + c->rd_size};
	for (int k = 0; k < nw; k++) {
		uint64_t pos = want[k].lo & ~4095ull;
		while (pos < want[k].hi) {
			bool moved = false;
			for (uint64_t i = 0; i < n && !moved; i++) {
				const uint8_t *d = m + i * c->mmap_dsize;
				uint64_t s = ld64(d + 8), e = s + ld64(d + 24) * 4096;
				if ((ld32(d) == 1 || ld32(d) == 2) && s <= pos && pos < e)
					pos = e, moved = true;
			}
			if (!moved) {
				rp_fail(r, what,
					"0x%" PX64
					" is not in an EfiLoaderCode/EfiLoaderData descriptor",
					pos);
				return;
			}
		}
	}
	rp_pass(r, what);
}

/* --- ACPI (zero-page.rst acpi_rsdp_addr at 0x070, protocol 2.14+) --- */

uint8_t zp_sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

void zp_check_acpi(struct zp *c)
{
	struct report *r = c->r;
	const char *what =
	    "acpi_rsdp_addr points to a valid RSDP (\"RSD PTR \", checksum, extended checksum)";
	uint64_t a = zp_field(c, ZP_ACPI_RSDP_ADDR, 8);
	const uint8_t *p = a ? zp_read(c, a, 20, BZ_PHYS) : NULL;

	if (!p) {
		rp_fail(r, what, "acpi_rsdp_addr 0x%" PX64 " cannot be read", a);
	} else if (!c_memeq(p, "RSD PTR ", 8) || zp_sum8(p, 20)) {
		rp_fail(r, what,
			"at 0x%" PX64
			": signature \"%c%c%c%c%c%c%c%c\", checksum over 20 bytes 0x%02x",
			a, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], zp_sum8(p, 20));
	} else if (p[15] >= 2) {
		uint32_t len = ld32(p + 20);
		const uint8_t *x = len >= 36 && len <= 4096 ? zp_read(c, a, len, BZ_PHYS) : NULL;
		rp_check(r, x && !zp_sum8(x, len), what,
			 "revision %u, length %u, extended checksum 0x%02x", p[15], len,
			 x ? zp_sum8(x, len) : 0);
	} else {
		rp_pass(r, what);
	}

	/* Cross-check with the firmware's own configuration table (ACPI 2.0 preferred, as Linux
	 * does). */
	if (!c->systab)
		return;
	static const uint8_t acpi20[16] = {0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					   0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81};
	static const uint8_t acpi10[16] = {0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
					   0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d};
	uint64_t nt = ld64(c->systab + 104), ta = ld64(c->systab + 112), v20 = 0, v10 = 0;
	const uint8_t *t = nt && nt < 4096 ? zp_read(c, ta, nt * 24, BZ_PHYS) : NULL;
	for (uint64_t i = 0; t && i < nt; i++) {
		if (c_memeq(t + i * 24, acpi20, 16))
			v20 = ld64(t + i * 24 + 16);
		else if (c_memeq(t + i * 24, acpi10, 16))
			v10 = ld64(t + i * 24 + 16);
	}
	if (v20 || v10)
		rp_check(r, a == (v20 ? v20 : v10),
			 "acpi_rsdp_addr is the EFI configuration table's RSDP",
			 "acpi_rsdp_addr 0x%" PX64 ", EFI ACPI 2.0 table 0x%" PX64
			 ", ACPI 1.0 table 0x%" PX64,
			 a, v20, v10);
}

/* --- screen_info (zero-page.rst 0x000; include/uapi/linux/screen_info.h) --- */

/* A VIDEO_TYPE_EFI (or, vlfb, VIDEO_TYPE_VLFB) description the kernel's efifb/vesafb/simplefb
 * can use, or why not. */
static const char *fb_problem(struct zp *c, bool want_32bpp, bool vlfb)
{
	const uint8_t *si = c->bp + ZP_SCREEN_INFO;
	uint32_t w = ld16(si + 0x12), h = ld16(si + 0x14), depth = ld16(si + 0x16);
	uint32_t size = ld32(si + 0x1c), line = ld16(si + 0x24), caps = ld32(si + 0x36);
	uint64_t base = ld32(si + 0x18);

	if (ld32(si + 0x3a) && !(caps & 2))
		return "ext_lfb_base set without VIDEO_CAPABILITY_64BIT_BASE (the kernel ignores "
		       "it)";
	if (caps & 2)
		base |= (uint64_t)ld32(si + 0x3a) << 32;
	if (!base)
		return "lfb_base is 0";
	if (!w || !h)
		return "lfb_width or lfb_height is 0";
	if (want_32bpp ? depth != 32
		       : !(depth == 8 || depth == 15 || depth == 16 || depth == 24 || depth == 32))
		return "lfb_depth is not 32";
	if ((uint64_t)line * 8 < (uint64_t)w * depth)
		return "lfb_linelength < lfb_width * lfb_depth / 8";
	/* For VIDEO_TYPE_EFI lfb_size is in bytes (only VIDEO_TYPE_VLFB counts 64 KiB units):
	 * sysfb rejects a framebuffer whose lfb_size < lfb_linelength * lfb_height. */
	if (vlfb ? (uint64_t)size * 65536 < (uint64_t)line * h : (uint64_t)size < (uint64_t)line * h)
		return vlfb ? "lfb_size (64 KiB units for VIDEO_TYPE_VLFB) < lfb_linelength * "
			      "lfb_height"
			    : "lfb_size (bytes for VIDEO_TYPE_EFI) < lfb_linelength * lfb_height";
	for (int k = 0; k < 3; k++) {
		uint8_t sz = si[0x26 + 2 * k], pos = si[0x27 + 2 * k];
		if (!sz || sz + pos > depth)
			return "a colour field (size/pos) is empty or outside lfb_depth";
	}
	return NULL;
}

void zp_check_screen(struct zp *c)
{
	struct report *r = c->r;
	const uint8_t *si = c->bp + ZP_SCREEN_INFO;
	uint8_t type = si[0x0f];
	const char *why;

	if (c->expect_bios == 1) {
		/* BIOS: a VBE linear framebuffer (VIDEO_TYPE_VLFB, lfb_size in 64 KiB units, as
		 * Linux's own setup code reports it), or 80x25 colour text (VIDEO_TYPE_VGAC, mode
		 * 3, 16-line font) that vgacon takes over. */
		if (c->expect_fb == 1) {
			why = type != 0x23 ? "orig_video_isVGA is not VIDEO_TYPE_VLFB (0x23)"
					   : fb_problem(c, false, true);
			rp_check(r, !why,
				 "screen_info: VBE framebuffer (VIDEO_TYPE_VLFB), base, geometry, "
				 "lfb_size (expect.bios=1 expect.fb=1)",
				 "%s; type 0x%x base 0x%x %ux%u depth %u line %u lfb_size 0x%x", why,
				 type, ld32(si + 0x18), ld16(si + 0x12), ld16(si + 0x14),
				 ld16(si + 0x16), ld16(si + 0x24), ld32(si + 0x1c));
			return;
		}
		rp_check(r,
			 type == 0x22 && si[0x06] == 3 && si[0x07] == 80 && si[0x0e] == 25 &&
			     ld16(si + 0x10) == 16 && si[0x00] < 80 && si[0x01] < 25,
			 "screen_info: 80x25 VGA colour text (VIDEO_TYPE_VGAC, mode 3, 16-line "
			 "font, cursor on screen) (expect.bios=1)",
			 "orig_video_isVGA 0x%x mode %u %ux%u points %u cursor %u,%u", type,
			 si[0x06], si[0x07], si[0x0e], ld16(si + 0x10), si[0x00], si[0x01]);
		return;
	}
	if (c->expect_fb == 1) {
		rp_check(r, type == 0x70,
			 "screen_info: orig_video_isVGA is VIDEO_TYPE_EFI (0x70) (expect.fb=1)",
			 "orig_video_isVGA 0x%x", type);
		why = fb_problem(c, true, false);
		rp_check(
		    r, !why,
		    "screen_info: EFI framebuffer base, geometry, lfb_size, 32 bpp (expect.fb=1)",
		    "%s; base 0x%x ext 0x%x caps 0x%x %ux%u depth %u line %u lfb_size 0x%x", why,
		    ld32(si + 0x18), ld32(si + 0x3a), ld32(si + 0x36), ld16(si + 0x12),
		    ld16(si + 0x14), ld16(si + 0x16), ld16(si + 0x24), ld32(si + 0x1c));
		return;
	}
	why = type == 0	     ? NULL
	      : type == 0x70 ? fb_problem(c, false, false)
			     : "a video type a UEFI loader cannot know";
	rp_check(r, !why, "screen_info: no framebuffer, or a consistent EFI framebuffer",
		 "orig_video_isVGA 0x%x: %s; base 0x%x %ux%u depth %u line %u lfb_size 0x%x", type,
		 why, ld32(si + 0x18), ld16(si + 0x12), ld16(si + 0x14), ld16(si + 0x16),
		 ld16(si + 0x24), ld32(si + 0x1c));
}
