/* bootinfo.c: pieces of boot information shared by Multiboot 1, Multiboot 2 (and ELF) and PVH. */
#include "bootinfo.h"

/* Appends "a b" (or "a" when b is empty or NULL) and a NUL; returns its offset. buf NULL: counts.
 */
static uint32_t add_string(char *buf, uint32_t *at, const char *a, const char *b)
{
	uint32_t o = *at;
	size_t la = strlen(a), lb = b ? strlen(b) : 0;

	if (buf) {
		memcpy(buf + o, a, la);
		if (lb) {
			buf[o + la] = ' ';
			memcpy(buf + o + la + 1, b, lb);
		}
		buf[o + la + (lb ? lb + 1 : 0)] = 0;
	}
	*at += (uint32_t)(la + (lb ? lb + 1 : 0) + 1);
	return o;
}

/* Once to measure (buf NULL), once to write. */
static uint32_t add_strings(const struct lp_input *in, bool with_path, bool with_name,
			    struct bi_strings *s, char *buf)
{
	uint32_t at = 0;

	if (with_path)
		add_string(buf, &at, in->kernel.path, in->cmdline);
	else
		add_string(buf, &at, in->cmdline, NULL);
	if (with_name)
		s->o_name = add_string(buf, &at, in->loader_name, NULL);
	for (int i = 0; i < in->n_mods; i++)
		s->o_mod[i] = add_string(buf, &at, in->mods[i].path, in->mods[i].args);
	return at;
}

int bi_strings(const struct lp_input *in, bool with_path, bool with_name, struct bi_strings *s)
{
	uint32_t n = add_strings(in, with_path, with_name, s, NULL);

	s->buf = mem_alloc(n);
	if (!s->buf)
		return err_set(E_NOMEM, "out of memory");
	s->len = n;
	add_strings(in, with_path, with_name, s, s->buf);
	return 0;
}

void bi_strings_free(struct bi_strings *s)
{
	mem_free(s->buf);
	s->buf = NULL;
}

void bi_mem_kib(const struct bootenv *env, uint64_t *lower, uint64_t *upper)
{
	*lower = *upper = 0;
	for (int i = 0; i < env->n_map; i++) {
		const struct mem_range *m = &env->map[i];
		if (m->type != MEM_RAM)
			continue;
		if (m->base == 0)
			*lower = MIN(m->len, 640ull << 10) >> 10;
		/* Up to the first hole: the range that holds 1 MiB. */
		if (m->base <= 0x100000 && m->base + m->len > 0x100000)
			*upper = (m->base + m->len - 0x100000) >> 10;
	}
}

void bi_put_map(uint8_t *e, const struct mem_range *m)
{
	put64(e, m->base);
	put64(e + 8, m->len);
	put32(e + 16, m->type);
}

/* Multiboot 3.3 / Multiboot2 3.6.12 framebuffer_type 2: EGA text, 80x25 cells of 2 bytes at
 * 0xB8000 (width and height in characters, bpp 16, pitch in bytes); no colour info. */
void bi_put_text(uint8_t *f)
{
	put64(f, 0xb8000);
	put32(f + 8, 160);
	put32(f + 12, 80);
	put32(f + 16, 25);
	f[20] = 16;
	f[21] = 2;
}

void bi_put_fb(uint8_t *f, const struct framebuffer *fb, unsigned color_off)
{
	put64(f, fb->base);
	put32(f + 8, fb->pitch);
	put32(f + 12, fb->width);
	put32(f + 16, fb->height);
	f[20] = fb->bpp;
	f[21] = 1;
	f[color_off] = fb->red_pos, f[color_off + 1] = fb->red_size;
	f[color_off + 2] = fb->green_pos, f[color_off + 3] = fb->green_size;
	f[color_off + 4] = fb->blue_pos, f[color_off + 5] = fb->blue_size;
}
