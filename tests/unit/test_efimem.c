/* test_efimem.c: unit tests of stage2/efi/mem.c's way out of boot services, on fake firmware. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* mem.c's pool heap under other names: the host library has its own mem_alloc. */
#define mem_alloc efi_mem_alloc
#define mem_free  efi_mem_free
#include "../../stage2/efi/mem.c"
#undef mem_alloc
#undef mem_free

EFI_HANDLE efi_image;
EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;

static EFI_BOOT_SERVICES bs;
static bool traps_on;	       /* plat_traps()'s state */
static int n_getmap, n_exit;   /* calls with a buffer, ExitBootServices calls */
static EFI_STATUS getmap_fail; /* GetMemoryMap's status on the call with a buffer */
static int exit_fails;	       /* ExitBootServices says the map changed this many times */
static bool exit_traps_on;     /* were baton's handlers on at an ExitBootServices call? */

void plat_traps(bool on)
{
	traps_on = on;
}

void efi_console_booted_out(void)
{
}

void plat_serial_puts(const char *s)
{
}

uint64_t plat_time_us(void)
{
	return 0;
}

/* One conventional-memory descriptor; the size query first (UEFI 7.2 GetMemoryMap). */
static EFI_STATUS EFIAPI fake_getmap(UINTN *size, EFI_MEMORY_DESCRIPTOR *m, UINTN *key,
				     UINTN *dsize, UINT32 *ver)
{
	*dsize = sizeof(EFI_MEMORY_DESCRIPTOR);
	*ver = EFI_MEMORY_DESCRIPTOR_VERSION;
	if (*size < *dsize || !m) {
		*size = *dsize;
		return EFI_BUFFER_TOO_SMALL;
	}
	n_getmap++;
	if (getmap_fail)
		return getmap_fail;
	memset(m, 0, sizeof(*m));
	m->Type = EfiConventionalMemory;
	m->PhysicalStart = 0x100000;
	m->NumberOfPages = 256;
	*size = *dsize;
	*key = 7;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_exit(EFI_HANDLE image, UINTN key)
{
	n_exit++;
	exit_traps_on |= traps_on;
	return exit_fails-- > 0 ? EFI_INVALID_PARAMETER : EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_pool(EFI_MEMORY_TYPE type, UINTN n, VOID **p)
{
	*p = malloc(n);
	return *p ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI fake_free(VOID *p)
{
	free(p);
	return EFI_SUCCESS;
}

static int setup(void **state)
{
	memset(&bs, 0, sizeof(bs));
	bs.GetMemoryMap = fake_getmap;
	bs.ExitBootServices = fake_exit;
	bs.AllocatePool = fake_pool;
	bs.FreePool = fake_free;
	efi_bs = &bs;
	traps_on = true;
	exit_traps_on = false;
	n_getmap = n_exit = exit_fails = 0;
	getmap_fail = EFI_SUCCESS;
	return 0;
}

/* A failed GetMemoryMap goes back to the menu: baton's exception handlers must still be on. */
static void test_getmap_fails(void **state)
{
	struct bootenv env;

	memset(&env, 0, sizeof(env));
	getmap_fail = EFI_DEVICE_ERROR;
	assert_int_equal(plat_exit_firmware(&env), E_IO);
	assert_non_null(strstr(err_msg(), "GetMemoryMap failed"));
	assert_int_equal(n_exit, 0);
	assert_true(traps_on);
}

/* The firmware's tables are back at every ExitBootServices, a retry's too. */
static void test_exit(void **state)
{
	struct bootenv env;

	memset(&env, 0, sizeof(env));
	exit_fails = 2;
	assert_int_equal(plat_exit_firmware(&env), 0);
	assert_int_equal(n_getmap, 3);
	assert_int_equal(n_exit, 3);
	assert_false(exit_traps_on);
	assert_false(traps_on);
	assert_int_equal(env.n_map, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_getmap_fails, setup),
	    cmocka_unit_test_setup(test_exit, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
