/* utf8.h: UTF-8 decoding with validation, and UTF-8 to UTF-16 for the firmware's strings. */
#ifndef BATON_UTF8_H
#define BATON_UTF8_H

#include "lib.h"

#define UTF8_BAD 0xfffdu /* U+FFFD REPLACEMENT CHARACTER: what a malformed sequence decodes to */

/*
 * Decodes the character at s[*i] (*i < len) and moves *i past it. A malformed sequence (a byte
 * no character starts with, a lead byte without all its continuation bytes, an overlong form, a
 * surrogate, a code point past U+10FFFF: RFC 3629 sections 3 and 4) is UTF8_BAD for its first
 * byte alone, so decoding goes on at the next one.
 */
uint32_t utf8_get(const char *s, size_t len, size_t *i);

/*
 * s[0, len) as UTF-16 (RFC 2781: a code point past U+FFFF as a surrogate pair) in out[0, cap),
 * always NUL-terminated when cap > 0; a character that does not fit whole is left out, with
 * everything after it. Returns the units the whole string takes without the NUL, so that
 * out = NULL, cap = 0 sizes it.
 */
size_t utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t cap);

#endif
