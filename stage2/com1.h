/* com1.h: the serial port driven by its I/O ports (a 16550 UART: COM1 unless the config names
 * another), for both platforms. */
#ifndef BATON_COM1_H
#define BATON_COM1_H

#include <stdbool.h>

/* The UART the functions below drive: port 0 is COM1 (0x3f8), baud 0 is 115200. Until called,
 * COM1 at 115200. Does not touch the hardware: com1_init() does. */
void com1_select(int port, int baud);
/* A UART that floats reads 0xff from every register: treat it as absent. */
bool com1_present(void);
/* The selected speed, 8n1, FIFO on, no interrupts; bytes still being sent go out first. */
void com1_init(void);
/* Writes s, LF as CR LF. */
void com1_puts(const char *s);
/* A key typed on the serial terminal (a character, a VT100/xterm/PC ANSI key sequence); KEY_NONE.
 */
int com1_key(void);
/*
 * Decodes the key sequence after an ESC (xterm, VT220, PC ANSI): next(ctx) gives the character
 * after the last, or -1 when none comes in the time a terminal takes to send a sequence. A
 * character read that starts no sequence goes to *after (-1: none), to be taken as a key next.
 */
int vt_escape(int (*next)(void *ctx), void *ctx, int *after);
/*
 * Decodes a UTF-8 character (RFC 3629) whose lead byte came as a key: next() as for
 * vt_escape(). Returns its code point; U+FFFD when it is malformed; -1 when not a single
 * continuation byte followed (the lead alone; what came instead is in *after).
 */
int utf8_rest(int lead, int (*next)(void *ctx), void *ctx, int *after);

#endif
