/* config.c: parses baton.cfg, the menu configuration, into global options and boot entries. */
#include "config.h"

/*
 * The language, one directive per line. Blank lines and lines whose first non-blank character is
 * '#' are ignored; a '#' after a keyword is part of the value (command lines may contain one).
 *
 *   timeout N          seconds, 0..3600, or -1 to wait forever (only before the first entry)
 *   default X          an entry title or a 1-based number (only before the first entry)
 *   root VOLUME        where bare /paths are: (hd0,gpt2), uuid:U, label:L or partuuid:P, no
 *                      path (only before the first entry); without it, the config's volume
 *   entry TITLE        starts an entry; the title is the rest of the line
 *     kernel PATH      required, once
 *     initrd PATH...   repeatable, several paths per line allowed, at most CFG_MAX_INITRD
 *     module PATH ARGS repeatable: one module (Multiboot, PVH) and its arguments, the rest of
 *                      the line; shares the CFG_MAX_INITRD slots with initrd
 *     cmdline TEXT     once; the rest of the line, may be empty
 *     protocol NAME    once; linux, linux16, linux32, linux64, multiboot, multiboot2, elf,
 *                      pvh, efi, chainload
 *
 * Bad lines are reported and skipped. An entry is kept when it has a kernel, even if some of
 * its other lines were bad: the menu shows the errors, and the user may still want to boot it.
 * An entry whose 'entry' line itself is bad (no title) is dropped with its options, so they
 * cannot leak into the entry before it. A later timeout or default replaces an earlier one.
 */

#define CFG_MAX_LINE	4096 /* bytes per line, without the line ending */
#define CFG_QUOTE_MAX	40   /* bytes of user text repeated in a message */
#define CFG_TIMEOUT_MAX 3600 /* one hour: anything longer is a typo */

static const char *const protocols[] = {
    "linux",	  "linux16", "linux32", "linux64", "multiboot",
    "multiboot2", "elf",     "pvh",	"efi",	   "chainload",
};

struct parser {
	struct config *cfg;
	const char *file;
	int line;
	int n_errors;	 /* every problem, also those that did not fit in cfg->errors */
	bool nomem;	 /* an allocation failed: the result is incomplete */
	bool seen_entry; /* timeout and default are global: only before the first entry */
	bool in_entry;
	struct cfg_entry cur;
	int cap; /* allocated slots in cfg->entries */
};

static bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* User text inside a message: printable ASCII only (it goes to the firmware console), bounded. */
static const char *quote(char *buf, const char *s, size_t n)
{
	size_t i, m = MIN(n, (size_t)CFG_QUOTE_MAX);

	for (i = 0; i < m; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (n > m) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = 0;
	return buf;
}

static void report(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct parser *ps, int line, const char *fmt, ...)
{
	struct config *cfg = ps->cfg;
	char msg[256], buf[400];
	va_list ap;
	char *s;

	ps->n_errors++;
	if (cfg->n_errors >= CFG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snfmt(buf, sizeof(buf), "%s:%d: %s", ps->file, line, msg);
	s = str_dup(buf);
	if (!s) {
		ps->nomem = true;
		return;
	}
	cfg->errors[cfg->n_errors++] = s;
}

static char *save(struct parser *ps, const char *s, size_t n)
{
	char *d = str_ndup(s, n);

	if (!d)
		ps->nomem = true;
	return d;
}

/* Decimal digits only, no sign; false when empty, not a number, or above max. */
static bool parse_uint(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static void free_entry(struct cfg_entry *e)
{
	mem_free(e->title);
	mem_free(e->kernel);
	for (int i = 0; i < e->n_initrd; i++) {
		mem_free(e->initrd[i]);
		mem_free(e->args[i]);
	}
	mem_free(e->cmdline);
	mem_free(e->protocol);
	memset(e, 0, sizeof(*e));
}

static void add_entry(struct parser *ps, struct cfg_entry *e)
{
	struct config *cfg = ps->cfg;

	if (cfg->n_entries == ps->cap) {
		int cap = ps->cap ? ps->cap * 2 : 8;
		struct cfg_entry *n = mem_alloc((size_t)cap * sizeof(*n));
		if (!n) {
			ps->nomem = true;
			free_entry(e);
			return;
		}
		if (cfg->n_entries)
			memcpy(n, cfg->entries, (size_t)cfg->n_entries * sizeof(*n));
		mem_free(cfg->entries);
		cfg->entries = n;
		ps->cap = cap;
	}
	cfg->entries[cfg->n_entries++] = *e;
	memset(e, 0, sizeof(*e));
}

static void end_entry(struct parser *ps)
{
	struct cfg_entry *e = &ps->cur;
	char q[CFG_QUOTE_MAX + 4];

	if (!ps->in_entry)
		return;
	ps->in_entry = false;
	if (!e->title || !e->kernel) {
		/* No title: the bad 'entry' line was reported already. */
		if (e->title)
			report(ps, e->line, "entry '%s' has no kernel",
			       quote(q, e->title, strlen(e->title)));
		free_entry(e);
		return;
	}
	if (!e->cmdline) {
		e->cmdline = save(ps, "", 0);
		if (!e->cmdline) {
			free_entry(e);
			return;
		}
	}
	add_entry(ps, e);
}

static void do_timeout(struct parser *ps, const char *v, size_t n)
{
	char q[CFG_QUOTE_MAX + 4];
	unsigned t;

	if (n == 2 && !memcmp(v, "-1", 2))
		ps->cfg->timeout = -1;
	else if (parse_uint(v, n, CFG_TIMEOUT_MAX, &t))
		ps->cfg->timeout = (int)t;
	else
		report(ps, ps->line,
		       "bad timeout '%s': seconds from 0 to %d, or -1 to wait forever",
		       quote(q, v, n), CFG_TIMEOUT_MAX);
}

static void do_default(struct parser *ps, const char *v, size_t n)
{
	char *d = save(ps, v, n);

	if (d) {
		mem_free(ps->cfg->default_entry);
		ps->cfg->default_entry = d;
	}
}

/*
 * "root uuid:2024-05-06-07-08-09-00": a volume as a path's prefix names it, with nothing after
 * it, so that a bare /path means VOLUME/path (GRUB's `search --set=root`). Which volume it is
 * is decided at boot (stage2/volumes.c); here only its form.
 */
static void do_root(struct parser *ps, const char *v, size_t n)
{
	static const char *const kinds[] = {"uuid:", "label:", "partuuid:"};
	char q[CFG_QUOTE_MAX + 4];
	const char *close = memchr(v, ')', n);
	bool ok = false;

	if (v[0] == '(')
		ok = n > 2 && close == v + n - 1;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t k = strlen(kinds[i]);
		if (n > k && !memcmp(v, kinds[i], k))
			ok = !memchr(v + k, '/', n - k);
	}
	if (!ok) {
		report(ps, ps->line,
		       "bad root '%s': a volume, as (hd0,gpt2), uuid:UUID, label:LABEL or "
		       "partuuid:PARTUUID, without a path",
		       quote(q, v, n));
		return;
	}
	char *d = save(ps, v, n);
	if (d) {
		mem_free(ps->cfg->root);
		ps->cfg->root = d;
	}
}

static void do_entry(struct parser *ps, const char *v, size_t n)
{
	end_entry(ps);
	ps->seen_entry = true;
	ps->in_entry = true;
	memset(&ps->cur, 0, sizeof(ps->cur));
	ps->cur.line = ps->line;
	/* Without a title the entry is still opened, so that its options are dropped with it. */
	if (!n)
		report(ps, ps->line, "entry needs a title");
	else
		ps->cur.title = save(ps, v, n);
}

static void do_kernel(struct parser *ps, const char *v, size_t n)
{
	if (ps->cur.kernel)
		report(ps, ps->line, "duplicate kernel in this entry");
	else
		ps->cur.kernel = save(ps, v, n);
}

/* Several paths may share a line: "initrd /intel-ucode.img /initrd.img". */
static void do_initrd(struct parser *ps, const char *v, size_t n)
{
	struct cfg_entry *e = &ps->cur;
	size_t i = 0;

	while (i < n) {
		size_t start = i;
		while (i < n && !is_sep(v[i]))
			i++;
		if (e->n_initrd == CFG_MAX_INITRD) {
			report(ps, ps->line, "too many initrds (at most %d per entry)",
			       CFG_MAX_INITRD);
			return;
		}
		char *p = save(ps, v + start, i - start);
		if (!p)
			return;
		e->initrd[e->n_initrd++] = p;
		while (i < n && is_sep(v[i]))
			i++;
	}
}

/* "module /boot/dom0.img console=hvc0": a path, then its arguments as they are. */
static void do_module(struct parser *ps, const char *v, size_t n)
{
	struct cfg_entry *e = &ps->cur;
	size_t i = 0, a;

	while (i < n && !is_sep(v[i]))
		i++;
	for (a = i; a < n && is_sep(v[a]); a++)
		;
	if (e->n_initrd == CFG_MAX_INITRD) {
		report(ps, ps->line, "too many initrds and modules (at most %d per entry)",
		       CFG_MAX_INITRD);
		return;
	}
	char *p = save(ps, v, i), *args = save(ps, v + a, n - a);
	if (!p || !args) {
		mem_free(p);
		mem_free(args);
		return;
	}
	e->args[e->n_initrd] = args;
	e->initrd[e->n_initrd++] = p;
}

static void do_cmdline(struct parser *ps, const char *v, size_t n)
{
	if (ps->cur.cmdline)
		report(ps, ps->line, "duplicate cmdline in this entry");
	else
		ps->cur.cmdline = save(ps, v, n);
}

static void do_protocol(struct parser *ps, const char *v, size_t n)
{
	char q[CFG_QUOTE_MAX + 4];

	if (ps->cur.protocol) {
		report(ps, ps->line, "duplicate protocol in this entry");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
		if (strlen(protocols[i]) == n && !memcmp(protocols[i], v, n)) {
			ps->cur.protocol = save(ps, v, n);
			return;
		}
	}
	report(ps, ps->line,
	       "unknown protocol '%s' (known: linux, linux16, linux32, linux64, multiboot, "
	       "multiboot2, elf, pvh, efi, chainload)",
	       quote(q, v, n));
}

enum scope { GLOBAL, START, ENTRY }; /* START: 'entry', allowed anywhere */

static const struct directive {
	const char *name;
	enum scope scope;
	bool empty_ok; /* the value may be empty */
	void (*fn)(struct parser *ps, const char *v, size_t n);
} directives[] = {
    {"timeout", GLOBAL, false, do_timeout},
    {"default", GLOBAL, false, do_default},
    {"root", GLOBAL, false, do_root},
    {"entry", START, true, do_entry}, /* reports a missing title itself */
    {"kernel", ENTRY, false, do_kernel},
    {"initrd", ENTRY, false, do_initrd},
    {"cmdline", ENTRY, true, do_cmdline},
    {"protocol", ENTRY, false, do_protocol},
    {"module", ENTRY, false, do_module},
};

static void parse_line(struct parser *ps, const char *s, size_t n)
{
	char q[CFG_QUOTE_MAX + 4];
	const struct directive *d = NULL;
	size_t k, v;

	if (n && s[n - 1] == '\r')
		n--;
	if (n > CFG_MAX_LINE) {
		report(ps, ps->line, "line longer than %d bytes", CFG_MAX_LINE);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!s[i]) {
			report(ps, ps->line, "NUL byte in the line");
			return;
		}
	}
	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	if (!n || *s == '#')
		return;

	for (k = 0; k < n && !is_sep(s[k]); k++)
		;
	for (v = k; v < n && is_sep(s[v]); v++)
		;
	for (size_t i = 0; i < ARRAY_SIZE(directives); i++) {
		if (strlen(directives[i].name) == k && !memcmp(directives[i].name, s, k)) {
			d = &directives[i];
			break;
		}
	}
	if (!d) {
		report(ps, ps->line, "unknown keyword '%s'", quote(q, s, k));
		return;
	}
	if (d->scope == GLOBAL && ps->seen_entry) {
		report(ps, ps->line, "%s must come before the first entry", d->name);
		return;
	}
	if (d->scope == ENTRY && !ps->in_entry) {
		report(ps, ps->line, "%s outside an entry (it must follow an 'entry' line)",
		       d->name);
		return;
	}
	if (!d->empty_ok && v == n) {
		report(ps, ps->line, "%s needs a value", d->name);
		return;
	}
	d->fn(ps, s + v, n - v);
}

int config_parse(const char *text, size_t len, const char *filename, struct config *cfg)
{
	struct parser ps = {.cfg = cfg, .file = filename ? filename : "baton.cfg"};
	size_t pos = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout = 5;
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		if (ps.line < INT32_MAX)
			ps.line++;
		parse_line(&ps, text + pos, end - pos);
		pos = end + 1;
	}
	end_entry(&ps);

	/* The menu shows cfg->errors as they are: the last slot says how many did not fit. */
	if (ps.n_errors > CFG_MAX_ERRORS && cfg->n_errors == CFG_MAX_ERRORS) {
		char buf[300];
		snfmt(buf, sizeof(buf), "%s: %d more errors not shown", ps.file,
		      ps.n_errors - (CFG_MAX_ERRORS - 1));
		char *s = str_dup(buf);
		if (s) {
			mem_free(cfg->errors[CFG_MAX_ERRORS - 1]);
			cfg->errors[CFG_MAX_ERRORS - 1] = s;
		}
	}
	if (ps.nomem)
		return err_set(E_NOMEM, "out of memory reading %s", ps.file);
	if (cfg->n_errors)
		return err_set(E_INVAL, "%s", cfg->errors[0]);
	return 0;
}

void config_free(struct config *cfg)
{
	for (int i = 0; i < cfg->n_entries; i++)
		free_entry(&cfg->entries[i]);
	mem_free(cfg->entries);
	mem_free(cfg->default_entry);
	mem_free(cfg->root);
	for (int i = 0; i < cfg->n_errors; i++)
		mem_free(cfg->errors[i]);
	memset(cfg, 0, sizeof(*cfg));
}

int config_default_index(const struct config *cfg)
{
	const char *d = cfg->default_entry;
	unsigned n;

	if (!d || cfg->n_entries <= 0)
		return 0;
	/* A number first: "default 2" is the second entry even if one is titled "2". */
	if (parse_uint(d, strlen(d), (unsigned)cfg->n_entries, &n) && n >= 1)
		return (int)n - 1;
	for (int i = 0; i < cfg->n_entries; i++)
		if (!strcmp(cfg->entries[i].title, d))
			return i;
	return 0;
}
