/* main.c: the UEFI entry point of stage2 (BOOTX64.EFI): keeps the handles, runs the core. */
#include "efi_priv.h"
#include "platform.h"
#include "core.h"

EFI_HANDLE efi_image;
EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;

EFI_GUID efi_guid_loaded_image = EFI_LOADED_IMAGE_PROTOCOL_GUID;
EFI_GUID efi_guid_block_io = EFI_BLOCK_IO_PROTOCOL_GUID;
EFI_GUID efi_guid_device_path = EFI_DEVICE_PATH_PROTOCOL_GUID;
EFI_GUID efi_guid_gop = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
EFI_GUID efi_guid_global_var = EFI_GLOBAL_VARIABLE;
EFI_GUID efi_guid_acpi20 = ACPI_20_TABLE_GUID;
EFI_GUID efi_guid_acpi10 = ACPI_TABLE_GUID;

bool efi_guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	return !memcmp(a, b, sizeof(*a));
}

size_t efi_dp_len(const EFI_DEVICE_PATH *dp)
{
	const EFI_DEVICE_PATH *n = dp;

	/* End of entire device path: type 0x7f, subtype 0xff (UEFI spec 10.3.1). */
	while (!(n->Type == 0x7f && n->SubType == 0xff) && get16(n->Length) >= 4)
		n = EFI_DP_NEXT(n);
	return (size_t)((const uint8_t *)n - (const uint8_t *)dp);
}

const char *efi_status_str(EFI_STATUS st)
{
	/* UEFI spec appendix D: the codes a loader meets, by name; the others in hex. */
	static const char *const names[] = {
	    [1] = "LOAD_ERROR",	     [2] = "INVALID_PARAMETER",	    [3] = "UNSUPPORTED",
	    [4] = "BAD_BUFFER_SIZE", [5] = "BUFFER_TOO_SMALL",	    [6] = "NOT_READY",
	    [7] = "DEVICE_ERROR",    [9] = "OUT_OF_RESOURCES",	    [10] = "VOLUME_CORRUPTED",
	    [14] = "NOT_FOUND",	     [15] = "ACCESS_DENIED",	    [20] = "ALREADY_STARTED",
	    [21] = "ABORTED",	     [25] = "INCOMPATIBLE_VERSION", [26] = "SECURITY_VIOLATION",
	};
	static char buf[40];
	UINTN code = st & ~EFI_ERROR_MASK;

	if (st == EFI_SUCCESS)
		return "SUCCESS";
	if ((st & EFI_ERROR_MASK) && code < ARRAY_SIZE(names) && names[code])
		return names[code];
	snfmt(buf, sizeof(buf), "status 0x%llx", (unsigned long long)st);
	return buf;
}

/*
 * crt0-efi-x86_64.o calls efi_main with the SysV ABI, so no EFIAPI here (a verified crash
 * otherwise, see the toolchain notes).
 */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	efi_image = image;
	efi_st = st;
	efi_bs = st->BootServices;
	/* The firmware's 5-minute watchdog would reset a machine left at the menu (UEFI 7.5). */
	efi_bs->SetWatchdogTimer(0, 0, 0, NULL);
	efi_time_init();
	efi_console_init();
	plat_traps(true);
	baton_main();
	plat_traps(false);
	return EFI_LOAD_ERROR;
}
