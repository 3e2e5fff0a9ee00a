/* bli.c: systemd's Boot Loader Interface: facts for the booted system in volatile EFI variables. */
#include "efi_priv.h"
#include "platform.h"
#include "utf8.h"

/* https://systemd.io/BOOT_LOADER_INTERFACE: every variable is under this vendor GUID. */
static EFI_GUID bli_guid = {
    0x4a67b082, 0x0a4c, 0x41cf, {0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f}};

/* Values are UTF-16 strings (BLI: "NUL-terminated ... string, in UTF-16"). */
#define BLI_ATTRS (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)

/* Appends s and its NUL as UTF-16 at out + *n (out has room for cap units); false if full. */
static bool put_utf16(CHAR16 *out, size_t *n, size_t cap, const char *s)
{
	size_t len = strlen(s), k = utf8_to_utf16(s, len, NULL, 0) + 1;

	if (*n + k > cap)
		return false;
	utf8_to_utf16(s, len, out + *n, cap - *n);
	*n += k;
	return true;
}

static void name16(const char *name, CHAR16 out[64])
{
	size_t n = 0;

	if (!put_utf16(out, &n, 64, name))
		out[0] = 0;
}

void plat_bli_set_bin(const char *name, const void *data, size_t len)
{
	CHAR16 n16[64];

	name16(name, n16);
	efi_st->RuntimeServices->SetVariable(n16, &bli_guid, BLI_ATTRS, len, (void *)data);
}

/*
 * Volatile, as systemd-boot sets them: each boot writes its own. A list (LoaderEntries, BLI: "a
 * series of boot loader entry identifiers, one after the other, each individually NUL
 * terminated") is its strings back to back.
 */
void plat_bli_set_list(const char *name, const char *const *items, int n)
{
	size_t cap = 1, len = 0;

	for (int i = 0; i < n; i++)
		cap += 2 * strlen(items[i]) + 1;
	CHAR16 *v = mem_alloc(cap * sizeof(CHAR16));
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		if (!put_utf16(v, &len, cap, items[i]))
			break;
	plat_bli_set_bin(name, v, len * sizeof(CHAR16));
	mem_free(v);
}

void plat_bli_set(const char *name, const char *value)
{
	plat_bli_set_list(name, &value, 1);
}

int plat_bli_get(const char *name, char *buf, size_t size)
{
	CHAR16 n16[64], v[512];
	UINTN len = sizeof(v) - sizeof(CHAR16);
	UINT32 attrs;

	name16(name, n16);
	EFI_STATUS st = efi_st->RuntimeServices->GetVariable(n16, &bli_guid, &attrs, &len, v);
	if (st == EFI_NOT_FOUND)
		return err_set(E_NOENT, "no %s", name);
	if (st != EFI_SUCCESS) {
		/*
		 * There but unreadable: bigger than any name (EFI_BUFFER_TOO_SMALL) or a device
		 * error. BLI: a one-shot variable is "removed ... after being read"; the caller
		 * deletes what it read, so one that cannot be read goes here, or it would stay
		 * for every boot after.
		 */
		size_t nl = strlen(name);
		if (nl >= 7 && !strcmp(name + nl - 7, "OneShot"))
			plat_bli_del(name);
		return err_set(E_FORMAT, "%s cannot be read (%s)", name, efi_status_str(st));
	}
	v[len / sizeof(CHAR16)] = 0; /* terminated even when the OS wrote no NUL */
	return (int)utf16_to_utf8(v, len / sizeof(CHAR16), buf, size);
}

void plat_bli_del(const char *name)
{
	CHAR16 n16[64];

	/* UEFI 8.2 SetVariable: a DataSize of zero deletes the variable, whatever it was. */
	name16(name, n16);
	efi_st->RuntimeServices->SetVariable(n16, &bli_guid, 0, 0, NULL);
}
