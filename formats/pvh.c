/* pvh.c: Xen PVH handler: an ELF with XEN_ELFNOTE_PHYS32_ENTRY, entered with an hvm_start_info. */
#include "loadplan.h"
#include "bootinfo.h"
#include "elf.h"

/* Xen public/arch-x86/hvm/start_info.h. */
#define SI_MAGIC  0x336ec578u
#define SI_SIZE	  56 /* version 1: with memmap_paddr and memmap_entries */
#define MOD_SIZE  32 /* hvm_modlist_entry: paddr, size, cmdline_paddr, reserved */
#define MAP_ENTRY 24 /* hvm_memmap_table_entry: addr, size, type, reserved */
#define MAP_MAX	  128

struct pvh_priv {
	int info_seg, mod_seg0, n_mods;
	struct bi_strings str; /* the command line as given (no path), module strings */
	uint32_t o_strings, o_mods, o_map;
};

static bool pvh_detect(const struct lp_file *k)
{
	struct elf_info e;

	if (!elf_detect(k))
		return false;
	/* Detection reads the notes; an ELF that does not parse is left to the ELF handler's
	 * message. */
	return !elf_parse(k, &e) && e.pvh;
}

static void pvh_finish(struct load_plan *p, const struct bootenv *env)
{
	struct pvh_priv *pp = p->priv;
	uint8_t *si = p->seg[pp->info_seg].ptr;
	uint64_t base = p->seg[pp->info_seg].placed;

	memcpy(si + pp->o_strings, pp->str.buf, pp->str.len);
	put32(si, SI_MAGIC);
	put32(si + 4, 1);
	put32(si + 12, (uint32_t)pp->n_mods);
	put64(si + 16, pp->n_mods ? base + pp->o_mods : 0);
	put64(si + 24, base + pp->o_strings);
	put64(si + 32, env->acpi_rsdp);
	for (int i = 0; i < pp->n_mods; i++) {
		const struct lp_segment *s = &p->seg[pp->mod_seg0 + i];
		uint8_t *m = si + pp->o_mods + MOD_SIZE * i;
		put64(m, s->placed);
		put64(m + 8, s->memsz);
		put64(m + 16, base + pp->o_strings + pp->str.o_mod[i]);
	}
	/* The memory map (version 1), E820 types as Xen's XEN_HVM_MEMMAP_TYPE_* are. */
	int n = MIN(env->n_map, MAP_MAX);
	for (int i = 0; i < n; i++)
		bi_put_map(si + pp->o_map + MAP_ENTRY * i, &env->map[i]);
	put64(si + 40, base + pp->o_map);
	put32(si + 48, (uint32_t)n);
}

static void pvh_free(void *priv)
{
	bi_strings_free(&((struct pvh_priv *)priv)->str);
}

static int pvh_plan(const struct lp_input *in, struct load_plan *p)
{
	struct elf_info e;
	int r = elf_parse(&in->kernel, &e);

	if (r)
		return r;
	if (!e.pvh)
		return err_set(E_FORMAT, "%s has no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)",
			       in->kernel.path);
	struct pvh_priv *pp = mem_zalloc(sizeof(*pp));
	if (!pp)
		return err_set(E_NOMEM, "out of memory");
	p->priv = pp;
	p->free_priv = pvh_free;
	p->format = "pvh";
	p->entry_kind = "Xen PVH (32-bit protected mode, paging off)";
	p->bootinfo_kind = "hvm_start_info version 1";
	r = elf_add_segments(&e, p, 1ull << 32);
	if (r)
		return r;
	bool inside = false;
	for (int i = 0; i < e.n_load; i++)
		inside |= e.pvh_entry >= e.load[i].paddr &&
			  e.pvh_entry - e.load[i].paddr < e.load[i].memsz;
	if (!inside)
		return err_set(E_FORMAT, "%s: the PVH entry 0x%x is outside every loadable segment",
			       in->kernel.path, e.pvh_entry);
	/* The command line as it is (no path: Linux's PVH entry reads it whole). */
	r = bi_strings(in, false, false, &pp->str);
	if (r)
		return r;
	uint64_t lo = MAX(ALIGN_UP(e.highest, 4096), 0x100000ull);
	r = lp_add_modules(p, in, lo);
	if (r < 0)
		return r;
	pp->mod_seg0 = r;
	pp->n_mods = in->n_mods;
	pp->o_mods = SI_SIZE + 8;
	pp->o_map = pp->o_mods + MOD_SIZE * (uint32_t)in->n_mods;
	pp->o_strings = pp->o_map + MAP_ENTRY * MAP_MAX;
	int s = lp_add_below4g(p, "start_info", lo, pp->o_strings + pp->str.len);
	pp->info_seg = s;
	/* pvh.pandoc: 32-bit protected mode, paging off, flat CS/DS/ES/SS, TR a 32-bit TSS,
	 * EBX = start_info, CR0 = PE, CR4 = 0, IF/TF/VM clear. */
	p->mode = LP_MODE_PROT32;
	p->entry_seg = -1;
	p->entry_off = e.pvh_entry;
	lp_set_reg(p, LP_RBX, s, 0);
	p->cs = 0x10;
	p->ds = 0x18;
	p->tr = 0x20;
	p->finish = pvh_finish;
	return 0;
}

const struct format format_pvh = {
    .name = "pvh",
    .detect = pvh_detect,
    .plan = pvh_plan,
};
