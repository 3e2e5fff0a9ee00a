/* bls.c: Boot Loader Specification Type #1 entries: one .conf file parsed, a list sorted. */
#include "bls.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "FILE:LINE: what" into a warnings[] or notes[] array of 4 (more are dropped). */
static void remark(char **list, int *n, const char *file, int line, const char *what)
{
	char buf[160];

	if (*n == 4)
		return;
	snfmt(buf, sizeof(buf), "%s:%d: %s", file, line, what);
	list[*n] = str_dup(buf);
	if (list[*n])
		(*n)++;
}

/* A single-valued key: the last line wins, as systemd-boot reads it. */
static int set(char **slot, const char *v, size_t n)
{
	char *d = str_ndup(v, n);

	if (!d)
		return err_set(E_NOMEM, "out of memory");
	mem_free(*slot);
	*slot = d;
	return 0;
}

static int add_options(struct bls_entry *e, const char *v, size_t n)
{
	/* BLS "options": every line's parameters, combined in the order listed (one space). */
	size_t old = e->options ? strlen(e->options) : 0;
	char *d = mem_alloc(old + 1 + n + 1);

	if (!d)
		return err_set(E_NOMEM, "out of memory");
	if (old) {
		memcpy(d, e->options, old);
		d[old++] = ' ';
	}
	memcpy(d + old, v, n);
	d[old + n] = 0;
	mem_free(e->options);
	e->options = d;
	return 0;
}

/* BLS "Boot counting": NAME+LEFT[-DONE].conf; the id is NAME. */
static void split_name(const char *file, struct bls_entry *e)
{
	size_t n = strlen(file);

	if (n > 5 && !strcasecmp_ascii(file + n - 5, ".conf"))
		n -= 5;
	e->tries_left = e->tries_done = -1;
	const char *plus = NULL;
	for (size_t i = 0; i < n; i++)
		if (file[i] == '+')
			plus = file + i; /* the last '+', as systemd-boot takes it */
	if (plus) {
		const char *p = plus + 1, *end = file + n;
		unsigned left = 0, done = 0;
		bool ok = p < end && *p >= '0' && *p <= '9';
		while (ok && p < end && *p >= '0' && *p <= '9' && left < 100000)
			left = left * 10 + (unsigned)(*p++ - '0');
		if (ok && p < end && *p == '-') {
			p++;
			ok = p < end && *p >= '0' && *p <= '9';
			while (ok && p < end && *p >= '0' && *p <= '9' && done < 100000)
				done = done * 10 + (unsigned)(*p++ - '0');
		}
		if (ok && p == end) {
			e->tries_left = (int)left;
			e->tries_done = (int)done;
			n = (size_t)(plus - file);
		}
	}
	e->id = str_ndup(file, n);
}

int bls_parse(const char *file, const char *text, size_t len, const char *arch, struct bls_entry *e)
{
	int r = 0, line = 0;

	memset(e, 0, sizeof(*e));
	e->file = str_dup(file);
	split_name(file, e);
	if (!e->file || !e->id)
		return err_set(E_NOMEM, "out of memory");
	for (size_t at = 0; at < len && !r;) {
		/* Lines end at LF (or CR); blanks at both ends do not count. */
		size_t s = at, t;
		while (at < len && text[at] != '\n' && text[at] != '\r')
			at++;
		t = at;
		if (at < len && text[at] == '\r' && at + 1 < len && text[at + 1] == '\n')
			at++;
		at++;
		line++;
		while (s < t && is_blank(text[s]))
			s++;
		while (t > s && is_blank(text[t - 1]))
			t--;
		if (s == t || text[s] == '#')
			continue;
		size_t k = s;
		while (k < t && !is_blank(text[k]))
			k++;
		const char *key = text + s, *v = text + k;
		size_t kl = k - s;
		while (v < text + t && is_blank(*v))
			v++;
		size_t vl = (size_t)(text + t - v);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
			v++, vl -= 2;
		if (!vl)
			continue; /* a key without a value ("" too) says nothing: as if absent */
#define KEY(lit) (kl == sizeof(lit) - 1 && !memcmp(key, lit, kl))
		if (KEY("title"))
			r = set(&e->title, v, vl);
		else if (KEY("version"))
			r = set(&e->version, v, vl);
		else if (KEY("machine-id"))
			r = set(&e->machine_id, v, vl);
		else if (KEY("sort-key"))
			r = set(&e->sort_key, v, vl);
		else if (KEY("linux"))
			r = set(&e->kernel, v, vl);
		else if (KEY("efi"))
			r = set(&e->efi, v, vl);
		else if (KEY("architecture"))
			r = set(&e->architecture, v, vl);
		else if (KEY("options"))
			r = add_options(e, v, vl);
		else if (KEY("initrd")) {
			if (e->n_initrd == CFG_MAX_INITRD)
				r = err_set(E_INVAL, "%s:%d: more than %d initrd lines", file, line,
					    CFG_MAX_INITRD);
			else if (!(e->initrd[e->n_initrd++] = str_ndup(v, vl)))
				r = err_set(E_NOMEM, "out of memory");
		} else if (KEY("devicetree") || KEY("devicetree-overlay"))
			remark(e->warnings, &e->n_warnings, file, line,
			       "devicetree ignored: x86 has no device tree");
		else /* BLS: other keys may be added; a loader ignores what it does not know */
			remark(e->notes, &e->n_notes, file, line, "unknown key ignored");
#undef KEY
	}
	if (!r && !e->options && !(e->options = str_dup("")))
		r = err_set(E_NOMEM, "out of memory");
	if (r)
		return r;
	if (!e->kernel && !e->efi)
		return err_set(E_INVAL, "%s: neither a linux nor an efi line: nothing to boot",
			       file);
	if (e->kernel && e->efi)
		return err_set(E_INVAL, "%s: both a linux and an efi line: which one to boot?",
			       file);
	/* BLS "architecture": compared case-insensitively; an entry for another one is hidden. */
	if (e->architecture && arch && strcasecmp_ascii(e->architecture, arch))
		e->hidden = "for another architecture";
	return 0;
}

void bls_free(struct bls_entry *e)
{
	char **s[] = {&e->id,	    &e->file,	&e->title, &e->version,	     &e->machine_id,
		      &e->sort_key, &e->kernel, &e->efi,   &e->architecture, &e->options};

	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		mem_free(*s[i]);
	for (int i = 0; i < e->n_initrd; i++)
		mem_free(e->initrd[i]);
	for (int i = 0; i < e->n_warnings; i++)
		mem_free(e->warnings[i]);
	for (int i = 0; i < e->n_notes; i++)
		mem_free(e->notes[i]);
	memset(e, 0, sizeof(*e));
}

/* --- the UAPI Version Format Specification, as systemd implements it --- */

static bool v_valid(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '~' || c == '-' || c == '^' || c == '.';
}

static bool v_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool v_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

int bls_version_cmp(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	for (;;) {
		while (*a && !v_valid(*a))
			a++;
		while (*b && !v_valid(*b))
			b++;
		/* '~' sorts before everything, even the end. */
		if (*a == '~' || *b == '~') {
			if (*a != '~')
				return 1;
			if (*b != '~')
				return -1;
			a++, b++;
			continue;
		}
		if (!*a || !*b)
			return sign((unsigned char)*a - (unsigned char)*b);
		/* Then '-', '^' and '.': the one that has it is older than the one that goes on. */
		static const char seps[] = "-^.";
		for (int i = 0; i < 3; i++) {
			char c = seps[i];
			if (*a == c || *b == c) {
				if (*a != c)
					return 1;
				if (*b != c)
					return -1;
				a++, b++;
			}
		}
		if (v_digit(*a) || v_digit(*b)) {
			/* Numbers beat letters and nothing; leading zeros do not count. */
			if (!v_digit(*a))
				return -1;
			if (!v_digit(*b))
				return 1;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t na = 0, nb = 0;
			while (v_digit(a[na]))
				na++;
			while (v_digit(b[nb]))
				nb++;
			if (na != nb)
				return na < nb ? -1 : 1;
			int c = memcmp(a, b, na);
			if (c)
				return sign(c);
			a += na, b += nb;
		} else {
			size_t na = 0, nb = 0;
			while (v_alpha(a[na]))
				na++;
			while (v_alpha(b[nb]))
				nb++;
			int c = memcmp(a, b, MIN(na, nb));
			if (c)
				return sign(c);
			if (na != nb)
				return na < nb ? -1 : 1;
			a += na, b += nb;
		}
	}
}

/* --- BLS "Sorting" --- */

static int str_cmp0(const char *a, const char *b)
{
	/* An unset field compares lower than a set one. */
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return sign(strcmp(a, b));
}

int bls_compare(const struct bls_entry *a, const struct bls_entry *b)
{
	int c;

	/* Entries whose boot tries are used up ("bad") go last. */
	c = (a->tries_left == 0) - (b->tries_left == 0);
	if (c)
		return c;
	/* An entry with a sort-key goes before one without. */
	if (!a->sort_key != !b->sort_key)
		return a->sort_key ? -1 : 1;
	if (a->sort_key) {
		c = str_cmp0(a->sort_key, b->sort_key);
		if (!c)
			c = str_cmp0(a->machine_id, b->machine_id);
		if (!c)
			c = -bls_version_cmp(a->version, b->version); /* newest first */
		if (c)
			return c;
	}
	c = -bls_version_cmp(a->id, b->id); /* the file names, newest first */
	if (c)
		return c;
	/* systemd-boot's tie-break for counted entries: more tries left, then fewer done. */
	if (a->tries_left >= 0 && b->tries_left >= 0) {
		if (a->tries_left != b->tries_left)
			return a->tries_left > b->tries_left ? -1 : 1;
		if (a->tries_done != b->tries_done)
			return a->tries_done < b->tries_done ? -1 : 1;
	}
	return 0;
}

void bls_sort(struct bls_entry *e, int n)
{
	/* Insertion sort: a handful of entries, and equal ones keep their order. */
	for (int i = 1; i < n; i++) {
		struct bls_entry t = e[i];
		int j = i;
		while (j > 0 && bls_compare(&e[j - 1], &t) > 0) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = t;
	}
}
