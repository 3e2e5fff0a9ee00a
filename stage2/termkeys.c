/* termkeys.c: terminal key decoding: escape sequences and UTF-8 to keys (see termkeys.h). */
#include "termkeys.h"
#include "platform.h"
#include "utf8.h"

void tk_init(struct tk_src *s, int (*poll)(void *), int (*next)(void *), void *ctx)
{
	s->poll = poll;
	s->next = next;
	s->ctx = ctx;
	s->held = -1;
}

/* What follows an ESC. */
static int escape(struct tk_src *s)
{
	int c = s->next(s->ctx), num = 0, n = 0;

	if (c != '[' && c != 'O') {
		s->held = c; /* Esc, then this character as its own key */
		return KEY_ESC;
	}
	bool csi = c == '[';
	while ((c = s->next(s->ctx)) >= 0x30 && c <= 0x3f) { /* parameter bytes */
		if (c >= '0' && c <= '9' && n == 0)
			num = num * 10 + (c - '0');
		else if (c == ';')
			n++; /* the modifier after the first parameter: ignored */
		if (num > 999)
			num = 999;
	}
	/* ECMA-48 5.4: the final byte is 0x40-0x7e; anything else ends the sequence and is a
	 * key of its own. */
	if (c < 0x40 || c > 0x7e) {
		s->held = c;
		return KEY_NONE;
	}
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	}
	if (!csi)
		return KEY_NONE;
	switch (c) {
	case 'I': return KEY_PGUP;
	case 'G': return KEY_PGDN;
	case 'X': return KEY_DELETE;
	case 'V': return KEY_F10;
	case '~':
		switch (num) {
		case 1:
		case 7: return KEY_HOME;
		case 4:
		case 8: return KEY_END;
		case 3: return KEY_DELETE;
		case 5: return KEY_PGUP;
		case 6: return KEY_PGDN;
		case 21: return KEY_F10;
		}
	}
	return KEY_NONE;
}

/* A UTF-8 character whose lead byte came as a key. */
static int utf8(struct tk_src *s, int lead)
{
	int k = lead >= 0xc2 && lead <= 0xdf   ? 1
		: lead >= 0xe0 && lead <= 0xef ? 2
		: lead >= 0xf0 && lead <= 0xf4 ? 3
					       : 0;
	char b[4] = {(char)lead};

	if (!k)
		return lead; /* a byte no UTF-8 character starts with: Latin-1 */
	for (int i = 1; i <= k; i++) {
		int c = s->next(s->ctx);
		if (c < 0x80 || c > 0xbf) {
			s->held = c;
			return i > 1 ? (int)UTF8_BAD : lead;
		}
		b[i] = (char)c;
	}
	size_t at = 0;
	uint32_t cp = utf8_get(b, (size_t)k + 1, &at);
	return at == (size_t)k + 1 ? (int)cp : (int)UTF8_BAD;
}

int tk_key(struct tk_src *s)
{
	int c = s->held >= 0 ? s->held : s->poll(s->ctx);

	s->held = -1;
	if (c < 0)
		return KEY_NONE;
	if (c == 27)
		return escape(s);
	if (c >= 0x80 && c <= 0xff)
		return utf8(s, c);
	return c == '\n' ? KEY_ENTER : c == 127 ? KEY_BACKSPACE : c;
}
