/* rawread.c: the benchmark's raw disk limit: BlockIo reads of byte ranges of the boot volume. */
#include <efi.h>

/*
 * \EFI\BOOT\rawread.txt, on the volume this program was started from:
 *
 *	crc32 HEX	optional, first non-blank line only: CRC-32 (zlib's) of all bytes read
 *	VOL_OFF BYTES	one range per line, decimal, both multiples of 512; VOL_OFF is a byte
 *			offset inside the volume (the ESP partition, not the whole disk)
 *
 * Blank lines are ignored, CR LF or LF line ends. The ranges are read in order, in ReadBlocks calls
 * of at most 8 MiB, into consecutive places of one buffer. Output on COM1 only:
 *
 *	RAWREAD start
 *	RAWREAD crc32 HEX ok|BAD	(only with a crc32 line)
 *	RAWREAD done: N bytes in M calls
 *	RAWREAD error: WHAT		(instead, on any error)
 *
 * then QEMU's isa-debug-exit (port 0xf4), or ResetSystem(EfiResetShutdown) without it.
 */
#define LIST_PATH L"\\EFI\\BOOT\\rawread.txt"
#define LIST_MAX  (1u << 20)
#define CHUNK	  (8u << 20)
#define COM1	  0x3f8
#define EXIT_PORT 0xf4

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

/* COM1 without ConOut (OVMF has already programmed the UART); "\n" goes out as "\r\n". */
static void say_char(char c)
{
	while (!(inb(COM1 + 5) & 0x20)) /* LSR: transmit holding register empty */
		;
	outb(COM1, (UINT8)c);
}

static void say(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			say_char('\r');
		say_char(*s);
	}
}

static void say_dec(UINT64 v)
{
	char b[21];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while (v /= 10);
	say(b + i);
}

static void say_hex(UINT64 v, int width)
{
	char b[17];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do
		b[--i] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) || sizeof(b) - 1 - i < (unsigned int)width);
	say(b + i);
}

static EFI_STATUS quit(EFI_SYSTEM_TABLE *st, EFI_STATUS s)
{
	/* Let the benchmark read the vCPU thread's CPU time before QEMU (and the thread) ends. */
	st->BootServices->Stall(300000);
	outb(EXIT_PORT, 0x10); /* isa-debug-exit: QEMU ends with status 33 */
	st->RuntimeServices->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return s;
}

static EFI_STATUS fail(EFI_SYSTEM_TABLE *st, const char *what, EFI_STATUS s)
{
	say("RAWREAD error: ");
	say(what);
	if (s) {
		say(" (EFI status 0x");
		say_hex(s, 1);
		say(")");
	}
	say("\n");
	return quit(st, s ? s : EFI_ABORTED);
}

static EFI_STATUS fail_line(EFI_SYSTEM_TABLE *st, unsigned int line, const char *what)
{
	say("RAWREAD error: rawread.txt line ");
	say_dec(line);
	say(": ");
	say(what);
	say("\n");
	return quit(st, EFI_INVALID_PARAMETER);
}

/* --- rawread.txt --- */

struct list {
	const char *p, *end;
	unsigned int line; /* of the last line returned */
	const char *err;
};

static BOOLEAN is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int digit(char c, unsigned int base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d < (int)base ? d : -1;
}

/* The next line that is not blank, without its leading and trailing blanks. */
static BOOLEAN next_line(struct list *l, const char **s, const char **e)
{
	while (l->p < l->end) {
		const char *a = l->p, *b = a;

		while (b < l->end && *b != '\n')
			b++;
		l->p = b < l->end ? b + 1 : b;
		l->line++;
		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		if (a < b) {
			*s = a;
			*e = b;
			return TRUE;
		}
	}
	return FALSE;
}

/* One number after optional blanks; it must end at a blank or at the end of the line. */
static BOOLEAN get_num(const char **s, const char *e, unsigned int base, UINT64 *v)
{
	const char *p = *s, *first;
	UINT64 x = 0;
	int d;

	while (p < e && is_blank(*p))
		p++;
	for (first = p; p < e && (d = digit(*p, base)) >= 0; p++) {
		if (x > (~0ULL - (UINT64)d) / base)
			return FALSE;
		x = x * base + (UINT64)d;
	}
	if (p == first || (p < e && !is_blank(*p)))
		return FALSE;
	*s = p;
	*v = x;
	return TRUE;
}

/* Takes the optional "crc32 HEX" first line; TRUE if there is one (l->err set if it is bad). */
static BOOLEAN get_crc_line(struct list *l, UINT32 *crc)
{
	struct list peek = *l;
	const char *s, *e;
	UINT64 v;

	if (!next_line(&peek, &s, &e) || e - s < 5 || s[0] != 'c' || s[1] != 'r' || s[2] != 'c' ||
	    s[3] != '3' || s[4] != '2')
		return FALSE;
	*l = peek;
	s += 5;
	if (s == e || !is_blank(*s) || !get_num(&s, e, 16, &v) || s != e || v > 0xffffffffu)
		l->err = "expected crc32 and 1 to 8 hex digits";
	else
		*crc = (UINT32)v;
	return TRUE;
}

/* 1 and a range, 0 at the end, -1 with l->err set. */
static int next_range(struct list *l, UINT64 *off, UINT64 *len)
{
	const char *s, *e;

	if (!next_line(l, &s, &e))
		return 0;
	if (!get_num(&s, e, 10, off) || !get_num(&s, e, 10, len) || s != e) {
		l->err = "expected VOL_OFF BYTES (decimal)";
		return -1;
	}
	if (*off % 512 || *len % 512) {
		l->err = "VOL_OFF and BYTES must be multiples of 512";
		return -1;
	}
	return 1;
}

/* --- CRC-32 (reflected 0xedb88320, as zlib's crc32()) --- */

static UINT32 crc32(const UINT8 *p, UINT64 n)
{
	UINT32 t[256], c;

	for (UINT32 i = 0; i < 256; i++) {
		c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
	c = 0xffffffffu;
	while (n--)
		c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* The whole of rawread.txt in pool memory. */
static EFI_STATUS read_list(EFI_BOOT_SERVICES *bs, EFI_HANDLE dev, char **text, UINTN *size)
{
	EFI_FILE_IO_INTERFACE *sfs;
	EFI_FILE_HANDLE root, file;
	UINT64 end = 0;
	UINTN got = 0, n;
	EFI_STATUS s;

	s = bs->HandleProtocol(dev, &sfs_guid, (void **)&sfs);
	if (EFI_ERROR(s))
		return s;
	s = sfs->OpenVolume(sfs, &root);
	if (EFI_ERROR(s))
		return s;
	s = root->Open(root, &file, LIST_PATH, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (EFI_ERROR(s))
		return s;
	/* Seeking to 0xff..ff goes to the end of the file: its size, without GetInfo. */
	s = file->SetPosition(file, ~0ULL);
	if (!EFI_ERROR(s))
		s = file->GetPosition(file, &end);
	if (!EFI_ERROR(s))
		s = file->SetPosition(file, 0);
	if (!EFI_ERROR(s) && end > LIST_MAX)
		s = EFI_BAD_BUFFER_SIZE;
	if (!EFI_ERROR(s))
		s = bs->AllocatePool(EfiLoaderData, end + 1, (void **)text);
	while (!EFI_ERROR(s) && got < end) {
		n = end - got;
		s = file->Read(file, &n, *text + got);
		if (!n)
			break;
		got += n;
	}
	file->Close(file);
	*size = got;
	return s;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_LOADED_IMAGE *li;
	EFI_BLOCK_IO *bio;
	EFI_BLOCK_IO_MEDIA *media;
	EFI_PHYSICAL_ADDRESS buf;
	struct list l0, l;
	UINT64 off, len, total = 0, calls = 0;
	UINT32 want_crc = 0, bsz;
	BOOLEAN check;
	UINT8 *dst;
	char *text;
	UINTN size;
	EFI_STATUS s;
	int r;

	s = bs->HandleProtocol(image, &lip_guid, (void **)&li);
	if (EFI_ERROR(s))
		return fail(st, "no LoadedImage protocol", s);
	s = bs->HandleProtocol(li->DeviceHandle, &bio_guid, (void **)&bio);
	if (EFI_ERROR(s))
		return fail(st, "no BlockIo on the boot volume", s);
	media = bio->Media;
	bsz = media->BlockSize;
	if (!bsz)
		return fail(st, "block size 0", 0);
	s = read_list(bs, li->DeviceHandle, &text, &size);
	if (EFI_ERROR(s))
		return fail(st, "cannot read \\EFI\\BOOT\\rawread.txt", s);

	/* First pass: check every line and add up the sizes. */
	l0 = (struct list){.p = text, .end = text + size};
	check = get_crc_line(&l0, &want_crc);
	if (l0.err)
		return fail_line(st, l0.line, l0.err);
	l = l0;
	while ((r = next_range(&l, &off, &len)) > 0) {
		if (off % bsz || len % bsz)
			return fail_line(st, l.line, "not whole blocks of the volume");
		if (len > ~0ULL - off || (off + len) / bsz > media->LastBlock + 1)
			return fail_line(st, l.line, "past the end of the volume");
		total += len;
	}
	if (r < 0)
		return fail_line(st, l.line, l.err);
	if (!total)
		return fail(st, "rawread.txt: no bytes to read", 0);

	/* One destination for everything, as a loader has: the reads land where they stay. */
	s = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, EFI_SIZE_TO_PAGES(total), &buf);
	if (EFI_ERROR(s))
		return fail(st, "cannot allocate the buffer", s);
	dst = (UINT8 *)(UINTN)buf;

	say("RAWREAD start\n");
	l = l0;
	while (next_range(&l, &off, &len) > 0) {
		for (UINT64 done = 0, n; done < len; done += n) {
			n = len - done < CHUNK ? len - done : CHUNK;
			if (media->IoAlign > 1 && (UINTN)dst % media->IoAlign)
				return fail(st, "buffer not aligned for the device", 0);
			s = bio->ReadBlocks(bio, media->MediaId, (off + done) / bsz, n, dst);
			if (EFI_ERROR(s))
				return fail(st, "ReadBlocks failed", s);
			dst += n;
			calls++;
		}
	}
	if (check) {
		UINT32 got = crc32((UINT8 *)(UINTN)buf, total);

		say("RAWREAD crc32 ");
		say_hex(got, 8);
		say(got == want_crc ? " ok\n" : " BAD\n");
	}
	say("RAWREAD done: ");
	say_dec(total);
	say(" bytes in ");
	say_dec(calls);
	say(" calls\n");
	return quit(st, EFI_SUCCESS);
}
