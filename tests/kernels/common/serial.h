/* serial.h: COM1 output and QEMU isa-debug-exit for the x86 conformance kernels. */
#ifndef CONF_SERIAL_H
#define CONF_SERIAL_H

#define COM1	 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THRE 0x20 /* transmit holding register empty */
#define DEBUG_EXIT_PORT                                                                            \
	0xf4		     /* -device isa-debug-exit,iobase=0xf4: QEMU exits with (v << 1) | 1   \
			      */
#define DEBUG_EXIT_PASS 0x10 /* QEMU exit status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* QEMU exit status 35 */

#ifndef __ASSEMBLER__ /* the constants above serve kasm.h too */
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

/* The firmware left COM1 programmed; poll LSR bit 5 before each byte (bounded: a missing UART reads
 * 0xff). */
static inline void serial_putc(char c)
{
	for (unsigned spin = 0; spin < 1000000 && !(inb(COM1_LSR) & LSR_THRE); spin++)
		__asm__ volatile("pause");
	outb(COM1, (uint8_t)c);
}

static inline __attribute__((noreturn)) void debug_exit(uint8_t code)
{
	outb(DEBUG_EXIT_PORT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}
#endif

#endif
