/* efi.c: EFI application handler (PE/COFF): plans LoadImage/StartImage, initrd through LoadFile2.
 */
#include "loadplan.h"
#include "pe.h"

int pe_parse(const uint8_t *head, size_t head_len, uint64_t file_size, struct pe_info *pe)
{
	memset(pe, 0, sizeof(*pe));
	/* PE/COFF spec 2 "Overview": the MS-DOS stub's e_lfanew at 0x3c points at "PE\0\0". */
	if (head_len < 0x40 || head[0] != 'M' || head[1] != 'Z')
		return err_set(E_FORMAT, "not a PE/COFF image (no MZ header)");
	uint32_t pe_off = get32(head + 0x3c);
	if (pe_off > head_len - 24 || pe_off + 24 > file_size || memcmp(head + pe_off, "PE\0\0", 4))
		return err_set(E_FORMAT, "not a PE/COFF image (no PE signature)");
	const uint8_t *coff = head + pe_off + 4;
	pe->machine = get16(coff);
	uint16_t opt_size = get16(coff + 16);
	const uint8_t *opt = coff + 20;
	/* PE32+ optional header: Subsystem at 68, MajorImageVersion at 44 ("Optional Header
	 * Windows-Specific Fields"). */
	if (opt_size < 72 || (size_t)(opt - head) + 72 > head_len)
		return err_set(E_FORMAT, "PE/COFF optional header truncated");
	pe->magic = get16(opt);
	pe->entry_rva = get32(opt + 16);
	pe->image_version = (uint32_t)get16(opt + 44) << 16 | get16(opt + 46);
	pe->subsystem = get16(opt + 68);
	return 0;
}

bool pe_is_efi_app(const struct pe_info *pe)
{
	/* UEFI spec 2.1.1: x64 images are PE32+ (magic 0x20b), machine 0x8664; subsystem 10 is an
	 * application (11/12 are drivers, which a boot menu does not start). */
	return pe->machine == PE_MACHINE_X64 && pe->magic == PE_OPT_PE32PLUS &&
	       pe->subsystem == PE_SUBSYSTEM_EFI_APP;
}

static bool efi_detect(const struct lp_file *k)
{
	struct pe_info pe;

	return !pe_parse(k->head, k->head_len, k->size, &pe) && pe_is_efi_app(&pe);
}

/* An MZ/PE image that is not an x86-64 EFI application: another machine, a driver, a DOS file. */
static int efi_damaged(const struct lp_file *k)
{
	struct pe_info pe;

	if (k->head_len < 2 || k->head[0] != 'M' || k->head[1] != 'Z' ||
	    pe_parse(k->head, k->head_len, k->size, &pe))
		return 0;
	return err_set(E_FORMAT,
		       "%s: a PE image, but not an x86-64 EFI application (machine 0x%x, optional "
		       "header 0x%x, subsystem %u; an application is 0x%x, 0x%x, %u)",
		       k->path, pe.machine, pe.magic, pe.subsystem, PE_MACHINE_X64, PE_OPT_PE32PLUS,
		       PE_SUBSYSTEM_EFI_APP);
}

int efi_image_plan(const struct lp_input *in, struct load_plan *p)
{
	int s;

	if (!in->efi)
		return err_set(E_UNSUPP, "an EFI application needs UEFI firmware to run");
	/* The whole file in memory: LoadImage() takes it from a buffer, so the file may live on
	 * any filesystem baton reads, not only on one the firmware reads. */
	s = lp_add_seg(p, "image");
	struct lp_segment *im = &p->seg[s];
	im->place = LP_ANYWHERE;
	im->align = 4096;
	im->min = 0x1000;
	im->max = UINT64_MAX;
	im->memsz = in->kernel.size;
	im->flags = LP_NOZERO;
	im->piece[im->n_pieces++] =
	    (struct lp_piece){.file = 0, .off = 0, .len = in->kernel.size, .dst_off = 0};

	if (in->n_mods) {
		/*
		 * The initrds, concatenated at 4-byte aligned offsets, served on request through
		 * the LoadFile2 protocol on the LINUX_EFI_INITRD_MEDIA_GUID vendor media device
		 * path (Linux's include/linux/efi.h; boot.rst "EFI HANDOVER PROTOCOL" points to
		 * it): read from disk straight into the buffer the kernel's stub allocates, with no
		 * copy.
		 */
		s = lp_add_initrds(p, in);
		if (s < 0)
			return s;
		p->seg[s].place = LP_SERVED;
	}
	p->mode = LP_MODE_EFI_IMAGE;
	p->entry_seg = 0;
	p->entry_off = 0; /* the firmware finds the entry point in the PE header */
	p->options = in->cmdline;
	p->bootinfo_kind = in->n_mods ? "EFI system table, command line as load options, initrd "
					"through LoadFile2 (LINUX_EFI_INITRD_MEDIA_GUID)"
				      : "EFI system table, command line as load options";
	return 0;
}

static int efi_plan(const struct lp_input *in, struct load_plan *p)
{
	struct pe_info pe;
	int r = pe_parse(in->kernel.head, in->kernel.head_len, in->kernel.size, &pe);

	if (r)
		return r;
	if (!pe_is_efi_app(&pe))
		return err_set(E_UNSUPP,
			       "not an x86-64 EFI application (machine 0x%x, subsystem %u)",
			       pe.machine, pe.subsystem);
	p->format = "efi";
	p->entry_kind = "EFI application";
	return efi_image_plan(in, p);
}

const struct format format_efi = {
    .name = "efi",
    .detect = efi_detect,
    .damaged = efi_damaged,
    .plan = efi_plan,
};
