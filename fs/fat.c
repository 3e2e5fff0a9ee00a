/* fat.c: the FAT12/16/32 driver (Microsoft "FAT: General Overview of On-Disk Format", 1.03). */
#include "fs.h"

/* Section 6: directory entry attributes. */
#define ATTR_VOLUME_ID 0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_LONG_NAME 0x0f /* RO | HIDDEN | SYSTEM | VOLUME_ID */
#define ATTR_LONG_MASK 0x3f
#define DIRENT	       32
#define DIR_MAX_BYTES  (65536u * DIRENT) /* section 6: at most 65,536 entries in a directory */
#define LFN_UNITS      (20 * 13)	 /* 20 long-name entries of 13 UCS-2 units (section 7) */
#define NAME_MAX_UTF8  (LFN_UNITS * 3)	 /* UTF-8 takes at most 3 bytes per unit */

struct fat {
	struct fs fs;
	int bits; /* 12, 16 or 32 */
	uint32_t cluster_bytes;
	uint32_t n_clusters; /* data clusters, numbered 2 .. n_clusters + 1 */
	uint32_t bad;	     /* the bad-cluster mark; values above it end a chain */
	uint64_t fat_off;    /* byte offset of the FAT in use */
	uint64_t root_off;   /* FAT12/16: the fixed root directory region */
	uint64_t root_bytes;
	uint32_t root_clus; /* FAT32: the root directory's first cluster */
	uint64_t data_off;  /* byte offset of cluster 2 */
};

/* A run of contiguous clusters: file clusters fidx .. fidx+n-1 are clusters clus .. clus+n-1. */
struct run {
	uint32_t clus, n, fidx;
};

struct fat_file {
	struct fs_file f;
	uint32_t clus; /* first cluster; 0 for an empty file (and for the FAT12/16 root) */
	bool root;
	struct run *runs;
	uint32_t n_runs;
	bool mapped; /* runs cover the whole file: later reads do not touch the FAT */
};

/* A directory or file found in a directory. */
struct node {
	uint32_t clus;
	uint32_t size;
	bool dir, root;
	int64_t mtime;
	uint64_t pos; /* the entry's byte offset in the volume: the file's inode number */
};

static const char *fat_name(struct fat *fs)
{
	return fs->fs.vol->name;
}

/* Section 4: the FAT entry of cluster c (12-bit entries straddle byte pairs). */
static int fat_entry(struct fat *fs, uint32_t c, uint32_t *val)
{
	uint8_t b[4];
	uint64_t off = fs->bits == 12 ? c + c / 2 : (uint64_t)c * (fs->bits / 8);
	int r = vol_read_meta(fs->fs.vol, fs->fat_off + off, fs->bits == 32 ? 4 : 2, b);

	if (r)
		return r;
	if (fs->bits == 12)
		*val = c & 1 ? get16(b) >> 4 : get16(b) & 0xfff;
	else if (fs->bits == 16)
		*val = get16(b);
	else
		*val = get32(b) & 0x0fffffff; /* the top four bits are reserved */
	return 0;
}

static int bad_cluster(struct fat *fs, uint32_t from, uint32_t c)
{
	if (from)
		return err_set(E_CORRUPT, "%s: FAT entry of cluster %u is %s (0x%x)", fat_name(fs),
			       from,
			       c == 0	      ? "free, inside a chain"
			       : c == fs->bad ? "the bad-cluster mark"
					      : "out of range",
			       c);
	return err_set(E_CORRUPT, "%s: first cluster %u is out of range (2..%u)", fat_name(fs), c,
		       fs->n_clusters + 1);
}

static int runs_add(struct run **runs, uint32_t *n, uint32_t *cap, uint32_t clus, uint32_t fidx)
{
	struct run *last = *n ? &(*runs)[*n - 1] : NULL;

	if (last && last->clus + last->n == clus) {
		last->n++;
		return 0;
	}
	if (*n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 8;
		struct run *nr = mem_alloc(nc * sizeof(*nr));
		if (!nr)
			return err_set(E_NOMEM, "out of memory");
		if (*n)
			memcpy(nr, *runs, *n * sizeof(*nr));
		mem_free(*runs);
		*runs = nr;
		*cap = nc;
	}
	(*runs)[(*n)++] = (struct run){clus, 1, fidx};
	return 0;
}

/*
 * Maps the chain from cluster first into runs. need: clusters the caller needs (a file's size);
 * a shorter chain is an error. A directory passes need 0 and limit: its chain must end within
 * that many clusters. The walk always goes on to the end-of-chain mark, so a cycle anywhere is
 * found (Brent's algorithm: a saved cluster compared with each step, moved at powers of two),
 * and it is bounded by the number of clusters in the volume whatever the FAT says.
 */
static int fat_map(struct fat *fs, uint32_t first, uint32_t need, uint32_t limit,
		   struct run **runs_out, uint32_t *n_out)
{
	struct run *runs = NULL;
	uint32_t n = 0, cap = 0, count = 0, c = first, saved = first, power = 1, lam = 0;
	int r = 0;

	if (c < 2 || c > fs->n_clusters + 1)
		r = bad_cluster(fs, 0, c);
	while (!r) {
		if (need ? count < need : count < limit)
			r = runs_add(&runs, &n, &cap, c, count);
		if (r)
			break;
		if (++count > fs->n_clusters) {
			r = err_set(E_CORRUPT,
				    "%s: the cluster chain from %u is longer than the volume",
				    fat_name(fs), first);
			break;
		}
		uint32_t next;
		r = fat_entry(fs, c, &next);
		if (r || next > fs->bad) /* end of chain: 0xFF8+ (FAT12), 0xFFF8+, 0x0FFFFFF8+ */
			break;
		if (next < 2 || next > fs->n_clusters + 1) {
			r = bad_cluster(fs, c, next);
			break;
		}
		if (next == saved) {
			r = err_set(E_CORRUPT,
				    "%s: the cluster chain from %u loops back to cluster %u",
				    fat_name(fs), first, next);
			break;
		}
		if (++lam == power) {
			saved = next;
			power *= 2;
			lam = 0;
		}
		c = next;
	}
	if (!r && need && count < need)
		r = err_set(E_CORRUPT,
			    "%s: the cluster chain from %u has %u clusters, the file needs %u",
			    fat_name(fs), first, count, need);
	if (!r && !need && count > limit)
		r = err_set(E_CORRUPT, "%s: the directory at cluster %u is longer than %u bytes",
			    fat_name(fs), first, DIR_MAX_BYTES);
	if (r) {
		mem_free(runs);
		runs = NULL;
		n = 0;
	}
	*runs_out = runs;
	*n_out = n;
	return r;
}

/* Section 7.2: the checksum of an 8.3 name that its long-name entries carry. */
static uint8_t lfn_checksum(const uint8_t *name)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* "NAME.EXT" from an 8.3 entry; NT's reserved byte marks all-lowercase base and extension. */
static void short_name(const uint8_t *e, char out[13])
{
	int n = 0, base;

	for (int i = 0; i < 8; i++)
		out[n++] = (char)(e[12] & 0x08 ? lower((char)e[i]) : (char)e[i]);
	while (n && out[n - 1] == ' ')
		n--;
	if (n && (uint8_t)out[0] == 0x05) /* section 6.1: 0x05 stands for a leading 0xE5 */
		out[0] = (char)0xe5;
	base = n;
	out[n++] = '.';
	for (int i = 8; i < 11; i++)
		out[n++] = (char)(e[12] & 0x10 ? lower((char)e[i]) : (char)e[i]);
	while (n > base && (out[n - 1] == ' ' || out[n - 1] == '.'))
		n--;
	out[n] = 0;
}

/* Called for each live entry at byte pos; lname is its long name or NULL. Nonzero stops. */
typedef int (*dir_fn)(const uint8_t *e, const char *lname, uint64_t pos, void *ctx);

struct lfn {
	uint16_t u[LFN_UNITS];
	int next; /* sequence number expected next; 0: complete */
	int total;
	uint8_t sum;
	bool active;
};

/* Section 7: long-name entries come before their 8.3 entry, last part first. */
static void lfn_add(struct lfn *l, const uint8_t *e)
{
	static const uint8_t at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
	int seq = e[0] & 0x1f;

	if (e[0] & 0x40) { /* the last (first stored) entry */
		l->active = seq >= 1 && seq <= 20;
		l->total = l->next = seq;
		l->sum = e[13];
	}
	if (!l->active || seq != l->next || e[13] != l->sum || seq < 1) {
		l->active = false;
		return;
	}
	for (int i = 0; i < 13; i++)
		l->u[(seq - 1) * 13 + i] = get16(e + at[i]);
	l->next--;
}

/* Walks a directory's entries: the fixed root of FAT12/16, else a cluster chain. */
static int dir_walk(struct fat *fs, const struct node *d, dir_fn fn, void *ctx)
{
	struct lfn *l = mem_alloc(sizeof(*l));
	char *lname = mem_alloc(NAME_MAX_UTF8 + 1);
	struct run *runs = NULL, one;
	uint32_t n_runs = 0;
	int r = 0, stop = 0;

	if (!l || !lname) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	l->active = false;
	if (d->root && fs->bits != 32) {
		one = (struct run){0, 0, 0};
		runs = &one;
		n_runs = 1;
	} else {
		r = fat_map(fs, d->clus, 0, MAX(DIR_MAX_BYTES / fs->cluster_bytes, 1u), &runs,
			    &n_runs);
	}
	for (uint32_t i = 0; !r && !stop && i < n_runs; i++) {
		uint64_t off, len;
		if (runs == &one) {
			off = fs->root_off;
			len = fs->root_bytes;
		} else {
			off = fs->data_off + (uint64_t)(runs[i].clus - 2) * fs->cluster_bytes;
			len = (uint64_t)runs[i].n * fs->cluster_bytes;
		}
		for (uint64_t o = 0; !r && !stop && o + DIRENT <= len; o += DIRENT) {
			uint8_t e[DIRENT];
			r = vol_read_meta(fs->fs.vol, off + o, DIRENT, e);
			if (r)
				break;
			if (e[0] == 0x00) { /* section 6.1: no entries follow */
				stop = 1;
				break;
			}
			if (e[0] == 0xe5) { /* free */
				l->active = false;
				continue;
			}
			if ((e[11] & ATTR_LONG_MASK) == ATTR_LONG_NAME) {
				lfn_add(l, e);
				continue;
			}
			bool use = l->active && l->next == 0 && l->sum == lfn_checksum(e);
			if (use)
				utf16_to_utf8(l->u, (size_t)l->total * 13, lname,
					      NAME_MAX_UTF8 + 1);
			l->active = false;
			stop = fn(e, use ? lname : NULL, off + o, ctx);
		}
	}
out:
	if (runs != &one)
		mem_free(runs);
	mem_free(l);
	mem_free(lname);
	return r;
}

/* Section 6.3: a FAT date and time (local time, taken as UTC) in seconds since 1970. */
static int64_t fat_time(uint16_t date, uint16_t time)
{
	int64_t y = 1980 + (date >> 9), m = (date >> 5) & 15, d = date & 31;

	if (!date || m < 1 || m > 12 || !d)
		return 0;
	return days_from_civil(y, m, d) * 86400 + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 +
	       (time & 31) * 2;
}

static void node_from(struct fat *fs, const uint8_t *e, uint64_t pos, struct node *n)
{
	n->dir = e[11] & ATTR_DIRECTORY;
	n->size = n->dir ? 0 : get32(e + 28);
	/* The high half is only meaningful on FAT32 (section 6). */
	n->clus = get16(e + 26) | (fs->bits == 32 ? (uint32_t)get16(e + 20) << 16 : 0);
	/* ".." of a directory in the root says cluster 0; some FAT32 writers put the root's. */
	n->root = n->dir && (!n->clus || (fs->bits == 32 && n->clus == fs->root_clus));
	if (n->root)
		n->clus = fs->bits == 32 ? fs->root_clus : 0;
	n->mtime = fat_time(get16(e + 24), get16(e + 22));
	n->pos = pos;
}

struct find {
	struct fat *fs;
	const char *name;
	struct node *out;
	bool found;
};

static int find_fn(const uint8_t *e, const char *lname, uint64_t pos, void *ctx)
{
	struct find *f = ctx;
	char sname[13];

	if (e[11] & ATTR_VOLUME_ID)
		return 0;
	short_name(e, sname);
	if (strcasecmp_ascii(f->name, sname) && (!lname || strcasecmp_ascii(f->name, lname)))
		return 0;
	node_from(f->fs, e, pos, f->out);
	f->found = true;
	return 1;
}

static struct fs_file *file_new(struct fat *fs, const struct node *n)
{
	struct fat_file *f = mem_zalloc(sizeof(*f));

	if (!f) {
		err_set(E_NOMEM, "out of memory");
		return NULL;
	}
	f->f.fs = &fs->fs;
	f->f.size = n->size;
	f->f.type = n->dir ? FS_DIR : FS_FILE;
	f->f.mtime = n->mtime;
	f->f.ino = n->pos;
	f->clus = n->clus;
	f->root = n->root;
	return &f->f;
}

static void node_of(const struct fs_file *fb, struct node *n)
{
	const struct fat_file *f = (const struct fat_file *)fb;

	*n = (struct node){f->clus, 0, fb->type == FS_DIR, f->root, fb->mtime, fb->ino};
}

static int fat_root(struct fs *fsb, struct fs_file **out)
{
	struct fat *fs = (struct fat *)fsb;
	struct node root = {fs->bits == 32 ? fs->root_clus : 0, 0, true, true, 0, 0};

	*out = file_new(fs, &root);
	return *out ? 0 : E_NOMEM;
}

/* Case-insensitive, by long name or 8.3 name, as Windows and Linux's vfat match them. */
static int fat_lookup(struct fs_file *dir, const char *name, struct fs_file **out)
{
	struct fat *fs = (struct fat *)dir->fs;
	struct node d, n;
	struct find f = {fs, name, &n, false};
	int r;

	node_of(dir, &d);
	if (strlen(name) > NAME_MAX_UTF8)
		return E_NOENT;
	r = dir_walk(fs, &d, find_fn, &f);
	if (r)
		return r;
	if (!f.found)
		return E_NOENT;
	*out = file_new(fs, &n);
	return *out ? 0 : E_NOMEM;
}

struct list {
	fs_dirent_fn fn;
	void *ctx;
};

static int list_fn(const uint8_t *e, const char *lname, uint64_t pos, void *ctx)
{
	struct list *l = ctx;
	char sname[13];

	(void)pos;
	if (e[11] & ATTR_VOLUME_ID)
		return 0;
	short_name(e, sname);
	if (!strcmp(sname, ".") || !strcmp(sname, ".."))
		return 0;
	const char *name = lname ? lname : sname;
	if (!name[0] || strchr(name, '/')) /* a name no path can spell: not listed */
		return 0;
	return l->fn(l->ctx, name, e[11] & ATTR_DIRECTORY ? FS_DIR : FS_FILE);
}

static int fat_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx)
{
	struct node d;
	struct list l = {fn, ctx};

	node_of(dir, &d);
	return dir_walk((struct fat *)dir->fs, &d, list_fn, &l);
}

/* Finds the run holding file cluster fc (runs are in file order). */
static uint32_t run_find(const struct fat_file *f, uint32_t fc)
{
	uint32_t lo = 0, hi = f->n_runs - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (f->runs[mid].fidx <= fc)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Calls fn once per run of contiguous clusters covering [off, off+len) of the file. */
static int fat_walk(struct fs_file *fb, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	struct fat_file *f = (struct fat_file *)fb;
	struct fat *fs = (struct fat *)fb->fs;
	uint64_t cb = fs->cluster_bytes;
	int r;

	if (!f->mapped) {
		uint64_t need = (fb->size + cb - 1) / cb;
		if (need > fs->n_clusters)
			return err_set(E_CORRUPT,
				       "%s: a file of %llu bytes is larger than the volume",
				       fat_name(fs), (unsigned long long)fb->size);
		r = fat_map(fs, f->clus, (uint32_t)need, 0, &f->runs, &f->n_runs);
		if (r)
			return r;
		f->mapped = true;
	}
	for (uint32_t i = run_find(f, (uint32_t)(off / cb)); len; i++) {
		const struct run *ru = &f->runs[i];
		uint64_t in = off - ru->fidx * cb, n = MIN(len, ru->n * cb - in);
		r = fn(ctx, off, fs->data_off + (ru->clus - 2) * cb + in, n);
		if (r)
			return r;
		off += n, len -= n;
	}
	return 0;
}

static void fat_close(struct fs_file *fb)
{
	struct fat_file *f = (struct fat_file *)fb;

	mem_free(f->runs);
	mem_free(f);
}

static void fat_unmount(struct fs *fsb)
{
	mem_free(fsb);
}

/* Copies an 11-byte space-padded name, trimmed; "NO NAME" is no name, as blkid has it. */
static void label_copy(char *dst, const uint8_t *src)
{
	int n = 11;

	if (!memcmp(src, "NO NAME    ", 11))
		n = 0;
	while (n && src[n - 1] == ' ')
		n--;
	memcpy(dst, src, (size_t)n);
	dst[n] = 0;
}

static int label_fn(const uint8_t *e, const char *lname, uint64_t pos, void *ctx)
{
	(void)lname, (void)pos;
	if ((e[11] & (ATTR_VOLUME_ID | ATTR_DIRECTORY)) != ATTR_VOLUME_ID)
		return 0;
	label_copy(ctx, e);
	return 1;
}

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

static int fat_mount(struct volume *v, struct fs **out)
{
	uint8_t s[512];
	uint64_t vbytes = v->blocks * v->dev->block_size;
	int r;

	if (vbytes < sizeof(s))
		return err_set(E_FORMAT, "%s: too small for FAT", v->name);
	r = vol_read_meta(v, 0, sizeof(s), s);
	if (r)
		return r;
	/* Section 3.1: the boot sector's jump and BPB; these rule out what is not FAT at all. */
	uint32_t bps = get16(s + 11), spc = s[13], rsvd = get16(s + 14), nfats = s[16];
	uint32_t root_ents = get16(s + 17), media = s[21];
	uint32_t tot = get16(s + 19) ? get16(s + 19) : get32(s + 32);
	uint32_t fatsz = get16(s + 22) ? get16(s + 22) : get32(s + 36);
	bool fat32 = get16(s + 22) == 0; /* a FAT32 BPB has BPB_FATSz16 = 0 (section 3.2) */
	if ((s[0] != 0xeb && s[0] != 0xe9) || bps < 512 || bps > 4096 || !pow2(bps) || !pow2(spc) ||
	    !rsvd || !nfats || (media != 0xf0 && media < 0xf8) || !tot || !fatsz ||
	    (fat32 && root_ents) || (!fat32 && !root_ents))
		return err_set(E_FORMAT, "%s: not a FAT filesystem", v->name);

	/* Section 3.5: the data area and the count of its clusters. */
	uint64_t root_secs = ((uint64_t)root_ents * DIRENT + bps - 1) / bps;
	uint64_t meta = rsvd + (uint64_t)nfats * fatsz + root_secs;
	if (meta >= tot)
		return err_set(E_FORMAT, "%s: not a FAT filesystem (no data area)", v->name);
	uint64_t clusters = (tot - meta) / spc;
	if (!clusters)
		return err_set(E_FORMAT, "%s: not a FAT filesystem (no clusters)", v->name);
	if ((uint64_t)tot * bps > vbytes)
		return err_set(E_CORRUPT,
			       "%s: the FAT filesystem (%llu bytes) is larger than the volume",
			       v->name, (unsigned long long)tot * bps);

	/*
	 * Section 3.5: under 4085 clusters is FAT12, under 65525 FAT16, else FAT32. A FAT32 BPB
	 * (BPB_FATSz16 = 0) is read as FAT32 whatever the count, as Linux does.
	 */
	int bits = fat32 ? 32 : clusters < 4085 ? 12 : 16;
	/* Never trust more clusters than the FAT has entries for, nor than the type can number. */
	clusters = MIN(clusters, (uint64_t)fatsz * bps * 8 / bits - 2);
	if (clusters > (bits == 12 ? 4084u : bits == 16 ? 65524u : 0x0ffffff5u))
		return err_set(E_CORRUPT, "%s: %llu clusters are too many for FAT%d", v->name,
			       (unsigned long long)clusters, bits);
	uint32_t root_clus = fat32 ? get32(s + 44) : 0;
	if (fat32 && get16(s + 42))
		return err_set(E_UNSUPP, "%s: FAT32 version %u.%u is not supported", v->name, s[43],
			       s[42]);
	if (fat32 && (root_clus < 2 || root_clus > clusters + 1))
		return err_set(E_CORRUPT, "%s: FAT32 root cluster %u is out of range", v->name,
			       root_clus);
	uint32_t active = 0;
	if (fat32 && (get16(s + 40) & 0x80)) /* BPB_ExtFlags: mirroring off, one FAT active */
		active = get16(s + 40) & 0x0f;
	if (active >= nfats)
		active = 0;

	struct fat *fs = mem_zalloc(sizeof(*fs));
	if (!fs)
		return err_set(E_NOMEM, "out of memory");
	fs->fs.vol = v;
	fs->bits = bits;
	fs->bad = bits == 12 ? 0xff7 : bits == 16 ? 0xfff7 : 0x0ffffff7;
	fs->n_clusters = (uint32_t)clusters;
	fs->cluster_bytes = bps * spc;
	fs->fat_off = ((uint64_t)rsvd + (uint64_t)active * fatsz) * bps;
	fs->root_off = ((uint64_t)rsvd + (uint64_t)nfats * fatsz) * bps;
	fs->root_bytes = root_secs * bps;
	fs->root_clus = root_clus;
	fs->data_off = meta * bps;
	const uint8_t *ext = s + (fat32 ? 64 : 36); /* BS_DrvNum: the extended boot record */
	/* blkid prints the volume serial as XXXX-XXXX; 0x28 has the serial but no label. */
	if (ext[2] == 0x28 || ext[2] == 0x29)
		snfmt(fs->fs.uuid, sizeof(fs->fs.uuid), "%04X-%04X", get16(ext + 5),
		      get16(ext + 3));
	/*
	 * The label is the root directory's volume-ID entry, as blkid (LABEL=) and GRUB read it.
	 * The BPB's copy is not used: Windows leaves it stale when a label is changed or removed.
	 */
	struct node root = {fs->root_clus, 0, true, true, 0, 0};
	if (dir_walk(fs, &root, label_fn, fs->fs.label))
		fs->fs.label[0] = 0;
	*out = &fs->fs;
	return 0;
}

const struct fs_driver fat_driver = {
    .name = "fat",
    .mount = fat_mount,
    .root = fat_root,
    .lookup = fat_lookup,
    .readdir = fat_readdir,
    .extents = fat_walk,
    .close = fat_close,
    .unmount = fat_unmount,
};
