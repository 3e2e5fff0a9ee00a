/* termkeys.h: keys from what a terminal sends (VT100/xterm/VT220 and PC ANSI sequences, UTF-8),
 * pure, for every console that reads one: COM1 on both platforms, UEFI's ConIn. */
#ifndef BATON_TERMKEYS_H
#define BATON_TERMKEYS_H

#include "lib.h"

/*
 * Where the bytes come from. A value is a byte, or (ConIn) a UTF-16 character or a key already
 * decoded (enum key, from a scan code); -1 is none.
 */
struct tk_src {
	int (*poll)(void *ctx); /* the next value if one is waiting now */
	int (*next)(void *ctx); /* the next within the time a terminal takes to send a sequence */
	void *ctx;
	int held; /* a value read past the last key, taken first by the next one; -1: none */
};

void tk_init(struct tk_src *s, int (*poll)(void *), int (*next)(void *), void *ctx);
/*
 * The next key (a code point, or enum key from platform.h); KEY_NONE when nothing is waiting or
 * what came was a sequence baton does not know (dropped). Decoded:
 *   ESC [ params final, ESC O final (ECMA-48; xterm, VT220): arrows, Home/End (H F, 1~ 7~,
 *   4~ 8~), PgUp/PgDn (5~ 6~), Delete (3~), F10 (21~), a modifier ("ESC [ 1 ; 5 C") ignored; the
 *   PC ANSI keys of UEFI 2.10 appendix B.1 (ESC [ I, G, X, V); ESC alone is Esc, ESC and any
 *   other character are Esc then that character (Alt+key);
 *   UTF-8 (RFC 3629): a lead byte and its continuation bytes are one code point, a sequence cut
 *   short or malformed U+FFFD, any other byte from 0x80 (one no character starts with, or a lead
 *   byte with no continuation byte after it) the Latin-1 character it is (so ConIn's own
 *   characters and a Latin-1 terminal's bytes pass as they are);
 *   LF is Enter, DEL (127) Backspace.
 */
int tk_key(struct tk_src *s);

#endif
