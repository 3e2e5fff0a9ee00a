/* console.c: BIOS console: VGA text written directly, the serial port (com1.c), keys from INT 16h
 * and the serial port; the config's `console` picks either or both. */
#include "bios.h"
#include "platform.h"
#include "com1.h"

#define COLS	    80
#define ROWS	    25
#define ATTR_NORMAL 0x07 /* light grey on black */
#define ATTR_HIGH   0x70 /* black on light grey */

static volatile uint16_t *const vga = (volatile uint16_t *)0xb8000;
static int cur_col, cur_row;
static uint8_t attr = ATTR_NORMAL;
static bool have_serial;		 /* a UART at the selected port, not `serial off` */
static bool to_serial, to_screen = true; /* where the menu and messages go (`console`) */
static int serial_port, serial_baud;	 /* the config's, as com1_select() got them */
bool bios_booted_out;			 /* after plat_exit_firmware(): serial only */
extern bool bios_graphics_mode; /* a VBE mode is set (firmware.c): text writes would not show */

void plat_serial_puts(const char *s)
{
	if (have_serial)
		com1_puts(s);
}

/* Terminal control for the serial side of the menu. */
static void serial_esc(const char *s)
{
	if (to_serial)
		com1_puts(s);
}

static void hw_cursor(void)
{
	uint16_t pos = (uint16_t)(cur_row * COLS + cur_col);

	outb(0x3d4, 0x0f);
	outb(0x3d5, (uint8_t)pos);
	outb(0x3d4, 0x0e);
	outb(0x3d5, (uint8_t)(pos >> 8));
}

void bios_console_init(void)
{
	have_serial = to_serial = com1_present();
	if (have_serial)
		com1_init();
	/* The cursor where the BIOS left it (BDA 0x450: column, row of page 0), then hidden:
	 * the menu shows the selection by colour. */
	const volatile uint8_t *bda = (const volatile uint8_t *)0x450;
	cur_col = bda[0] < COLS ? bda[0] : 0;
	cur_row = bda[1] < ROWS ? bda[1] : ROWS - 1;
	outb(0x3d4, 0x0a);
	outb(0x3d5, 0x20);
}

static void scroll(void)
{
	for (int i = 0; i < (ROWS - 1) * COLS; i++)
		vga[i] = vga[i + COLS];
	for (int i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
		vga[i] = (uint16_t)(ATTR_NORMAL << 8 | ' ');
	cur_row = ROWS - 1;
}

static void screen_putc(unsigned char c)
{
	if (c == '\n') {
		cur_col = 0;
		if (++cur_row == ROWS)
			scroll();
		return;
	}
	if (c == '\r') {
		cur_col = 0;
		return;
	}
	if (c == '\b') {
		if (cur_col)
			cur_col--;
		return;
	}
	/* Non-ASCII bytes (UTF-8 titles) become '?': code page 437 is not UTF-8. */
	if (c < 0x20 || c >= 0x7f)
		c = '?';
	if (cur_col == COLS) {
		cur_col = 0;
		if (++cur_row == ROWS)
			scroll();
	}
	vga[cur_row * COLS + cur_col++] = (uint16_t)(attr << 8 | c);
}

/*
 * `serial`: another port or speed is programmed at once; off stops every serial write and read.
 * `console`: screen or serial alone; serial alone with no UART there keeps the screen, so that
 * the menu is never nowhere. Once the firmware is left only the serial port is written.
 */
void plat_console_setup(int port, int baud, enum cfg_console console)
{
	if (port >= 0 && (port != serial_port || baud != serial_baud)) {
		com1_select(port, baud);
		serial_port = port;
		serial_baud = baud;
		if (com1_present())
			com1_init();
	}
	have_serial = port >= 0 && com1_present();
	to_serial = have_serial && console != CFG_CONSOLE_SCREEN;
	to_screen = console != CFG_CONSOLE_SERIAL || !to_serial;
}

void plat_puts(const char *s)
{
	if (to_serial || (bios_booted_out && have_serial))
		com1_puts(s);
	if (bios_booted_out || bios_graphics_mode || !to_screen)
		return;
	for (const char *p = s; *p; p++)
		screen_putc((unsigned char)*p);
	hw_cursor();
}

void bios_text_mode(void); /* firmware.c */

void plat_clear(void)
{
	if (bios_graphics_mode)
		bios_text_mode();
	attr = ATTR_NORMAL;
	cur_col = cur_row = 0;
	if (to_screen) {
		for (int i = 0; i < ROWS * COLS; i++)
			vga[i] = (uint16_t)(ATTR_NORMAL << 8 | ' ');
		hw_cursor();
	}
	serial_esc("\033[0m\033[2J\033[H");
}

void plat_goto(int col, int row)
{
	char b[16];

	cur_col = col < 0 ? 0 : col >= COLS ? COLS - 1 : col;
	cur_row = row < 0 ? 0 : row >= ROWS ? ROWS - 1 : row;
	snfmt(b, sizeof(b), "\033[%d;%dH", row + 1, col + 1);
	serial_esc(b);
}

void plat_highlight(bool on)
{
	attr = on ? ATTR_HIGH : ATTR_NORMAL;
	serial_esc(on ? "\033[7m" : "\033[0m");
}

void bios_cursor(int *x, int *y)
{
	*x = cur_col < COLS ? cur_col : COLS - 1;
	*y = cur_row;
}

void plat_console_size(int *cols, int *rows)
{
	*cols = COLS;
	*rows = ROWS;
}

/* INT 16h AH=11h (is a key waiting, ZF clear) and AH=10h (take it): the enhanced keyboard
 * calls, which also report the grey cursor keys. */
static int bios_key(void)
{
	struct bregs r = {.eax = 0x1100};

	bios_call(0x16, &r);
	if (r.eflags & BIOS_ZF)
		return KEY_NONE;
	r = (struct bregs){.eax = 0x1000};
	bios_call(0x16, &r);
	uint8_t ascii = (uint8_t)r.eax, scan = (uint8_t)(r.eax >> 8);
	if (ascii == 0 || ascii == 0xe0) {
		switch (scan) { /* IBM PC scan codes, set 1 */
		case 0x48: return KEY_UP;
		case 0x50: return KEY_DOWN;
		case 0x4b: return KEY_LEFT;
		case 0x4d: return KEY_RIGHT;
		case 0x47: return KEY_HOME;
		case 0x4f: return KEY_END;
		case 0x49: return KEY_PGUP;
		case 0x51: return KEY_PGDN;
		case 0x53: return KEY_DELETE;
		case 0x44: return KEY_F10;
		}
		return KEY_NONE;
	}
	if (ascii == '\n')
		return KEY_ENTER;
	/* Keys are code points; code page 437's upper half is not Unicode's: U+FFFD. */
	return ascii < 0x80 ? ascii : 0xfffd;
}

int plat_getkey(int timeout_ms)
{
	uint64_t start = plat_time_us();

	for (;;) {
		int k = bios_key();
		if (k == KEY_NONE)
			k = to_serial ? com1_key() : KEY_NONE;
		if (k != KEY_NONE)
			return k;
		if (timeout_ms >= 0 && plat_time_us() - start >= (uint64_t)timeout_ms * 1000)
			return KEY_NONE;
		/* About 2 ms between polls: each INT 16h is a trip to real mode. */
		uint64_t t = plat_time_us();
		while (plat_time_us() - t < 2000)
			__asm__ volatile("pause");
	}
}
