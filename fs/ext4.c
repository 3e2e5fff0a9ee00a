/* ext4.c: the ext2/ext3/ext4 driver (the kernel's "ext4 Data Structures and Algorithms"). */
#include "fs.h"

/*
 * Section references are to that document. Nothing is written and no checksum is verified:
 * metadata_csum only adds checksums beside the same structures, and every field read here is
 * bounds-checked, so a bad checksum can at worst give wrong bytes, never a wrong access.
 */

/* 3.1 Super Block: the fields used, by offset. */
#define SB_OFF		 1024
#define SB_BLOCKS_LO	 0x04
#define SB_FIRST_DATA	 0x14
#define SB_LOG_BLOCK	 0x18
#define SB_LOG_CLUSTER	 0x1c
#define SB_BLOCKS_PER_G	 0x20
#define SB_INODES_PER_G	 0x28
#define SB_MAGIC	 0x38
#define SB_REV		 0x4c
#define SB_INODE_SIZE	 0x58
#define SB_COMPAT	 0x5c
#define SB_INCOMPAT	 0x60
#define SB_RO_COMPAT	 0x64
#define SB_UUID		 0x68
#define SB_LABEL	 0x78
#define SB_DESC_SIZE	 0xfe
#define SB_FIRST_META_BG 0x104
#define SB_BLOCKS_HI	 0x150
#define SB_BACKUP_BGS	 0x24c
#define EXT_MAGIC	 0xef53
#define COMPAT_SPARSE2	 0x200
#define RO_SPARSE_SUPER	 0x1
#define RO_HUGE_FILE	 0x8
#define RO_BIGALLOC	 0x200
#define IN_COMPRESSION	 0x1
#define IN_FILETYPE	 0x2
#define IN_RECOVER	 0x4
#define IN_JOURNAL_DEV	 0x8
#define IN_META_BG	 0x10
#define IN_EXTENTS	 0x40
#define IN_64BIT	 0x80
#define IN_MMP		 0x100
#define IN_FLEX_BG	 0x200
#define IN_EA_INODE	 0x400
#define IN_DIRDATA	 0x1000
#define IN_CSUM_SEED	 0x2000
#define IN_LARGEDIR	 0x4000
#define IN_INLINE_DATA	 0x8000
#define IN_ENCRYPT	 0x10000
#define IN_CASEFOLD	 0x20000
/*
 * Incompat features that leave the way data is read as baton reads it: recover (see mount),
 * mmp (it guards writers), ea_inode (large xattrs), csum_seed, encrypt and casefold (decided per
 * inode, see inode_open() and lookup()). Anything else unknown changes the format: refused.
 */
#define IN_KNOWN                                                                                   \
	(IN_FILETYPE | IN_RECOVER | IN_META_BG | IN_EXTENTS | IN_64BIT | IN_MMP | IN_FLEX_BG |     \
	 IN_EA_INODE | IN_DIRDATA | IN_CSUM_SEED | IN_LARGEDIR | IN_INLINE_DATA | IN_ENCRYPT |     \
	 IN_CASEFOLD)

/* 4.1 Inodes: offsets and flags. */
#define I_MODE	       0x00
#define I_SIZE_LO      0x04
#define I_MTIME	       0x10
#define I_BLOCKS_LO    0x1c
#define I_FLAGS	       0x20
#define I_BLOCK	       0x28
#define I_FILE_ACL     0x68
#define I_SIZE_HI      0x6c
#define I_BLOCKS_HI    0x74
#define I_ACL_HI       0x76
#define I_EXTRA_ISIZE  0x80
#define I_MTIME_EXTRA  0x88
#define GOOD_OLD_ISIZE 128
#define FL_ENCRYPT     0x800
#define FL_HUGE_FILE   0x40000
#define FL_EXTENTS     0x80000
#define FL_INLINE      0x10000000
#define N_BLOCK_BYTES  60 /* i_block */
#define S_IFMT	       0xf000
#define S_IFREG	       0x8000
#define S_IFDIR	       0x4000
#define S_IFLNK	       0xa000

/* 4.2 The Contents of inode.i_block: extent tree. */
#define EH_MAGIC     0xf30a
#define EH_DEPTH_MAX 5 /* a logical block fits 32 bits: 4 * 340^5 > 2^32 (eh_depth) */
#define EXT_INIT_MAX 32768
#define LBLK_LIMIT   (1ull << 32) /* logical block numbers are 32 bits, for both maps */

/* 4.4 Extended Attributes, as they hold inline data (4.3). */
#define XATTR_MAGIC	  0xea020000u
#define XATTR_IDX_SYSTEM  7
#define INLINE_DIR_OFFSET 4 /* i_block starts with the parent's inode number */

#define NAME_MAX_BYTES 255

struct ext4 {
	struct fs fs;
	uint32_t bs, cluster_bytes;
	uint64_t blocks; /* s_blocks_count */
	uint32_t first_data_block, blocks_per_group, inodes_per_group, inodes_count;
	uint32_t inode_size, desc_size;
	uint32_t incompat, ro_compat, compat;
	uint32_t first_meta_bg, backup_bgs[2];
};

struct ext_file {
	struct fs_file f;
	uint32_t flags;
	uint8_t iblock[N_BLOCK_BYTES];
	uint8_t *inl; /* inline data past i_block: the "system.data" value */
	uint32_t inl_len;
};

static const char *vname(struct ext4 *fs)
{
	return fs->fs.vol->name;
}

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* 3.1: which groups hold a superblock backup (and, without meta_bg, a GDT copy). */
static bool has_super(struct ext4 *fs, uint64_t g)
{
	if (g == 0)
		return true;
	if (fs->compat & COMPAT_SPARSE2)
		return g == fs->backup_bgs[0] || g == fs->backup_bgs[1];
	if (!(fs->ro_compat & RO_SPARSE_SUPER) || g == 1)
		return true;
	for (uint64_t b = 3; b <= 7; b += 2) {
		uint64_t p = b;
		while (p < g)
			p *= b;
		if (p == g)
			return true;
	}
	return false;
}

/*
 * 2.2/3.2: where group g's descriptor lies. The classic table follows the superblock's block;
 * with meta_bg, the groups of meta group m (one descriptor block's worth) from s_first_meta_bg
 * on keep theirs in the first block after the superblock backup of the meta group's first group.
 */
static uint64_t desc_off(struct ext4 *fs, uint32_t g)
{
	uint32_t per = fs->bs / fs->desc_size, m = g / per;
	uint64_t blk = SB_OFF / fs->bs + 1 + m;

	if ((fs->incompat & IN_META_BG) && m >= fs->first_meta_bg && m > 0) {
		uint64_t first = (uint64_t)m * per;
		blk = fs->first_data_block + first * fs->blocks_per_group + has_super(fs, first);
	}
	return blk * fs->bs + (uint64_t)(g % per) * fs->desc_size;
}

/* --- block mapping: extents and block maps reported as runs, in file order --- */

/*
 * One pass over file blocks [lb0, lb1) (bytes [off, end)): runs are merged while they continue
 * each other on disk (or are both holes), gaps become holes, and fn sees byte pieces.
 */
struct walk {
	struct ext4 *fs;
	struct ext_file *f;
	uint64_t off, end, lb0, lb1;
	fs_extent_fn fn;
	void *ctx;
	uint64_t run_l, run_p, run_n; /* the pending run; run_p 0: a hole */
	uint64_t next;		      /* the first block not yet in a run */
	uint64_t budget;	      /* map blocks still allowed: bounds a corrupt tree's work */
	uint8_t *buf;		      /* one block per tree level */
};

static int corrupt(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int corrupt(struct walk *w, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(E_CORRUPT, "%s: inode %llu: %s", vname(w->fs),
		       (unsigned long long)w->f->f.ino, msg);
}

#define ULL(x) ((unsigned long long)(x))

static int flush(struct walk *w)
{
	uint64_t bs = w->fs->bs, a = w->run_l * bs, b = (w->run_l + w->run_n) * bs;
	uint64_t s = MAX(a, w->off), e = MIN(b, w->end);

	if (!w->run_n)
		return 0;
	w->run_n = 0;
	if (s >= e)
		return 0;
	return w->fn(w->ctx, s, w->run_p ? w->run_p * bs + (s - a) : FS_HOLE, e - s);
}

static int push(struct walk *w, uint64_t l, uint64_t p, uint64_t n)
{
	bool joins = w->run_n && (w->run_p ? p && w->run_p + w->run_n == p : !p);
	int r;

	w->next = l + n;
	if (joins) {
		w->run_n += n;
		return 0;
	}
	r = flush(w);
	w->run_l = l, w->run_p = p, w->run_n = n;
	return r;
}

/* Blocks [l, l+n) are at p (0: a hole); callers go in file order. */
static int emit(struct walk *w, uint64_t l, uint64_t p, uint64_t n)
{
	uint64_t e = MIN(l + n, w->lb1);
	int r;

	if (l < w->lb0) {
		if (p)
			p += w->lb0 - l;
		l = w->lb0;
	}
	if (l >= e)
		return 0;
	if (l < w->next)
		return corrupt(w, "block map goes backwards at file block %llu", ULL(l));
	if (l > w->next && (r = push(w, w->next, 0, l - w->next)))
		return r;
	return push(w, l, p, e - l);
}

static int read_map_block(struct walk *w, uint64_t blk, int level)
{
	if (!blk || blk >= w->fs->blocks)
		return corrupt(w, "map block %llu is beyond the filesystem (%llu blocks)", ULL(blk),
			       ULL(w->fs->blocks));
	if (!w->budget--)
		return corrupt(w, "its map visits more blocks than the filesystem has "
				  "(a loop?)");
	return vol_read_meta(w->fs->fs.vol, blk * w->fs->bs, w->fs->bs,
			     w->buf + (size_t)level * w->fs->bs);
}

/*
 * 4.2 Extent Tree: node at depth holds keys in [lo, hi). Keys must rise, an index entry's
 * child must stay inside its key range and be one level lower, so the walk ends whatever the
 * disk says; a leaf's uninitialized extents read as zeros.
 */
static int ext_node(struct walk *w, const uint8_t *node, uint32_t size, unsigned depth, uint64_t lo,
		    uint64_t hi)
{
	uint32_t n = get16(node + 2), max = get16(node + 4);
	uint64_t prev = lo;
	int r;

	if (get16(node) != EH_MAGIC)
		return corrupt(w, "bad extent header magic 0x%04x", get16(node));
	if (get16(node + 6) != depth)
		return corrupt(w, "extent node of depth %u where %u belongs", get16(node + 6),
			       depth);
	if (n > max || 12 + (uint64_t)max * 12 > size)
		return corrupt(w, "extent node of %u entries (max %u) overflows", n, max);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = node + 12 + 12 * i;
		uint64_t key = get32(e);
		if (key < prev)
			return corrupt(w, "extents out of order at file block %llu", ULL(key));
		if (key >= w->lb1)
			break;
		if (!depth) {
			uint32_t len = get16(e + 4);
			bool uninit = len > EXT_INIT_MAX;
			uint64_t p = (uint64_t)get16(e + 6) << 32 | get32(e + 8);
			if (uninit)
				len -= EXT_INIT_MAX;
			if (!len || key + len > hi)
				return corrupt(w,
					       "extent of %u blocks at file block %llu "
					       "is outside its node",
					       len, ULL(key));
			prev = key + len;
			if (uninit) /* allocated, never written: zeros */
				p = 0;
			else if (!p || p >= w->fs->blocks || len > w->fs->blocks - p)
				return corrupt(w,
					       "extent of %u blocks at block %llu is "
					       "beyond the filesystem",
					       len, ULL(p));
			if ((r = emit(w, key, p, len)))
				return r;
			continue;
		}
		uint64_t end = i + 1 < n ? get32(e + 12) : hi;
		if (end <= key || end > hi)
			return corrupt(w, "extent index out of order at file block %llu", ULL(key));
		prev = end;
		if (end <= w->lb0)
			continue;
		uint64_t child = (uint64_t)get16(e + 8) << 32 | get32(e + 4);
		if ((r = read_map_block(w, child, (int)depth - 1)) ||
		    (r = ext_node(w, w->buf + (size_t)(depth - 1) * w->fs->bs, w->fs->bs, depth - 1,
				  key, end)))
			return r;
	}
	return 0;
}

/*
 * 4.2 Direct/Indirect Block Addressing: blk maps file blocks from base, level pointer blocks
 * above the data. A pointer block that is one of its own ancestors is a loop.
 */
static int map_ind(struct walk *w, uint64_t blk, int level, uint64_t base, uint64_t *anc)
{
	uint32_t per = w->fs->bs / 4;
	uint64_t span = 1;
	int r;

	for (int i = 1; i < level; i++)
		span *= per;
	if (!blk || base >= w->lb1 || base + span * per <= w->lb0)
		return 0;
	for (int i = level; i < 3; i++)
		if (anc[i] == blk)
			return corrupt(w, "indirect block %llu points back to itself (a loop)",
				       ULL(blk));
	if ((r = read_map_block(w, blk, level - 1)))
		return r;
	anc[level - 1] = blk;
	const uint8_t *b = w->buf + (size_t)(level - 1) * w->fs->bs;
	for (uint32_t j = base < w->lb0 ? (uint32_t)((w->lb0 - base) / span) : 0;
	     j < per && base + j * span < w->lb1; j++) {
		uint64_t p = get32(b + 4 * j);
		if (level > 1)
			r = map_ind(w, p, level - 1, base + j * span, anc);
		else if (p >= w->fs->blocks)
			r = corrupt(w, "data block %llu is beyond the filesystem", ULL(p));
		else if (p)
			r = emit(w, base + j, p, 1);
		if (r)
			return r;
	}
	anc[level - 1] = 0;
	return 0;
}

static int map_blocks(struct walk *w)
{
	const uint8_t *ib = w->f->iblock;
	uint64_t per = w->fs->bs / 4, base = 12, anc[3] = {0, 0, 0};
	int r = 0;

	for (uint32_t j = 0; j < 12 && !r; j++) {
		uint64_t p = get32(ib + 4 * j);
		if (p >= w->fs->blocks)
			r = corrupt(w, "data block %llu is beyond the filesystem", ULL(p));
		else if (p)
			r = emit(w, j, p, 1);
	}
	for (int level = 1; level <= 3 && !r; level++) {
		r = map_ind(w, get32(ib + 4 * (11 + level)), level, base, anc);
		base += level == 1 ? per : level == 2 ? per * per : 0;
	}
	return r;
}

/* Calls fn for the pieces of [off, off+len) of f's block-mapped data, in file order. */
static int map_range(struct ext_file *f, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	struct ext4 *fs = (struct ext4 *)f->f.fs;
	uint64_t bs = fs->bs;
	struct walk w = {.fs = fs,
			 .f = f,
			 .off = off,
			 .end = off + len,
			 .lb0 = off / bs,
			 .lb1 = (off + len + bs - 1) / bs,
			 .fn = fn,
			 .ctx = ctx,
			 .next = off / bs,
			 .budget = fs->blocks};
	bool ext = f->flags & FL_EXTENTS;
	/* A bad magic leaves depth 0, for ext_node() to report. */
	unsigned depth = !ext ? 3 : get16(f->iblock) == EH_MAGIC ? get16(f->iblock + 6) : 0;
	int r;

	if (!len)
		return 0;
	if (depth > EH_DEPTH_MAX)
		return corrupt(&w, "extent tree depth %u is more than %u", depth, EH_DEPTH_MAX);
	if (depth && !(w.buf = mem_alloc(depth * bs)))
		return err_set(E_NOMEM, "out of memory");
	if (ext)
		r = ext_node(&w, f->iblock, N_BLOCK_BYTES, depth, 0, LBLK_LIMIT);
	else
		r = map_blocks(&w);
	if (!r && w.next < w.lb1) /* a hole to the end: past the last extent */
		r = push(&w, w.next, 0, w.lb1 - w.next);
	if (!r)
		r = flush(&w);
	mem_free(w.buf);
	return r;
}

/* --- inline data (4.3): i_block, then the in-inode "system.data" extended attribute --- */

static int inline_load(struct ext4 *fs, struct ext_file *f, const uint8_t *raw, uint32_t extra)
{
	uint32_t first = GOOD_OLD_ISIZE + extra + 4, end = fs->inode_size;

	if (!(fs->incompat & IN_INLINE_DATA))
		return err_set(E_CORRUPT,
			       "%s: inode %llu has inline data, a feature the "
			       "filesystem does not have",
			       vname(fs), (unsigned long long)f->f.ino);
	if (first > end || get32(raw + first - 4) != XATTR_MAGIC)
		return 0; /* no in-inode attributes: all the data is in i_block */
	/* 4.4: entries until four zero bytes; value offsets count from the first entry. */
	for (uint32_t p = first; p + 4 <= end && get32(raw + p);) {
		uint32_t nl = raw[p], esz = (16 + nl + 3) & ~3u;
		if (esz > end - p)
			break;
		uint32_t voff = get16(raw + p + 2), vsize = get32(raw + p + 8);
		if (raw[p + 1] == XATTR_IDX_SYSTEM && nl == 4 && !memcmp(raw + p + 16, "data", 4)) {
			if (get32(raw + p + 4))
				return err_set(E_UNSUPP,
					       "%s: inode %llu keeps inline data in an xattr "
					       "inode, which is not supported",
					       vname(fs), (unsigned long long)f->f.ino);
			if (voff > end - first || vsize > end - first - voff)
				return err_set(E_CORRUPT,
					       "%s: inode %llu: inline data beyond the inode",
					       vname(fs), (unsigned long long)f->f.ino);
			if (!vsize)
				return 0;
			if (!(f->inl = mem_alloc(vsize)))
				return err_set(E_NOMEM, "out of memory");
			memcpy(f->inl, raw + first + voff, vsize);
			f->inl_len = vsize;
			return 0;
		}
		p += esz;
	}
	return 0;
}

/* Bytes [off, off+len) of inline data: i_block's 60, then the attribute's value. */
static void inline_copy(struct ext_file *f, uint64_t off, uint64_t len, uint8_t *dst)
{
	while (len) {
		const uint8_t *src = off < N_BLOCK_BYTES ? f->iblock + off : f->inl + (off - 60);
		uint64_t n = off < N_BLOCK_BYTES ? MIN(len, N_BLOCK_BYTES - off) : len;
		memcpy(dst, src, n);
		dst += n, off += n, len -= n;
	}
}

/* --- inodes --- */

static int inode_open(struct ext4 *fs, uint64_t ino, struct fs_file **out)
{
	struct ext_file *f;
	uint8_t d[64], *raw;
	int r;

	*out = NULL;
	if (ino < 1 || ino > fs->inodes_count)
		return err_set(E_CORRUPT, "%s: inode number %llu out of range (1..%u)", vname(fs),
			       (unsigned long long)ino, fs->inodes_count);
	/* 4.1 Finding an Inode; 3.2: bg_inode_table_lo at 0x8, _hi at 0x28 (64-byte ones). */
	uint32_t g = (uint32_t)((ino - 1) / fs->inodes_per_group);
	uint32_t idx = (uint32_t)((ino - 1) % fs->inodes_per_group);
	if ((r = vol_read_meta(fs->fs.vol, desc_off(fs, g), MIN(fs->desc_size, 64u), d)))
		return r;
	uint64_t table = get32(d + 8) | (fs->desc_size >= 64 ? (uint64_t)get32(d + 0x28) << 32 : 0);
	uint64_t at = (uint64_t)idx * fs->inode_size;
	if (!table || table >= fs->blocks ||
	    (at + fs->inode_size + fs->bs - 1) / fs->bs > fs->blocks - table)
		return err_set(E_CORRUPT,
			       "%s: group %u's inode table at block %llu is out of range",
			       vname(fs), g, (unsigned long long)table);
	if (!(raw = mem_alloc(fs->inode_size)))
		return err_set(E_NOMEM, "out of memory");
	if ((r = vol_read_meta(fs->fs.vol, table * fs->bs + at, fs->inode_size, raw)))
		goto out;
	if (!(f = mem_zalloc(sizeof(*f)))) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	uint32_t mode = get16(raw + I_MODE), extra = 0;
	if (fs->inode_size > GOOD_OLD_ISIZE) {
		extra = get16(raw + I_EXTRA_ISIZE);
		if (extra > fs->inode_size - GOOD_OLD_ISIZE || extra % 4) {
			r = err_set(E_CORRUPT, "%s: inode %llu: i_extra_isize %u is invalid",
				    vname(fs), (unsigned long long)ino, extra);
			goto fail;
		}
	}
	f->f.fs = &fs->fs;
	f->f.ino = ino;
	f->f.mode = mode;
	f->flags = get32(raw + I_FLAGS);
	memcpy(f->iblock, raw + I_BLOCK, N_BLOCK_BYTES);
	f->f.type = (mode & S_IFMT) == S_IFREG	 ? FS_FILE
		    : (mode & S_IFMT) == S_IFDIR ? FS_DIR
		    : (mode & S_IFMT) == S_IFLNK ? FS_SYMLINK
						 : FS_OTHER;
	/* i_size_high was a directory's i_dir_acl before largedir made directories that big. */
	f->f.size = get32(raw + I_SIZE_LO);
	if (f->f.type == FS_FILE || (fs->incompat & IN_LARGEDIR))
		f->f.size |= (uint64_t)get32(raw + I_SIZE_HI) << 32;
	/* 4.1 Inode Timestamps: signed seconds, two more bits in i_mtime_extra when present. */
	f->f.mtime = (int32_t)get32(raw + I_MTIME);
	if (extra >= I_MTIME_EXTRA + 4 - GOOD_OLD_ISIZE)
		f->f.mtime += (int64_t)(get32(raw + I_MTIME_EXTRA) & 3) << 32;
	if (f->f.type != FS_OTHER && (f->flags & FL_ENCRYPT)) {
		r = err_set(E_UNSUPP,
			    "%s: inode %llu is encrypted (ext4 encryption is not "
			    "supported)",
			    vname(fs), (unsigned long long)ino);
		goto fail;
	}
	if (f->f.type != FS_OTHER && (f->flags & FL_INLINE)) {
		if ((r = inline_load(fs, f, raw, extra)))
			goto fail;
		if (f->f.type != FS_DIR && f->f.size > N_BLOCK_BYTES + (uint64_t)f->inl_len) {
			r = err_set(E_CORRUPT,
				    "%s: inode %llu: %llu bytes of inline data, %u "
				    "stored",
				    vname(fs), (unsigned long long)ino,
				    (unsigned long long)f->f.size, N_BLOCK_BYTES + f->inl_len);
			goto fail;
		}
	} else if (f->f.type == FS_SYMLINK && f->f.size < N_BLOCK_BYTES) {
		/* 4.2 Symbolic Links: a short target is in i_block when no block is allocated
		 * for it (i_blocks counts 512-byte units, the xattr block included). */
		uint64_t blocks = get32(raw + I_BLOCKS_LO);
		if (fs->ro_compat & RO_HUGE_FILE) {
			blocks |= (uint64_t)get16(raw + I_BLOCKS_HI) << 32;
			if (f->flags & FL_HUGE_FILE)
				blocks *= fs->bs / 512;
		}
		uint64_t acl = get32(raw + I_FILE_ACL) | (uint64_t)get16(raw + I_ACL_HI) << 32;
		if (blocks <= (acl ? fs->cluster_bytes / 512 : 0))
			f->flags |= FL_INLINE; /* read like inline data with nothing past i_block */
	}
	/* Logical blocks are 32 bits; a block map stops at its triple indirect block. */
	uint64_t per = fs->bs / 4, max = MIN(LBLK_LIMIT, 12 + per + per * per + per * per * per);
	if (!(f->flags & FL_INLINE) && f->f.type != FS_OTHER &&
	    f->f.size > (f->flags & FL_EXTENTS ? LBLK_LIMIT : max) * fs->bs) {
		r = err_set(E_CORRUPT, "%s: inode %llu: %llu bytes are more than its map addresses",
			    vname(fs), (unsigned long long)ino, (unsigned long long)f->f.size);
		goto fail;
	}
	*out = &f->f;
	goto out;
fail:
	mem_free(f->inl);
	mem_free(f);
out:
	mem_free(raw);
	return r;
}

static int ext4_root(struct fs *fsb, struct fs_file **out)
{
	return inode_open((struct ext4 *)fsb, 2, out); /* 4.5 Special inodes: the root is 2 */
}

/* --- directories (4.5 Directory Entries), read linearly: htree nodes look empty --- */

typedef int (*dent_fn)(void *ctx, const uint8_t *name, uint32_t len, uint32_t ino, uint8_t type);

struct dirwalk {
	struct ext_file *dir;
	uint8_t *buf;
	dent_fn fn;
	void *ctx;
};

/* One directory block (or inline region) of size bytes; entries never cross it. */
static int dir_block(struct dirwalk *dw, const uint8_t *b, uint32_t size, uint64_t where)
{
	struct ext4 *fs = (struct ext4 *)dw->dir->f.fs;
	bool ft = fs->incompat & IN_FILETYPE;

	for (uint32_t pos = 0; pos < size;) {
		uint32_t rec = 0, nl = 0;
		if (size - pos >= 8) {
			rec = get16(b + pos + 4);
			/* A 64 KiB block's whole-block entry stores 65535 (or 0): 65536 does not
			 * fit. */
			if (fs->bs == 65536 && (rec == 65535 || !rec))
				rec = 65536;
			nl = ft ? b[pos + 6] : get16(b + pos + 6);
		}
		if (rec < 8 || rec % 4 || rec > size - pos || nl > rec - 8 || nl > NAME_MAX_BYTES)
			return err_set(
			    E_CORRUPT,
			    "%s: directory inode %llu: bad entry at byte %u of the block "
			    "at %llu (rec_len %u, name_len %u)",
			    vname(fs), (unsigned long long)dw->dir->f.ino, pos,
			    (unsigned long long)where, rec, nl);
		uint32_t ino = get32(b + pos);
		/* dirdata keeps flags in the type byte's high bits; the type is the low ones. */
		uint8_t t = ft ? b[pos + 7] & (fs->incompat & IN_DIRDATA ? 0x0f : 0xff) : 0;
		if (ino && nl) {
			int r = dw->fn(dw->ctx, b + pos + 8, nl, ino, t);
			if (r)
				return r;
		}
		pos += rec;
	}
	return 0;
}

static int dir_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct dirwalk *dw = ctx;
	struct ext4 *fs = (struct ext4 *)dw->dir->f.fs;
	int r = 0;

	if (vol_off == FS_HOLE)
		return 0;
	for (uint64_t o = 0; !r && o < len; o += fs->bs) {
		r = vol_read_meta(fs->fs.vol, vol_off + o, fs->bs, dw->buf);
		if (!r)
			r = dir_block(dw, dw->buf, fs->bs, vol_off + o);
	}
	return r;
}

/* Calls fn for each live entry; a positive return stops the walk and is returned. */
static int dir_walk(struct ext_file *dir, dent_fn fn, void *ctx)
{
	struct ext4 *fs = (struct ext4 *)dir->f.fs;
	struct dirwalk dw = {dir, NULL, fn, ctx};
	int r;

	if (dir->flags & FL_INLINE) {
		r = dir_block(&dw, dir->iblock + INLINE_DIR_OFFSET,
			      N_BLOCK_BYTES - INLINE_DIR_OFFSET, 0);
		return r || !dir->inl_len ? r : dir_block(&dw, dir->inl, dir->inl_len, 0);
	}
	if (dir->f.size % fs->bs)
		return err_set(E_CORRUPT, "%s: directory inode %llu: size %llu is not whole blocks",
			       vname(fs), (unsigned long long)dir->f.ino,
			       (unsigned long long)dir->f.size);
	if (!(dw.buf = mem_alloc(fs->bs)))
		return err_set(E_NOMEM, "out of memory");
	r = map_range(dir, 0, dir->f.size, dir_piece, &dw);
	mem_free(dw.buf);
	return r;
}

struct find {
	const char *name;
	uint32_t len, ino;
};

/*
 * Names are compared as bytes. On a casefold filesystem the name is stored as it was created,
 * so this finds the exact spelling; another case is not found (no Unicode folding here).
 */
static int find_fn(void *ctx, const uint8_t *name, uint32_t len, uint32_t ino, uint8_t type)
{
	struct find *fd = ctx;

	if (len != fd->len || memcmp(name, fd->name, len))
		return 0;
	fd->ino = ino;
	return 1;
}

static int ext4_lookup(struct fs_file *dir, const char *name, struct fs_file **out)
{
	struct find fd = {name, (uint32_t)strlen(name), 0};
	int r;

	*out = NULL;
	if (fd.len > NAME_MAX_BYTES)
		return E_NOENT;
	r = dir_walk((struct ext_file *)dir, find_fn, &fd);
	if (r < 0)
		return r;
	if (!fd.ino)
		return E_NOENT;
	return inode_open((struct ext4 *)dir->fs, fd.ino, out);
}

struct list {
	fs_dirent_fn fn;
	void *ctx;
	char name[NAME_MAX_BYTES + 1];
};

static int list_fn(void *ctx, const uint8_t *name, uint32_t len, uint32_t ino, uint8_t type)
{
	struct list *l = ctx;
	static const uint8_t map[8] = {FS_OTHER, FS_FILE,  FS_DIR,   FS_OTHER,
				       FS_OTHER, FS_OTHER, FS_OTHER, FS_SYMLINK};

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	for (uint32_t i = 0; i < len; i++) /* no path can name these: damage, skipped */
		if (!name[i] || name[i] == '/')
			return 0;
	memcpy(l->name, name, len);
	l->name[len] = 0;
	return l->fn(l->ctx, l->name, type < 8 ? (enum fs_ftype)map[type] : FS_OTHER) ? 1 : 0;
}

static int ext4_readdir(struct fs_file *dir, fs_dirent_fn fn, void *ctx)
{
	struct list *l = mem_alloc(sizeof(*l));
	int r;

	if (!l)
		return err_set(E_NOMEM, "out of memory");
	l->fn = fn;
	l->ctx = ctx;
	r = dir_walk((struct ext_file *)dir, list_fn, l);
	mem_free(l);
	return r < 0 ? r : 0;
}

/* --- file data and symlinks --- */

struct small {
	struct volume *vol;
	uint8_t *buf;
};

/* A slow symlink's target: small, read through the metadata cache. */
static int small_piece(void *ctx, uint64_t file_off, uint64_t vol_off, uint64_t len)
{
	struct small *sm = ctx;

	if (vol_off == FS_HOLE) {
		memset(sm->buf + file_off, 0, len);
		return 0;
	}
	return vol_read_meta(sm->vol, vol_off, len, sm->buf + file_off);
}

static int ext4_readlink(struct fs_file *fb, char *buf, size_t size)
{
	struct ext_file *f = (struct ext_file *)fb;
	struct small sm = {fb->fs->vol, (uint8_t *)buf};
	int r = 0;

	if (f->flags & FL_INLINE)
		inline_copy(f, 0, fb->size, (uint8_t *)buf);
	else if (fb->size > ((struct ext4 *)fb->fs)->bs)
		r = err_set(E_CORRUPT, "%s: symbolic link inode %llu is longer than a block",
			    vname((struct ext4 *)fb->fs), (unsigned long long)fb->ino);
	else
		r = map_range(f, 0, fb->size, small_piece, &sm);
	if (!r)
		buf[fb->size] = 0;
	return r;
}

static int ext4_extents(struct fs_file *fb, uint64_t off, uint64_t len, fs_extent_fn fn, void *ctx)
{
	struct ext_file *f = (struct ext_file *)fb;

	if (f->flags & FL_INLINE)
		return err_set(E_UNSUPP,
			       "%s: inode %llu keeps its data inline in the inode: it has no "
			       "extents",
			       vname((struct ext4 *)fb->fs), (unsigned long long)fb->ino);
	return map_range(f, off, len, fn, ctx);
}

static int ext4_read(struct fs_file *fb, uint64_t off, uint64_t len, void *buf)
{
	struct ext_file *f = (struct ext_file *)fb;

	if (!(f->flags & FL_INLINE))
		return fs_read_extents(fb, off, len, buf);
	inline_copy(f, off, len, buf);
	return 0;
}

static void ext4_close(struct fs_file *fb)
{
	struct ext_file *f = (struct ext_file *)fb;

	mem_free(f->inl);
	mem_free(f);
}

static void ext4_unmount(struct fs *fsb)
{
	mem_free(fsb);
}

static int refuse(struct volume *v, uint32_t incompat)
{
	if (incompat & IN_JOURNAL_DEV)
		return err_set(E_UNSUPP,
			       "%s: an external ext3/ext4 journal (journal_dev), not a "
			       "filesystem",
			       v->name);
	if (incompat & IN_COMPRESSION)
		return err_set(E_UNSUPP,
			       "%s: ext2 compression (incompat feature compression) is "
			       "not supported",
			       v->name);
	return err_set(E_UNSUPP, "%s: unknown ext4 incompat features 0x%x", v->name,
		       incompat & ~IN_KNOWN);
}

static int ext4_mount(struct volume *v, struct fs **out)
{
	uint64_t vbytes = v->blocks * v->dev->block_size;
	uint8_t *s;
	int r;

	*out = NULL;
	if (vbytes < SB_OFF + 1024)
		return err_set(E_FORMAT, "%s: too small for ext2/3/4", v->name);
	if (!(s = mem_alloc(1024)))
		return err_set(E_NOMEM, "out of memory");
	if ((r = vol_read_meta(v, SB_OFF, 1024, s)))
		goto out;
	if (get16(s + SB_MAGIC) != EXT_MAGIC) {
		r = err_set(E_FORMAT, "%s: not an ext2/3/4 filesystem", v->name);
		goto out;
	}
	bool rev0 = get32(s + SB_REV) == 0; /* the original format: 128-byte inodes, no features */
	uint32_t log = get32(s + SB_LOG_BLOCK), incompat = rev0 ? 0 : get32(s + SB_INCOMPAT);
	if (incompat & ~IN_KNOWN) {
		r = refuse(v, incompat);
		goto out;
	}
	/*
	 * needs_recovery: the journal holds updates not yet written in place. Like GRUB, baton
	 * reads the filesystem as last checkpointed without replaying it (a boot loader writes
	 * nothing): files changed just before a crash may read stale, older ones read fine.
	 */
	r = E_CORRUPT;
	if (log > 6) {
		err_set(r, "%s: ext block size 2^%u is out of range", v->name, 10 + log);
		goto out;
	}
	uint32_t bs = 1024u << log, ro = rev0 ? 0 : get32(s + SB_RO_COMPAT);
	uint32_t isz = rev0 ? GOOD_OLD_ISIZE : get16(s + SB_INODE_SIZE);
	uint32_t dsz = incompat & IN_64BIT ? get16(s + SB_DESC_SIZE) : 32;
	uint64_t blocks = get32(s + SB_BLOCKS_LO) |
			  (incompat & IN_64BIT ? (uint64_t)get32(s + SB_BLOCKS_HI) << 32 : 0);
	uint32_t fdb = get32(s + SB_FIRST_DATA), bpg = get32(s + SB_BLOCKS_PER_G);
	uint32_t ipg = get32(s + SB_INODES_PER_G), icount = get32(s);
	uint32_t lcl = get32(s + SB_LOG_CLUSTER);
	uint64_t groups = bpg && blocks > fdb ? (blocks - fdb + bpg - 1) / bpg : 0;
	if (!pow2(isz) || isz < GOOD_OLD_ISIZE || isz > bs || !pow2(dsz) || dsz < 32 ||
	    dsz > 1024 || ((incompat & IN_64BIT) && dsz < 64) || fdb > 1 || !groups ||
	    groups > UINT32_MAX || !ipg || ipg > bs * 8 || !icount || icount > groups * ipg ||
	    ((ro & RO_BIGALLOC) && (lcl < log || lcl > 30))) {
		err_set(r,
			"%s: ext superblock is inconsistent (block size %u, inode size %u, "
			"descriptor size %u, %llu blocks, %u per group, %u inodes, %u per group)",
			v->name, bs, isz, dsz, (unsigned long long)blocks, bpg, icount, ipg);
		goto out;
	}
	if (blocks > vbytes / bs) {
		err_set(r,
			"%s: the ext filesystem (%llu blocks of %u bytes) is larger than the "
			"volume (%llu bytes): truncated?",
			v->name, (unsigned long long)blocks, bs, (unsigned long long)vbytes);
		goto out;
	}
	struct ext4 *fs = mem_zalloc(sizeof(*fs));
	if (!fs) {
		r = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	fs->fs.vol = v;
	fs->bs = bs;
	fs->cluster_bytes = ro & RO_BIGALLOC ? 1024u << lcl : bs;
	fs->blocks = blocks;
	fs->first_data_block = fdb;
	fs->blocks_per_group = bpg;
	fs->inodes_per_group = ipg;
	fs->inodes_count = icount;
	fs->inode_size = isz;
	fs->desc_size = dsz;
	fs->incompat = incompat;
	fs->ro_compat = ro;
	fs->compat = rev0 ? 0 : get32(s + SB_COMPAT);
	fs->first_meta_bg = get32(s + SB_FIRST_META_BG);
	fs->backup_bgs[0] = get32(s + SB_BACKUP_BGS);
	fs->backup_bgs[1] = get32(s + SB_BACKUP_BGS + 4);
	/* blkid's UUID=: the 16 bytes in order; LABEL=: s_volume_name, trailing blanks cut. */
	const uint8_t *u = s + SB_UUID;
	snfmt(fs->fs.uuid, sizeof(fs->fs.uuid),
	      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
	      u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	      u[15]);
	size_t n = 0;
	while (n < 16 && s[SB_LABEL + n])
		n++;
	while (n && (s[SB_LABEL + n - 1] == ' ' || s[SB_LABEL + n - 1] == '\t'))
		n--;
	memcpy(fs->fs.label, s + SB_LABEL, n);
	fs->fs.label[n] = 0;
	*out = &fs->fs;
	r = 0;
out:
	mem_free(s);
	return r;
}

const struct fs_driver ext4_driver = {
    .name = "ext4",
    .mount = ext4_mount,
    .root = ext4_root,
    .lookup = ext4_lookup,
    .readdir = ext4_readdir,
    .readlink = ext4_readlink,
    .extents = ext4_extents,
    .read = ext4_read,
    .close = ext4_close,
    .unmount = ext4_unmount,
};
