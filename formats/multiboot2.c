/* multiboot2.c: Multiboot2 2.0 handler: header tags, ELF or address-tag loading, EFI entries. */
#include "loadplan.h"
#include "elf.h"
#include "mb2.h"

#define MB2_MAGIC  0xE85250D6u
#define MB2_SEARCH 32768 /* 3.1.1: in the first 32 KiB, 64-bit aligned */

/* Header tag types (3.1.3 - 3.1.13). */
enum {
	HT_END = 0,
	HT_INFO_REQ = 1,
	HT_ADDRESS = 2,
	HT_ENTRY = 3,
	HT_CONSOLE = 4,
	HT_FB = 5,
	HT_MOD_ALIGN = 6,
	HT_EFI_BS = 7,
	HT_ENTRY_EFI32 = 8,
	HT_ENTRY_EFI64 = 9,
	HT_RELOC = 10,
};
#define HT_OPTIONAL 1 /* tag flags bit 0 */

struct mb2_hdr {
	uint32_t off, len;
	uint32_t requested; /* info tags asked for (bit n = type n) */
	uint32_t required;  /* of those, the ones the request does not mark optional */
	bool has_addr, has_entry, efi_bs, has_efi64, has_reloc;
	bool has_console, console_optional, has_fb, fb_optional;
	uint32_t console_flags, fb_width, fb_height, fb_depth;
	uint32_t header_addr, load_addr, load_end, bss_end, entry, efi64_entry;
	uint32_t reloc_min, reloc_max, reloc_align, reloc_pref;
};

struct mb2_priv {
	struct mb2_info mi;
};

/*
 * Scans for the header (3.1.1: 8-aligned, all of it in the first 32 KiB): magic, architecture,
 * header_length and checksum sum to zero (3.1.2). A magic whose checksum is wrong is skipped, as
 * GRUB does: the number may be any data. *bad gets the first such one that looks like a header
 * (architecture 0 or 4, a length that holds the 16 bytes and ends in the search area), a damaged
 * header that mb2_damaged names; else ~0u.
 */
static int find_header(const struct lp_file *k, uint32_t *off, uint32_t *bad)
{
	size_t end = MIN(k->head_len, (size_t)MB2_SEARCH);

	*bad = ~0u;
	for (size_t o = 0; o + 16 <= end; o += 8) {
		const uint8_t *h = k->head + o;
		if (get32(h) != MB2_MAGIC)
			continue;
		if (get32(h) + get32(h + 4) + get32(h + 8) + get32(h + 12) == 0) {
			*off = (uint32_t)o;
			return 0;
		}
		uint32_t arch = get32(h + 4), len = get32(h + 8);
		if (*bad == ~0u && (arch == 0 || arch == 4) && len >= 16 && len <= MB2_SEARCH - o)
			*bad = (uint32_t)o;
	}
	return E_FORMAT;
}

static bool mb2_detect(const struct lp_file *k)
{
	uint32_t off, bad;

	return !find_header(k, &off, &bad);
}

/* A header with a checksum that does not add up, and no valid one (mb2_detect failed). */
static int mb2_damaged(const struct lp_file *k)
{
	uint32_t off, bad;

	if (!find_header(k, &off, &bad) || bad == ~0u)
		return 0;
	const uint8_t *h = k->head + bad;
	return err_set(E_FORMAT,
		       "%s: its Multiboot 2 header at offset 0x%x has a bad checksum "
		       "(magic + architecture + length + checksum = 0x%x, not 0)",
		       k->path, bad, get32(h) + get32(h + 4) + get32(h + 8) + get32(h + 12));
}

static const char *tag_name(uint32_t t)
{
	static const char *const names[] = {"end",
					    "information request",
					    "address",
					    "entry address",
					    "console flags",
					    "framebuffer",
					    "module alignment",
					    "EFI boot services",
					    "EFI i386 entry address",
					    "EFI amd64 entry address",
					    "relocatable"};
	return t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

static const char *info_name(uint32_t t)
{
	static const char *const names[] = {"end",
					    "command line",
					    "boot loader name",
					    "modules",
					    "basic memory information",
					    "BIOS boot device",
					    "memory map",
					    "VBE info",
					    "framebuffer info",
					    "ELF symbols",
					    "APM table",
					    "EFI 32-bit system table",
					    "EFI 64-bit system table",
					    "SMBIOS tables",
					    "ACPI old RSDP",
					    "ACPI new RSDP",
					    "networking information",
					    "EFI memory map",
					    "EFI boot services not terminated",
					    "EFI 32-bit image handle",
					    "EFI 64-bit image handle",
					    "image load base address"};
	return t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

static int parse_header(const struct lp_file *k, uint32_t off, bool efi, struct mb2_hdr *h)
{
	const uint8_t *b = k->head + off;

	memset(h, 0, sizeof(*h));
	h->off = off;
	h->len = get32(b + 8);
	/* 3.1.2: architecture 0 is 32-bit protected mode i386; 4 is MIPS. */
	if (get32(b + 4) != 0)
		return err_set(E_UNSUPP, "%s: Multiboot 2 architecture %u is not i386", k->path,
			       get32(b + 4));
	if (h->len < 24 || h->len > k->head_len - off)
		return err_set(E_FORMAT, "%s: Multiboot 2 header_length %u is wrong", k->path,
			       h->len);
	for (uint32_t at = 16; at + 8 <= h->len;) {
		const uint8_t *t = b + at;
		uint32_t type = get16(t), flags = get16(t + 2), size = get32(t + 4);
		bool optional = flags & HT_OPTIONAL;
		if (size < 8 || size > h->len - at)
			return err_set(E_FORMAT, "%s: Multiboot 2 header tag %u has size %u",
				       k->path, type, size);
		if (type == HT_END)
			return 0;
		/* Entry and console tags carry a u32 after the 8-byte tag header (3.1.6 - 3.1.9),
		 * the framebuffer tag three (3.1.10). */
		bool u32_tag = type == HT_ENTRY || type == HT_ENTRY_EFI64 ||
			       type == HT_ENTRY_EFI32 || type == HT_CONSOLE;
		if ((u32_tag && size < 12) || (type == HT_FB && size < 20))
			return err_set(E_FORMAT, "%s: Multiboot 2 %s tag too short", k->path,
				       tag_name(type));
		switch (type) {
		case HT_INFO_REQ:
			for (uint32_t i = 8; i + 4 <= size; i += 4) {
				uint32_t want = get32(t + i);
				if (want >= 32) {
					if (!optional)
						return err_set(
						    E_UNSUPP,
						    "%s: the kernel requires information "
						    "tag %u, which baton does not know",
						    k->path, want);
					continue;
				}
				h->requested |= 1u << want;
				if (!optional)
					h->required |= 1u << want;
			}
			break;
		case HT_ADDRESS:
			if (size < 24)
				return err_set(E_FORMAT, "%s: address tag too short", k->path);
			h->has_addr = true;
			h->header_addr = get32(t + 8), h->load_addr = get32(t + 12);
			h->load_end = get32(t + 16), h->bss_end = get32(t + 20);
			break;
		case HT_ENTRY:
			h->has_entry = true;
			h->entry = get32(t + 8);
			break;
		case HT_MOD_ALIGN:
			/* Modules are always page aligned. */
			break;
		case HT_CONSOLE:
			h->has_console = true;
			h->console_optional = optional;
			h->console_flags = get32(t + 8);
			break;
		case HT_FB:
			h->has_fb = true;
			h->fb_optional = optional;
			h->fb_width = get32(t + 8), h->fb_height = get32(t + 12);
			h->fb_depth = get32(t + 16);
			break;
		case HT_EFI_BS:
			if (efi)
				h->efi_bs = true;
			break;
		case HT_ENTRY_EFI64:
			if (efi) {
				h->has_efi64 = true;
				h->efi64_entry = get32(t + 8);
			}
			break;
		case HT_RELOC:
			if (size < 24)
				return err_set(E_FORMAT, "%s: relocatable tag too short", k->path);
			h->has_reloc = true;
			h->reloc_min = get32(t + 8), h->reloc_max = get32(t + 12);
			h->reloc_align = get32(t + 16), h->reloc_pref = get32(t + 20);
			break;
		default:
			/* 3.1.3: a required tag the loader cannot honour fails the load. Tag 8
			 * (EFI i386 entry) only serves 32-bit firmware. */
			if (!optional)
				return err_set(
				    E_UNSUPP,
				    "%s: the kernel requires the Multiboot 2 %s tag (%u), "
				    "which baton cannot honour here",
				    k->path, tag_name(type), type);
		}
		at += ALIGN_UP(size, 8);
	}
	return err_set(E_FORMAT, "%s: Multiboot 2 header has no end tag", k->path);
}

/*
 * The display the kernel asks for. 3.1.9 console flags: bit 0, a console must be present; bit 1,
 * the kernel supports EGA text (without the tag, EGA text is taken as supported, as GRUB does).
 * 3.1.10 framebuffer tag: the kernel supports a framebuffer (3.6.12: EGA text is one of its
 * types), with a preferred mode, 0 = no preference. A loader may ignore an optional tag it
 * cannot honour (3.1.3), so only a required framebuffer tag, or bit 0 in a required console
 * flags tag, makes a missing console fail the load.
 */
static int plan_video(const struct lp_file *k, const struct mb2_hdr *h, struct lp_video *v)
{
	bool con_req = h->has_console && !h->console_optional && (h->console_flags & 1);
	unsigned accept = !h->has_console || (h->console_flags & 2) ? LP_CON_TEXT : 0;
	const char *source = "Multiboot 2 framebuffer tag";

	if (!h->has_fb && !h->has_console)
		return 0;
	if (h->has_fb)
		accept |= LP_CON_FB;
	if (!accept && con_req)
		return err_set(E_UNSUPP,
			       "%s: the kernel requires a console (Multiboot 2 console flags tag) "
			       "but supports neither EGA text nor a framebuffer",
			       k->path);
	if (!accept)
		return 0; /* a console flags tag that neither requires nor supports one */
	if (!h->has_fb)
		source = "Multiboot 2 console flags tag";
	else if (con_req)
		source = "Multiboot 2 framebuffer and console flags tags";
	*v = (struct lp_video){.prefer = h->has_fb ? LP_CON_FB : LP_CON_TEXT,
			       .accept = accept,
			       .width = h->has_fb ? h->fb_width : 0,
			       .height = h->has_fb ? h->fb_height : 0,
			       .depth = h->has_fb ? h->fb_depth : 0,
			       .required = (h->has_fb && !h->fb_optional) || con_req,
			       .source = source};
	return 0;
}

static void mb2_finish(struct load_plan *p, const struct bootenv *env)
{
	struct mb2_priv *mp = p->priv;

	mb2_info_finish(p, env, &mp->mi);
}

static void mb2_free(void *priv)
{
	mb2_info_free(&((struct mb2_priv *)priv)->mi);
}

/* The kernel image as one block at [lo, hi) of physical memory, from the ELF or address tag. */
static int plan_image(const struct lp_input *in, const struct mb2_hdr *h, struct mb2_priv *mp,
		      struct load_plan *p, uint64_t *entry, uint64_t *lo, uint64_t *hi)
{
	const struct lp_file *k = &in->kernel;

	if (h->has_addr) {
		/* 3.1.5: the address tag's fields, as Multiboot 1's a.out kludge. */
		if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->off)
			return err_set(E_FORMAT,
				       "%s: header_addr 0x%x and load_addr 0x%x do not "
				       "match the header's place in the file",
				       k->path, h->header_addr, h->load_addr);
		uint64_t foff = h->off - (h->header_addr - h->load_addr);
		uint64_t len = h->load_end ? (uint64_t)h->load_end - h->load_addr : k->size - foff;
		if (h->load_end && h->load_end < h->load_addr)
			return err_set(E_FORMAT, "%s: load_end_addr is below load_addr", k->path);
		if (foff + len > k->size)
			return err_set(E_FORMAT,
				       "%s: truncated: the address tag asks for %llu bytes "
				       "from offset 0x%llx",
				       k->path, (unsigned long long)len, (unsigned long long)foff);
		uint64_t memsz = h->bss_end ? (uint64_t)h->bss_end - h->load_addr : len;
		if (memsz < len)
			return err_set(E_FORMAT, "%s: bss_end_addr is below the image's end",
				       k->path);
		int s = lp_add_seg(p, "kernel");
		p->seg[s] = (struct lp_segment){.name = "kernel",
						.place = LP_FIXED,
						.addr = h->load_addr,
						.memsz = memsz,
						.flags = LP_EXEC};
		if (len)
			p->seg[s].piece[p->seg[s].n_pieces++] =
			    (struct lp_piece){.file = 0, .off = foff, .len = len};
		*lo = h->load_addr, *hi = h->load_addr + memsz;
		*entry = h->entry;
		if (!h->has_entry && !h->has_efi64)
			return err_set(E_FORMAT, "%s: an address tag needs an entry address tag",
				       k->path);
		return 0;
	}
	struct elf_info e;
	int r = elf_parse(k, &e);
	if (r)
		return r;
	r = mb2_info_sections(k, &e, &mp->mi);
	if (r)
		return r;
	r = elf_add_segments(&e, p, 1ull << 32);
	if (r)
		return r;
	*lo = e.lowest, *hi = e.highest;
	if (h->has_entry)
		*entry = h->entry; /* 3.1.6: the entry address tag wins over e_entry */
	else if ((r = elf_entry_phys(&e, entry)))
		return r;
	return 0;
}

static int mb2_plan(const struct lp_input *in, struct load_plan *p)
{
	const struct lp_file *k = &in->kernel;
	struct mb2_hdr h;
	uint32_t off, bad;
	uint64_t entry = 0, lo = 0, hi = 0;
	int r;

	if (find_header(k, &off, &bad))
		return err_set(E_FORMAT,
			       "%s: no Multiboot 2 header with a valid checksum in the "
			       "first 32 KiB",
			       k->path);
	r = parse_header(k, off, in->efi, &h);
	if (r)
		return r;
	bool bs = h.efi_bs && h.has_efi64;
	/* 3.1.4: every required information tag must be one baton can give. */
	uint32_t missing = h.required & ~mb2_info_provides(in->efi, bs);
	for (uint32_t t = 0; t < 32; t++)
		if (missing & (1u << t))
			return err_set(E_UNSUPP,
				       "%s: the kernel requires the Multiboot 2 %s tag (%u), which "
				       "baton cannot give %s",
				       k->path, info_name(t), t, in->efi ? "under UEFI" : "here");
	struct mb2_priv *mp = mem_zalloc(sizeof(*mp));
	if (!mp)
		return err_set(E_NOMEM, "out of memory");
	p->priv = mp;
	p->free_priv = mb2_free;
	mp->mi.base_seg = -1;
	p->format = "multiboot2";
	p->bootinfo_kind = "Multiboot 2 information structure";
	r = plan_image(in, &h, mp, p, &entry, &lo, &hi);
	if (r)
		return r;
	r = plan_video(k, &h, &p->video);
	if (r)
		return r;
	int n_img = p->n_segs;
	if (bs)
		entry = h.efi64_entry; /* 3.1.13: the EFI amd64 entry, boot services running */
	if (h.has_reloc) {
		/*
		 * 3.1.14 relocatable: the image may go anywhere in [min_addr, max_addr] aligned to
		 * align, with a preference for low or high addresses. The segments keep their
		 * offsets from the lowest one, moved as one block.
		 */
		uint64_t span = hi - lo, align = h.reloc_align ? h.reloc_align : 4096;
		if (h.reloc_max < h.reloc_min || span > (uint64_t)h.reloc_max - h.reloc_min + 1 ||
		    (align & (align - 1)))
			return err_set(E_FORMAT,
				       "%s: the relocatable tag's range 0x%x-0x%x (align "
				       "0x%llx) cannot hold the image (%llu bytes)",
				       k->path, h.reloc_min, h.reloc_max, (unsigned long long)align,
				       (unsigned long long)span);
		int s = lp_add_seg(p, "kernel");
		struct lp_segment *g = &p->seg[s];
		*g = (struct lp_segment){.name = "kernel",
					 .place = LP_ANYWHERE,
					 .addr = lo,
					 .min = h.reloc_min,
					 .max = (uint64_t)h.reloc_max + 1,
					 .align = align,
					 .memsz = span,
					 .flags = LP_EXEC};
		if (h.reloc_pref == 2)
			g->flags |= LP_TOP_DOWN;
		if (h.reloc_pref != 0)
			g->addr = 0; /* a preference for an end overrides the linked address */
		for (int i = 0; i < n_img; i++) {
			const struct lp_segment *o = &p->seg[i];
			for (int j = 0; j < o->n_pieces; j++) {
				struct lp_piece pc = o->piece[j];
				pc.dst_off += o->addr - lo;
				g->piece[g->n_pieces++] = pc;
			}
		}
		/* The image is one segment now; the fixed ones go. */
		memmove(&p->seg[0], g, sizeof(*g));
		p->n_segs = 1;
		n_img = 1;
		p->entry_seg = 0;
		p->entry_off = entry - lo;
		mp->mi.base_seg = 0;
	} else {
		p->entry_seg = -1;
		p->entry_off = entry;
		/* Tag 21 for a fixed image: its lowest address, as loaded. */
		mp->mi.base_seg = 0;
		for (int i = 1; i < n_img; i++)
			if (p->seg[i].addr < p->seg[mp->mi.base_seg].addr)
				mp->mi.base_seg = i;
	}
	if (entry >> 32)
		return err_set(E_RANGE, "%s: entry 0x%llx is above 4 GiB", k->path,
			       (unsigned long long)entry);
	/* Modules above a fixed image (a relocated one is placed first, so they avoid it). */
	uint64_t mods_lo = MAX(h.has_reloc ? 0 : hi, 0x100000ull);
	r = mb2_info_plan(in, p, &mp->mi, ALIGN_UP(mods_lo, 4096));
	if (r)
		return r;
	lp_set_reg(p, LP_RAX, -1, MB2_BOOT_MAGIC);
	lp_set_reg(p, LP_RBX, mp->mi.info_seg, 0);
	p->finish = mb2_finish;
	p->cs = 0x10;
	p->ds = 0x18;
	if (bs) {
		p->mode = LP_MODE_EFI64_BS;
		p->entry_kind = "Multiboot 2, EFI amd64 entry with boot services";
	} else {
		p->mode = LP_MODE_PROT32;
		p->entry_kind = h.has_addr ? "Multiboot 2, address tag" : "Multiboot 2, ELF";
	}
	return 0;
}

const struct format format_multiboot2 = {
    .name = "multiboot2",
    .detect = mb2_detect,
    .damaged = mb2_damaged,
    .plan = mb2_plan,
};
