/* elfkernel.c: plain ELF32/ELF64 kernels: the baton ELF protocol (README), Multiboot 2 info. */
#include "loadplan.h"
#include "elf.h"
#include "mb2.h"

struct elfk_priv {
	struct mb2_info mi;
};

static bool elfk_detect(const struct lp_file *k)
{
	return elf_detect(k);
}

static void elfk_finish(struct load_plan *p, const struct bootenv *env)
{
	mb2_info_finish(p, env, &((struct elfk_priv *)p->priv)->mi);
}

static void elfk_free(void *priv)
{
	mb2_info_free(&((struct elfk_priv *)priv)->mi);
}

static int elfk_plan(const struct lp_input *in, struct load_plan *p)
{
	const struct lp_file *k = &in->kernel;
	struct elf_info e;
	uint64_t entry;
	int r = elf_parse(k, &e);

	if (r)
		return r;
	struct elfk_priv *ep = mem_zalloc(sizeof(*ep));
	if (!ep)
		return err_set(E_NOMEM, "out of memory");
	p->priv = ep;
	p->free_priv = elfk_free;
	p->format = "elf";
	p->bootinfo_kind = "Multiboot 2 information structure (baton ELF protocol)";
	r = elf_add_segments(&e, p, e.bits == 64 ? UINT64_MAX : 1ull << 32);
	if (r)
		return r;
	/* Tag 21: the lowest p_paddr. */
	ep->mi.base_seg = 0;
	for (int i = 1; i < p->n_segs; i++)
		if (p->seg[i].addr < p->seg[ep->mi.base_seg].addr)
			ep->mi.base_seg = i;
	r = mb2_info_sections(k, &e, &ep->mi);
	if (r)
		return r;
	if (e.bits == 32) {
		/* README "ELF32 machine state": e_entry through the segment that holds it. */
		r = elf_entry_phys(&e, &entry);
		if (r)
			return r;
		p->mode = LP_MODE_PROT32;
		p->entry_kind = "baton ELF protocol, ELF32 (32-bit protected mode, paging off)";
	} else {
		/* README "ELF64 machine state": e_entry as linked, each PT_LOAD mapped p_vaddr ->
		 * p_paddr on top of the 1:1 map of the first 4 GiB. */
		uint64_t pa;
		r = elf_entry_phys(&e, &pa);
		if (r)
			return r;
		entry = e.entry;
		for (int i = 0; i < e.n_load; i++) {
			const struct elf_seg *s = &e.load[i];
			if (s->vaddr == s->paddr)
				continue;
			if ((s->vaddr ^ s->paddr) & 4095)
				return err_set(E_FORMAT,
					       "%s: segment at virtual 0x%llx and physical "
					       "0x%llx differ within a page",
					       k->path, (unsigned long long)s->vaddr,
					       (unsigned long long)s->paddr);
			if (s->vaddr < (1ull << 32))
				return err_set(E_FORMAT,
					       "%s: segment at virtual 0x%llx falls inside "
					       "the 1:1 map of the first 4 GiB",
					       k->path, (unsigned long long)s->vaddr);
			p->vmap[p->n_vmap++] =
			    (struct lp_vmap){.va = s->vaddr, .pa = s->paddr, .len = s->memsz};
		}
		p->mode = LP_MODE_LONG64;
		p->entry_kind = "baton ELF protocol, ELF64 (64-bit, PT_LOADs mapped as linked)";
		lp_set_reg(p, LP_RDI, -1, MB2_BOOT_MAGIC);
	}
	if (p->mode == LP_MODE_PROT32 && entry >> 32)
		return err_set(E_RANGE, "%s: entry 0x%llx is above 4 GiB", k->path,
			       (unsigned long long)entry);
	p->entry_seg = -1;
	p->entry_off = entry;
	r = mb2_info_plan(in, p, &ep->mi, MAX(ALIGN_UP(e.highest, 4096), 0x100000ull));
	if (r)
		return r;
	lp_set_reg(p, LP_RAX, -1, MB2_BOOT_MAGIC);
	lp_set_reg(p, LP_RBX, ep->mi.info_seg, 0);
	if (e.bits == 64)
		lp_set_reg(p, LP_RSI, ep->mi.info_seg, 0);
	p->cs = 0x10;
	p->ds = 0x18;
	p->finish = elfk_finish;
	return 0;
}

const struct format format_elf = {
    .name = "elf",
    .detect = elfk_detect,
    .damaged = elf_damaged,
    .plan = elfk_plan,
};
