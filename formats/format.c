/* format.c: the table of kernel format handlers, detection order, and load-plan helpers. */
#include "loadplan.h"

extern const struct format format_linux;

/*
 * Detection order (documented in README): formats whose magic can sit inside another format's
 * file come first. Only Linux exists so far; Multiboot, ELF, PVH and PE arrive in issue 5.
 */
static const struct format *const formats[] = {
    &format_linux,
};

const struct format *format_find(const struct lp_file *k, const char *forced)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		if (forced ? !strcmp(forced, formats[i]->name) : formats[i]->detect(k))
			return formats[i];
	}
	if (forced)
		err_set(E_UNSUPP, "unknown protocol '%s' (known: linux)", forced);
	else
		err_set(E_FORMAT,
			"%s is not a kernel baton recognises (known formats: Linux bzImage)",
			k->path);
	return NULL;
}

int lp_add_seg(struct load_plan *p, const char *name)
{
	int s = p->n_segs++;

	memset(&p->seg[s], 0, sizeof(p->seg[s]));
	p->seg[s].name = name;
	return s;
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

void lp_free(struct load_plan *p)
{
	mem_free(p->priv);
	p->priv = NULL;
}
