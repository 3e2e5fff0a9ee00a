/* video.c: display modes under UEFI: the GOP's modes (QueryMode) and the kernel's (SetMode). */
#include "efi_priv.h"
#include "platform.h"
#include "core.h"
#include "video.h"

uint32_t efi_gop_bpp(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi)
{
	/* UEFI 12.9 EFI_GRAPHICS_PIXEL_FORMAT: the two 8-bit-per-colour formats are 32-bit
	 * pixels; a bit-mask pixel spans its masks. */
	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
	case PixelBlueGreenRedReserved8BitPerColor: return 32;
	case PixelBitMask:
		return video_mask_bpp(mi->PixelInformation.RedMask, mi->PixelInformation.GreenMask,
				      mi->PixelInformation.BlueMask,
				      mi->PixelInformation.ReservedMask);
	default: return 0;
	}
}

/* Every mode the GOP offers (its bpp 0 when QueryMode fails); NULL when none. */
static struct video_mode *list_modes(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, int *n)
{
	struct video_mode *modes;

	*n = (int)MIN(gop->Mode->MaxMode, 1024u);
	modes = *n ? mem_zalloc((size_t)*n * sizeof(*modes)) : NULL;
	if (!modes)
		return NULL;
	for (int i = 0; i < *n; i++) {
		EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = NULL;
		UINTN size = 0;
		/* UEFI 12.9 QueryMode: the caller frees the information buffer. */
		if (gop->QueryMode(gop, (UINT32)i, &size, &mi) != EFI_SUCCESS || !mi)
			continue;
		if (size >= sizeof(*mi))
			modes[i] = (struct video_mode){mi->HorizontalResolution,
						       mi->VerticalResolution, efi_gop_bpp(mi)};
		efi_bs->FreePool(mi);
	}
	return modes;
}

int plat_set_video(const struct lp_video *req)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	struct video_mode *modes = NULL;
	int n = 0, m = -1, cur = -1;
	char asked[48];

	if (!req->prefer)
		return 0;
	if (efi_bs->LocateProtocol(&efi_guid_gop, NULL, (void **)&gop) == EFI_SUCCESS && gop &&
	    gop->Mode) {
		modes = list_modes(gop, &n);
		cur = (int)gop->Mode->Mode;
	}
	if (modes && (req->accept & LP_CON_FB))
		m = video_choose(modes, n, cur, req);
	if (m < 0) {
		/* UEFI has no EGA text mode: a framebuffer is the only console it can give. */
		const char *why = !(req->accept & LP_CON_FB)
				      ? "UEFI has no EGA text mode"
				      : "the firmware has no graphics output (GOP) with a "
					"linear framebuffer";
		mem_free(modes);
		if (req->required)
			return err_set(E_UNSUPP, "the kernel requires %s (%s), but %s",
				       req->accept & LP_CON_FB ? "a framebuffer" : "EGA text",
				       req->source, why);
		con_printf("video: %s: the kernel gets no framebuffer\n", why);
		return 0;
	}
	struct video_mode was = cur >= 0 && cur < n ? modes[cur] : (struct video_mode){0};
	if (m != cur) {
		EFI_STATUS st = gop->SetMode(gop, (UINT32)m);
		if (st != EFI_SUCCESS) {
			con_printf(
			    "video: setting %ux%ux%u failed (%s): the firmware's mode stays\n",
			    modes[m].width, modes[m].height, modes[m].bpp, efi_status_str(st));
			mem_free(modes);
			return 0;
		}
	}
	struct video_mode got = modes[m];
	mem_free(modes);
	if (req->width || req->height || req->depth) {
		strlcpy_b(asked, "asked ", sizeof(asked));
		video_dims(req, asked + 6, sizeof(asked) - 6);
	} else {
		strlcpy_b(asked, "no preferred mode", sizeof(asked));
	}
	if (req->prefer == LP_CON_TEXT)
		con_printf(
		    "video: %ux%ux%u for the kernel (it asked for EGA text, which UEFI does not "
		    "have)\n",
		    got.width, got.height, got.bpp);
	else if (m != cur)
		con_printf("video: %ux%ux%u for the kernel (%s; was %ux%ux%u)\n", got.width,
			   got.height, got.bpp, asked, was.width, was.height, was.bpp);
	else
		con_printf("video: %ux%ux%u for the kernel (%s; the firmware's mode)\n", got.width,
			   got.height, got.bpp, asked);
	return 0;
}
