/* mb2info.c: builds the Multiboot 2 information structure (Multiboot2 2.0, section 3.6). */
#include "mb2.h"

#define MMAP_MAX     128	/* entries of tag 6; a merged map has far fewer */
#define EFI_MMAP_MAX (24 << 10) /* bytes of tag 17 */

uint32_t mb2_info_provides(bool efi, bool boot_services)
{
	uint32_t t = 1u << MB2_TAG_CMDLINE | 1u << MB2_TAG_LOADER | 1u << MB2_TAG_MODULE |
		     (efi ? 0 : 1u << MB2_TAG_VBE | 1u << MB2_TAG_BOOTDEV) | 1u << MB2_TAG_MEMINFO |
		     1u << MB2_TAG_MMAP | 1u << MB2_TAG_FB | 1u << MB2_TAG_ELF |
		     1u << MB2_TAG_SMBIOS | 1u << MB2_TAG_RSDP1 | 1u << MB2_TAG_RSDP2 |
		     1u << MB2_TAG_LOAD_BASE;

	if (efi)
		t |= 1u << MB2_TAG_EFI64 | 1u << MB2_TAG_EFI64_IH |
		     (boot_services ? 1u << MB2_TAG_EFI_BS : 1u << MB2_TAG_EFI_MMAP);
	return t;
}

int mb2_info_plan(const struct lp_input *in, struct load_plan *p, struct mb2_info *mi, uint64_t lo)
{
	int r = bi_strings(in, true, true, &mi->str);

	if (r)
		return r;
	r = lp_add_modules(p, in, lo);
	if (r < 0)
		return r;
	mi->mod_seg0 = r;
	mi->n_mods = in->n_mods;
	mi->bios_drive = in->bios_drive;
	mi->bios_part = in->bios_part;
	/* Room for every tag: each is 8-aligned (3.6.1), the maps get their maximum. */
	uint64_t size = 8 + 16 + mi->str.len + 16 * (uint64_t)in->n_mods + 16 + 16 + 16 +
			24 * MMAP_MAX + 48 + 24 + mi->sec.len + 16 + 48 + 32 + 48 + 16 +
			EFI_MMAP_MAX + 8 + 16 + 16 + 8 + 8 * 24 + 784 + 24;
	mi->info_seg = lp_add_below4g(p, "multiboot2_info", lo, ALIGN_UP(size, 8));
	return 0;
}

int mb2_info_sections(const struct lp_file *k, const struct elf_info *e, struct mb2_info *mi)
{
	return elf_read_sections(k, e, &mi->sec);
}

void mb2_info_free(struct mb2_info *mi)
{
	bi_strings_free(&mi->str);
	elf_sections_free(&mi->sec);
}

/* Starts a tag at *at (8-aligned); returns its bytes. */
static uint8_t *tag(uint8_t *b, uint32_t *at, uint32_t type, uint32_t size)
{
	uint8_t *t = b + *at;

	memset(t, 0, ALIGN_UP(size, 8));
	put32(t, type);
	put32(t + 4, size);
	*at += ALIGN_UP(size, 8);
	return t;
}

void mb2_info_finish(struct load_plan *p, const struct bootenv *env, struct mb2_info *mi)
{
	uint8_t *b = p->seg[mi->info_seg].ptr;
	uint64_t base = p->seg[mi->info_seg].placed, room = p->seg[mi->info_seg].memsz;
	uint32_t at = 8, len;
	uint8_t *t;

	len = (uint32_t)strlen(mi->str.buf) + 1;
	memcpy(tag(b, &at, MB2_TAG_CMDLINE, 8 + len) + 8, mi->str.buf, len);
	len = (uint32_t)strlen(mi->str.buf + mi->str.o_name) + 1;
	memcpy(tag(b, &at, MB2_TAG_LOADER, 8 + len) + 8, mi->str.buf + mi->str.o_name, len);
	for (int i = 0; i < mi->n_mods; i++) {
		const struct lp_segment *s = &p->seg[mi->mod_seg0 + i];
		const char *str = mi->str.buf + mi->str.o_mod[i];
		len = (uint32_t)strlen(str) + 1;
		t = tag(b, &at, MB2_TAG_MODULE, 16 + len);
		/* 3.6.6: mod_end is the address just past the module. */
		put32(t + 8, (uint32_t)s->placed);
		put32(t + 12, (uint32_t)(s->placed + s->memsz));
		memcpy(t + 16, str, len);
	}
	if (mi->bios_drive) {
		/* 3.6.4 BIOS boot device: the drive, then the partition and sub-partition numbered
		 * from 0; 0xFFFFFFFF where there is none (a whole disk; baton reads no BSD labels).
		 */
		t = tag(b, &at, MB2_TAG_BOOTDEV, 20);
		put32(t + 8, mi->bios_drive);
		put32(t + 12, mi->bios_part < 0 ? 0xffffffffu : (uint32_t)mi->bios_part);
		put32(t + 16, 0xffffffffu);
	}
	/* 3.6.3: lower memory from 0 (at most 640 KiB), upper from 1 MiB to the first hole. */
	uint64_t lower, upper;
	bi_mem_kib(env, &lower, &upper);
	t = tag(b, &at, MB2_TAG_MEMINFO, 16);
	put32(t + 8, (uint32_t)lower);
	put32(t + 12, (uint32_t)MIN(upper, 0xffffffffull));
	/* 3.6.8: entry_size 24, entry_version 0; reserved zero. */
	int n = MIN(env->n_map, MMAP_MAX);
	t = tag(b, &at, MB2_TAG_MMAP, 16 + 24 * n);
	put32(t + 8, 24);
	for (int i = 0; i < n; i++)
		bi_put_map(t + 16 + 24 * i, &env->map[i]);
	if (env->have_fb) {
		/* 3.6.12: framebuffer_type 1 (direct RGB) with field positions and mask sizes. */
		t = tag(b, &at, MB2_TAG_FB, 38);
		bi_put_fb(t + 8, &env->fb, 24);
	} else if (env->text_mode) {
		/* BIOS text mode: framebuffer_type 2, EGA text, as GRUB reports it. */
		t = tag(b, &at, MB2_TAG_FB, 32);
		bi_put_text(t + 8);
	}
	if (env->have_vbe) {
		/* 3.6.11 VBE info: mode, protected-mode interface, then the control (512 bytes) and
		 * mode (256 bytes) information blocks as the BIOS returned them. */
		t = tag(b, &at, MB2_TAG_VBE, 784);
		put16(t + 8, env->vbe_mode);
		put16(t + 10, env->vbe_if_seg);
		put16(t + 12, env->vbe_if_off);
		put16(t + 14, env->vbe_if_len);
		memcpy(t + 16, env->vbe_control, 512);
		memcpy(t + 528, env->vbe_mode_info, 256);
	}
	if (mi->sec.len) {
		/* 3.6.9 ELF-Symbols. The text draws num, entsize and shndx as u16 with a u16
		 * reserved; the spec's own multiboot2.h (4.4.1), GRUB and every kernel use u32
		 * each: so does baton. The unloaded sections' bytes follow the headers in the tag.
		 */
		t = tag(b, &at, MB2_TAG_ELF, 20 + mi->sec.len);
		put32(t + 8, mi->sec.shnum);
		put32(t + 12, mi->sec.shentsize);
		put32(t + 16, mi->sec.shstrndx);
		elf_sections_place(&mi->sec, t + 20, base + (uint64_t)(t + 20 - b));
	}
	if (env->efi_systab) {
		t = tag(b, &at, MB2_TAG_EFI64, 16);
		put64(t + 8, env->efi_systab);
	}
	uint64_t sm = env->smbios3 ? env->smbios3 : env->smbios;
	if (sm) {
		/* 3.6.14: major, minor, 6 reserved bytes, then the entry point structure (SMBIOS
		 * 3.x: version at 7/8, length at 6; 2.x: version at 6/7, length at 5). */
		const uint8_t *e = (const uint8_t *)(uintptr_t)sm;
		uint32_t elen = env->smbios3 ? e[6] : e[5];
		elen = MIN(elen, 32u);
		t = tag(b, &at, MB2_TAG_SMBIOS, 16 + elen);
		t[8] = env->smbios3 ? e[7] : e[6];
		t[9] = env->smbios3 ? e[8] : e[7];
		memcpy(t + 16, e, elen);
	}
	if (env->acpi_rsdp) {
		/* 3.6.15/16: copies of the RSDP, the v1 part and (revision 2+) the whole. */
		const uint8_t *r = (const uint8_t *)(uintptr_t)env->acpi_rsdp;
		memcpy(tag(b, &at, MB2_TAG_RSDP1, 8 + 20) + 8, r, 20);
		if (r[15] >= 2) {
			uint32_t rl = MIN(get32(r + 20), 36u);
			memcpy(tag(b, &at, MB2_TAG_RSDP2, 8 + rl) + 8, r, rl);
		}
	}
	if (env->boot_services) {
		tag(b, &at, MB2_TAG_EFI_BS, 8);
	} else if (env->efi_mmap && env->efi_mmap_size <= EFI_MMAP_MAX) {
		/* 3.6.18: only once boot services are gone, when the map is final. */
		t = tag(b, &at, MB2_TAG_EFI_MMAP, 16 + (uint32_t)env->efi_mmap_size);
		put32(t + 8, (uint32_t)env->efi_desc_size);
		put32(t + 12, env->efi_desc_version);
		memcpy(t + 16, (const void *)(uintptr_t)env->efi_mmap, env->efi_mmap_size);
	}
	if (env->efi_image) {
		t = tag(b, &at, MB2_TAG_EFI64_IH, 16);
		put64(t + 8, env->efi_image);
	}
	if (mi->base_seg >= 0) {
		t = tag(b, &at, MB2_TAG_LOAD_BASE, 12);
		put32(t + 8, (uint32_t)p->seg[mi->base_seg].placed);
	}
	tag(b, &at, MB2_TAG_END, 8);
	/* 3.6.1: total_size, then a reserved u32. */
	put32(b, at);
	put32(b + 4, 0);
	(void)room;
}
