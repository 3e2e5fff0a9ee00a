/* part.c: partition tables: GPT (UEFI spec 5.3), else MBR with logical partitions, else the disk.
 */
#include "part.h"
#include "zlib.h"

char part_warning[160];

#define MBR_TABLE     0x1be /* four 16-byte entries, then 0x55 0xAA at 510 (UEFI spec 5.2.1) */
#define GPT_MAX_ARRAY (1u << 20)

static bool mbr_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static bool is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/*
 * A FAT or NTFS boot sector also ends in 0x55AA, and on a superfloppy its "partition table" is
 * boot code or zeros. Like blkid, a sector that looks like one is never an MBR: a jump
 * instruction and a sane BPB (Microsoft FAT spec section 3.1), or the NTFS / exFAT OEM name.
 */
static bool looks_like_vbr(const uint8_t *s)
{
	if (!memcmp(s + 3, "NTFS    ", 8) || !memcmp(s + 3, "EXFAT   ", 8))
		return true;
	if (!((s[0] == 0xeb && s[2] == 0x90) || s[0] == 0xe9))
		return false;
	uint16_t bps = get16(s + 11);
	uint8_t media = s[21];
	return bps >= 512 && bps <= 4096 && is_pow2(bps) && is_pow2(s[13]) && get16(s + 14) &&
	       s[16] && (media == 0xf0 || media >= 0xf8);
}

/*
 * Every entry: boot indicator 0x00 or 0x80; a used entry starts inside the disk and is not
 * empty. On a disk of 512-byte sectors it may end past the disk's end (an image of a bigger
 * disk, cut short, or written to a smaller stick): the table still counts, as Linux's msdos
 * reader keeps such a partition, and scan_mbr() warns. An entry may start
 * at sector 0 only as a hybrid ISO's first partition does (xorriso's -append_partition,
 * isohybrid): it claims the filesystem that starts at the disk's first sector, and *at0 says so.
 */
static bool mbr_plausible(struct blockdev *dev, const uint8_t *s, bool *at0)
{
	*at0 = false;
	if (s[510] != 0x55 || s[511] != 0xaa)
		return false;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + MBR_TABLE + 16 * i;
		uint64_t start = get32(e + 8), size = get32(e + 12);
		if (e[0] != 0x00 && e[0] != 0x80)
			return false;
		if (!e[4])
			continue;
		if (!start && e[4] != 0xee && size && size <= dev->num_blocks) {
			*at0 = true;
			continue;
		}
		if (!start || start >= dev->num_blocks)
			return false;
		/*
		 * A protective entry's size is the disk's, or 0xFFFFFFFF when that does not fit.
		 * On a CD drive (2048-byte blocks) a hybrid ISO's table counts 512-byte sectors,
		 * so a partition past the end there means the table is not this device's.
		 */
		if (e[4] != 0xee &&
		    (!size || (dev->block_size > 512 && size > dev->num_blocks - start)))
			return false;
	}
	return !looks_like_vbr(s);
}

static void vol_init(struct volume *v, struct blockdev *dev, enum part_scheme scheme, int index)
{
	static const char *const sname[] = {"", "msdos", "gpt"};

	memset(v, 0, sizeof(*v));
	v->dev = dev;
	v->scheme = scheme;
	v->index = index;
	if (scheme == PART_NONE)
		snfmt(v->name, sizeof(v->name), "%s", dev->name);
	else
		snfmt(v->name, sizeof(v->name), "%s,%s%d", dev->name, sname[scheme], index);
}

static void mbr_volume(struct volume *v, struct blockdev *dev, uint32_t sig, int index,
		       uint8_t type, uint64_t start, uint64_t blocks, uint64_t table, int slot)
{
	vol_init(v, dev, PART_MBR, index);
	v->table_lba = table;
	v->table_slot = slot;
	v->mbr_type = type;
	v->start = start;
	v->blocks = blocks;
	if (sig) /* blkid's PARTUUID for MBR: the disk signature and the partition number */
		snfmt(v->partuuid, sizeof(v->partuuid), "%08x-%02x", sig, index);
}

/* A partition that ends past the disk's end is kept whole: what lies inside the disk reads, a
 * read past its end fails (blockdev_read). The first such one is named in part_warning. */
static void warn_past_end(const struct volume *v)
{
	uint64_t n = v->dev->num_blocks;

	if (v->blocks > n - v->start && !part_warning[0])
		snfmt(part_warning, sizeof(part_warning),
		      "%s ends at sector %llu, past the end of the disk (%llu sectors): reads "
		      "beyond it will fail",
		      v->name, (unsigned long long)(v->start + v->blocks - 1),
		      (unsigned long long)n);
}

#define EBR_MAX 128 /* logical partitions followed in one extended partition */

/*
 * The logical partitions of the extended partition at [ext, ext+ext_len): a chain of EBRs, each
 * with the logical partition (relative to the EBR) in its first entry and a link to the next EBR
 * (relative to the extended partition's start) in its second. GRUB and Linux number them from 5.
 * A link outside the extended partition, or back to an EBR already seen, ends the chain with a
 * warning: the partitions found so far stay usable.
 */
static int scan_logical(struct blockdev *dev, uint32_t sig, uint64_t ext, uint64_t ext_len,
			struct volume *out, int n, int max)
{
	uint64_t *seen = mem_alloc(EBR_MAX * sizeof(*seen));
	uint8_t *s = mem_alloc(dev->block_size);
	uint64_t ebr = ext;
	int nseen = 0, index = 5, r = 0;
	const char *why = NULL;
	char why_buf[120];

	if (!s || !seen) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	while (ebr) {
		for (int i = 0; i < nseen && !why; i++)
			if (seen[i] == ebr)
				why = "loops back to an earlier EBR";
		if (!why && nseen == EBR_MAX)
			why = "has too many logical partitions";
		if (why)
			break;
		seen[nseen++] = ebr;
		r = blockdev_read(dev, ebr, 1, s);
		if (r) { /* past the disk's end, or a read error: the partitions so far stay */
			snfmt(why_buf, sizeof(why_buf), "reaches an EBR it cannot read (%s)",
			      err_msg());
			why = why_buf;
			r = 0;
			break;
		}
		if (s[510] != 0x55 || s[511] != 0xaa) {
			why = "reaches an EBR without the 0x55AA signature";
			break;
		}
		const uint8_t *e = s + MBR_TABLE, *link = e + 16;
		uint64_t start = ebr + get32(e + 8), size = get32(e + 12);
		if (e[4] && size) {
			if (start <= ebr || start + size > ext + ext_len) {
				why = "holds a logical partition outside the extended one";
				break;
			}
			if (start >= dev->num_blocks) { /* the extended one runs past the disk */
				why = "holds a logical partition that starts past the end of the "
				      "disk";
				break;
			}
			if (n == max) {
				why = "has more partitions than baton keeps";
				break;
			}
			mbr_volume(&out[n], dev, sig, index, e[4], start, size, ebr, 0);
			warn_past_end(&out[n++]);
		}
		index++; /* an empty EBR still takes a number, as in Linux */
		ebr = 0;
		if (mbr_is_extended(link[4])) {
			uint64_t next = ext + get32(link + 8);
			if (next <= ext || next >= ext + ext_len) {
				why = "links to an EBR outside the extended partition";
				break;
			}
			ebr = next;
		}
	}
	if (why)
		snfmt(part_warning, sizeof(part_warning),
		      "%s: the extended partition's EBR chain %s", dev->name, why);
out:
	mem_free(s);
	mem_free(seen);
	return r ? r : n;
}

static int scan_mbr(struct blockdev *dev, const uint8_t *s, struct volume *out, int max)
{
	uint32_t sig = get32(s + 440); /* the disk signature, which PARTUUIDs are made from */
	uint64_t ext = 0, ext_len = 0;
	int n = 0;

	for (int i = 0; i < 4 && n < max; i++) {
		const uint8_t *e = s + MBR_TABLE + 16 * i;
		if (!e[4])
			continue;
		if (mbr_is_extended(e[4])) { /* only the first one counts, as in Linux and GRUB */
			if (!ext)
				ext = get32(e + 8), ext_len = get32(e + 12);
			continue;
		}
		if (e[4] == 0xee) /* a hybrid MBR's protective entry, when its GPT is unreadable */
			continue;
		if (!get32(e + 8)) /* the whole disk's own filesystem: part_scan's first volume */
			continue;
		mbr_volume(&out[n], dev, sig, i + 1, e[4], get32(e + 8), get32(e + 12), 0, i);
		warn_past_end(&out[n++]);
	}
	return ext ? scan_logical(dev, sig, ext, ext_len, out, n, max) : n;
}

struct gpt {
	uint8_t *array; /* the partition entry array, mem_alloc()ed */
	uint32_t n_entries, entry_size;
};

/* Reads and checks the GPT header at lba and its entry array (UEFI spec 5.3.2, "GPT Header"). */
static int gpt_read(struct blockdev *dev, uint64_t lba, struct gpt *g)
{
	uint32_t bs = dev->block_size;
	uint8_t *h = mem_alloc(bs);
	int r;

	g->array = NULL;
	if (!h)
		return err_set(E_NOMEM, "out of memory");
	r = blockdev_read(dev, lba, 1, h);
	if (r)
		goto out;
	r = E_CORRUPT;
	if (memcmp(h, "EFI PART", 8)) {
		err_set(r, "no GPT signature");
		goto out;
	}
	uint32_t hsize = get32(h + 12), crc = get32(h + 16);
	if (hsize < 92 || hsize > bs) {
		err_set(r, "GPT header size %u is invalid", hsize);
		goto out;
	}
	put32(h + 16, 0); /* the CRC is computed with its own field zeroed */
	if ((uint32_t)crc32(0, h, hsize) != crc) {
		err_set(r, "GPT header CRC32 mismatch");
		goto out;
	}
	uint64_t my = get64(h + 24), first = get64(h + 40), last = get64(h + 48);
	uint64_t alba = get64(h + 72);
	g->n_entries = get32(h + 80);
	g->entry_size = get32(h + 84);
	uint64_t abytes = (uint64_t)g->n_entries * g->entry_size;
	uint64_t ablocks = (abytes + bs - 1) / bs;
	if (my != lba || first > last || last >= dev->num_blocks) {
		err_set(r, "GPT header LBAs are inconsistent with the disk");
		goto out;
	}
	/* Entries are 128 * 2^n bytes by the spec; accept any sane multiple of 8 as sgdisk does. */
	if (g->entry_size < 128 || g->entry_size % 8 || abytes > GPT_MAX_ARRAY) {
		err_set(r, "GPT entry array of %u entries of %u bytes is invalid", g->n_entries,
			g->entry_size);
		goto out;
	}
	if (alba < 2 || alba > dev->num_blocks || ablocks > dev->num_blocks - alba ||
	    (lba >= alba && lba < alba + ablocks)) {
		err_set(r, "GPT entry array at LBA %llu is outside the disk",
			(unsigned long long)alba);
		goto out;
	}
	g->array = mem_alloc(ablocks ? ablocks * bs : 1);
	if (!g->array) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	r = blockdev_read(dev, alba, ablocks, g->array);
	if (!r && (uint32_t)crc32(0, g->array, (uInt)abytes) != get32(h + 88))
		r = err_set(E_CORRUPT, "GPT partition entry array CRC32 mismatch");
out:
	if (r) {
		mem_free(g->array);
		g->array = NULL;
	}
	mem_free(h);
	return r;
}

static int scan_gpt(struct blockdev *dev, struct gpt *g, struct volume *out, int max)
{
	static const uint8_t zero[16];
	int n = 0, bad = 0;

	for (uint32_t i = 0; i < g->n_entries; i++) {
		const uint8_t *e = g->array + (size_t)i * g->entry_size; /* UEFI spec 5.3.3 */
		uint64_t start = get64(e + 32), end = get64(e + 40);
		if (!memcmp(e, zero, 16)) /* an unused entry */
			continue;
		if (start < 1 || start > end || end >= dev->num_blocks) {
			bad++;
			continue;
		}
		if (n == max) {
			snfmt(part_warning, sizeof(part_warning), "%s: more than %d partitions",
			      dev->name, max);
			break;
		}
		struct volume *v = &out[n++];
		vol_init(v, dev, PART_GPT, (int)i + 1); /* GRUB numbers GPT entries by slot */
		memcpy(v->type_guid, e, 16);
		memcpy(v->part_guid, e + 16, 16);
		guid_to_str(v->part_guid, v->partuuid);
		v->start = start;
		v->blocks = end - start + 1;
	}
	if (bad && !part_warning[0])
		snfmt(part_warning, sizeof(part_warning),
		      "%s: %d GPT entries lie outside the disk and were skipped", dev->name, bad);
	return n;
}

/* The primary header at LBA 1; if it or its array is bad, the backup at the last LBA. */
static int gpt_scan(struct blockdev *dev, struct volume *out, int max)
{
	struct gpt g;
	char why[96];
	uint64_t last = dev->num_blocks - 1;
	int r = gpt_read(dev, 1, &g);

	if (r) {
		strlcpy_b(why, err_msg(), sizeof(why));
		r = gpt_read(dev, last, &g);
		if (r) {
			char why2[96];
			strlcpy_b(why2, err_msg(), sizeof(why2));
			return err_set(r, "%s: both GPT headers are bad (primary: %s; backup: %s)",
				       dev->name, why, why2);
		}
		snfmt(part_warning, sizeof(part_warning),
		      "%s: primary GPT is bad (%s); using the backup at LBA %llu", dev->name, why,
		      (unsigned long long)last);
	}
	r = scan_gpt(dev, &g, out, max);
	mem_free(g.array);
	return r;
}

int part_scan(struct blockdev *dev, struct volume *out, int max)
{
	uint8_t *s;
	int r;

	part_warning[0] = 0;
	if (max < 1)
		return err_set(E_INVAL, "%s: no room for volumes", dev->name);
	if (dev->block_size < 512 || !is_pow2(dev->block_size))
		return err_set(E_INVAL, "%s: bad block size %u", dev->name, dev->block_size);
	if (!dev->num_blocks)
		return err_set(E_RANGE, "%s: empty disk", dev->name);
	s = mem_alloc(dev->block_size);
	if (!s)
		return err_set(E_NOMEM, "out of memory");
	r = blockdev_read(dev, 0, 1, s);
	if (r)
		goto out;
	bool at0;
	if (mbr_plausible(dev, s, &at0)) {
		bool protective = false;
		for (int i = 0; i < 4; i++)
			protective |= s[MBR_TABLE + 16 * i + 4] == 0xee;
		/*
		 * UEFI spec 5.2.3: an 0xEE entry announces a GPT, which wins over the other entries
		 * of a hybrid MBR. If neither GPT header is usable, a hybrid MBR's own entries are
		 * still a partition table.
		 */
		if (protective) {
			r = gpt_scan(dev, out, max);
		} else if (at0) {
			/*
			 * A hybrid ISO: the filesystem at sector 0 is the whole disk's (as on a
			 * CD), and the table's other entries (the appended EFI system partition)
			 * are partitions beside it, as Linux and firmware see them.
			 */
			vol_init(out, dev, PART_NONE, 0);
			out->blocks = dev->num_blocks;
			r = max > 1 ? scan_mbr(dev, s, out + 1, max - 1) : 0;
			r = r < 0 ? r : r + 1;
		} else {
			r = scan_mbr(dev, s, out, max);
		}
		if (protective && r < 0) {
			char why[160];
			strlcpy_b(why, err_msg(), sizeof(why));
			int m = scan_mbr(dev, s, out, max);
			if (m > 0) {
				snfmt(part_warning, sizeof(part_warning),
				      "%s; using the hybrid MBR's partitions", why);
				r = m;
			}
		}
	} else {
		vol_init(out, dev, PART_NONE, 0);
		out->blocks = dev->num_blocks;
		r = 1;
	}
out:
	mem_free(s);
	return r;
}

/* --- what a partition is for, by its type --- */

static bool gpt_type_is(const struct volume *v, const char *guid)
{
	char s[37];

	if (v->scheme != PART_GPT)
		return false;
	guid_to_str(v->type_guid, s);
	return !strcasecmp_ascii(s, guid);
}

bool vol_is_esp(const struct volume *v)
{
	/* UEFI 5.3.3 (GPT partition type GUIDs) and 5.2.2 (OS type 0xEF in an MBR). */
	return gpt_type_is(v, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b") ||
	       (v->scheme == PART_MBR && v->mbr_type == 0xef);
}

bool vol_is_xbootldr(const struct volume *v)
{
	/* BLS "The Partitions": the Extended Boot Loader partition's GPT type, or MBR type 0xEA. */
	return gpt_type_is(v, "bc13c2ff-59e6-4262-a352-b275fd6f7172") ||
	       (v->scheme == PART_MBR && v->mbr_type == 0xea);
}
