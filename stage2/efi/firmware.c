/* firmware.c: facts for boot information under UEFI: system table, ACPI RSDP, GOP framebuffer. */
#include "efi_priv.h"
#include "platform.h"

static void mask_bits(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	*pos = *size = 0;
	if (!mask)
		return;
	while (!(mask & 1))
		mask >>= 1, (*pos)++;
	while (mask & 1)
		mask >>= 1, (*size)++;
}

static void fill_fb(struct bootenv *env)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;

	if (efi_bs->LocateProtocol(&efi_guid_gop, NULL, (void **)&gop) != EFI_SUCCESS || !gop ||
	    !gop->Mode || !gop->Mode->Info)
		return;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = gop->Mode->Info;
	struct framebuffer *fb = &env->fb;
	uint32_t r, g, b, x;

	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		r = 0xff, g = 0xff00, b = 0xff0000, x = 0xff000000;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		b = 0xff, g = 0xff00, r = 0xff0000, x = 0xff000000;
		break;
	case PixelBitMask:
		r = mi->PixelInformation.RedMask, g = mi->PixelInformation.GreenMask;
		b = mi->PixelInformation.BlueMask, x = mi->PixelInformation.ReservedMask;
		break;
	default: /* PixelBltOnly: no linear framebuffer to hand over */ return;
	}
	mask_bits(r, &fb->red_pos, &fb->red_size);
	mask_bits(g, &fb->green_pos, &fb->green_size);
	mask_bits(b, &fb->blue_pos, &fb->blue_size);
	mask_bits(x, &fb->rsvd_pos, &fb->rsvd_size);
	fb->bpp = (uint8_t)efi_gop_bpp(mi);
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = mi->HorizontalResolution;
	fb->height = mi->VerticalResolution;
	/* A bit-mask pixel need not be 32 bits: the pitch follows its size. */
	fb->pitch = mi->PixelsPerScanLine * ((fb->bpp + 7) / 8);
	env->have_fb = true;
}

void plat_fill_bootenv(struct bootenv *env)
{
	/* SMBIOS_TABLE_GUID and SMBIOS3_TABLE_GUID (UEFI 4.6 "Industry Standard Configuration
	 * Tables"). */
	static const EFI_GUID smbios = {
	    0xeb9d2d31, 0x2d88, 0x11d3, {0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}};
	static const EFI_GUID smbios3 = {
	    0xf2fd1544, 0x9794, 0x4a2c, {0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94}};

	env->efi_systab = (uint64_t)(uintptr_t)efi_st;
	env->efi_image = (uint64_t)(uintptr_t)efi_image;
	for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &efi_st->ConfigurationTable[i];
		if (efi_guid_eq(&t->VendorGuid, &efi_guid_acpi20))
			env->acpi_rsdp = (uint64_t)(uintptr_t)t->VendorTable;
		else if (!env->acpi_rsdp && efi_guid_eq(&t->VendorGuid, &efi_guid_acpi10))
			env->acpi_rsdp = (uint64_t)(uintptr_t)t->VendorTable;
		else if (efi_guid_eq(&t->VendorGuid, &smbios))
			env->smbios = (uint64_t)(uintptr_t)t->VendorTable;
		else if (efi_guid_eq(&t->VendorGuid, &smbios3))
			env->smbios3 = (uint64_t)(uintptr_t)t->VendorTable;
	}
	fill_fb(env);
}
