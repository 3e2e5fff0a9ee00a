/* format.c: the table of kernel format handlers, detection order, and load-plan helpers. */
#include "loadplan.h"

extern const struct format format_linux, format_efi, format_multiboot1, format_multiboot2,
    format_pvh, format_elf, format_chainload;

/*
 * Detection order (documented in README): formats whose magic can sit inside another format's
 * file come first: a Multiboot header sits inside an ELF or any binary, and a bzImage with an EFI
 * stub is also a PE image (Multiboot 2 before 1, as both may be present), an ELF with a PVH
 * note is still an ELF. chainload is last and never detected (a boot sector's 0x55AA is on every
 * bzImage too): only forced.
 */
static const struct format *const formats[] = {
    &format_multiboot2, &format_multiboot1, &format_linux,     &format_pvh,
    &format_elf,	&format_efi,	    &format_chainload,
};

/* A forced protocol names a handler, or one of its entries: linux64 is the linux handler. */
static bool names(const struct format *f, const char *forced)
{
	return !strcmp(forced, f->name) ||
	       (!strcmp(f->name, "linux") &&
		(!strcmp(forced, "linux64") || !strcmp(forced, "linux32") ||
		 !strcmp(forced, "linux16")));
}

const struct format *format_find(const struct lp_file *k, const char *forced)
{
	size_t i;

	if (!k->size) {
		err_set(E_FORMAT, "%s is empty (0 bytes)", k->path);
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (forced ? names(formats[i], forced) : formats[i]->detect(k))
			break;
	/*
	 * A damaged signature of a format tried before the one found wins: a Multiboot kernel
	 * whose header checksum is wrong is also an ELF, which it would not expect to be booted as.
	 */
	for (size_t j = 0; !forced && j < i && j < ARRAY_SIZE(formats); j++)
		if (formats[j]->damaged && formats[j]->damaged(k))
			return NULL;
	if (i < ARRAY_SIZE(formats))
		return formats[i];
	if (forced)
		err_set(
		    E_UNSUPP,
		    "unknown protocol '%s' (known: multiboot2, multiboot, linux, linux16, linux32, "
		    "linux64, pvh, elf, efi, chainload)",
		    forced);
	else
		err_set(
		    E_FORMAT,
		    "%s is not a kernel baton recognises (known formats: Multiboot 2, Multiboot 1, "
		    "Linux bzImage, ELF with a Xen PVH note, ELF32/ELF64, EFI application)",
		    k->path);
	return NULL;
}

int lp_read(const struct lp_file *f, uint64_t off, uint64_t len, void *buf)
{
	if (off > f->size || len > f->size - off)
		return err_set(E_FORMAT, "%s: the file ends (%llu bytes) before 0x%llx + %llu",
			       f->path, (unsigned long long)f->size, (unsigned long long)off,
			       (unsigned long long)len);
	if (off + len <= f->head_len) {
		memcpy(buf, f->head + off, len);
		return 0;
	}
	if (!f->read)
		return err_set(E_FORMAT, "%s: bytes at 0x%llx are beyond what was read", f->path,
			       (unsigned long long)off);
	return f->read(f, off, len, buf);
}

int lp_add_seg(struct load_plan *p, const char *name)
{
	int s = p->n_segs++;

	memset(&p->seg[s], 0, sizeof(p->seg[s]));
	p->seg[s].name = name;
	return s;
}

int lp_add_initrds(struct load_plan *p, const struct lp_input *in)
{
	int s = lp_add_seg(p, "initrd");
	struct lp_segment *rd = &p->seg[s];
	uint64_t off = 0;

	/* Several initrds are concatenated, each at a 4-byte aligned offset (newc cpio pads to 4;
	 * the kernel's unpacker skips the zeros between archives). */
	for (int i = 0; i < in->n_mods; i++) {
		off = ALIGN_UP(off, 4);
		rd->piece[rd->n_pieces++] = (struct lp_piece){
		    .file = i + 1, .off = 0, .len = in->mods[i].size, .dst_off = off};
		off += in->mods[i].size;
	}
	rd->memsz = off;
	if (off == 0)
		return err_set(E_FORMAT, "the initrd files are empty");
	return s;
}

int lp_add_below4g(struct load_plan *p, const char *name, uint64_t lo, uint64_t memsz)
{
	int s = lp_add_seg(p, name);

	p->seg[s] = (struct lp_segment){.name = name,
					.place = LP_ANYWHERE,
					.min = lo,
					.max = 1ull << 32,
					.align = 4096,
					.memsz = memsz};
	return s;
}

int lp_add_modules(struct load_plan *p, const struct lp_input *in, uint64_t lo)
{
	int first = p->n_segs;

	if (p->n_segs + in->n_mods + 1 > LP_MAX_SEGS)
		return err_set(E_UNSUPP, "too many segments and modules");
	for (int i = 0; i < in->n_mods; i++) {
		/* Page aligned whether or not the kernel asks (Multiboot 3.1.2 flag 0, 3.1.11). */
		int s = lp_add_below4g(p, "module", lo, in->mods[i].size);
		if (in->mods[i].size)
			p->seg[s].piece[p->seg[s].n_pieces++] =
			    (struct lp_piece){.file = i + 1, .len = in->mods[i].size};
	}
	return first;
}

void lp_set_reg(struct load_plan *p, enum lp_regname r, int seg, uint64_t value)
{
	p->reg[r] = (struct lp_reg){.used = true, .seg = seg, .value = value};
}

uint64_t lp_reg_value(const struct load_plan *p, enum lp_regname r)
{
	const struct lp_reg *g = &p->reg[r];

	return (g->seg >= 0 ? p->seg[g->seg].placed : 0) + g->value;
}

uint64_t lp_entry(const struct load_plan *p)
{
	return (p->entry_seg >= 0 ? p->seg[p->entry_seg].placed : 0) + p->entry_off;
}

uint32_t lp_r16_seg(const struct load_plan *p, uint16_t v)
{
	int b = p->r16.base_seg;

	return v + (b >= 0 ? (uint32_t)(p->seg[b].placed >> 4) : 0);
}

void lp_free(struct load_plan *p)
{
	if (p->priv && p->free_priv)
		p->free_priv(p->priv);
	mem_free(p->priv);
	p->priv = NULL;
}
