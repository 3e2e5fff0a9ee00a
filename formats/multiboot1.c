/* multiboot1.c: Multiboot 0.6.96 handler: header, ELF or a.out-kludge loading, the info structure.
 */
#include "loadplan.h"
#include "bootinfo.h"
#include "elf.h"

#define MB1_MAGIC      0x1BADB002u
#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB1_SEARCH     8192 /* spec 3.1.1: the header lies in the first 8192 bytes, 4-aligned */

/* Header flags (spec 3.1.2); bits 0-15 are requirements a loader must understand. */
#define MB1_PAGE_ALIGN (1u << 0)
#define MB1_MEMORY     (1u << 1)
#define MB1_VIDEO      (1u << 2)
#define MB1_AOUT       (1u << 16)
#define MB1_KNOWN      (MB1_PAGE_ALIGN | MB1_MEMORY | MB1_VIDEO)

/* Information structure flags and offsets (spec 3.3). */
#define MI_MEM	      (1u << 0)
#define MI_CMDLINE    (1u << 2)
#define MI_MODS	      (1u << 3)
#define MI_ELF	      (1u << 5)
#define MI_MMAP	      (1u << 6)
#define MI_NAME	      (1u << 9)
#define MI_VBE	      (1u << 11)
#define MI_BOOTDEV    (1u << 1)
#define MI_FB	      (1u << 12)
#define MI_SIZE	      128 /* 116 bytes defined, rounded up */
#define MI_MMAP_MAX   128 /* entries; a merged map has far fewer */
#define MI_MMAP_ENTRY 24  /* size field (4) + base, length, type (20) */

struct mb1_priv {
	uint32_t hflags;
	int info_seg, mod_seg0, n_mods;
	/* Offsets inside the info segment; the strings are built at plan time, copied to o_cmdline.
	 */
	uint32_t o_mods, o_cmdline, o_shdr, o_mmap, o_vbe;
	uint8_t bios_drive; /* boot_device, when nonzero */
	int bios_part;
	struct bi_strings str;
	struct elf_sections sec;
};

/*
 * Scans for the header (spec 3.1.1: 4-aligned in the first 8 KiB): magic + flags + checksum is
 * zero (3.1.2). A magic whose checksum is wrong is skipped, as GRUB does: the number may be any
 * data. *bad gets the first such one that looks like a header (its flags are bits the spec
 * defines), a damaged header that mb1_damaged names; else ~0u.
 */
static int find_header(const struct lp_file *k, uint32_t *off, uint32_t *bad)
{
	size_t end = MIN(k->head_len, (size_t)MB1_SEARCH);

	*bad = ~0u;
	for (size_t o = 0; o + 12 <= end; o += 4) {
		const uint8_t *h = k->head + o;
		if (get32(h) != MB1_MAGIC)
			continue;
		if (get32(h) + get32(h + 4) + get32(h + 8) == 0) {
			*off = (uint32_t)o;
			return 0;
		}
		if (*bad == ~0u && !(get32(h + 4) & ~(MB1_KNOWN | MB1_AOUT)))
			*bad = (uint32_t)o;
	}
	return E_FORMAT;
}

static bool mb1_detect(const struct lp_file *k)
{
	uint32_t off, bad;

	return !find_header(k, &off, &bad);
}

/* A header with a checksum that does not add up, and no valid one (mb1_detect failed). */
static int mb1_damaged(const struct lp_file *k)
{
	uint32_t off, bad;

	if (!find_header(k, &off, &bad) || bad == ~0u)
		return 0;
	const uint8_t *h = k->head + bad;
	return err_set(E_FORMAT,
		       "%s: its Multiboot header at offset 0x%x has a bad checksum "
		       "(magic + flags + checksum = 0x%x, not 0)",
		       k->path, bad, get32(h) + get32(h + 4) + get32(h + 8));
}

/* spec 3.1.3 "The address fields of Multiboot header" (flag 16): they win over ELF. */
static int plan_aout(const struct lp_file *k, const uint8_t *h, uint32_t hoff, struct load_plan *p,
		     uint64_t *entry, uint64_t *end)
{
	uint32_t header_addr = get32(h + 12), load = get32(h + 16), load_end = get32(h + 20);
	uint32_t bss_end = get32(h + 24);

	*entry = get32(h + 28);
	if (header_addr < load || header_addr - load > hoff)
		return err_set(E_FORMAT,
			       "%s: Multiboot header_addr 0x%x and load_addr 0x%x do not "
			       "match the header's place in the file",
			       k->path, header_addr, load);
	uint64_t foff = hoff - (header_addr - load);
	/* load_end_addr 0: the text and data run to the end of the file. */
	uint64_t len = load_end ? (uint64_t)load_end - load : k->size - foff;
	if (load_end && load_end < load)
		return err_set(E_FORMAT, "%s: load_end_addr 0x%x is below load_addr 0x%x", k->path,
			       load_end, load);
	if (foff + len > k->size)
		return err_set(E_FORMAT,
			       "%s: truncated: the header asks for %llu bytes from file "
			       "offset 0x%llx, the file has %llu",
			       k->path, (unsigned long long)len, (unsigned long long)foff,
			       (unsigned long long)k->size);
	uint64_t memsz = len;
	if (bss_end) {
		if (bss_end < load + len)
			return err_set(E_FORMAT,
				       "%s: bss_end_addr 0x%x is below the loaded image's end",
				       k->path, bss_end);
		memsz = bss_end - load;
	}
	if (*entry < load || *entry >= load + MAX(memsz, 1))
		return err_set(E_FORMAT, "%s: entry_addr 0x%llx is outside the loaded image",
			       k->path, (unsigned long long)*entry);
	int s = lp_add_seg(p, "kernel");
	p->seg[s].place = LP_FIXED;
	p->seg[s].addr = load;
	p->seg[s].memsz = memsz;
	p->seg[s].flags = LP_EXEC;
	if (len)
		p->seg[s].piece[p->seg[s].n_pieces++] =
		    (struct lp_piece){.file = 0, .off = foff, .len = len};
	*end = load + memsz;
	return 0;
}

static int plan_elf(const struct lp_file *k, struct mb1_priv *mp, struct load_plan *p,
		    uint64_t *entry, uint64_t *end)
{
	struct elf_info e;
	int r = elf_parse(k, &e);

	if (r)
		return r;
	r = elf_add_segments(&e, p, 1ull << 32);
	if (r)
		return r;
	/* spec 3.1.3: ELF images load by physical address; a virtual e_entry is translated through
	 * the segment that holds it. */
	r = elf_entry_phys(&e, entry);
	if (r)
		return r;
	*end = e.highest;
	/* The section headers and unloaded sections, for info flag 5 (spec 3.3 "syms"). */
	r = elf_read_sections(k, &e, &mp->sec);
	if (r)
		return r;
	return 0;
}

/*
 * spec 3.1.4, the graphics fields (flag 2): mode_type 0 linear graphics, 1 EGA text; width and
 * height (pixels or cells) and depth, 0 = no preference. It is "only a recommended mode": the
 * loader may choose another, so either console does and neither is required.
 */
static int plan_video(const struct lp_file *k, const uint8_t *h, struct lp_video *v)
{
	uint32_t type = get32(h + 32);

	if (type > 1)
		return err_set(E_UNSUPP,
			       "%s: Multiboot video mode_type %u is reserved (spec 3.1.4: 0 is "
			       "linear graphics, 1 EGA text)",
			       k->path, type);
	*v = (struct lp_video){.prefer = type ? LP_CON_TEXT : LP_CON_FB,
			       .accept = LP_CON_FB | LP_CON_TEXT,
			       .width = get32(h + 36),
			       .height = get32(h + 40),
			       .depth = type ? 0 : get32(h + 44),
			       .source = "Multiboot header flag 2"};
	return 0;
}

static void mb1_finish(struct load_plan *p, const struct bootenv *env)
{
	struct mb1_priv *mp = p->priv;
	uint8_t *mi = p->seg[mp->info_seg].ptr;
	uint64_t base = p->seg[mp->info_seg].placed;
	uint32_t flags = MI_CMDLINE | MI_NAME;

	if (mp->bios_drive) {
		/* 3.3 flags bit 1: drive in the top byte, then part1..3 numbered from 0 (a logical
		 * MBR partition from 4); 0xFF where unused (a whole disk; no BSD sub-partitions).
		 */
		uint32_t part1 = mp->bios_part < 0 ? 0xff : (uint32_t)mp->bios_part & 0xff;
		put32(mi + 12, (uint32_t)mp->bios_drive << 24 | part1 << 16 | 0xffff);
		flags |= MI_BOOTDEV;
	}

	put32(mi + 16, (uint32_t)(base + mp->o_cmdline));
	put32(mi + 64, (uint32_t)(base + mp->o_cmdline + mp->str.o_name));
	memcpy(mi + mp->o_cmdline, mp->str.buf, mp->str.len);
	/* mem_lower: KiB of RAM from 0 (at most 640); mem_upper: KiB from 1 MiB to the first hole.
	 */
	uint64_t lower, upper;
	bi_mem_kib(env, &lower, &upper);
	put32(mi + 4, (uint32_t)lower);
	put32(mi + 8, (uint32_t)MIN(upper, 0xffffffffull));
	flags |= MI_MEM;
	if (mp->n_mods) {
		flags |= MI_MODS;
		put32(mi + 20, (uint32_t)mp->n_mods);
		put32(mi + 24, (uint32_t)(base + mp->o_mods));
		for (int i = 0; i < mp->n_mods; i++) {
			const struct lp_segment *s = &p->seg[mp->mod_seg0 + i];
			uint8_t *m = mi + mp->o_mods + 16 * i;
			/* spec 3.3: mod_end is the address just past the module. */
			put32(m, (uint32_t)s->placed);
			put32(m + 4, (uint32_t)(s->placed + s->memsz));
			put32(m + 8, (uint32_t)(base + mp->o_cmdline + mp->str.o_mod[i]));
		}
	}
	if (mp->sec.len) {
		flags |= MI_ELF;
		elf_sections_place(&mp->sec, mi + mp->o_shdr, base + mp->o_shdr);
		put32(mi + 28, mp->sec.shnum);
		put32(mi + 32, mp->sec.shentsize);
		put32(mi + 36, (uint32_t)(base + mp->o_shdr));
		put32(mi + 40, mp->sec.shstrndx);
	}
	int n = 0;
	for (int i = 0; i < env->n_map && n < MI_MMAP_MAX; i++, n++) {
		uint8_t *e = mi + mp->o_mmap + MI_MMAP_ENTRY * n;
		/* spec 3.3: size excludes itself; mmap_addr points at the first size field. */
		put32(e, MI_MMAP_ENTRY - 4);
		bi_put_map(e + 4, &env->map[i]);
	}
	flags |= MI_MMAP;
	put32(mi + 44, (uint32_t)(MI_MMAP_ENTRY * n));
	put32(mi + 48, (uint32_t)(base + mp->o_mmap));
	if ((mp->hflags & MB1_VIDEO) && env->have_fb && !(env->fb.base >> 32)) {
		/* spec 3.3 framebuffer_type 1: direct RGB, with the field positions and sizes. Also
		 * for an EGA text request, which UEFI cannot meet: the type tells the kernel. */
		flags |= MI_FB;
		bi_put_fb(mi + 88, &env->fb, 22);
	}
	if (env->have_vbe) {
		/* spec 3.3 flags bit 11: the VBE control and mode information (copied here, as
		 * function 00h and 01h returned them), the mode and the protected-mode interface.
		 */
		memcpy(mi + mp->o_vbe, env->vbe_control, 512);
		memcpy(mi + mp->o_vbe + 512, env->vbe_mode_info, 256);
		flags |= MI_VBE;
		put32(mi + 72, (uint32_t)(base + mp->o_vbe));
		put32(mi + 76, (uint32_t)(base + mp->o_vbe + 512));
		put16(mi + 80, env->vbe_mode);
		put16(mi + 82, env->vbe_if_seg);
		put16(mi + 84, env->vbe_if_off);
		put16(mi + 86, env->vbe_if_len);
	}
	if (!(flags & MI_FB) && (mp->hflags & MB1_VIDEO) && env->text_mode) {
		/* BIOS in text mode (the kernel asked for text, or no VBE mode fits): say so. */
		flags |= MI_FB;
		bi_put_text(mi + 88);
	}
	put32(mi, flags);
}

static void mb1_free(void *priv)
{
	struct mb1_priv *mp = priv;

	bi_strings_free(&mp->str);
	elf_sections_free(&mp->sec);
}

static int mb1_plan(const struct lp_input *in, struct load_plan *p)
{
	const struct lp_file *k = &in->kernel;
	uint32_t hoff, bad;
	uint64_t entry = 0, end = 0;
	int r;

	if (find_header(k, &hoff, &bad))
		return err_set(E_FORMAT,
			       "%s: no Multiboot header with a valid checksum in the first "
			       "8 KiB",
			       k->path);
	const uint8_t *h = k->head + hoff;
	uint32_t hflags = get32(h + 4);
	/* spec 3.1.2: a requirement bit (0-15) the loader does not know makes it fail. */
	if (hflags & 0xffff & ~MB1_KNOWN)
		return err_set(E_UNSUPP,
			       "%s: the Multiboot header requires features 0x%x that baton "
			       "does not know",
			       k->path, hflags & 0xffff & ~MB1_KNOWN);
	/* The address fields end at 32, the graphics fields at 48 (spec 3.1.1). */
	if (hoff + ((hflags & MB1_VIDEO) ? 48 : (hflags & MB1_AOUT) ? 32 : 12) > k->head_len)
		return err_set(E_FORMAT, "%s: Multiboot header truncated", k->path);
	struct mb1_priv *mp = mem_zalloc(sizeof(*mp));
	if (!mp)
		return err_set(E_NOMEM, "out of memory");
	p->priv = mp;
	p->free_priv = mb1_free;
	mp->bios_drive = in->bios_drive;
	mp->bios_part = in->bios_part;
	mp->hflags = hflags;
	p->format = "multiboot";
	p->bootinfo_kind = "Multiboot information structure";
	if (hflags & MB1_AOUT) {
		p->entry_kind = "Multiboot 1, a.out kludge (header addresses)";
		r = plan_aout(k, h, hoff, p, &entry, &end);
	} else {
		p->entry_kind = "Multiboot 1, ELF";
		r = plan_elf(k, mp, p, &entry, &end);
	}
	if (r)
		return r;
	if (entry >> 32)
		return err_set(E_RANGE, "%s: entry 0x%llx is above 4 GiB", k->path,
			       (unsigned long long)entry);
	if ((hflags & MB1_VIDEO) && (r = plan_video(k, h, &p->video)))
		return r;

	/* Modules (spec 3.3): page aligned (we always do), above the kernel, below 4 GiB. */
	uint64_t lo = MAX(ALIGN_UP(end, 4096), 0x100000ull);
	r = lp_add_modules(p, in, lo);
	if (r < 0)
		return r;
	mp->mod_seg0 = r;
	mp->n_mods = in->n_mods;

	/* The info segment: fixed part, module list, strings, section headers, memory map. */
	r = bi_strings(in, true, true, &mp->str);
	if (r)
		return r;
	uint32_t at = MI_SIZE;
	mp->o_mods = at;
	at += 16 * in->n_mods;
	mp->o_cmdline = at;
	at = ALIGN_UP(at + mp->str.len, 8);
	mp->o_shdr = at;
	at = ALIGN_UP(at + mp->sec.len, 8);
	mp->o_mmap = at;
	at += MI_MMAP_ENTRY * MI_MMAP_MAX;
	mp->o_vbe = at; /* VBE controller (512 bytes) and mode (256 bytes) information */
	at += 512 + 256;
	int s = lp_add_below4g(p, "multiboot_info", lo, at);
	mp->info_seg = s;

	/* spec 3.2: EAX = 0x2BADB002, EBX = the info structure, 32-bit protected mode, paging off.
	 */
	p->mode = LP_MODE_PROT32;
	p->entry_seg = -1;
	p->entry_off = entry;
	lp_set_reg(p, LP_RAX, -1, MB1_BOOT_MAGIC);
	lp_set_reg(p, LP_RBX, s, 0);
	p->cs = 0x10;
	p->ds = 0x18;
	p->finish = mb1_finish;
	return 0;
}

const struct format format_multiboot1 = {
    .name = "multiboot",
    .detect = mb1_detect,
    .damaged = mb1_damaged,
    .plan = mb1_plan,
};
