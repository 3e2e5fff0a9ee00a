/* lineedit.c: the menu's command-line editor: a buffer, a cursor and what each key does. */
#include "lineedit.h"
#include "platform.h"

#define CTRL(c) ((c)&0x1f)

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Continuation bytes a lead byte promises (RFC 3629 section 4); 0 for anything else. */
static size_t cont_bytes(unsigned char c)
{
	return c >= 0xc2 && c <= 0xdf	? 1
	       : c >= 0xe0 && c <= 0xef ? 2
	       : c >= 0xf0 && c <= 0xf4 ? 3
					: 0;
}

/*
 * A character is a lead byte with all the continuation bytes it promises, else one byte. Every
 * byte that is not a continuation byte starts a character, so the boundaries found walking
 * backwards are the ones found walking forwards.
 */
size_t utf8_next(const char *s, size_t len, size_t i)
{
	size_t k = cont_bytes((unsigned char)s[i]);

	if (i + k >= len)
		return i + 1;
	for (size_t j = 1; j <= k; j++)
		if (!is_cont((unsigned char)s[i + j]))
			return i + 1;
	return i + 1 + k;
}

size_t utf8_prev(const char *s, size_t i)
{
	for (size_t j = i; j > 0 && i - j < 4;) {
		j--;
		if (!is_cont((unsigned char)s[j]))
			return utf8_next(s, i, j) == i ? j : i - 1;
	}
	return i - 1;
}

size_t utf8_count(const char *s, size_t a, size_t b)
{
	size_t n = 0;

	for (; a < b; a = utf8_next(s, b, a))
		n++;
	return n;
}

size_t utf8_show(const char *s, size_t len, size_t cols, char *out, size_t cap)
{
	size_t i = 0, n = 0;

	for (; i < len && cols && n + 1 < cap; cols--) {
		size_t j = utf8_next(s, len, i);
		out[n++] = j == i + 1 && s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		i = j;
	}
	if (cap)
		out[n] = 0;
	return i;
}

/* Is i the start of a character in the line (or its end)? A continuation byte is, unless the
 * lead byte before it claims it. */
static bool boundary(const struct lineedit *le, size_t i)
{
	if (i == 0 || i >= le->len || !is_cont((unsigned char)le->buf[i]))
		return true;
	for (size_t j = i; j > 0 && i - j < 3;) {
		j--;
		if (!is_cont((unsigned char)le->buf[j]))
			return utf8_next(le->buf, le->len, j) <= i;
	}
	return true;
}

/* An edit may join a lone lead byte with the continuation bytes after it (malformed text from
 * the config): keep the cursor and the window on character boundaries. */
static size_t snap(const struct lineedit *le, size_t i)
{
	while (!boundary(le, i))
		i++;
	return i;
}

int le_init(struct lineedit *le, const char *text)
{
	size_t n = strlen(text);

	memset(le, 0, sizeof(*le));
	le->cap = MAX(n, (size_t)LE_CAP);
	le->buf = mem_alloc(le->cap + 1);
	if (!le->buf)
		return err_set(E_NOMEM, "no memory for the line editor");
	memcpy(le->buf, text, n + 1);
	le->len = le->cur = n;
	return 0;
}

void le_free(struct lineedit *le)
{
	mem_free(le->buf);
	le->buf = NULL;
}

/* Removes [a, b) and puts the cursor at a. */
static void cut(struct lineedit *le, size_t a, size_t b)
{
	memmove(le->buf + a, le->buf + b, le->len - b + 1);
	le->len -= b - a;
	le->cur = snap(le, a);
	le->left = MIN(snap(le, MIN(le->left, le->cur)), le->cur);
}

/* Inserts a character at the cursor; false when it does not fit under the cap. Control
 * characters are not taken; code points UTF-8 cannot carry (surrogates) become U+FFFD. */
static bool insert(struct lineedit *le, uint32_t c)
{
	char b[5]; /* utf8_put() keeps a byte for a NUL */
	size_t n = 0;

	if (c >= 0xd800 && c <= 0xdfff)
		c = 0xfffd;
	utf8_put(b, &n, sizeof(b), c);
	if (le->len + n > le->cap)
		return false;
	memmove(le->buf + le->cur + n, le->buf + le->cur, le->len - le->cur + 1);
	memcpy(le->buf + le->cur, b, n);
	le->len += n;
	le->cur += n;
	return true;
}

enum le_result le_key(struct lineedit *le, int key)
{
	le->refused = false;
	switch (key) {
	case KEY_ENTER:
	case CTRL('X'):
	case KEY_F10: return LE_BOOT;
	case KEY_ESC: return LE_CANCEL;
	case KEY_LEFT:
		if (le->cur)
			le->cur = utf8_prev(le->buf, le->cur);
		break;
	case KEY_RIGHT:
		if (le->cur < le->len)
			le->cur = utf8_next(le->buf, le->len, le->cur);
		break;
	case KEY_HOME:
	case CTRL('A'): le->cur = 0; break;
	case KEY_END:
	case CTRL('E'): le->cur = le->len; break;
	case KEY_BACKSPACE:
	case 0x7f:
		if (le->cur)
			cut(le, utf8_prev(le->buf, le->cur), le->cur);
		break;
	case KEY_DELETE:
		if (le->cur < le->len)
			cut(le, le->cur, utf8_next(le->buf, le->len, le->cur));
		break;
	default:
		/* Printable characters: ASCII from the space, and every code point past the C1
		 * controls (keys are code points: the platforms decode UTF-8 typed on serial). */
		if ((key >= 0x20 && key < 0x7f) || (key >= 0xa0 && key < 0x110000))
			le->refused = !insert(le, (uint32_t)key);
	}
	return LE_MORE;
}

void le_scroll(struct lineedit *le, size_t width)
{
	/* Past the left edge: the cursor half a window in, so the text before it shows (keys
	 * applied together, Home then typing, may have left it anywhere before the window). */
	if (le->cur < le->left) {
		le->left = le->cur;
		for (size_t n = 0; le->left && n < width / 2; n++)
			le->left = utf8_prev(le->buf, le->left);
		return;
	}
	/* The cursor takes a column of its own, after the last character at the end. */
	size_t n = utf8_count(le->buf, le->left, le->cur);
	for (; n + 1 > width; n--)
		le->left = utf8_next(le->buf, le->len, le->left);
}
