/* com1.c: the serial port by its I/O ports: init, output, keys (xterm, VT220, PC ANSI; UTF-8). */
#include "com1.h"
#include "ioport.h"
#include "platform.h"

/* The 16550's registers, as offsets from its base port. */
#define THR 0 /* transmit (read: receive), or with LCR.DLAB the divisor's low byte */
#define IER 1 /* interrupt enable, or with LCR.DLAB the divisor's high byte */
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5

static uint16_t port = 0x3f8;
static uint16_t divisor = 1; /* of the 1.8432 MHz / 16 = 115200 baud clock */

void com1_select(int p, int baud)
{
	port = p > 0 ? (uint16_t)p : 0x3f8;
	divisor = (uint16_t)(baud > 0 ? 115200 / baud : 1);
}

bool com1_present(void)
{
	return inb(port + LSR) != 0xff;
}

void com1_init(void)
{
	/* LSR bit 6: transmitter empty, so the FIFO reset below loses nothing already written;
	 * bounded so a missing UART cannot hang us. */
	for (int i = 0; i < 100000 && !(inb(port + LSR) & 0x40); i++)
		;
	outb(port + IER, 0x00); /* no interrupts */
	outb(port + LCR, 0x80); /* DLAB */
	outb(port + THR, (uint8_t)divisor);
	outb(port + IER, (uint8_t)(divisor >> 8));
	outb(port + LCR, 0x03); /* 8n1 */
	outb(port + FCR, 0xc7); /* FIFO on and cleared, 14-byte trigger */
	outb(port + MCR, 0x03); /* DTR, RTS */
}

static void com1_putc(char c)
{
	/* LSR bit 5: transmit holding register empty; bounded so a missing UART cannot hang us. */
	for (int i = 0; i < 100000 && !(inb(port + LSR) & 0x20); i++)
		;
	outb(port + THR, (uint8_t)c);
}

void com1_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_putc('\r');
		com1_putc(*s);
	}
}

static int held = -1; /* a byte read after a lone ESC, returned next */

/* The next byte from the UART, waiting up to 50 ms (the rest of a sequence a terminal sends at
 * once); -1 when none came. */
static int next_byte(void *ctx)
{
	uint64_t t = plat_time_us();

	while (!(inb(port + LSR) & 1))
		if (plat_time_us() - t >= 50000)
			return -1;
	return inb(port + THR);
}

/*
 * What follows an ESC: ECMA-48 control sequences "ESC [ params final" and "ESC O final", as
 * xterm and VT220 terminals send the cursor and editing keys, plus the PC ANSI ones of UEFI 2.10
 * appendix B.1 (ESC [ F, G, I, V, X). A lone ESC is Esc; a modifier ("ESC [ 1 ; 5 C") is ignored.
 */
int vt_escape(int (*next)(void *ctx), void *ctx, int *after)
{
	int c = next(ctx), n = 0, num = 0;

	*after = -1;
	if (c != '[' && c != 'O') {
		*after = c; /* Esc, then this character as its own key (Alt+key sends both) */
		return KEY_ESC;
	}
	bool csi = c == '[';
	while ((c = next(ctx)) >= 0x30 && c <= 0x3f) { /* parameter bytes */
		if (c >= '0' && c <= '9' && n == 0)
			num = num * 10 + (c - '0');
		else if (c == ';')
			n++;
	}
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	}
	if (!csi)
		return KEY_NONE;
	switch (c) {
	case 'I': return KEY_PGUP;
	case 'G': return KEY_PGDN;
	case 'X': return KEY_DELETE;
	case 'V': return KEY_F10;
	case '~':
		switch (num) {
		case 1:
		case 7: return KEY_HOME;
		case 4:
		case 8: return KEY_END;
		case 3: return KEY_DELETE;
		case 5: return KEY_PGUP;
		case 6: return KEY_PGDN;
		case 21: return KEY_F10;
		}
	}
	return KEY_NONE;
}

int utf8_rest(int lead, int (*next)(void *ctx), void *ctx, int *after)
{
	int k = lead >= 0xc2 && lead <= 0xdf   ? 1
		: lead >= 0xe0 && lead <= 0xef ? 2
		: lead >= 0xf0 && lead <= 0xf4 ? 3
					       : 0;
	uint32_t cp = (uint32_t)lead & (0x3f >> k);

	*after = -1;
	for (int i = 0; i < k; i++) {
		int c = next(ctx);
		if (c < 0x80 || c > 0xbf) {
			*after = c;
			return i ? 0xfffd : -1;
		}
		cp = cp << 6 | (uint32_t)(c & 0x3f);
	}
	/* RFC 3629 section 3: overlong forms and surrogates are not characters. */
	if (!k ||
	    cp < (k == 2   ? 0x800u
		  : k == 3 ? 0x10000u
			   : 0) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0xfffd;
	return (int)cp;
}

/* A key typed on the terminal: a control sequence, a UTF-8 character, a byte. */
int com1_key(void)
{
	int c = held;

	held = -1;
	if (c < 0 && !(inb(port + LSR) & 1))
		return KEY_NONE;
	if (c < 0)
		c = inb(port + THR);
	if (c == 27)
		return vt_escape(next_byte, NULL, &held);
	if (c >= 0x80) {
		c = utf8_rest(c, next_byte, NULL, &held);
		return c < 0 ? 0xfffd : c;
	}
	return c == '\n' ? KEY_ENTER : c == 127 ? KEY_BACKSPACE : c;
}
