/* com1.h: the first serial port driven by its ports (16550 UART at 0x3F8), for both platforms. */
#ifndef BATON_COM1_H
#define BATON_COM1_H

#include <stdbool.h>

/* A UART that floats reads 0xff from every register: treat it as absent. */
bool com1_present(void);
/* 115200 baud, 8n1, FIFO on, no interrupts. */
void com1_init(void);
/* Writes s, LF as CR LF. */
void com1_puts(const char *s);
/* A key typed on the serial terminal: a plain byte or a VT100 cursor sequence; KEY_NONE. */
int com1_key(void);

#endif
