/* test_efitrap.c: unit tests of stage2/efi/trap.c's choice of console for the exception dump. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../stage2/efi/trap.c"

const char ImageBase[1], _edata[1];
EFI_HANDLE efi_image;
EFI_BOOT_SERVICES *efi_bs;

static EFI_BOOT_SERVICES bs;
static EFI_TPL tpl;
static char console[64], serial[64]; /* what plat_puts() and plat_serial_puts() got */
static int highlights;		     /* plat_highlight() calls */

static EFI_TPL EFIAPI fake_raise(EFI_TPL to)
{
	EFI_TPL old = tpl;

	tpl = to;
	return old;
}

static VOID EFIAPI fake_restore(EFI_TPL to)
{
	tpl = to;
}

void plat_puts(const char *s)
{
	strncat(console, s, sizeof(console) - strlen(console) - 1);
}

void plat_serial_puts(const char *s)
{
	strncat(serial, s, sizeof(serial) - strlen(serial) - 1);
}

void plat_highlight(bool on)
{
	highlights++;
}

void plat_reboot(void)
{
}

void trap_gate(void *idt, int v, uint16_t cs, int ist)
{
}

void trap_tss_desc(void *desc, const void *tss)
{
}

/* An exception at TPL t: where the dump goes, and what happens after it. */
static const char *dump_at(EFI_TPL t)
{
	struct trap_place w;

	memset(&bs, 0, sizeof(bs));
	bs.RaiseTPL = fake_raise;
	bs.RestoreTPL = fake_restore;
	efi_bs = &bs;
	tpl = t;
	console[0] = serial[0] = 0;
	highlights = 0;
	const char *how = trap_plat_begin(&w);
	assert_int_equal(tpl, t); /* read, not changed */
	trap_plat_puts("dump");
	return how;
}

/* Up to TPL_NOTIFY the console protocols may be called (UEFI 7.1): the dump goes to the
 * console; above, to the serial port alone. Exit only from TPL_APPLICATION. */
static void test_dump_console(void **state)
{
	assert_string_equal(dump_at(TPL_APPLICATION), "Returning to the firmware");
	assert_string_equal(console, "dump");
	assert_string_equal(serial, "");
	assert_int_equal(highlights, 1);
	assert_string_equal(dump_at(TPL_CALLBACK), "Resetting");
	assert_string_equal(console, "dump");
	assert_string_equal(dump_at(TPL_NOTIFY), "Resetting");
	assert_string_equal(console, "dump");
	assert_string_equal(serial, "");
	assert_string_equal(dump_at(TPL_HIGH_LEVEL), "Resetting");
	assert_string_equal(console, "");
	assert_string_equal(serial, "dump");
	assert_int_equal(highlights, 0);
	dump_at(TPL_NOTIFY + 1);
	assert_string_equal(console, "");
	assert_string_equal(serial, "dump");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dump_console),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
