/* bli.c: systemd's Boot Loader Interface: facts for the booted system in volatile EFI variables. */
#include "efi_priv.h"
#include "platform.h"

/* https://systemd.io/BOOT_LOADER_INTERFACE: every variable is under this vendor GUID. */
static EFI_GUID bli_guid = {
    0x4a67b082, 0x0a4c, 0x41cf, {0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f}};

static size_t to_utf16(const char *s, CHAR16 *out, size_t max)
{
	size_t n = 0;

	while (s[n] && n + 1 < max) {
		out[n] = (unsigned char)s[n];
		n++;
	}
	out[n] = 0;
	return n;
}

/* Values are NUL-terminated UTF-16 strings, boot-service and runtime access, not stored in NVRAM
 * (as systemd-boot sets them): each boot writes its own. */
void plat_bli_set(const char *name, const char *value)
{
	CHAR16 n16[64], v16[128];
	size_t len = to_utf16(value, v16, ARRAY_SIZE(v16));

	to_utf16(name, n16, ARRAY_SIZE(n16));
	efi_st->RuntimeServices->SetVariable(
	    n16, &bli_guid, EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS,
	    (len + 1) * sizeof(CHAR16), v16);
}
