/* console.c: BIOS console: VGA text written directly, COM1 (com1.c), keys from INT 16h and COM1. */
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
static bool have_com1;
bool bios_booted_out;		/* after plat_exit_firmware(): serial only */
extern bool bios_graphics_mode; /* a VBE mode is set (firmware.c): text writes would not show */

void plat_serial_puts(const char *s)
{
	if (have_com1)
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
	have_com1 = com1_present();
	if (have_com1)
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

void plat_puts(const char *s)
{
	plat_serial_puts(s);
	if (bios_booted_out || bios_graphics_mode)
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
	for (int i = 0; i < ROWS * COLS; i++)
		vga[i] = (uint16_t)(ATTR_NORMAL << 8 | ' ');
	cur_col = cur_row = 0;
	hw_cursor();
	plat_serial_puts("\033[0m\033[2J\033[H");
}

void plat_goto(int col, int row)
{
	char b[16];

	cur_col = col < 0 ? 0 : col >= COLS ? COLS - 1 : col;
	cur_row = row < 0 ? 0 : row >= ROWS ? ROWS - 1 : row;
	snfmt(b, sizeof(b), "\033[%d;%dH", row + 1, col + 1);
	plat_serial_puts(b);
}

void plat_highlight(bool on)
{
	attr = on ? ATTR_HIGH : ATTR_NORMAL;
	plat_serial_puts(on ? "\033[7m" : "\033[0m");
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
		}
		return KEY_NONE;
	}
	if (ascii == '\n')
		return KEY_ENTER;
	return ascii;
}

int plat_getkey(int timeout_ms)
{
	uint64_t start = plat_time_us();

	for (;;) {
		int k = bios_key();
		if (k == KEY_NONE)
			k = have_com1 ? com1_key() : KEY_NONE;
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
