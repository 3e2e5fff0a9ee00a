/* gzip.h: reading a gzip'd kernel forward through zlib, straight into each destination. */
#ifndef BATON_GZIP_H
#define BATON_GZIP_H

#include "lib.h"

struct gz;

/* True when the bytes start a gzip member (RFC 1952 2.3.1). */
bool gz_detect(const uint8_t *head, size_t len);
/* src reads the compressed file; name is for messages. */
int gz_open(struct gz **out, uint64_t src_size,
	    int (*src)(void *ctx, uint64_t off, uint64_t len, void *buf), void *ctx,
	    const char *name);
/* The uncompressed size the trailer declares (modulo 2^32: a hint, checked at the end). */
uint64_t gz_size(const struct gz *g);
/* Uncompressed bytes [off, off + len) into dst; reading forward costs each byte once. */
int gz_read(struct gz *g, uint64_t off, uint64_t len, void *dst);
/* Inflates whatever is left, so the CRC-32 and size in the trailer are checked. */
int gz_finish(struct gz *g);
void gz_close(struct gz *g);

#endif
