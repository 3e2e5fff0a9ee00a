/* image.c: starts an EFI image from memory (LoadImage/StartImage), with a LoadFile2 initrd. */
#include "efi_priv.h"
#include "platform.h"
#include "utf8.h"

/* UEFI spec 13.2 "EFI Load File 2 Protocol". */
static EFI_GUID guid_load_file2 = {
    0x4006c0c1, 0xfcb3, 0x403e, {0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d}};
/* Linux include/linux/efi.h LINUX_EFI_INITRD_MEDIA_GUID: where the EFI stub looks for its initrd.
 */
static EFI_GUID guid_initrd_media = {
    0x5568e427, 0x68fc, 0x4f3d, {0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68}};

struct load_file2 {
	EFI_STATUS(EFIAPI *load_file)
	(struct load_file2 *self, EFI_DEVICE_PATH *path, BOOLEAN boot_policy, UINTN *size,
	 VOID *buf);
};

/* UEFI spec 10.3.5.3 "Vendor-Defined Media Device Path", then the end node (10.3.1). */
struct __attribute__((packed)) initrd_path {
	uint8_t type, subtype, len[2];
	EFI_GUID guid;
	uint8_t end_type, end_subtype, end_len[2];
};

static const struct plat_source *serving;
static int serve_error;
static char serve_msg[160];

static EFI_STATUS EFIAPI initrd_load(struct load_file2 *self, EFI_DEVICE_PATH *path,
				     BOOLEAN boot_policy, UINTN *size, VOID *buf)
{
	(void)self, (void)path;
	if (!size)
		return EFI_INVALID_PARAMETER;
	/* UEFI 13.2: LoadFile2 never loads a boot option; BootPolicy must be FALSE. */
	if (boot_policy)
		return EFI_UNSUPPORTED;
	if (!buf || *size < serving->size) {
		*size = serving->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	int r = serving->read(serving->ctx, 0, serving->size, buf);
	if (r) {
		/* Keep the reason: the kernel's stub only says the load failed. */
		serve_error = r;
		strlcpy_b(serve_msg, err_msg(), sizeof(serve_msg));
		return EFI_DEVICE_ERROR;
	}
	*size = serving->size;
	return EFI_SUCCESS;
}

static struct load_file2 lf2 = {initrd_load};
static struct initrd_path initrd_dp = {
    .type = 4,	  /* MEDIA_DEVICE_PATH */
    .subtype = 3, /* MEDIA_VENDOR_DP */
    .len = {sizeof(EFI_DEVICE_PATH) + sizeof(EFI_GUID), 0},
    .end_type = 0x7f,
    .end_subtype = 0xff,
    .end_len = {4, 0},
};

bool plat_can_start_images(void)
{
	return true;
}

/* The command line as UTF-16 load options (UEFI 9.1 LoadOptions: the image interprets them; a
 * Linux stub reads UTF-16 and converts it back to UTF-8). */
static CHAR16 *utf16(const char *s, UINT32 *bytes)
{
	size_t len = strlen(s), n = utf8_to_utf16(s, len, NULL, 0) + 1;
	CHAR16 *w = NULL;

	if (efi_bs->AllocatePool(EfiLoaderData, n * sizeof(CHAR16), (void **)&w) != EFI_SUCCESS)
		return NULL;
	utf8_to_utf16(s, len, w, n);
	*bytes = (UINT32)(n * sizeof(CHAR16));
	return w;
}

/*
 * The device path of a file: its volume's path, a File Path Media node (UEFI spec 10.3.5.4:
 * a NUL-terminated UTF-16 path with backslashes) and the end node. LoadImage records it, so the
 * image's EFI_LOADED_IMAGE names its device handle and file, as when the firmware loads it.
 */
static EFI_DEVICE_PATH *file_dp(const struct volume *vol, const char *path)
{
	size_t vlen, plen = strlen(path), lead = path[0] != '/';
	size_t n = lead + utf8_to_utf16(path, plen, NULL, 0) + 1; /* units with the NUL */
	uint8_t *dp;
	EFI_DEVICE_PATH *v = efi_volume_dp(vol, &vlen);
	size_t flen = 4 + n * 2;

	if (!v || flen > 0xffff) {
		mem_free(v);
		return NULL;
	}
	dp = mem_alloc(vlen + flen + 4);
	if (dp) {
		memcpy(dp, v, vlen);
		uint8_t *f = dp + vlen;
		f[0] = MEDIA_DEVICE_PATH, f[1] = MEDIA_FILEPATH_DP, put16(f + 2, (uint16_t)flen);
		CHAR16 *w = (CHAR16 *)(f + 4);
		w[0] = '\\';
		utf8_to_utf16(path, plen, w + lead, n - lead);
		for (size_t i = 0; w[i]; i++)
			if (w[i] == '/')
				w[i] = '\\';
		f += flen;
		f[0] = 0x7f, f[1] = 0xff, put16(f + 2, 4); /* end of the whole path (10.3.1) */
	}
	mem_free(v);
	return (EFI_DEVICE_PATH *)dp;
}

/* The first line of an image's exit data (UEFI 7.4 Exit: a UTF-16 string, then any bytes). */
static void exit_text(const CHAR16 *w, UINTN bytes, char *out, size_t cap)
{
	size_t i = 0;

	for (; w && i + 1 < cap && (i + 1) * 2 <= bytes && w[i] && w[i] != '\n'; i++)
		out[i] = w[i] < 0x20 || w[i] > 0x7e ? '?' : (char)w[i];
	out[i] = 0;
}

int plat_start_image(const void *image, uint64_t size, const char *options,
		     const struct plat_source *initrd, const char *banner, const struct volume *vol,
		     const char *path)
{
	EFI_HANDLE h = NULL, rd_handle = NULL;
	EFI_LOADED_IMAGE *li = NULL;
	EFI_DEVICE_PATH *dp = vol && path ? file_dp(vol, path) : NULL;
	CHAR16 *opts = NULL;
	EFI_STATUS st;
	int r = 0;

	st = efi_bs->LoadImage(FALSE, efi_image, dp, (void *)image, size, &h);
	mem_free(dp);
	if (st != EFI_SUCCESS)
		/* EFI_SECURITY_VIOLATION: Secure Boot refused the image. */
		return err_set(E_IO, "the firmware refused to load the image (LoadImage: %s)",
			       efi_status_str(st));
	if (efi_bs->HandleProtocol(h, &efi_guid_loaded_image, (void **)&li) != EFI_SUCCESS || !li) {
		r = err_set(E_IO, "the loaded image has no EFI_LOADED_IMAGE_PROTOCOL");
		goto out;
	}
	if (options && *options) {
		opts = utf16(options, &li->LoadOptionsSize);
		if (!opts) {
			r = err_set(E_NOMEM, "out of memory for the load options");
			goto out;
		}
		li->LoadOptions = opts;
	}
	if (initrd) {
		initrd_dp.guid = guid_initrd_media;
		st = efi_bs->InstallMultipleProtocolInterfaces(
		    &rd_handle, &efi_guid_device_path, &initrd_dp, &guid_load_file2, &lf2, NULL);
		if (st != EFI_SUCCESS) {
			/* EFI_ALREADY_STARTED: another loader's initrd is still registered. */
			r = err_set(E_IO, "cannot offer the initrd through LoadFile2: %s",
				    efi_status_str(st));
			goto out;
		}
		serving = initrd;
		serve_error = 0;
	}
	UINTN exit_size = 0;
	CHAR16 *exit_data = NULL;
	/* After LoadImage, so the benchmark can tell the image's own time from ours. */
	plat_puts(banner);
	plat_traps(false); /* the image runs with the firmware's tables */
	st = efi_bs->StartImage(h, &exit_size, &exit_data);
	plat_traps(true);
	h = NULL; /* UEFI 7.4 Exit(): an application that exits is unloaded */
	char why[96];
	exit_text(exit_data, exit_size, why, sizeof(why));
	if (exit_data)
		efi_bs->FreePool(exit_data);
	if (serve_error)
		r = err_set(serve_error, "%s", serve_msg);
	else if (st != EFI_SUCCESS && why[0])
		r = err_set(E_IO, "the image stopped with %s: %s", efi_status_str(st), why);
	else if (st != EFI_SUCCESS)
		r = err_set(E_IO, "the image stopped with %s (its own messages are above)",
			    efi_status_str(st));
out:
	if (rd_handle)
		efi_bs->UninstallMultipleProtocolInterfaces(
		    rd_handle, &efi_guid_device_path, &initrd_dp, &guid_load_file2, &lf2, NULL);
	serving = NULL;
	if (h)
		efi_bs->UnloadImage(h);
	if (opts)
		efi_bs->FreePool(opts);
	return r;
}
