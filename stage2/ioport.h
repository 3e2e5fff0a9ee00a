/* ioport.h: x86 port I/O (COM1, the PIT, the keyboard controller), for both platforms. */
#ifndef BATON_IOPORT_H
#define BATON_IOPORT_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
