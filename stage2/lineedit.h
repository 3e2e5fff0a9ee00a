/* lineedit.h: the menu's command-line editor (pure: no firmware; shared with the unit tests). */
#ifndef BATON_LINEEDIT_H
#define BATON_LINEEDIT_H

#include "lib.h"

/*
 * Bytes a command line may grow to in the editor (the config's own line limit is 4096 with the
 * keyword); a longer line from the config keeps its length as its cap.
 */
#define LE_CAP 4095

/* --- UTF-8, one column per character (a malformed byte counts as one character) --- */
/* The byte after the character at s[i] (i < len). */
size_t utf8_next(const char *s, size_t len, size_t i);
/* The start of the character before s[i] (i > 0). */
size_t utf8_prev(const char *s, size_t i);
/* Characters in s[a, b). */
size_t utf8_count(const char *s, size_t a, size_t b);
/*
 * Copies at most cols characters of s[0, len) into out (cap bytes, NUL-terminated), each
 * character that is not printable ASCII as one '?': what both consoles can show, one column each.
 * Returns the bytes of s taken.
 */
size_t utf8_show(const char *s, size_t len, size_t cols, char *out, size_t cap);

/* --- the line editor --- */
struct lineedit {
	char *buf;    /* cap + 1 bytes, NUL-terminated */
	size_t len;   /* bytes in buf */
	size_t cap;   /* most bytes buf may hold */
	size_t cur;   /* the cursor: a byte offset on a character boundary */
	size_t left;  /* the first byte shown (horizontal scrolling) */
	bool refused; /* the last key was a character that did not fit: say so */
};

enum le_result {
	LE_MORE,   /* keep editing */
	LE_BOOT,   /* Enter, Ctrl-X or F10: boot the line as it is */
	LE_CANCEL, /* Esc: back to the menu, the line forgotten */
};

/* Starts editing a copy of text, the cursor at its end. 0 or E_NOMEM. */
int le_init(struct lineedit *le, const char *text);
void le_free(struct lineedit *le);
/* Applies one key (enum key, or a character's code point). */
enum le_result le_key(struct lineedit *le, int key);
/* Scrolls so that the cursor is in a window of width (>= 2) columns; updates le->left. */
void le_scroll(struct lineedit *le, size_t width);

#endif
