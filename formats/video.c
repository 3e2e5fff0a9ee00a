/* video.c: the display mode a kernel's video request gets, chosen among the firmware's modes. */
#include "video.h"

/*
 * The rule, first step that finds a mode wins:
 *
 *  1. No preferred size or depth (all 0), or a text request: the current mode. The firmware
 *     chose it (usually the panel's native size), and keeping it means no switch. This is what
 *     GRUB does for "auto" on GOP.
 *  2. Exact: the width, height and depth asked for (a 0 matches anything). Among several, the
 *     current mode first (no switch), then the largest, then the deepest.
 *  3. The asked width and height at another depth. GOP modes are nearly all 32 bits per pixel,
 *     so a kernel asking for 1024x768x16 still gets the size it lays its screen out for; it
 *     reads the real depth from the boot information. Steps 2 and 3 are GRUB's mode string for
 *     a Multiboot request, "WxHxD,WxH,auto".
 *  4. The largest mode no wider and no taller than asked (a 0 bounds nothing), at the asked
 *     depth if there is one: a kernel that sized its buffers or layout for WxH copes with less,
 *     while more could overrun what it assumed. GRUB would keep the current mode here, which
 *     may well be bigger than asked.
 *  5. The current mode; if it has no linear framebuffer, the largest mode that has one.
 *
 * Modes without a linear framebuffer (bpp 0) are never chosen.
 */

static bool usable(const struct video_mode *m)
{
	return m->bpp && m->width && m->height;
}

static uint64_t area(const struct video_mode *m)
{
	return (uint64_t)m->width * m->height;
}

/* Is a a better pick than b? size_first: the largest wins before the current mode does. */
static bool better(const struct video_mode *modes, int a, int b, int current, uint32_t depth,
		   bool size_first)
{
	const struct video_mode *ma = &modes[a], *mb = &modes[b];

	if (size_first && area(ma) != area(mb))
		return area(ma) > area(mb);
	if ((a == current) != (b == current))
		return a == current;
	if (area(ma) != area(mb))
		return area(ma) > area(mb);
	if (depth && (ma->bpp == depth) != (mb->bpp == depth))
		return ma->bpp == depth;
	if (ma->bpp != mb->bpp)
		return ma->bpp > mb->bpp;
	return a < b;
}

enum step { EXACT, SAME_SIZE, FITS, ANY };

static bool matches(const struct video_mode *m, const struct lp_video *r, enum step s)
{
	switch (s) {
	case EXACT:
		return (!r->width || m->width == r->width) &&
		       (!r->height || m->height == r->height) && (!r->depth || m->bpp == r->depth);
	case SAME_SIZE:
		return (!r->width || m->width == r->width) &&
		       (!r->height || m->height == r->height);
	case FITS:
		return (!r->width || m->width <= r->width) &&
		       (!r->height || m->height <= r->height);
	default: return true;
	}
}

static int pick(const struct video_mode *modes, int n, int current, const struct lp_video *r,
		enum step s)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (usable(&modes[i]) && matches(&modes[i], r, s) &&
		    (best < 0 || better(modes, i, best, current, r->depth, s >= FITS)))
			best = i;
	return best;
}

int video_choose(const struct video_mode *modes, int n, int current, const struct lp_video *req)
{
	bool cur_ok = current >= 0 && current < n && usable(&modes[current]);
	int m = -1;

	if (req->prefer == LP_CON_FB && (req->width || req->height || req->depth)) {
		m = pick(modes, n, current, req, EXACT);
		if (m < 0 && (req->width || req->height))
			m = pick(modes, n, current, req, SAME_SIZE);
		if (m < 0 && (req->width || req->height))
			m = pick(modes, n, current, req, FITS);
	}
	if (m < 0)
		m = cur_ok ? current : pick(modes, n, current, req, ANY);
	return m;
}

uint32_t video_mask_bpp(uint32_t r, uint32_t g, uint32_t b, uint32_t x)
{
	uint32_t all = r | g | b | x, bpp = 0;

	while (all)
		all >>= 1, bpp++;
	return bpp;
}

void video_dims(const struct lp_video *v, char *buf, size_t n)
{
	bool text = v->prefer == LP_CON_TEXT;

	if (!n)
		return;
	buf[0] = 0;
	for (int i = 0; i < (text ? 2 : 3); i++) {
		uint32_t d = i == 0 ? v->width : i == 1 ? v->height : v->depth;
		size_t at = strlen(buf);
		if (d)
			snfmt(buf + at, n - at, "%s%u", i ? "x" : "", d);
		else
			snfmt(buf + at, n - at, "%s*", i ? "x" : "");
	}
}

void video_describe(const struct lp_video *v, char *buf, size_t n)
{
	static const char *const name[] = {"no console", "framebuffer", "EGA text",
					   "framebuffer or EGA text"};
	bool text = v->prefer == LP_CON_TEXT;
	char d[48];

	if (!v->prefer) {
		snfmt(buf, n, "no request (the firmware's mode stays)");
		return;
	}
	if (!v->width && !v->height && (text || !v->depth)) {
		strlcpy_b(d, " (no preferred mode)", sizeof(d));
	} else {
		d[0] = ' ';
		video_dims(v, d + 1, sizeof(d) - 1);
		strlcpy_b(d + strlen(d), " preferred", sizeof(d) - strlen(d));
	}
	snfmt(buf, n, "%s%s, accepts %s; %s (%s)", text ? "EGA text" : "framebuffer", d,
	      name[v->accept & 3], v->required ? "required" : "optional",
	      v->source ? v->source : "?");
}
