/* bootinfo.h: pieces of boot information shared by Multiboot 1, Multiboot 2 (and ELF) and PVH. */
#ifndef BATON_BOOTINFO_H
#define BATON_BOOTINFO_H

#include "loadplan.h"

/* The strings a boot information structure carries, NUL-terminated one after the other. */
struct bi_strings {
	char *buf; /* the command line first, at offset 0 */
	uint32_t len;
	uint32_t o_name;	      /* the loader's name, when asked for */
	uint32_t o_mod[LP_MAX_FILES]; /* each module's "PATH ARGS" */
};

/*
 * Builds the strings: the command line, after the kernel's path when with_path (the baton
 * convention, README), then the loader's name when with_name, then each module's path and its
 * arguments. 0 or E_NOMEM; bi_strings_free() frees them.
 */
int bi_strings(const struct lp_input *in, bool with_path, bool with_name, struct bi_strings *s);
void bi_strings_free(struct bi_strings *s);

/* Multiboot's mem_lower and mem_upper (KiB): RAM from 0 (at most 640 KiB), from 1 MiB on. */
void bi_mem_kib(const struct bootenv *env, uint64_t *lower, uint64_t *upper);
/* A memory map entry as Multiboot 2 and PVH lay it out (and Multiboot 1 after its size field):
 * base and length (u64), type (u32). */
void bi_put_map(uint8_t *e, const struct mem_range *m);
/* Multiboot's framebuffer info from its address on (type 1, direct RGB): the colour fields at
 * color_off (Multiboot 1: 22, Multiboot 2: 24, after a reserved u16). */
/* An EGA text "framebuffer" (type 2) at f, as Multiboot 1 and 2 lay it out. */
void bi_put_text(uint8_t *f);
void bi_put_fb(uint8_t *f, const struct framebuffer *fb, unsigned color_off);

#endif
