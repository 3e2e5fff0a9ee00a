/* efiapp.c: an EFI application that checks what a loader's chainload promises it, then returns. */
#include <efi.h>

/*
 * What a chainloaded application may count on, as when the firmware's boot manager starts it
 * (UEFI spec 2.10: 7.4 LoadImage/StartImage, 9.1 EFI_LOADED_IMAGE_PROTOCOL, 9.2 the loaded
 * image device path, 10.3.5.4 File Path Media nodes): its load options, its parent, the device
 * and file it came from, and that it can open its own file there. Tokens in the load options:
 *
 *	expect.path=\DIR\FILE.EFI	the file path LoadImage must have been given
 *	exit=aborted			leave through Exit(EFI_ABORTED) with exit data (a reason)
 *
 * Output, on ConOut (OVMF mirrors it to COM1): one "PASS: ..."/"FAIL: ..." line per promise,
 * then "BATON-EFIAPP done: N passed, M failed". It returns EFI_SUCCESS unless told otherwise.
 */
static EFI_GUID lip_guid = LOADED_IMAGE_PROTOCOL;
static EFI_GUID lidp_guid = {
    0xbc62157e, 0x3e33, 0x4fec, {0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf}};
static EFI_GUID sfs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
static EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;

static EFI_SYSTEM_TABLE *st;
static int passed, failed;

static void out(const CHAR16 *s)
{
	st->ConOut->OutputString(st->ConOut, (CHAR16 *)s);
}

/* ASCII into ConOut, "\n" as CR LF. */
static void outa(const char *s)
{
	CHAR16 b[2] = {0, 0};

	for (; *s; s++) {
		if (*s == '\n')
			out(L"\r");
		b[0] = (uint8_t)*s;
		out(b);
	}
}

static void check(BOOLEAN ok, const char *what)
{
	outa(ok ? "PASS: " : "FAIL: ");
	outa(what);
	outa("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static UINTN wlen(const CHAR16 *w)
{
	UINTN n = 0;

	while (w[n])
		n++;
	return n;
}

/* The value of "name=" in the options (ASCII, up to a space), copied into out. */
static BOOLEAN token(const CHAR16 *opt, UINTN n, const char *name, CHAR16 *val, UINTN cap)
{
	UINTN k = 0;

	while (name[k])
		k++;
	for (UINTN i = 0; i + k <= n; i++) {
		if (i && opt[i - 1] != ' ')
			continue;
		UINTN j = 0;
		while (j < k && opt[i + j] == (uint8_t)name[j])
			j++;
		if (j < k)
			continue;
		UINTN m = 0;
		for (i += k; i < n && opt[i] && opt[i] != ' ' && m + 1 < cap; i++)
			val[m++] = opt[i];
		val[m] = 0;
		return TRUE;
	}
	return FALSE;
}

static BOOLEAN weq(const CHAR16 *a, const CHAR16 *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static BOOLEAN same(const void *a, const void *b, UINTN n)
{
	const UINT8 *x = a, *y = b;

	while (n && *x == *y)
		n--, x++, y++;
	return !n;
}

static UINT16 node_len(const EFI_DEVICE_PATH *n)
{
	return (UINT16)(n->Length[0] | n->Length[1] << 8);
}

static BOOLEAN is_end(const EFI_DEVICE_PATH *n)
{
	return n->Type == 0x7f && n->SubType == 0xff;
}

static const EFI_DEVICE_PATH *next(const EFI_DEVICE_PATH *n)
{
	return (const EFI_DEVICE_PATH *)((const UINT8 *)n + node_len(n));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_BOOT_SERVICES *bs = systab->BootServices;
	EFI_LOADED_IMAGE *li = NULL, *pli = NULL;
	const CHAR16 *opt = L"";
	CHAR16 want[128], mode[16];
	UINTN n = 0;

	st = systab;
	outa("BATON-EFIAPP start\n");
	if (bs->HandleProtocol(image, &lip_guid, (void **)&li) != EFI_SUCCESS || !li) {
		check(FALSE, "EFI_LOADED_IMAGE_PROTOCOL on the image handle (9.1)");
		goto done;
	}
	/* 9.1: LoadOptions as the loader set them; baton passes the entry's command line, UTF-16.
	 */
	if (li->LoadOptions && li->LoadOptionsSize >= 2) {
		opt = li->LoadOptions;
		n = li->LoadOptionsSize / 2;
		outa("options: ");
		out(opt);
		outa("\n");
	} else {
		outa("options: none\n"); /* an entry without a command line */
	}
	check(!li->LoadOptionsSize || (n && n == wlen(opt) + 1),
	      "load options: none, or a NUL-terminated UTF-16 string, size included");
	check(li->ParentHandle &&
		  bs->HandleProtocol(li->ParentHandle, &lip_guid, (void **)&pli) == EFI_SUCCESS,
	      "ParentHandle: the loader, an image with EFI_LOADED_IMAGE_PROTOCOL (7.4)");

	/* 7.4 LoadImage: FilePath is the path after the device that holds the file. */
	const EFI_DEVICE_PATH *fp = li->FilePath;
	BOOLEAN is_file = fp && fp->Type == MEDIA_DEVICE_PATH && fp->SubType == MEDIA_FILEPATH_DP &&
			  node_len(fp) > 4 && is_end(next(fp));
	check(is_file, "FilePath: one File Path Media node, then the end (10.3.5.4)");
	const CHAR16 *name = is_file ? ((const FILEPATH_DEVICE_PATH *)fp)->PathName : L"";
	if (token(opt, n, "expect.path=", want, 128))
		check(weq(name, want), "FilePath: names the file the entry gave");

	/* 9.2: the full device path the image was loaded from: the device's, then FilePath. */
	EFI_DEVICE_PATH *full = NULL, *dev = NULL;
	check(bs->HandleProtocol(image, &lidp_guid, (void **)&full) == EFI_SUCCESS && full,
	      "EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL on the image handle (9.2)");
	BOOLEAN dev_ok = li->DeviceHandle && bs->HandleProtocol(li->DeviceHandle, &dp_guid,
								(void **)&dev) == EFI_SUCCESS;
	check(dev_ok, "DeviceHandle: a device with a device path (9.1)");
	if (full && dev_ok) {
		const EFI_DEVICE_PATH *a = full, *b = dev;
		while (!is_end(b) && node_len(a) == node_len(b) && same(a, b, node_len(b)))
			a = next(a), b = next(b);
		check(is_end(b) && node_len(a) == node_len(fp) && same(a, fp, node_len(fp)),
		      "loaded image device path = DeviceHandle's path + FilePath (9.2)");
	}

	/* What a boot manager or shell does next: open files beside itself on its own volume. */
	EFI_FILE_IO_INTERFACE *sfs = NULL;
	EFI_FILE_HANDLE root = NULL, self = NULL;
	UINT8 mz[2] = {0, 0};
	UINTN got = 2;
	if (dev_ok && is_file &&
	    bs->HandleProtocol(li->DeviceHandle, &sfs_guid, (void **)&sfs) == EFI_SUCCESS &&
	    sfs->OpenVolume(sfs, &root) == EFI_SUCCESS &&
	    root->Open(root, &self, (CHAR16 *)name, EFI_FILE_MODE_READ, 0) == EFI_SUCCESS)
		self->Read(self, &got, mz);
	check(mz[0] == 'M' && mz[1] == 'Z',
	      "DeviceHandle's file system opens FilePath: the image's own file (\"MZ\")");
	if (self)
		self->Close(self);
	if (root)
		root->Close(root);

done:
	outa("BATON-EFIAPP done: ");
	CHAR16 num[8];
	for (int v = 0; v < 2; v++) {
		int x = v ? failed : passed, i = 7;
		num[i] = 0;
		do
			num[--i] = (CHAR16)('0' + x % 10), x /= 10;
		while (x && i);
		out(num + i);
		outa(v ? " failed\n" : " passed, ");
	}
	if (token(opt, n, "exit=", mode, 16) && weq(mode, L"aborted")) {
		/* 7.4 Exit: ExitData is pool memory holding a NUL-terminated string, maybe more. */
		static const CHAR16 why[] = L"efiapp: asked to fail (exit=aborted)";
		CHAR16 *data = NULL;
		if (bs->AllocatePool(EfiLoaderData, sizeof(why), (void **)&data) == EFI_SUCCESS) {
			for (UINTN i = 0; i < sizeof(why) / 2; i++)
				data[i] = why[i];
			bs->Exit(image, EFI_ABORTED, sizeof(why), data);
		}
		return EFI_ABORTED;
	}
	return failed ? EFI_LOAD_ERROR : EFI_SUCCESS;
}
