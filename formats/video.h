/* video.h: which firmware display mode a kernel's video request gets (pure, host-tested). */
#ifndef BATON_VIDEO_H
#define BATON_VIDEO_H

#include "loadplan.h"

/* A mode the firmware offers. */
struct video_mode {
	uint32_t width, height; /* pixels */
	uint32_t bpp;		/* bits per pixel; 0: no linear framebuffer (UEFI PixelBltOnly) */
};

/*
 * The index of the mode to set for req among modes[0, n), current being the mode set now (-1:
 * unknown). Returns current when no other mode serves better, -1 when no mode has a linear
 * framebuffer. The rule is in video.c.
 */
int video_choose(const struct video_mode *modes, int n, int current, const struct lp_video *req);

/* Bits per pixel of a pixel given by channel masks (UEFI PixelBitMask): up to the highest bit
 * any mask uses, as the pixel's size counts the bits below it too. */
uint32_t video_mask_bpp(uint32_t r, uint32_t g, uint32_t b, uint32_t x);

/* The request's mode as "1024x768x32" ("80x25" for text), a * for each value left open. */
void video_dims(const struct lp_video *v, char *buf, size_t n);

/* The request in words, for `baton probe` and messages: "framebuffer 1024x768x32 preferred,
 * EGA text accepted; optional (Multiboot header flag 2)". */
void video_describe(const struct lp_video *v, char *buf, size_t n);

#endif
