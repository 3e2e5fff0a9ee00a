/* console.c: UEFI console: ConOut/ConIn, plus raw COM1 when ConOut lacks a serial port. */
#include "efi_priv.h"
#include "platform.h"
#include "com1.h"

static bool raw_serial; /* we drive COM1 ourselves (ConOut does not include it) */
static bool booted_out; /* after ExitBootServices only raw serial works */

void plat_serial_puts(const char *s)
{
	com1_puts(s);
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
	raw_serial = com1_present() && !conout_has_serial();
	if (raw_serial)
		com1_init();
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
			k = raw_serial ? com1_key() : KEY_NONE;
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
