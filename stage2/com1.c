/* com1.c: the serial port by its I/O ports: init, output, keys (decoded by termkeys.c). */
#include "com1.h"
#include "ioport.h"
#include "platform.h"
#include "termkeys.h"

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

/* A byte if the UART has one; -1 when none. */
static int poll_byte(void *ctx)
{
	return inb(port + LSR) & 1 ? inb(port + THR) : -1;
}

/* The next byte, waiting up to 50 ms (the rest of a sequence a terminal sends at once); -1 when
 * none came. */
static int next_byte(void *ctx)
{
	uint64_t t = plat_time_us();

	while (!(inb(port + LSR) & 1))
		if (plat_time_us() - t >= 50000)
			return -1;
	return inb(port + THR);
}

static struct tk_src keys = {poll_byte, next_byte, NULL, -1};

/* A key typed on the terminal: a control sequence, a UTF-8 character, a byte (termkeys.c). */
int com1_key(void)
{
	return tk_key(&keys);
}
