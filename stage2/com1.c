/* com1.c: the first serial port by its ports: init, output, and keys with VT100 sequences. */
#include "com1.h"
#include "ioport.h"
#include "platform.h"

#define COM1 0x3f8

bool com1_present(void)
{
	return inb(COM1 + 5) != 0xff;
}

void com1_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8n1 */
	outb(COM1 + 2, 0xc7); /* FIFO */
	outb(COM1 + 4, 0x03);
}

static void com1_putc(char c)
{
	/* LSR bit 5: transmit holding register empty; bounded so a missing UART cannot hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void com1_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_putc('\r');
		com1_putc(*s);
	}
}

/* Plain bytes and the VT100 cursor sequences (ESC [ A..D, H, F, 1~ 4~ 5~ 6~, or ESC O x). */
int com1_key(void)
{
	if (!(inb(COM1 + 5) & 1))
		return KEY_NONE;
	int c = inb(COM1);
	if (c != 27)
		return c == '\n' ? KEY_ENTER : c == 127 ? KEY_BACKSPACE : c;
	uint64_t t = plat_time_us();
	char seq[4] = {0};
	int n = 0;
	while (n < 3 && plat_time_us() - t < 50000) {
		if (inb(COM1 + 5) & 1) {
			seq[n++] = (char)inb(COM1);
			if (n >= 2 &&
			    (seq[n - 1] == '~' || (seq[n - 1] >= 'A' && seq[n - 1] <= 'Z')))
				break;
		}
	}
	if (n < 2 || (seq[0] != '[' && seq[0] != 'O'))
		return KEY_ESC;
	switch (seq[1]) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case '1': return KEY_HOME;
	case '4': return KEY_END;
	case '5': return KEY_PGUP;
	case '6': return KEY_PGDN;
	}
	return KEY_ESC;
}
