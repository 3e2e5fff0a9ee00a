/* elf.c: reads ELF executables (gABI): the header, loadable segments, notes, section headers. */
#include "elf.h"

#define PT_LOAD 1
#define PT_NOTE 4

bool elf_detect(const struct lp_file *f)
{
	const uint8_t *h = f->head;

	/* gABI "ELF Identification": magic, class (1 = 32, 2 = 64), data 1 = little-endian. */
	return f->head_len >= 52 && !memcmp(h, "\177ELF", 4) && (h[4] == 1 || h[4] == 2) &&
	       h[5] == 1 && (get16(h + 18) == EM_386 || get16(h + 18) == EM_X86_64);
}

/* gABI "ELF Identification" and e_machine: an ELF file that is not one baton can run. */
int elf_damaged(const struct lp_file *f)
{
	const uint8_t *h = f->head;

	if (f->head_len < 20 || memcmp(h, "\177ELF", 4))
		return 0;
	if (h[4] != 1 && h[4] != 2)
		return err_set(E_FORMAT, "%s: ELF class %u is neither 32-bit (1) nor 64-bit (2)",
			       f->path, h[4]);
	if (h[5] != 1)
		return err_set(E_FORMAT, "%s: ELF data encoding %u is not little-endian (1)",
			       f->path, h[5]);
	if (f->head_len < 52)
		return err_set(E_FORMAT, "%s: the ELF header is truncated (%zu bytes)", f->path,
			       f->head_len);
	return err_set(E_FORMAT, "%s: ELF machine %u is neither x86 (%u) nor x86-64 (%u)", f->path,
		       get16(h + 18), EM_386, EM_X86_64);
}

/* Xen notes: name "Xen", XEN_ELFNOTE_PHYS32_ENTRY with a 32-bit (or 64-bit) address. */
static int read_notes(const struct lp_file *f, uint64_t off, uint64_t len, struct elf_info *e)
{
	uint8_t buf[512];
	uint64_t at = 0;

	while (at < len) {
		uint64_t n = MIN(len - at, (uint64_t)sizeof(buf));
		if (n < 12)
			break;
		int r = lp_read(f, off + at, n, buf);
		if (r)
			return r;
		/* gABI "Note Section": namesz, descsz, type, then name and desc, 4-byte padded. */
		uint32_t namesz = get32(buf), descsz = get32(buf + 4), type = get32(buf + 8);
		uint64_t nsz = ALIGN_UP((uint64_t)namesz, 4), dsz = ALIGN_UP((uint64_t)descsz, 4);
		uint64_t total = 12 + nsz + dsz;
		if (total > len - at)
			return err_set(E_FORMAT, "%s: a note runs past its PT_NOTE segment",
				       f->path);
		if (namesz == 4 && type == XEN_ELFNOTE_PHYS32_ENTRY && 12 + nsz + 4 <= n &&
		    !memcmp(buf + 12, "Xen", 4) && descsz >= 4) {
			e->pvh = true;
			e->pvh_entry = get32(buf + 12 + nsz);
		}
		at += total;
	}
	return 0;
}

int elf_parse(const struct lp_file *f, struct elf_info *e)
{
	const uint8_t *h = f->head;

	memset(e, 0, sizeof(*e));
	if (!elf_detect(f))
		return err_set(E_FORMAT, "%s is not an x86 ELF file", f->path);
	e->bits = h[4] == 2 ? 64 : 32;
	e->machine = get16(h + 18);
	if (h[6] != 1)
		return err_set(E_FORMAT, "%s: unknown ELF version %u", f->path, h[6]);
	/* gABI e_type: ET_EXEC (2); kernels are not relocatable objects or shared objects. */
	if (get16(h + 16) != 2)
		return err_set(E_UNSUPP, "%s: ELF type %u, not an executable (ET_EXEC)", f->path,
			       get16(h + 16));
	uint64_t phoff, phnum, phentsize;
	if (e->bits == 64) {
		if (f->head_len < 64)
			return err_set(E_FORMAT, "%s: ELF header truncated", f->path);
		e->entry = get64(h + 24);
		phoff = get64(h + 32);
		e->shoff = get64(h + 40);
		phentsize = get16(h + 54), phnum = get16(h + 56);
		e->shentsize = get16(h + 58), e->shnum = get16(h + 60), e->shstrndx = get16(h + 62);
	} else {
		e->entry = get32(h + 24);
		phoff = get32(h + 28);
		e->shoff = get32(h + 32);
		phentsize = get16(h + 42), phnum = get16(h + 44);
		e->shentsize = get16(h + 46), e->shnum = get16(h + 48), e->shstrndx = get16(h + 50);
	}
	if (phentsize != (e->bits == 64 ? 56u : 32u) || phnum == 0)
		return err_set(E_FORMAT, "%s: bad ELF program header table (%llu entries of %llu)",
			       f->path, (unsigned long long)phnum, (unsigned long long)phentsize);
	if (phoff > f->size || phnum * phentsize > f->size - phoff)
		return err_set(E_FORMAT, "%s: truncated ELF: the program headers end past the file",
			       f->path);
	for (uint64_t i = 0; i < phnum; i++) {
		uint8_t ph[56];
		int r = lp_read(f, phoff + i * phentsize, phentsize, ph);
		if (r)
			return r;
		uint32_t type = get32(ph);
		struct elf_seg s;
		if (e->bits == 64)
			s = (struct elf_seg){.off = get64(ph + 8),
					     .vaddr = get64(ph + 16),
					     .paddr = get64(ph + 24),
					     .filesz = get64(ph + 32),
					     .memsz = get64(ph + 40),
					     .flags = get32(ph + 4)};
		else
			s = (struct elf_seg){.off = get32(ph + 4),
					     .vaddr = get32(ph + 8),
					     .paddr = get32(ph + 12),
					     .filesz = get32(ph + 16),
					     .memsz = get32(ph + 20),
					     .flags = get32(ph + 24)};
		if (type == PT_NOTE) {
			if (s.off > f->size || s.filesz > f->size - s.off)
				return err_set(E_FORMAT, "%s: PT_NOTE beyond the end of the file",
					       f->path);
			r = read_notes(f, s.off, s.filesz, e);
			if (r)
				return r;
			continue;
		}
		if (type != PT_LOAD || s.memsz == 0)
			continue;
		if (s.off > f->size || s.filesz > f->size - s.off)
			return err_set(E_FORMAT,
				       "%s: truncated ELF: segment %llu (%llu bytes at file offset "
				       "0x%llx) goes past the end of the file (%llu bytes)",
				       f->path, (unsigned long long)i, (unsigned long long)s.filesz,
				       (unsigned long long)s.off, (unsigned long long)f->size);
		if (s.filesz > s.memsz)
			return err_set(E_FORMAT, "%s: segment %llu has p_filesz > p_memsz", f->path,
				       (unsigned long long)i);
		if (s.paddr + s.memsz < s.paddr || s.vaddr + s.memsz < s.vaddr)
			return err_set(E_FORMAT, "%s: segment %llu wraps around the address space",
				       f->path, (unsigned long long)i);
		for (int j = 0; j < e->n_load; j++) {
			const struct elf_seg *o = &e->load[j];
			if (s.paddr < o->paddr + o->memsz && o->paddr < s.paddr + s.memsz)
				return err_set(E_FORMAT,
					       "%s: segments overlap at physical 0x%llx-0x%llx and "
					       "0x%llx-0x%llx",
					       f->path, (unsigned long long)o->paddr,
					       (unsigned long long)(o->paddr + o->memsz),
					       (unsigned long long)s.paddr,
					       (unsigned long long)(s.paddr + s.memsz));
		}
		if (e->n_load == ELF_MAX_LOAD)
			return err_set(E_UNSUPP, "%s: more than %d loadable segments", f->path,
				       ELF_MAX_LOAD);
		if (!e->n_load || s.paddr < e->lowest)
			e->lowest = s.paddr;
		e->highest = MAX(e->highest, s.paddr + s.memsz);
		e->load[e->n_load++] = s;
	}
	if (!e->n_load)
		return err_set(E_FORMAT, "%s: no loadable segment", f->path);
	return 0;
}

int elf_entry_phys(const struct elf_info *e, uint64_t *pa)
{
	for (int i = 0; i < e->n_load; i++) {
		const struct elf_seg *s = &e->load[i];
		if (e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz) {
			*pa = s->paddr + (e->entry - s->vaddr);
			return 0;
		}
	}
	return err_set(E_FORMAT, "the entry point 0x%llx is outside every loadable segment",
		       (unsigned long long)e->entry);
}

int elf_add_segments(const struct elf_info *e, struct load_plan *p, uint64_t max)
{
	for (int i = 0; i < e->n_load; i++) {
		const struct elf_seg *s = &e->load[i];
		if (s->paddr + s->memsz > max)
			return err_set(E_RANGE, "segment at 0x%llx (%llu bytes) is beyond 0x%llx",
				       (unsigned long long)s->paddr, (unsigned long long)s->memsz,
				       (unsigned long long)max);
		if (p->n_segs == LP_MAX_SEGS)
			return err_set(E_UNSUPP, "too many segments");
		int k = lp_add_seg(p, "kernel");
		struct lp_segment *g = &p->seg[k];
		g->place = LP_FIXED;
		g->addr = s->paddr;
		g->memsz = s->memsz;
		g->flags = LP_EXEC;
		if (s->filesz)
			g->piece[g->n_pieces++] =
			    (struct lp_piece){.file = 0, .off = s->off, .len = s->filesz};
	}
	return 0;
}

#define SHT_NULL     0
#define SHT_NOBITS   8
#define SECTIONS_MAX (8u << 20) /* extra section bytes kept for the kernel */

int elf_read_sections(const struct lp_file *k, const struct elf_info *e, struct elf_sections *s)
{
	memset(s, 0, sizeof(*s));
	if (!e->shnum || !e->shoff)
		return 0;
	s->is64 = e->bits == 64;
	if (e->shentsize != (s->is64 ? 64u : 40u))
		return err_set(E_FORMAT, "%s: bad ELF section header size %u", k->path,
			       e->shentsize);
	uint64_t hl = (uint64_t)e->shnum * e->shentsize;
	if (e->shoff > k->size || hl > k->size - e->shoff)
		return err_set(E_FORMAT, "%s: the ELF section headers are past the end of the file",
			       k->path);
	uint8_t *h = mem_alloc(hl);
	if (!h)
		return err_set(E_NOMEM, "out of memory");
	int r = lp_read(k, e->shoff, hl, h);
	if (r) {
		mem_free(h);
		return r;
	}
	/* How much the unloaded sections add. */
	uint64_t extra = 0;
	for (uint32_t i = 0; i < e->shnum; i++) {
		const uint8_t *sh = h + i * e->shentsize;
		uint32_t type = get32(sh + 4);
		uint64_t addr = s->is64 ? get64(sh + 16) : get32(sh + 12);
		uint64_t off = s->is64 ? get64(sh + 24) : get32(sh + 16);
		uint64_t size = s->is64 ? get64(sh + 32) : get32(sh + 20);
		if (type == SHT_NULL || type == SHT_NOBITS || addr || !size || off > k->size ||
		    size > k->size - off || s->n_moved == ARRAY_SIZE(s->moved) ||
		    extra + ALIGN_UP(size, 8) > SECTIONS_MAX)
			continue;
		s->moved[s->n_moved++] = (uint16_t)i;
		extra += ALIGN_UP(size, 8);
	}
	s->buf = mem_alloc(ALIGN_UP(hl, 8) + extra);
	if (!s->buf) {
		mem_free(h);
		return err_set(E_NOMEM, "out of memory for the ELF sections");
	}
	memcpy(s->buf, h, hl);
	mem_free(h);
	uint64_t at = ALIGN_UP(hl, 8);
	for (uint32_t m = 0; m < s->n_moved; m++) {
		uint8_t *sh = s->buf + s->moved[m] * e->shentsize;
		uint64_t off = s->is64 ? get64(sh + 24) : get32(sh + 16);
		uint64_t size = s->is64 ? get64(sh + 32) : get32(sh + 20);
		r = lp_read(k, off, size, s->buf + at);
		if (r)
			return r;
		/* An offset in buf for now; elf_sections_place() makes it an address. */
		if (s->is64)
			put64(sh + 16, at);
		else
			put32(sh + 12, (uint32_t)at);
		at += ALIGN_UP(size, 8);
	}
	s->len = (uint32_t)at;
	s->shnum = e->shnum, s->shentsize = e->shentsize, s->shstrndx = e->shstrndx;
	return 0;
}

void elf_sections_place(const struct elf_sections *s, uint8_t *dst, uint64_t dst_addr)
{
	memcpy(dst, s->buf, s->len);
	for (uint32_t m = 0; m < s->n_moved; m++) {
		uint8_t *sh = dst + s->moved[m] * s->shentsize;
		if (s->is64)
			put64(sh + 16, dst_addr + get64(sh + 16));
		else
			put32(sh + 12, (uint32_t)(dst_addr + get32(sh + 12)));
	}
}

void elf_sections_free(struct elf_sections *s)
{
	mem_free(s->buf);
	s->buf = NULL;
}
