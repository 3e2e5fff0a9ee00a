/* console.c: UEFI console: ConOut/ConIn, plus raw COM1 when ConOut lacks a serial port. */
#include "efi_priv.h"
#include "platform.h"

static bool raw_serial; /* we drive COM1 ourselves (ConOut does not include it) */
static bool booted_out; /* after ExitBootServices only raw serial works */

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

#define COM1 0x3f8

static void serial_putc(char c)
{
	/* LSR bit 5: transmit holding register empty. Bounded so a missing UART cannot hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void plat_serial_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

/* Does the ConOut variable's device path include a UART node (UEFI 10.3.4.x, type 3 subtype 14)? */
static bool conout_has_serial(void)
{
	uint8_t buf[1024];
	UINTN size = sizeof(buf);
	UINT32 attr;

	if (efi_st->RuntimeServices->GetVariable(L"ConOut", &efi_guid_global_var, &attr, &size,
						 buf))
		return false;
	for (UINTN off = 0; off + 4 <= size;) {
		EFI_DEVICE_PATH *n = (EFI_DEVICE_PATH *)(buf + off);
		UINT16 len = get16(n->Length);
		if (len < 4)
			break;
		if (n->Type == MESSAGING_DEVICE_PATH && n->SubType == MSG_UART_DP)
			return true;
		off += len;
	}
	return false;
}

void efi_console_init(void)
{
	/* A UART that floats reads 0xff from every register: treat it as absent. */
	bool have_com1 = inb(COM1 + 5) != 0xff;

	raw_serial = have_com1 && !conout_has_serial();
	if (raw_serial) {
		outb(COM1 + 1, 0x00); /* no interrupts */
		outb(COM1 + 3, 0x80); /* DLAB */
		outb(COM1 + 0, 0x01); /* 115200 baud */
		outb(COM1 + 1, 0x00);
		outb(COM1 + 3, 0x03); /* 8n1 */
		outb(COM1 + 2, 0xc7); /* FIFO */
		outb(COM1 + 4, 0x03);
	}
	efi_st->ConOut->EnableCursor(efi_st->ConOut, FALSE);
}

static void conout(const char *s, size_t n)
{
	CHAR16 buf[129];
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (j >= 126) {
			buf[j] = 0;
			efi_st->ConOut->OutputString(efi_st->ConOut, buf);
			j = 0;
		}
		if (s[i] == '\n')
			buf[j++] = L'\r';
		/* Non-ASCII bytes (UTF-8 titles) become '?': ConOut fonts cover little beyond
		 * ASCII. */
		buf[j++] = (unsigned char)s[i] < 0x80 ? (CHAR16)s[i] : L'?';
	}
	buf[j] = 0;
	if (j)
		efi_st->ConOut->OutputString(efi_st->ConOut, buf);
}

void plat_puts(const char *s)
{
	if (!booted_out)
		conout(s, strlen(s));
	if (raw_serial || booted_out)
		plat_serial_puts(s);
}

static void serial_esc(const char *s)
{
	if (raw_serial && !booted_out)
		plat_serial_puts(s);
}

void plat_clear(void)
{
	efi_st->ConOut->SetAttribute(efi_st->ConOut, EFI_LIGHTGRAY | EFI_BACKGROUND_BLACK);
	efi_st->ConOut->ClearScreen(efi_st->ConOut);
	serial_esc("\033[0m\033[2J\033[H");
}

void plat_goto(int col, int row)
{
	char b[16];

	efi_st->ConOut->SetCursorPosition(efi_st->ConOut, (UINTN)col, (UINTN)row);
	snfmt(b, sizeof(b), "\033[%d;%dH", row + 1, col + 1);
	serial_esc(b);
}

void plat_highlight(bool on)
{
	efi_st->ConOut->SetAttribute(efi_st->ConOut, on ? (EFI_BLACK | EFI_BACKGROUND_LIGHTGRAY)
							: (EFI_LIGHTGRAY | EFI_BACKGROUND_BLACK));
	serial_esc(on ? "\033[7m" : "\033[0m");
}

void plat_console_size(int *cols, int *rows)
{
	UINTN c = 80, r = 25;

	if (efi_st->ConOut->QueryMode(efi_st->ConOut, efi_st->ConOut->Mode->Mode, &c, &r))
		c = 80, r = 25;
	*cols = (int)c;
	*rows = (int)r;
}

/* Raw serial input: plain bytes and the VT100 cursor sequences (ESC [ A..D, H, F, 1~ 4~ 5~ 6~). */
static int serial_key(void)
{
	if (!raw_serial || !(inb(COM1 + 5) & 1))
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

static int efi_key(void)
{
	EFI_INPUT_KEY k;

	if (efi_st->ConIn->ReadKeyStroke(efi_st->ConIn, &k) != EFI_SUCCESS)
		return KEY_NONE;
	/* UEFI 12.3 "EFI scan codes". */
	switch (k.ScanCode) {
	case 0x01: return KEY_UP;
	case 0x02: return KEY_DOWN;
	case 0x03: return KEY_RIGHT;
	case 0x04: return KEY_LEFT;
	case 0x05: return KEY_HOME;
	case 0x06: return KEY_END;
	case 0x09: return KEY_PGUP;
	case 0x0a: return KEY_PGDN;
	case 0x17: return KEY_ESC;
	}
	if (k.UnicodeChar == '\n')
		return KEY_ENTER;
	return k.UnicodeChar ? k.UnicodeChar : KEY_NONE;
}

int plat_getkey(int timeout_ms)
{
	uint64_t start = plat_time_us();

	for (;;) {
		int k = efi_key();
		if (k == KEY_NONE)
			k = serial_key();
		if (k != KEY_NONE)
			return k;
		if (timeout_ms >= 0 && plat_time_us() - start >= (uint64_t)timeout_ms * 1000)
			return KEY_NONE;
		efi_bs->Stall(2000);
	}
}

void efi_console_booted_out(void)
{
	booted_out = true;
}
