/* firmware.c: facts for boot information under BIOS: ACPI RSDP, SMBIOS, VBE display modes; reboot.
 */
#include "bios.h"
#include "platform.h"
#include "core.h"
#include "video.h"

bool bios_graphics_mode;
void bios_cursor(int *x, int *y); /* console.c */
static struct framebuffer vbe_fb; /* the VBE mode baton set, when bios_graphics_mode */
static struct {
	uint16_t mode, if_seg, if_off, if_len;
	uint8_t control[512], mode_info[256];
} vbe_set; /* its VBE blocks, for Multiboot */

static bool sum_ok(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s == 0;
}

/* ACPI 6.5, 5.2.5.1: the RSDP is on a 16-byte boundary in the EBDA's first KiB or in
 * 0xE0000-0xFFFFF; its first 20 bytes sum to zero (and all 36 from revision 2 on). */
static uint64_t find_rsdp(void)
{
	uint64_t ebda = (uint64_t) * (volatile uint16_t *)0x40e << 4;
	uint64_t ranges[2][2] = {{ebda, ebda + 1024}, {0xe0000, 0x100000}};

	for (int k = 0; k < 2; k++) {
		if (k == 0 && (ebda < 0x80000 || ebda >= 0xa0000))
			continue;
		for (uint64_t a = ranges[k][0]; a + 36 <= ranges[k][1]; a += 16) {
			const uint8_t *p = (const uint8_t *)(uintptr_t)a;
			if (memcmp(p, "RSD PTR ", 8) || !sum_ok(p, 20))
				continue;
			if (p[15] >= 2 && !sum_ok(p, MIN(get32(p + 20), 36u)))
				continue;
			return a;
		}
	}
	return 0;
}

/* SMBIOS 3.7, 5.2: "_SM_" (2.1, 31 bytes) and "_SM3_" (3.0, 24 bytes) anchors on 16-byte
 * boundaries in 0xF0000-0xFFFFF, each with a zero checksum over its entry point. */
static void find_smbios(struct bootenv *env)
{
	for (uint64_t a = 0xf0000; a + 32 <= 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;
		if (!env->smbios && !memcmp(p, "_SM_", 4) && p[5] >= 0x1f && p[5] <= 0x20 &&
		    sum_ok(p, p[5]))
			env->smbios = a;
		else if (!env->smbios3 && !memcmp(p, "_SM3_", 5) && p[6] >= 0x18 && sum_ok(p, p[6]))
			env->smbios3 = a;
	}
}

void plat_fill_bootenv(struct bootenv *env)
{
	env->acpi_rsdp = find_rsdp();
	find_smbios(env);
	if (bios_graphics_mode) {
		env->fb = vbe_fb;
		env->have_fb = true;
		env->have_vbe = true;
		env->vbe_mode = vbe_set.mode;
		env->vbe_if_seg = vbe_set.if_seg, env->vbe_if_off = vbe_set.if_off;
		env->vbe_if_len = vbe_set.if_len;
		memcpy(env->vbe_control, vbe_set.control, 512);
		memcpy(env->vbe_mode_info, vbe_set.mode_info, 256);
	} else {
		int x, y;
		bios_cursor(&x, &y);
		env->text_mode = true;
		env->text_x = (uint8_t)x, env->text_y = (uint8_t)y;
	}
}

/* --- VBE 2.0/3.0 (VESA BIOS Extension core functions, INT 10h AX=4F00h/4F01h/4F02h) --- */
#define VBE_INFO  (LOW_BUF)	    /* 512 bytes: VbeInfoBlock */
#define VBE_MODE  (LOW_BUF + 0x200) /* 256 bytes: ModeInfoBlock */
#define MAX_MODES 256

struct vbe_mode {
	uint16_t number;
	struct framebuffer fb;
};

static int vbe_call(uint32_t ax, uint32_t bx, uint32_t cx, uint32_t buf)
{
	struct bregs r = {.eax = ax, .ebx = bx, .ecx = cx, .edi = buf & 0xf, .es = buf >> 4};

	bios_call(0x10, &r);
	return (r.eax & 0xffff) == 0x004f ? 0 : -1;
}

/* Modes with a linear framebuffer in a direct-colour or packed-pixel model of 8+ bits. */
static int vbe_modes(struct vbe_mode *out, int max)
{
	uint8_t *info = (uint8_t *)(uintptr_t)VBE_INFO;
	uint16_t numbers[MAX_MODES];
	int nn = 0, n = 0;

	memset(info, 0, 512);
	memcpy(info, "VBE2", 4); /* ask for the VBE 2.0+ block */
	if (vbe_call(0x4f00, 0, 0, VBE_INFO) || memcmp(info, "VESA", 4))
		return 0;
	uint32_t fp = get32(info + 14); /* VideoModePtr: a real-mode far pointer */
	const uint16_t *list = (const uint16_t *)(uintptr_t)(((fp >> 16) << 4) + (fp & 0xffff));
	uint16_t version = get16(info + 4);
	/* Copy the list first: it may live in the info block that the mode calls reuse. */
	for (; nn < MAX_MODES && list[nn] != 0xffff; nn++)
		numbers[nn] = list[nn];
	for (int i = 0; i < nn && n < max; i++) {
		uint8_t *m = (uint8_t *)(uintptr_t)VBE_MODE;
		memset(m, 0, 256);
		if (vbe_call(0x4f01, 0, numbers[i], VBE_MODE))
			continue;
		uint16_t attr = get16(m);
		/* Supported (bit 0), graphics (bit 4), linear framebuffer (bit 7). */
		if ((attr & 0x91) != 0x91 || m[25] < 8 || (m[27] != 4 && m[27] != 6))
			continue;
		struct framebuffer *fb = &out[n].fb;
		memset(fb, 0, sizeof(*fb));
		fb->width = get16(m + 18);
		fb->height = get16(m + 20);
		fb->bpp = m[25];
		fb->base = get32(m + 40);
		/* VBE 3.0 has separate linear-mode pitch and masks (offsets 50 and 54). */
		bool v3 = version >= 0x300;
		fb->pitch = v3 && get16(m + 50) ? get16(m + 50) : get16(m + 16);
		const uint8_t *mask = v3 && m[54] ? m + 54 : m + 31;
		fb->red_size = mask[0], fb->red_pos = mask[1];
		fb->green_size = mask[2], fb->green_pos = mask[3];
		fb->blue_size = mask[4], fb->blue_pos = mask[5];
		fb->rsvd_size = mask[6], fb->rsvd_pos = mask[7];
		fb->size = (uint64_t)fb->pitch * fb->height;
		if (!fb->base || !fb->width || !fb->height)
			continue;
		out[n++].number = numbers[i];
	}
	return n;
}

/* Back to 80x25 text (mode 3) after a kernel's mode was set and the boot failed. */
void bios_text_mode(void)
{
	struct bregs r = {.eax = 0x0003};

	bios_call(0x10, &r);
	bios_graphics_mode = false;
}

int plat_set_video(const struct lp_video *req)
{
	char asked[48];

	if (!req->prefer)
		return 0;
	if (req->prefer == LP_CON_TEXT && (req->accept & LP_CON_TEXT)) {
		/* EGA text is what baton's own screen is: mode 3, 80x25. */
		if (bios_graphics_mode)
			bios_text_mode();
		con_printf("video: EGA text 80x25 for the kernel\n");
		return 0;
	}
	struct vbe_mode *modes = mem_alloc(MAX_MODES * sizeof(*modes));
	struct video_mode *vm = mem_alloc(MAX_MODES * sizeof(*vm));
	int n = modes && vm && (req->accept & LP_CON_FB) ? vbe_modes(modes, MAX_MODES) : 0;
	for (int i = 0; i < n; i++)
		vm[i] = (struct video_mode){modes[i].fb.width, modes[i].fb.height, modes[i].fb.bpp};
	int m = n ? video_choose(vm, n, -1, req) : -1;
	if (m < 0) {
		mem_free(modes);
		mem_free(vm);
		if (req->accept & LP_CON_TEXT) {
			con_printf(
			    "video: no VBE mode with a linear framebuffer: EGA text 80x25 for "
			    "the kernel\n");
			return 0;
		}
		if (req->required)
			return err_set(
			    E_UNSUPP,
			    "the kernel requires a framebuffer (%s), but the BIOS has no "
			    "VBE mode with a linear framebuffer",
			    req->source);
		con_printf("video: no VBE mode with a linear framebuffer: the kernel gets none\n");
		return 0;
	}
	if (req->width || req->height || req->depth) {
		strlcpy_b(asked, "asked ", sizeof(asked));
		video_dims(req, asked + 6, sizeof(asked) - 6);
	} else {
		strlcpy_b(asked, "no preferred mode", sizeof(asked));
	}
	/* Said before the switch: text written after it would not show. */
	con_printf("video: %ux%ux%u for the kernel (%s; was 80x25) with VBE mode 0x%x\n",
		   modes[m].fb.width, modes[m].fb.height, modes[m].fb.bpp, asked, modes[m].number);
	/* Bit 14: the linear framebuffer (VBE 3.0, function 02h). */
	if (vbe_call(0x4f02, 0x4000u | modes[m].number, 0, 0)) {
		con_printf("video: setting VBE mode 0x%x failed: the kernel gets EGA text\n",
			   modes[m].number);
		mem_free(modes);
		mem_free(vm);
		return req->required && !(req->accept & LP_CON_TEXT)
			   ? err_set(E_UNSUPP, "the BIOS could not set VBE mode 0x%x",
				     modes[m].number)
			   : 0;
	}
	vbe_fb = modes[m].fb;
	bios_graphics_mode = true;
	/* The blocks a Multiboot kernel gets, for the mode now set (mode number with the linear
	 * bit, as GRUB reports it), and the protected-mode interface (function 0Ah) if any. */
	memset(&vbe_set, 0, sizeof(vbe_set));
	vbe_set.mode = (uint16_t)(0x4000u | modes[m].number);
	memcpy((void *)(uintptr_t)VBE_INFO, "VBE2", 4);
	if (!vbe_call(0x4f00, 0, 0, VBE_INFO))
		memcpy(vbe_set.control, (void *)(uintptr_t)VBE_INFO, 512);
	if (!vbe_call(0x4f01, 0, modes[m].number, VBE_MODE))
		memcpy(vbe_set.mode_info, (void *)(uintptr_t)VBE_MODE, 256);
	struct bregs pm = {.eax = 0x4f0a};
	bios_call(0x10, &pm);
	if ((pm.eax & 0xffff) == 0x004f) {
		vbe_set.if_seg = pm.es, vbe_set.if_off = (uint16_t)pm.edi;
		vbe_set.if_len = (uint16_t)pm.ecx;
	}
	mem_free(modes);
	mem_free(vm);
	return 0;
}

/* --- what BIOS machines do not have --- */
void plat_bli_set(const char *name, const char *value)
{
}

void plat_bli_set_list(const char *name, const char *const *items, int n)
{
}

void plat_bli_set_bin(const char *name, const void *data, size_t len)
{
}

int plat_bli_get(const char *name, char *buf, size_t size)
{
	return E_NOENT;
}

void plat_bli_del(const char *name)
{
}

bool plat_bios(void)
{
	return true;
}

bool plat_can_start_images(void)
{
	return false;
}

int plat_start_image(const void *image, uint64_t size, const char *options,
		     const struct plat_source *initrd, const char *banner, const struct volume *vol,
		     const char *path)
{
	return err_set(E_UNSUPP,
		       "EFI applications need UEFI firmware; this machine booted by BIOS");
}

/* The keyboard controller's reset line (0x64 <- 0xFE), then the PCI reset register (0xCF9),
 * then a triple fault: one of them resets every PC. */
void plat_reboot(void)
{
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		;
	outb(0x64, 0xfe);
	for (volatile int i = 0; i < 10000000; i++)
		;
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	for (volatile int i = 0; i < 10000000; i++)
		;
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} none = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		__asm__ volatile("hlt");
}
