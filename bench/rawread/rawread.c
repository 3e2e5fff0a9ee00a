/* rawread.c: the benchmark's raw disk limit: reads listed byte ranges of its volume with BlockIo, 8
 * MiB per call. */
#include <efi.h>

/* \EFI\BOOT\rawread.txt: one "VOLUME_OFFSET BYTES" line per range (decimal, multiples of 512),
 * offsets inside the volume this program was started from. */
#define LIST_PATH  L"\\EFI\\BOOT\\rawread.txt"
#define CHUNK	   (8u << 20)
#define MAX_RANGES 256

static EFI_GUID lip_guid = LOADED_IMAGE_PROTOCOL;
static EFI_GUID sfs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
static EFI_GUID bio_guid = BLOCK_IO_PROTOCOL;

static inline void outb(UINT16 port, UINT8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline UINT8 inb(UINT16 port)
{
	UINT8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* COM1 directly (OVMF has set it up): the line must not wait for the console's layers. */
static void puts_serial(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			puts_serial("\r");
		while (!(inb(0x3f8 + 5) & 0x20)) /* LSR: transmit holding register empty */
			;
		outb(0x3f8, (UINT8)*s);
	}
}

static void put_u64(UINT64 v)
{
	char b[24];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while (v /= 10);
	puts_serial(b + i);
}

static void finish(EFI_SYSTEM_TABLE *st)
{
	outb(0xf4, 0x10); /* isa-debug-exit: QEMU ends here */
	st->RuntimeServices->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
}

static EFI_STATUS fail(EFI_SYSTEM_TABLE *st, const char *what, EFI_STATUS s)
{
	puts_serial("RAWREAD error: ");
	puts_serial(what);
	puts_serial(" (status ");
	put_u64(s & 0xffff);
	puts_serial(")\n");
	finish(st);
	return s;
}

/* Parses "OFF LEN" lines; returns the number of ranges, or -1 on a malformed line. */
static int parse(const char *t, UINTN n, UINT64 (*r)[2])
{
	int count = 0, field = 0;
	UINT64 v = 0;
	BOOLEAN digits = FALSE;

	for (UINTN i = 0; i <= n; i++) {
		char c = i < n ? t[i] : '\n';
		if (c >= '0' && c <= '9') {
			v = v * 10 + (UINT64)(c - '0');
			digits = TRUE;
			continue;
		}
		if (digits) {
			if (field > 1 || count >= MAX_RANGES)
				return -1;
			r[count][field++] = v;
			v = 0;
			digits = FALSE;
		}
		if (c == '\n') {
			if (field == 1)
				return -1;
			if (field == 2)
				count++;
			field = 0;
		} else if (c != ' ' && c != '\r' && c != '\t') {
			return -1;
		}
	}
	return count;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *sfs;
	EFI_FILE_HANDLE root, file;
	EFI_BLOCK_IO *bio;
	static char text[8192];
	static UINT64 ranges[MAX_RANGES][2];
	UINTN len = sizeof(text) - 1;
	EFI_STATUS s;

	s = bs->HandleProtocol(image, &lip_guid, (void **)&li);
	if (EFI_ERROR(s))
		return fail(st, "no loaded image", s);
	s = bs->HandleProtocol(li->DeviceHandle, &sfs_guid, (void **)&sfs);
	if (!EFI_ERROR(s))
		s = sfs->OpenVolume(sfs, &root);
	if (!EFI_ERROR(s))
		s = root->Open(root, &file, LIST_PATH, EFI_FILE_MODE_READ, 0);
	if (!EFI_ERROR(s))
		s = file->Read(file, &len, text);
	if (EFI_ERROR(s))
		return fail(st, "cannot read \\EFI\\BOOT\\rawread.txt", s);
	int n = parse(text, len, ranges);
	if (n <= 0)
		return fail(st, "rawread.txt: expected lines of OFFSET BYTES",
			    EFI_INVALID_PARAMETER);
	s = bs->HandleProtocol(li->DeviceHandle, &bio_guid, (void **)&bio);
	if (EFI_ERROR(s))
		return fail(st, "no BlockIo on the boot volume", s);
	UINT32 bsz = bio->Media->BlockSize;
	UINT64 total = 0;
	for (int i = 0; i < n; i++) {
		if (ranges[i][0] % bsz || ranges[i][1] % bsz)
			return fail(st, "rawread.txt: a range is not whole blocks",
				    EFI_INVALID_PARAMETER);
		total += ranges[i][1];
	}
	/* One destination for everything, as a loader has: the reads land where they stay. */
	EFI_PHYSICAL_ADDRESS buf;
	s = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, (total + 4095) / 4096, &buf);
	if (EFI_ERROR(s))
		return fail(st, "not enough memory", s);
	puts_serial("RAWREAD start\n");
	UINT8 *dst = (UINT8 *)(UINTN)buf;
	UINT64 calls = 0;
	for (int i = 0; i < n; i++) {
		for (UINT64 off = 0; off < ranges[i][1]; off += CHUNK) {
			UINT64 k = ranges[i][1] - off < CHUNK ? ranges[i][1] - off : CHUNK;
			s = bio->ReadBlocks(bio, bio->Media->MediaId, (ranges[i][0] + off) / bsz, k,
					    dst);
			if (EFI_ERROR(s))
				return fail(st, "ReadBlocks failed", s);
			dst += k;
			calls++;
		}
	}
	puts_serial("RAWREAD done: ");
	put_u64(total);
	puts_serial(" bytes in ");
	put_u64(calls);
	puts_serial(" calls\n");
	finish(st);
	return EFI_SUCCESS;
}
