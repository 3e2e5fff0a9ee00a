/* gzip.c: gzip'd kernels (RFC 1952) through zlib: inflated forward, straight into the caller. */
#include "gzip.h"
#include "zlib.h"

#define GZ_IN	   (1u << 20) /* compressed bytes per source read */
#define GZ_SCRATCH 4096	      /* where skipped output goes */

struct gz {
	z_stream z;
	bool init, ended;
	uint64_t pos;	  /* uncompressed bytes produced so far */
	uint64_t src_off; /* compressed bytes consumed from the source into in[] */
	uint64_t src_size, isize;
	int (*src)(void *ctx, uint64_t off, uint64_t len, void *buf);
	void *ctx;
	const char *name;
	uint8_t in[GZ_IN];
	uint8_t scratch[GZ_SCRATCH];
};

static void *zalloc(void *opaque, unsigned items, unsigned size)
{
	(void)opaque;
	return mem_alloc((size_t)items * size);
}

static void zfree(void *opaque, void *p)
{
	(void)opaque;
	mem_free(p);
}

bool gz_detect(const uint8_t *head, size_t len)
{
	/* RFC 1952 2.3.1: ID1 0x1f, ID2 0x8b, CM 8 (deflate). */
	return len >= 18 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8;
}

static int restart(struct gz *g)
{
	if (g->init)
		inflateEnd(&g->z);
	memset(&g->z, 0, sizeof(g->z));
	g->z.zalloc = zalloc;
	g->z.zfree = zfree;
	/* 16 + 15: a gzip wrapper, whose CRC-32 and ISIZE zlib checks at the end. */
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK)
		return err_set(E_NOMEM, "out of memory for inflate");
	g->init = true;
	g->ended = false;
	g->pos = 0;
	g->src_off = 0;
	return 0;
}

int gz_open(struct gz **out, uint64_t src_size,
	    int (*src)(void *ctx, uint64_t off, uint64_t len, void *buf), void *ctx,
	    const char *name)
{
	uint8_t tail[4];
	struct gz *g = mem_zalloc(sizeof(*g));
	int r;

	if (!g)
		return err_set(E_NOMEM, "out of memory");
	g->src_size = src_size, g->src = src, g->ctx = ctx, g->name = name;
	/* RFC 1952 2.3.1: ISIZE, the size modulo 2^32, ends the member. */
	r = src_size < 18 ? err_set(E_FORMAT, "%s: gzip file too short", name)
			  : src(ctx, src_size - 4, 4, tail);
	if (!r)
		r = restart(g);
	if (r) {
		gz_close(g);
		return r;
	}
	g->isize = get32(tail);
	*out = g;
	return 0;
}

uint64_t gz_size(const struct gz *g)
{
	return g->isize;
}

/* Inflates the next len bytes into dst (NULL: discard them). */
static int produce(struct gz *g, uint8_t *dst, uint64_t len)
{
	while (len) {
		if (g->ended)
			return err_set(E_FORMAT, "%s: the gzip data ends at %llu bytes", g->name,
				       (unsigned long long)g->pos);
		if (!g->z.avail_in) {
			uint64_t n = MIN((uint64_t)GZ_IN, g->src_size - g->src_off);
			if (!n)
				return err_set(E_FORMAT, "%s: truncated gzip file", g->name);
			int r = g->src(g->ctx, g->src_off, n, g->in);
			if (r)
				return r;
			g->src_off += n;
			g->z.next_in = g->in;
			g->z.avail_in = (uInt)n;
		}
		uint64_t want =
		    dst ? MIN(len, (uint64_t)0x40000000) : MIN(len, (uint64_t)GZ_SCRATCH);
		g->z.next_out = dst ? dst : g->scratch;
		g->z.avail_out = (uInt)want;
		int zr = inflate(&g->z, Z_NO_FLUSH);
		uint64_t got = want - g->z.avail_out;
		g->pos += got;
		len -= got;
		if (dst)
			dst += got;
		if (zr == Z_STREAM_END) {
			g->ended = true;
		} else if (zr != Z_OK && !(zr == Z_BUF_ERROR && got)) {
			/* Z_DATA_ERROR covers a bad CRC-32 ("incorrect data check") too. */
			return err_set(E_CORRUPT, "%s: corrupt gzip data at %llu bytes (%s)",
				       g->name, (unsigned long long)g->pos,
				       g->z.msg ? g->z.msg : "inflate failed");
		}
	}
	return 0;
}

int gz_read(struct gz *g, uint64_t off, uint64_t len, void *dst)
{
	int r;

	/* Forward only: going back means inflating again from the start. */
	if (off < g->pos && (r = restart(g)))
		return r;
	if (off > g->pos && (r = produce(g, NULL, off - g->pos)))
		return r;
	return produce(g, dst, len);
}

int gz_finish(struct gz *g)
{
	/* The rest of the stream, so zlib reaches the trailer and checks CRC-32 and ISIZE. */
	while (!g->ended) {
		int r = produce(g, NULL, GZ_SCRATCH);
		if (r && !g->ended)
			return r;
	}
	return 0;
}

void gz_close(struct gz *g)
{
	if (!g)
		return;
	if (g->init)
		inflateEnd(&g->z);
	mem_free(g);
}
