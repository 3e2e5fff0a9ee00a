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
/* A key typed on the serial terminal (a character, a VT100/xterm/PC ANSI key sequence, UTF-8:
 * termkeys.h); KEY_NONE when none is waiting. */
int com1_key(void);

#endif
