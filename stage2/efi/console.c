/* console.c: UEFI console: ConOut/ConIn, plus the serial port driven raw (com1.c) when ConOut
 * lacks one, or where the config's `serial` and `console` say. */
#include "efi_priv.h"
#include "platform.h"
#include "com1.h"
#include "termkeys.h"
#include "utf8.h"

static bool raw_serial;	       /* we write the UART ourselves */
static bool raw_keys;	       /* and read keys from it (not when ConIn's terminal reads it) */
static bool use_conout = true; /* the menu and messages go to ConOut */
static bool serial_off;	       /* `serial off`: not even after ExitBootServices */
static bool conout_uart;       /* ConOut includes a serial terminal: the firmware drives COM1 */
/* What the UART was last programmed to by baton; baud 0: the firmware's speed, unknown. */
static int prog_port = 0x3f8, prog_baud;
static bool booted_out; /* after ExitBootServices only raw serial works */

void plat_serial_puts(const char *s)
{
	if (!serial_off)
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
	conout_uart = conout_has_serial();
	raw_serial = raw_keys = com1_present() && !conout_uart;
	if (raw_serial) {
		com1_init();
		prog_baud = 115200;
	}
	efi_st->ConOut->EnableCursor(efi_st->ConOut, FALSE);
}

/*
 * ConOut is the firmware's console splitter: with a serial terminal in it (OVMF's, on COM1, and
 * a PC's "console redirection"), whatever goes to ConOut goes to that port too, and baton cannot
 * take it out. So:
 *   serial off       no raw writes or reads, also after ExitBootServices; ConOut as it is
 *   serial PORT BAUD the port is programmed to BAUD (the firmware's own port only when a speed is
 *                    named: its terminal then runs at that speed too); raw writes go to PORT
 *                    unless it is the firmware's terminal's (COM1), which has the text already
 *   console screen   ConOut alone (with its serial terminal, if it has one)
 *   console serial   raw writes alone, ConOut untouched, when there is a UART at the port
 *                    (keys still come through ConIn too)
 */
void plat_console_setup(int port, int baud, enum cfg_console console)
{
	int p = port > 0 ? port : 0x3f8, b = baud > 0 ? baud : 115200;
	bool fw_has_it = conout_uart && p == 0x3f8;

	serial_off = port < 0;
	com1_select(p, b);
	bool have = !serial_off && com1_present();
	if (have && (p != prog_port || b != prog_baud) && (!fw_has_it || baud > 0)) {
		com1_init();
		prog_port = p;
		prog_baud = b;
	}
	raw_serial =
	    have && (console == CFG_CONSOLE_SERIAL || (console == CFG_CONSOLE_BOTH && !fw_has_it));
	/* ConIn's terminal reads the firmware's port: two readers would split key sequences. */
	raw_keys = raw_serial && !fw_has_it;
	use_conout = !raw_serial || console != CFG_CONSOLE_SERIAL;
}

static void conout(const char *s, size_t n)
{
	CHAR16 buf[129];
	size_t j = 0;

	for (size_t i = 0; i < n;) {
		if (j >= 126) {
			buf[j] = 0;
			efi_st->ConOut->OutputString(efi_st->ConOut, buf);
			j = 0;
		}
		if (s[i] == '\n')
			buf[j++] = L'\r';
		/* A non-ASCII character (UTF-8 titles) becomes one '?', as the menu's rows count
		 * it: ConOut fonts cover little beyond ASCII. */
		uint32_t c = utf8_get(s, n, &i);
		buf[j++] = c < 0x80 ? (CHAR16)c : L'?';
	}
	buf[j] = 0;
	if (j)
		efi_st->ConOut->OutputString(efi_st->ConOut, buf);
}

void plat_puts(const char *s)
{
	if (!booted_out && use_conout)
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
	if (use_conout) {
		efi_st->ConOut->SetAttribute(efi_st->ConOut, EFI_LIGHTGRAY | EFI_BACKGROUND_BLACK);
		efi_st->ConOut->ClearScreen(efi_st->ConOut);
	}
	serial_esc("\033[0m\033[2J\033[H");
}

void plat_goto(int col, int row)
{
	char b[16];

	if (use_conout)
		efi_st->ConOut->SetCursorPosition(efi_st->ConOut, (UINTN)col, (UINTN)row);
	snfmt(b, sizeof(b), "\033[%d;%dH", row + 1, col + 1);
	serial_esc(b);
}

void plat_highlight(bool on)
{
	if (use_conout)
		efi_st->ConOut->SetAttribute(efi_st->ConOut,
					     on ? (EFI_BLACK | EFI_BACKGROUND_LIGHTGRAY)
						: (EFI_LIGHTGRAY | EFI_BACKGROUND_BLACK));
	serial_esc(on ? "\033[7m" : "\033[0m");
}

void plat_console_size(int *cols, int *rows)
{
	UINTN c = 80, r = 25;

	/* A serial terminal alone: the size every terminal has (the BIOS's text mode's). */
	if (use_conout &&
	    efi_st->ConOut->QueryMode(efi_st->ConOut, efi_st->ConOut->Mode->Mode, &c, &r))
		c = 80, r = 25;
	/* Beside a wider screen, the raw serial line's terminal (its width unknown) would wrap
	 * every line: 80 columns for both. */
	if (raw_serial && c > 80)
		c = 80;
	*cols = (int)c;
	*rows = (int)r;
}

/* A key from ConIn; -1 when none is waiting. */
static int conin_key(void *ctx)
{
	EFI_INPUT_KEY k;

	if (efi_st->ConIn->ReadKeyStroke(efi_st->ConIn, &k) != EFI_SUCCESS)
		return -1;
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
	case 0x08: return KEY_DELETE;
	case 0x14: return KEY_F10;
	case 0x17: return KEY_ESC;
	}
	return k.UnicodeChar ? k.UnicodeChar : -1;
}

/* The next key ConIn gives within 50 ms (the rest of what a terminal sent at once), else -1. */
static int conin_next(void *ctx)
{
	uint64_t t = plat_time_us();

	for (;;) {
		int k = conin_key(ctx);
		if (k >= 0)
			return k;
		if (plat_time_us() - t >= 50000)
			return -1;
		efi_bs->Stall(1000);
	}
}

/*
 * EDK2's terminal driver (OVMF's serial console) in its default PC ANSI mode passes a sequence
 * it does not know on as Esc followed by its characters: an xterm's Delete, ESC [ 3 ~, arrives
 * as Esc, '[', '3', '~', all at once (a real Esc comes alone, 2 s later). Nor does it decode
 * UTF-8: a UTF-8 terminal's é comes as U+00C3 U+00A9. So ConIn's keys go through the same
 * decoder as COM1's bytes (termkeys.c).
 */
static struct tk_src conin = {conin_key, conin_next, NULL, -1};

int plat_getkey(int timeout_ms)
{
	uint64_t start = plat_time_us();

	for (;;) {
		int k = tk_key(&conin);
		if (k == KEY_NONE)
			k = raw_keys ? com1_key() : KEY_NONE;
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
