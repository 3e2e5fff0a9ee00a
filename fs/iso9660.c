/* iso9660.c: the ISO 9660 driver (ECMA-119), with Joliet and Rock Ridge (SUSP 1.12, RRIP 1.12). */
#include "fs.h"

#define SECTOR	   2048u       /* ECMA-119 6.1.2: a logical sector, whatever the block size */
#define VD_FIRST   16	       /* ECMA-119 6.2.1: the volume descriptor set starts at sector 16 */
#define VD_MAX	   64	       /* descriptors looked at before the set counts as unterminated */
#define DIR_MAX	   (64u << 20) /* a larger directory is taken as corrupt */
#define PARTS_MAX  65536       /* sections of one multi-extent file */
#define NAME_BYTES 1024	       /* a name in UTF-8: a Rock Ridge NM, or a Joliet name */
#define LINK_BYTES 4096	       /* a symlink target (SL), as PATH_MAX */
#define CE_MAX	   32	       /* SUSP continuation areas of one record */
#define SUSP_MAX   (64u << 10) /* system use bytes of one record, areas included */

/* ECMA-119 9.1.6: file flags (hidden files, bit 0, are listed like the others). */
#define FL_DIR	 0x02
#define FL_ASSOC 0x04
#define FL_MULTI 0x80

/* RRIP 4.1.1: PX file mode bits (those of POSIX st_mode). */
#define S_FMT 0170000
#define S_REG 0100000
#define S_LNK 0120000

enum names { N_ISO, N_JOLIET, N_RR };

struct iso {
	struct fs fs;
	uint32_t bs; /* logical block size (ECMA-119 8.4.12) */
	uint64_t vol_bytes;
	enum names names;
	uint8_t skip;		     /* SUSP 5.3: LEN_SKP, bytes before each system use field */
	uint64_t root_off, root_len; /* the directory tree in use */
	uint32_t root_mode;
	int64_t root_mtime;
	uint64_t root_ino;
};

/* One section of a file: len bytes at byte off of the volume. */
struct piece {
	uint64_t off, len;
};

struct iso_file {
	struct fs_file f;
	uint64_t dir_off, dir_len; /* FS_DIR: where its records lie */
	struct piece one, *parts;  /* FS_FILE: its sections in order; parts is &one for one */
	uint32_t n_parts;
	char *link;
	const char *refuse; /* why the data cannot be read as stored, or NULL */
};

/* A directory entry as its record(s) and system use fields describe it. */
struct ent {
	struct iso *fs;
	uint64_t pos; /* byte offset of the (first) record: the inode number without PX */
	uint8_t flags, id_len, id[255];
	char *name; /* NAME_BYTES */
	size_t name_len;
	bool rr_name; /* from NM: compared exactly */
	char *link;   /* LINK_BYTES */
	size_t link_len;
	bool sl, comp_cont, px, re, cl, dot, sp, er_rrip, rr_seen;
	uint8_t sp_skip;
	uint32_t mode;
	uint64_t ino, cl_lba;
	int64_t mtime;
	const char *refuse;
	struct piece *parts;
	uint32_t n_parts, cap;
	uint64_t size;
};

typedef int (*ent_fn)(struct ent *e, void *ctx); /* nonzero stops: > 0 found, < 0 error */

static const char *iso_name(struct iso *fs)
{
	return fs->fs.vol->name;
}

static int corrupt(struct iso *fs, const char *what, uint64_t pos)
{
	return err_set(E_CORRUPT, "%s: ISO 9660: %s (at byte %llu)", iso_name(fs), what,
		       (unsigned long long)pos);
}

/* ECMA-119 9.1.5: years since 1900, month, day, h, m, s, GMT offset in 15-minute units. */
static int64_t time7(const uint8_t *t)
{
	if (t[1] < 1 || t[1] > 12 || t[2] < 1 || t[2] > 31)
		return 0;
	return days_from_civil(1900 + t[0], t[1], t[2]) * 86400 + t[3] * 3600 + t[4] * 60 + t[5] -
	       (int8_t)t[6] * 900;
}

static int digits(const uint8_t *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

/* ECMA-119 8.4.26.1: "YYYYMMDDHHMMSScc" digits and the GMT offset (RRIP 4.1.6 long form). */
static int64_t time17(const uint8_t *t)
{
	int y = digits(t, 4), mo = digits(t + 4, 2), d = digits(t + 6, 2);
	int h = digits(t + 8, 2), mi = digits(t + 10, 2), s = digits(t + 12, 2);

	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || mi < 0 || s < 0)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - (int8_t)t[16] * 900;
}

/* Joliet: UCS-2 big-endian (at most 127 units in a name, 16 in a label). */
static size_t utf16be(const uint8_t *s, size_t units, char *out, size_t cap)
{
	uint16_t u[128];

	units = MIN(units, ARRAY_SIZE(u));
	for (size_t i = 0; i < units; i++)
		u[i] = (uint16_t)(s[2 * i] << 8 | s[2 * i + 1]);
	return utf16_to_utf8(u, units, out, cap);
}

/* ECMA-119 7.5.1: a file identifier without its ";version" and a '.' left with no extension. */
static void strip_version(char *name, size_t *len)
{
	for (size_t i = 0; i < *len; i++)
		if (name[i] == ';')
			*len = i;
	if (*len > 1 && name[*len - 1] == '.')
		(*len)--;
	name[*len] = 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* --- SUSP (IEEE P1281) and RRIP (IEEE P1282) --- */

static int sl_append(struct ent *e, const char *s, size_t n)
{
	if (e->link_len + n >= LINK_BYTES)
		return corrupt(e->fs, "a symbolic link target is longer than 4095 bytes", e->pos);
	memcpy(e->link + e->link_len, s, n);
	e->link_len += n;
	e->link[e->link_len] = 0;
	return 0;
}

/* RRIP 4.1.3.1: component records; CONTINUE joins a component to the next one, across SLs. */
static int sl_entry(struct ent *e, const uint8_t *p, size_t len)
{
	int r = 0;

	e->sl = true;
	for (size_t c = 5; !r && c < len; c += 2 + p[c + 1]) {
		uint8_t fl = p[c];
		if (c + 2 > len || c + 2 + p[c + 1] > len)
			return corrupt(e->fs, "a Rock Ridge SL component overruns its entry",
				       e->pos);
		if (e->link_len && !e->comp_cont && e->link[e->link_len - 1] != '/')
			r = sl_append(e, "/", 1);
		if (r)
			break;
		if (fl & 0x18) /* ROOT, or the obsolete VOLROOT */
			r = sl_append(e, "/", 1);
		else if (fl & 0x02) /* CURRENT */
			r = sl_append(e, ".", 1);
		else if (fl & 0x04) /* PARENT */
			r = sl_append(e, "..", 2);
		else if (!(fl & 0x20)) /* HOST has no meaning here */
			r = sl_append(e, (const char *)p + c + 2, p[c + 1]);
		e->comp_cont = fl & 0x01;
	}
	return r;
}

static bool sig(const uint8_t *p, const char *s)
{
	return p[0] == (uint8_t)s[0] && p[1] == (uint8_t)s[1];
}

/* The entries the walk uses, with the length each needs at least. */
static const struct {
	char sig[3];
	uint8_t min;
} known[] = {{"CE", 28}, {"SP", 7},  {"ER", 8}, {"PX", 36}, {"NM", 5}, {"SL", 5},
	     {"TF", 5},	 {"CL", 12}, {"RE", 4}, {"ZF", 4},  {"SF", 4}};

/*
 * Parses one system use area (SUSP 4); a CE entry (SUSP 5.1) sets where the next area is.
 * rr: Rock Ridge is in use; else only what mount's detection needs (SP, ER, RR, PX).
 */
static int susp_area(struct ent *e, const uint8_t *p, size_t n, bool rr, struct piece *ce)
{
	struct iso *fs = e->fs;

	for (size_t i = 0; i + 4 <= n;) {
		const uint8_t *q = p + i;
		size_t len = q[2];
		if (!q[0] && !len) /* zero padding to the end of the area */
			break;
		if (len < 4 || len > n - i)
			return corrupt(fs, "a system use entry overruns its area", e->pos);
		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			if (sig(q, known[k].sig) && len < known[k].min)
				return corrupt(fs, "a system use entry is too short", e->pos);
		i += len;
		if (sig(q, "ST")) /* SUSP 5.4: the terminator */
			break;
		if (sig(q, "CE")) {
			ce->off = (uint64_t)get32(q + 4) * fs->bs + get32(q + 12);
			ce->len = get32(q + 20);
		} else if (sig(q, "SP") && q[4] == 0xbe && q[5] == 0xef) {
			e->sp = true, e->sp_skip = q[6];
		} else if (sig(q, "ER")) {
			/* SUSP 5.5: LEN_ID, LEN_DES, LEN_SRC, EXT_VER, then the identifier. */
			static const char *const ids[] = {"RRIP_1991A", "IEEE_P1282", "IEEE_1282"};
			for (size_t k = 0; k < ARRAY_SIZE(ids); k++)
				e->er_rrip |= q[4] == strlen(ids[k]) && 8u + q[4] <= len &&
					      !memcmp(q + 8, ids[k], q[4]);
		} else if (sig(q, "RR")) { /* RRIP 1.09's list of entries in use */
			e->rr_seen = true;
		} else if (sig(q, "PX")) { /* RRIP 4.1.1: mode, links, uid, gid[, serial] */
			e->px = e->rr_seen = true;
			e->mode = get32(q + 4);
			if (len >= 44 && get32(q + 36))
				e->ino = get32(q + 36);
		} else if (!rr) {
			continue;
		} else if (sig(q, "NM")) { /* RRIP 4.1.4 */
			if (q[4] & 0x06) { /* CURRENT, PARENT: "." and ".." */
				e->dot = true;
				continue;
			}
			if (e->name_len + len - 5 >= NAME_BYTES)
				return corrupt(fs, "a Rock Ridge name (NM) is too long", e->pos);
			memcpy(e->name + e->name_len, q + 5, len - 5);
			e->name_len += len - 5;
			e->rr_name = true;
		} else if (sig(q, "SL")) {
			int r = sl_entry(e, q, len);
			if (r)
				return r;
		} else if (sig(q, "TF")) { /* RRIP 4.1.6: stamps in flag bit order */
			size_t sz = q[4] & 0x80 ? 17 : 7, at = 5;
			for (int b = 0; b < 7; b++) {
				if (!(q[4] & (1 << b)))
					continue;
				if (at + sz > len)
					return corrupt(fs, "a Rock Ridge TF entry is too short",
						       e->pos);
				if (b == 1) /* MODIFY */
					e->mtime = sz == 17 ? time17(q + at) : time7(q + at);
				at += sz;
			}
		} else if (sig(q, "CL")) { /* RRIP 4.1.5.1: the relocated directory */
			e->cl = true;
			e->cl_lba = get32(q + 4);
		} else if (sig(q, "RE")) { /* RRIP 4.1.5.3: relocated here, listed under CL */
			e->re = true;
		} else if (sig(q, "ZF")) {
			e->refuse = "zisofs-compressed files (ZF) are not supported";
		} else if (sig(q, "SF")) {
			e->refuse = "Rock Ridge sparse files (SF) are not supported";
		}
	}
	return 0;
}

/*
 * The system use field of record d (ECMA-119 9.1.13), then its continuation areas, at most
 * CE_MAX of them and SUSP_MAX bytes in all, so that a CE loop ends.
 */
static int susp(struct ent *e, const uint8_t *d, bool rr, bool root_dot)
{
	struct iso *fs = e->fs;
	size_t at = 33 + d[32] + !(d[32] & 1) + (root_dot ? 0 : fs->skip), total = 0;
	struct piece ce = {0, 0};
	uint8_t *buf = NULL;
	int r = 0;

	if (at < d[0])
		r = susp_area(e, d + at, d[0] - at, rr, &ce);
	for (int hops = 0; !r && ce.len; hops++) {
		struct piece cur = ce;
		total += cur.len;
		if (hops == CE_MAX || total > SUSP_MAX) {
			r = corrupt(fs, "too many SUSP continuation areas (a CE loop?)", e->pos);
			break;
		}
		if (cur.off > fs->vol_bytes || cur.len > fs->vol_bytes - cur.off) {
			r = corrupt(fs, "a SUSP continuation area lies beyond the volume", e->pos);
			break;
		}
		mem_free(buf);
		buf = mem_alloc(cur.len);
		if (!buf) {
			r = err_set(E_NOMEM, "out of memory");
			break;
		}
		r = vol_read_meta(fs->fs.vol, cur.off, cur.len, buf);
		ce.len = 0;
		if (!r)
			r = susp_area(e, buf, cur.len, rr, &ce);
	}
	mem_free(buf);
	return r;
}

/* --- directories --- */

static struct ent *ent_new(struct iso *fs)
{
	struct ent *e = mem_zalloc(sizeof(*e));

	if (e) {
		e->fs = fs;
		e->name = mem_alloc(NAME_BYTES);
		e->link = mem_alloc(LINK_BYTES);
		e->cap = 4;
		e->parts = mem_alloc(e->cap * sizeof(*e->parts));
	}
	if (e && e->name && e->link && e->parts)
		return e;
	err_set(E_NOMEM, "out of memory");
	return NULL;
}

static void ent_free(struct ent *e)
{
	if (e) {
		mem_free(e->name);
		mem_free(e->link);
		mem_free(e->parts);
	}
	mem_free(e);
}

static void ent_reset(struct ent *e, const uint8_t *d, uint64_t pos)
{
	e->pos = pos;
	e->flags = d[25];
	e->id_len = d[32];
	memcpy(e->id, d + 33, d[32]);
	e->name_len = e->link_len = 0;
	e->name[0] = e->link[0] = 0;
	e->rr_name = e->sl = e->comp_cont = e->px = e->re = e->cl = e->dot = false;
	e->mode = 0;
	e->ino = 0;
	e->mtime = time7(d + 18);
	e->refuse = d[26] || d[27] ? "interleaved files are not supported" : NULL;
	e->n_parts = 0;
	e->size = 0;
}

static int add_part(struct ent *e, const uint8_t *d)
{
	struct iso *fs = e->fs;
	/* ECMA-119 6.5.1, 9.1.2: the data follows the extended attribute record. */
	struct piece p = {((uint64_t)get32(d + 2) + d[1]) * fs->bs, get32(d + 10)};

	if (e->n_parts == e->cap) {
		uint32_t nc = e->cap * 2;
		struct piece *np = nc <= PARTS_MAX ? mem_alloc(nc * sizeof(*np)) : NULL;
		if (nc > PARTS_MAX)
			return corrupt(fs, "a multi-extent file has too many sections", e->pos);
		if (!np)
			return err_set(E_NOMEM, "out of memory");
		memcpy(np, e->parts, e->n_parts * sizeof(*np));
		mem_free(e->parts);
		e->parts = np;
		e->cap = nc;
	}
	e->parts[e->n_parts++] = p;
	e->size += p.len;
	return 0;
}

/* The name of a record without NM: ECMA-119 d-characters, or Joliet's UCS-2. */
static void plain_name(struct ent *e)
{
	if (e->fs->names == N_JOLIET) {
		e->name_len = utf16be(e->id, e->id_len / 2, e->name, NAME_BYTES);
	} else {
		memcpy(e->name, e->id, e->id_len);
		e->name_len = e->id_len;
	}
	strip_version(e->name, &e->name_len);
}

static enum fs_ftype ent_type(const struct ent *e)
{
	if (e->cl || (e->flags & FL_DIR))
		return FS_DIR;
	if (e->px) {
		uint32_t t = e->mode & S_FMT;
		return t == S_REG ? FS_FILE : t == S_LNK ? FS_SYMLINK : FS_OTHER;
	}
	return e->sl ? FS_SYMLINK : FS_FILE;
}

/* A complete entry: "." and "..", associated files (ECMA-119 9.1.6) and RE are not shown. */
static int deliver(struct ent *e, ent_fn fn, void *ctx)
{
	if ((e->id_len == 1 && e->id[0] <= 1) || (e->flags & FL_ASSOC) || e->re || e->dot)
		return 0;
	if (!e->rr_name)
		plain_name(e);
	/* A name no path can spell (empty, or holding NUL or '/') is neither listed nor found. */
	if (!e->name_len || memchr(e->name, 0, e->name_len) || memchr(e->name, '/', e->name_len))
		return 0;
	e->name[e->name_len] = 0;
	return fn(e, ctx);
}

/*
 * Calls fn for each entry of the directory at [off, off+len). Records do not cross logical
 * sectors (ECMA-119 6.8.1.1): a zero length byte pads to the next one. A multi-extent file's
 * records follow each other with one identifier, all but the last flagged (9.1.6).
 */
static int dir_walk(struct iso *fs, uint64_t off, uint64_t len, ent_fn fn, void *ctx)
{
	struct ent *e = ent_new(fs);
	uint8_t *sec = mem_alloc(SECTOR);
	bool pending = false;
	int r = 0;

	if (!e || !sec)
		r = err_set(E_NOMEM, "out of memory");
	else if (len > DIR_MAX)
		r = corrupt(fs, "a directory is larger than 64 MiB", off);
	else if (off > fs->vol_bytes || len > fs->vol_bytes - off)
		r = corrupt(fs, "a directory lies beyond the end of the volume", off);
	for (uint64_t pos = off, end = off + len; !r && pos < end;) {
		uint64_t next = MIN(ALIGN_DOWN(pos, SECTOR) + SECTOR, end);
		size_t n = (size_t)(next - pos);
		r = vol_read_meta(fs->fs.vol, pos, n, sec);
		for (size_t p = 0; !r && p < n && sec[p];) {
			const uint8_t *d = sec + p;
			if (d[0] < 34 || d[0] > n - p || 33 + d[32] > d[0]) {
				r = corrupt(fs,
					    "a directory record is malformed or crosses a sector",
					    pos + p);
				break;
			}
			p += d[0];
			if (pending) {
				if (d[32] != e->id_len || memcmp(d + 33, e->id, d[32])) {
					r = corrupt(fs, "a multi-extent file's sections are apart",
						    pos + p - d[0]);
					break;
				}
				r = add_part(e, d);
			} else {
				ent_reset(e, d, pos + p - d[0]);
				if (fs->names == N_RR && !(d[32] == 1 && d[33] <= 1))
					r = susp(e, d, true, false);
				if (!r)
					r = add_part(e, d);
			}
			pending = d[25] & FL_MULTI;
			if (pending && (d[25] & FL_DIR))
				r = corrupt(fs, "a directory is flagged multi-extent",
					    pos + p - d[0]);
			if (!r && !pending)
				r = deliver(e, fn, ctx);
		}
		pos = next;
	}
	if (!r && pending)
		r = corrupt(fs, "a multi-extent file has no last section", e->pos);
	ent_free(e);
	mem_free(sec);
	return r < 0 ? r : 0;
}

/* RRIP 4.1.5.1: a CL entry's directory, described by its own "." record. */
static int child_dir(struct iso *fs, const struct ent *e, struct iso_file *f)
{
	uint8_t d[34];
	uint64_t off = e->cl_lba * fs->bs;
	int r;

	if (off + sizeof(d) > fs->vol_bytes)
		return corrupt(fs, "a Rock Ridge CL entry points beyond the volume", e->pos);
	r = vol_read_meta(fs->fs.vol, off, sizeof(d), d);
	if (r)
		return r;
	if (d[0] < 34 || d[32] != 1 || d[33] != 0 || !(d[25] & FL_DIR) || get32(d + 2) != e->cl_lba)
		return corrupt(fs, "a Rock Ridge CL entry does not point to a directory", e->pos);
	f->dir_off = ((uint64_t)get32(d + 2) + d[1]) * fs->bs;
	f->dir_len = get32(d + 10);
	return 0;
}

static int file_new(struct ent *e, struct iso_file **out)
{
	struct iso_file *f = mem_zalloc(sizeof(*f));
	int r = 0;

	*out = NULL;
	if (!f)
		return err_set(E_NOMEM, "out of memory");
	f->f.type = ent_type(e);
	f->f.mode = e->px ? e->mode : 0;
	f->f.mtime = e->mtime;
	f->f.ino = e->ino ? e->ino : e->pos;
	f->refuse = e->refuse;
	f->parts = &f->one;
	if (f->f.type == FS_DIR) {
		if (e->cl)
			r = child_dir(e->fs, e, f);
		else if (e->refuse)
			r = err_set(E_UNSUPP, "%s: %s: %s", iso_name(e->fs), e->name, e->refuse);
		else
			f->dir_off = e->parts[0].off, f->dir_len = e->parts[0].len;
		f->f.size = f->dir_len;
	} else if (f->f.type == FS_SYMLINK) {
		f->link = str_ndup(e->link, e->link_len);
		if (!f->link)
			r = err_set(E_NOMEM, "out of memory");
		f->f.size = e->link_len;
	} else {
		if (e->n_parts > 1 && !(f->parts = mem_alloc(e->n_parts * sizeof(*f->parts))))
			r = err_set(E_NOMEM, "out of memory");
		else
			memcpy(f->parts, e->parts, e->n_parts * sizeof(*f->parts));
		f->n_parts = e->n_parts;
		f->f.size = e->size;
	}
	if (r) {
		if (f->parts != &f->one)
			mem_free(f->parts);
		mem_free(f->link);
		mem_free(f);
		return r;
	}
	*out = f;
	return 0;
}

static int iso_root(struct fs *fsb, struct fs_file **out)
{
	struct iso *fs = (struct iso *)fsb;
	struct iso_file *f = mem_zalloc(sizeof(*f));

	*out = NULL;
	if (!f)
		return err_set(E_NOMEM, "out of memory");
	f->f.type = FS_DIR;
	f->f.size = fs->root_len;
	f->f.mode = fs->root_mode;
	f->f.mtime = fs->root_mtime;
	f->f.ino = fs->root_ino;
	f->dir_off = fs->root_off;
	f->dir_len = fs->root_len;
	f->parts = &f->one;
	*out = &f->f;
	return 0;
}

struct find {
	const char *name;
	struct iso_file *exact, *fold;
	int r;
};

static bool same_folded(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b))
		a++, b++;
	return !*a && !*b;
}

/*
 * Rock Ridge names are POSIX names: matched exactly. ECMA-119 and Joliet names are matched
 * without regard to ASCII case (as Windows and Linux's map=normal do), an exact match first.
 */
static int find_fn(struct ent *e, void *ctx)
{
	struct find *fd = ctx;
	bool exact = !strcmp(e->name, fd->name);

	if (!exact && (e->rr_name || fd->fold || !same_folded(e->name, fd->name)))
		return 0;
	fd->r = file_new(e, exact ? &fd->exact : &fd->fold);
	return fd->r ? fd->r : exact;
}

static void iso_close(struct fs_file *fb)
{
	struct iso_file *f = (struct iso_file *)fb;

	if (!f)
		return;
	if (f->parts != &f->one)
		mem_free(f->parts);
	mem_free(f->link);
	mem_free(f);
}

static int iso_lookup(struct fs_file *dir, const char *name, struct fs_file **out)
{
	struct iso *fs = (struct iso *)dir->fs;
	struct iso_file *d = (struct iso_file *)dir;
	struct find fd = {name, NULL, NULL, 0};
	int r;

	*out = NULL;
	if (strlen(name) >= NAME_BYTES)
		return E_NOENT;
	r = dir_walk(fs, d->dir_off, d->dir_len, find_fn, &fd);
	if (!r && fd.exact) {
		if (fd.fold)
			iso_close(&fd.fold->f);
		*out = &fd.exact->f;
		return 0;
	}
	if (!r && fd.fold) {
		*out = &fd.fold->f;
		return 0;
	}
	if (fd.fold)
		iso_close(&fd.fold->f);
	return r ? r : E_NOENT;
}

struct list {
	fs_dirent_fn fn;
	void *ctx;
};

static int list_fn(struct ent *e, void *ctx)
{
	struct list *l = ctx;

	return l->fn(l->ctx, e->name, ent_type(e)) ? 1 : 0;
}

static int iso_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx)
{
	struct iso_file *d = (struct iso_file *)dir;
	struct list l = {fn, ctx};

	return dir_walk((struct iso *)dir->fs, d->dir_off, d->dir_len, list_fn, &l);
}

static int iso_readlink(struct fs_file *fb, char *buf, size_t size)
{
	struct iso_file *f = (struct iso_file *)fb;

	strlcpy_b(buf, f->link, size);
	return 0;
}

/* The sections in order; each is checked against the volume before it is handed out. */
static int iso_extents(struct fs_file *fb, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	struct iso_file *f = (struct iso_file *)fb;
	struct iso *fs = (struct iso *)fb->fs;
	uint64_t at = 0;

	if (f->refuse)
		return err_set(E_UNSUPP, "%s: %s", iso_name(fs), f->refuse);
	for (uint32_t i = 0; i < f->n_parts && len; at += f->parts[i++].len) {
		const struct piece *p = &f->parts[i];
		if (off >= at + p->len)
			continue;
		if (p->off > fs->vol_bytes || p->len > fs->vol_bytes - p->off)
			return corrupt(fs, "a file's data lies beyond the end of the volume",
				       p->off);
		uint64_t in = off - at, n = MIN(len, p->len - in);
		int r = fn(ctx, off, p->off + in, n);
		if (r)
			return r;
		off += n, len -= n;
	}
	return 0;
}

static void iso_unmount(struct fs *fsb)
{
	mem_free(fsb);
}

/*
 * The label as blkid gives it. With a Joliet descriptor, its 16 UCS-2 units; when they agree
 * with the first 16 bytes of the primary identifier ('_' matching anything, ASCII case ignored,
 * the lowercase letter kept), the primary identifier's last 16 bytes (Latin-1) follow them.
 */
static void make_label(char *out, size_t cap, const uint8_t *pid, const uint8_t *jid)
{
	size_t n = 0;
	bool merge = jid != NULL;

	for (int i = 0; merge && i < 16; i++) {
		uint32_t u = (uint32_t)jid[2 * i] << 8 | jid[2 * i + 1], a = pid[i];
		merge = u == a || u == '_' || a == '_' ||
			(u < 0x80 && a < 0x80 && lower((char)u) == lower((char)a));
	}
	if (!jid) {
		for (; n < 32 && pid[n] && n + 1 < cap; n++)
			out[n] = (char)pid[n];
		out[n] = 0;
	} else if (!merge) {
		n = utf16be(jid, 16, out, cap);
	} else {
		for (int i = 0; i < 32; i++) {
			uint32_t a = pid[i], c = a;
			if (i < 16) {
				uint32_t u = (uint32_t)jid[2 * i] << 8 | jid[2 * i + 1];
				c = u == '_'					? a
				    : a == '_' || (uint32_t)lower((char)a) != a ? u
										: a;
			}
			if (!c || !utf8_put(out, &n, cap, c))
				break;
		}
		out[n] = 0;
	}
	while (n && out[n - 1] == ' ')
		out[--n] = 0;
}

/* blkid's UUID: the modification date (ECMA-119 8.4.27), else the creation date, dashed. */
static void make_uuid(char *out, const uint8_t *pvd)
{
	const uint8_t *t = pvd + 830;
	size_t n = 0;

	if (!memcmp(t, "0000000000000000", 17)) /* 16 zeros and a zero offset: not set */
		t = pvd + 813;
	if (!memcmp(t, "0000000000000000", 17))
		t = (const uint8_t *)"";
	for (int i = 0; i < 16 && t[i]; i++) {
		if (i >= 4 && !(i & 1))
			out[n++] = '-';
		out[n++] = (char)t[i];
	}
	out[n] = 0;
}

static bool joliet_esc(const uint8_t *vd)
{
	/* Joliet: escape sequences %/@, %/C, %/E (UCS-2 levels 1-3) in the SVD (ECMA-119 8.5.6). */
	return vd[88] == '%' && vd[89] == '/' && (vd[90] == '@' || vd[90] == 'C' || vd[90] == 'E');
}

/*
 * ECMA-119 8: the descriptors from sector 16 to the terminator (type 255); pvd gets the primary
 * one, svd a supplementary one with Joliet's escape sequences, if any (then *joliet is set).
 */
static int read_vds(struct volume *v, uint64_t vbytes, uint8_t *pvd, uint8_t *svd, bool *joliet)
{
	bool primary = false;

	for (int i = 0; i < VD_MAX; i++) {
		uint8_t *vd = svd + SECTOR; /* scratch */
		uint64_t off = (uint64_t)(VD_FIRST + i) * SECTOR;
		if (off + SECTOR > vbytes)
			return i ? err_set(E_CORRUPT,
					   "%s: ISO 9660 descriptors run past the volume", v->name)
				 : err_set(E_FORMAT, "%s: too small for ISO 9660", v->name);
		int r = vol_read_meta(v, off, SECTOR, vd);
		if (r)
			return r;
		if (memcmp(vd + 1, "CD001", 5))
			return i ? err_set(E_CORRUPT,
					   "%s: ISO 9660 descriptor %d is not one (no "
					   "terminator)",
					   v->name, VD_FIRST + i)
				 : err_set(E_FORMAT, "%s: not an ISO 9660 filesystem", v->name);
		if (vd[0] == 255)
			return primary
				   ? 0
				   : err_set(E_CORRUPT, "%s: ISO 9660 without a primary descriptor",
					     v->name);
		if (vd[0] == 1 && !primary) /* 8.4 */
			memcpy(pvd, vd, SECTOR), primary = true;
		else if (vd[0] == 2 && vd[6] == 1 && joliet_esc(vd) && !*joliet) /* 8.5 */
			memcpy(svd, vd, SECTOR), *joliet = true;
	}
	return err_set(E_CORRUPT, "%s: ISO 9660 descriptor set has no terminator in %d sectors",
		       v->name, VD_MAX);
}

static int iso_mount(struct volume *v, struct fs **out)
{
	uint64_t vbytes = v->blocks * v->dev->block_size;
	uint8_t *pvd = mem_zalloc(3 * SECTOR), *svd = pvd + SECTOR, d[255];
	struct iso *fs = NULL;
	struct ent *e = NULL;
	bool joliet = false;
	int r;

	*out = NULL;
	if (!pvd)
		return err_set(E_NOMEM, "out of memory");
	r = read_vds(v, vbytes, pvd, svd, &joliet);
	uint32_t bs = get16(pvd + 128); /* 8.4.12 */
	if (!r && (bs < 512 || bs > SECTOR || (bs & (bs - 1))))
		r = err_set(E_UNSUPP, "%s: ISO 9660 logical block size %u is not supported",
			    v->name, bs);
	if (joliet && get16(svd + 128) != bs) /* not worth supporting */
		joliet = false;
	/* 8.4.18: the root directory's record, 34 bytes. */
	const uint8_t *root = pvd + 156;
	if (!r && (root[0] != 34 || !(root[25] & FL_DIR)))
		r = err_set(E_CORRUPT, "%s: ISO 9660 root directory record is malformed", v->name);
	if (!r && (!(fs = mem_zalloc(sizeof(*fs))) || !(e = ent_new(fs))))
		r = err_set(E_NOMEM, "out of memory");
	if (r)
		goto out;
	fs->fs.vol = v;
	fs->bs = bs;
	fs->vol_bytes = vbytes;
	fs->root_off = ((uint64_t)get32(root + 2) + root[1]) * bs;
	fs->root_len = get32(root + 10);

	/*
	 * SUSP 5.3: an SP entry at the start of the root's "." record announces SUSP; Rock Ridge
	 * is in use if its ER names RRIP (RRIP 4.3), or RRIP entries are there (RRIP 1.09's RR).
	 */
	size_t n = (size_t)MIN(MIN(fs->root_len, sizeof(d)), SECTOR - fs->root_off % SECTOR);
	if (n < 34 || fs->root_off + n > vbytes)
		r = err_set(E_CORRUPT, "%s: ISO 9660 root directory lies beyond the volume",
			    v->name);
	if (!r)
		r = vol_read_meta(v, fs->root_off, n, d);
	if (!r && (d[0] < 34 || d[0] > n || d[32] != 1 || d[33] != 0))
		r = err_set(E_CORRUPT, "%s: ISO 9660 root directory has no \".\" record", v->name);
	if (r)
		goto out;
	ent_reset(e, d, fs->root_off);
	size_t at = 33 + d[32] + !(d[32] & 1);
	if (at + 7 <= d[0] && sig(d + at, "SP")) {
		r = susp(e, d, false, true);
		if (!r && e->sp && (e->er_rrip || e->rr_seen)) {
			fs->names = N_RR;
			fs->skip = e->sp_skip;
			ent_reset(e, d, fs->root_off);
			r = susp(e, d, true, true);
		}
		if (r)
			goto out;
	}
	fs->root_mode = e->px ? e->mode : 0;
	fs->root_mtime = e->mtime;
	fs->root_ino = e->ino ? e->ino : fs->root_off;
	if (fs->names != N_RR && joliet) {
		fs->names = N_JOLIET;
		root = svd + 156;
		if (root[0] != 34 || !(root[25] & FL_DIR)) {
			r = err_set(E_CORRUPT, "%s: Joliet root directory record is malformed",
				    v->name);
			goto out;
		}
		fs->root_off = ((uint64_t)get32(root + 2) + root[1]) * bs;
		fs->root_len = get32(root + 10);
		fs->root_mtime = time7(root + 18);
		fs->root_ino = fs->root_off;
	}
	make_label(fs->fs.label, sizeof(fs->fs.label), pvd + 40, joliet ? svd + 40 : NULL);
	make_uuid(fs->fs.uuid, pvd);
out:
	ent_free(e);
	mem_free(pvd);
	if (r) {
		mem_free(fs);
		return r;
	}
	*out = &fs->fs;
	return 0;
}

const struct fs_driver iso9660_driver = {
    .name = "iso9660",
    .mount = iso_mount,
    .root = iso_root,
    .lookup = iso_lookup,
    .readdir = iso_readdir,
    .readlink = iso_readlink,
    .extents = iso_extents,
    .close = iso_close,
    .unmount = iso_unmount,
};
