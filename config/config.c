/* config.c: parses baton.cfg, the menu configuration, into global options and boot entries. */
#include "config.h"

/*
 * The language, one directive per line (README.md, "The config file", has the grammar). Blank
 * lines and lines whose first non-blank character is '#' are ignored; a '#' after a keyword is
 * part of the value (command lines may contain one).
 *
 * Global options (before the first entry or submenu, counting those of included files):
 *   timeout N          seconds, 0..3600, or -1 to wait forever
 *   default X          an id, a title, a glob over both, a 1-based number of a top-level entry,
 *                      or @saved (checked by config_finish() once every entry is known)
 *   root VOLUME        where bare /paths are: (hd0,gpt2), uuid:U, label:L or partuuid:P, no
 *                      path; without it, the config's volume
 *   serial off | serial [com1..com4|0xPORT] [BAUD]
 *   console both|screen|serial
 * Anywhere:
 *   entry TITLE        starts an entry; the title is the rest of the line
 *     id NAME          once; one word of letters, digits and . _ - + (a Boot Loader Interface
 *                      id), unique in the config; without it config_finish() makes one
 *     kernel PATH      required, once
 *     initrd PATH...   repeatable, several paths per line allowed, at most CFG_MAX_INITRD
 *     module PATH ARGS repeatable: one module (Multiboot, PVH) and its arguments, the rest of
 *                      the line; shares the CFG_MAX_INITRD slots with initrd
 *     cmdline TEXT     once; the rest of the line, may be empty
 *     protocol NAME    once; linux, linux16, linux32, linux64, multiboot, multiboot2, elf,
 *                      pvh, efi, chainload
 *   submenu TITLE      the entries up to the matching `end` go into it (at most 8 levels); it
 *   end                must be closed in the file that opened it, and must not be empty
 *   include PATH       parses another file here, through the caller's cfg_reader; not between
 *                      an `entry` line and that entry's kernel (its options would be split)
 *
 * `entry`, `submenu`, `end` and `include` end the entry before them, as does the end of a file.
 * Bad lines are reported and skipped, and every error is collected. An entry is kept when it has
 * a kernel, even if some of its other lines were bad: the menu shows the errors, and the user
 * may still want to boot it. An entry whose 'entry' line itself is bad (no title) is dropped
 * with its options, so they cannot leak into the entry before it. A later global replaces an
 * earlier one.
 */

#define CFG_MAX_LINE	4096 /* bytes per line, without the line ending */
#define CFG_QUOTE_MAX	40   /* bytes of user text repeated in a message */
#define CFG_TIMEOUT_MAX 3600 /* one hour: anything longer is a typo */
#define CFG_MAX_DEPTH	8    /* files included inside each other, and submenus inside each other */
#define CFG_MAX_FILES	64   /* included files in all: a tree of includes cannot grow without end */

static const char *const protocols[] = {
    "linux",	  "linux16", "linux32", "linux64", "multiboot",
    "multiboot2", "elf",     "pvh",	"efi",	   "chainload",
};

/* A file being parsed: the main config, or one an `include` names. */
struct file {
	const char *path;	     /* as the include line wrote it: the reader's name */
	const char *name;	     /* for messages: the caller's name, or path made printable */
	char buf[CFG_QUOTE_MAX + 4]; /* (where name is) */
	int line;		     /* the line being parsed */
	int levels;		     /* submenus open when the file started (it closes its own) */
};

struct parser {
	struct config *cfg;
	const struct cfg_reader *rd;
	struct file files[CFG_MAX_DEPTH + 1]; /* the include stack; files[depth] is parsed */
	int depth;
	int n_files;	 /* files included so far */
	bool nomem;	 /* an allocation failed: the result is incomplete */
	bool seen_entry; /* global options only before the first entry or submenu */
	bool in_entry;
	struct cfg_entry cur;
	/* Open submenus: their index in cfg->entries, -1 for a bad `submenu` line (its `end`
	 * still closes it), and their line. Levels beyond CFG_MAX_DEPTH are only counted. */
	struct {
		int index, line;
	} level[CFG_MAX_DEPTH];
	int n_levels, deep;
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

/*
 * Adds a line to cfg->errors. When they are full, the last one becomes "... N more not shown"
 * (the menu and `baton check` show the lines as they are): no problem goes uncounted.
 */
static int add_error(struct config *cfg, const char *msg)
{
	char buf[48];
	char *s;

	if (cfg->n_errors < CFG_MAX_ERRORS) {
		if (!(s = str_dup(msg)))
			return E_NOMEM;
		cfg->errors[cfg->n_errors++] = s;
		return 0;
	}
	/* The first one past the limit hides the last line's own problem too. */
	int n = cfg->n_dropped + (cfg->n_dropped ? 1 : 2);
	snfmt(buf, sizeof(buf), "... %d more not shown", n);
	if (!(s = str_dup(buf)))
		return E_NOMEM;
	mem_free(cfg->errors[CFG_MAX_ERRORS - 1]);
	cfg->errors[CFG_MAX_ERRORS - 1] = s;
	cfg->n_dropped = n;
	return 0;
}

/* Adds "FILE:LINE: message"; file NULL: the file being parsed. */
static void vreport(struct parser *ps, const char *file, int line, const char *fmt, va_list ap)
{
	char msg[300], buf[400];

	vsnfmt(msg, sizeof(msg), fmt, ap);
	snfmt(buf, sizeof(buf), "%s:%d: %s", file ? file : ps->files[ps->depth].name, line, msg);
	if (add_error(ps->cfg, buf))
		ps->nomem = true;
}

static void report(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ps, NULL, line, fmt, ap);
	va_end(ap);
}

/* The same for the line being parsed. */
static void error(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void error(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ps, NULL, ps->files[ps->depth].line, fmt, ap);
	va_end(ap);
}

/* The same at the line file k of the include stack is at (its include line). */
static void report_file(struct parser *ps, int k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report_file(struct parser *ps, int k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ps, ps->files[k].name, ps->files[k].line, fmt, ap);
	va_end(ap);
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

void config_free_entry(struct cfg_entry *e)
{
	mem_free(e->title);
	mem_free(e->id);
	mem_free(e->root);
	mem_free(e->source);
	mem_free(e->kernel);
	for (int i = 0; i < e->n_initrd; i++) {
		mem_free(e->initrd[i]);
		mem_free(e->args[i]);
	}
	mem_free(e->cmdline);
	mem_free(e->protocol);
	memset(e, 0, sizeof(*e));
}

int config_add_entry(struct config *cfg, struct cfg_entry *e)
{
	if (cfg->n_entries == cfg->cap_entries) {
		int cap = cfg->cap_entries ? cfg->cap_entries * 2 : 8;
		struct cfg_entry *n = mem_alloc((size_t)cap * sizeof(*n));
		if (!n) {
			config_free_entry(e);
			return E_NOMEM;
		}
		if (cfg->n_entries)
			memcpy(n, cfg->entries, (size_t)cfg->n_entries * sizeof(*n));
		mem_free(cfg->entries);
		cfg->entries = n;
		cfg->cap_entries = cap;
	}
	cfg->entries[cfg->n_entries++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

static void add_entry(struct parser *ps, struct cfg_entry *e)
{
	if (config_add_entry(ps->cfg, e))
		ps->nomem = true;
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
		config_free_entry(e);
		return;
	}
	if (!e->cmdline) {
		e->cmdline = save(ps, "", 0);
		if (!e->cmdline) {
			config_free_entry(e);
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
		error(ps, "bad timeout '%s': seconds from 0 to %d, or -1 to wait forever",
		      quote(q, v, n), CFG_TIMEOUT_MAX);
}

/* "EFI/BOOT/baton.cfg:12": where the line being parsed is, for entries and later messages. */
static char *where(struct parser *ps)
{
	char buf[300];

	snfmt(buf, sizeof(buf), "%s:%d", ps->files[ps->depth].name, ps->files[ps->depth].line);
	return save(ps, buf, strlen(buf));
}

/* What it names is looked up once every entry is known (config_finish, config_default_index). */
static void do_default(struct parser *ps, const char *v, size_t n)
{
	char *d = save(ps, v, n), *w = where(ps);

	if (!d || !w) {
		mem_free(d);
		mem_free(w);
		return;
	}
	mem_free(ps->cfg->default_entry);
	mem_free(ps->cfg->default_where);
	ps->cfg->default_entry = d;
	ps->cfg->default_where = w;
}

/* The standard PC ports (their I/O base addresses as the BIOS data area lists them). */
static const struct {
	const char *name;
	int port;
} com_ports[] = {{"com1", 0x3f8}, {"com2", 0x2f8}, {"com3", 0x3e8}, {"com4", 0x2e8}};

/* "com2", or "0x2f8": a 16550's eight registers, above the chipset's ports (below 0x100). */
static int parse_port(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < ARRAY_SIZE(com_ports); i++)
		if (n == 4 && !memcmp(s, com_ports[i].name, 4))
			return com_ports[i].port;
	if (n < 3 || n > 6 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (size_t i = 2; i < n; i++) {
		char c = s[i] | 0x20;
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 16 + (unsigned)(s[i] - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else
			return 0;
	}
	return v >= 0x100 && v <= 0xfff8 ? (int)v : 0;
}

/*
 * "serial off", "serial com2 9600", "serial 0x3f8", "serial 57600", "serial": the port (none:
 * the platform's default) and the speed (none: 115200). A 16550 divides 115200 by a 16-bit
 * divisor, so the speed must divide 115200.
 */
static void do_serial(struct parser *ps, const char *v, size_t n)
{
	char q[CFG_QUOTE_MAX + 4];
	const char *tok[3];
	size_t len[3], nt = 0, i = 0;
	int port = 0;
	unsigned baud = 0;

	while (i < n && nt < 3) {
		tok[nt] = v + i;
		while (i < n && !is_sep(v[i]))
			i++;
		len[nt] = (size_t)(v + i - tok[nt]);
		nt++;
		while (i < n && is_sep(v[i]))
			i++;
	}
	if (nt == 1 && len[0] == 3 && !memcmp(tok[0], "off", 3)) {
		ps->cfg->serial_port = -1;
		ps->cfg->serial_baud = 0;
		return;
	}
	i = 0;
	if (nt && (port = parse_port(tok[0], len[0])))
		i++;
	if (i < nt && parse_uint(tok[i], len[i], 115200, &baud) && baud >= 1200 &&
	    115200 % baud == 0)
		i++;
	if (i < nt) {
		error(ps,
		      "bad serial '%s': off, or a port (com1 to com4, or 0x100 to 0xfff8) and a "
		      "speed from 1200 to 115200 that divides 115200, or both",
		      quote(q, v, n));
		return;
	}
	ps->cfg->serial_port = port;
	ps->cfg->serial_baud = (int)baud;
}

static void do_console(struct parser *ps, const char *v, size_t n)
{
	static const char *const names[] = {[CFG_CONSOLE_BOTH] = "both",
					    [CFG_CONSOLE_SCREEN] = "screen",
					    [CFG_CONSOLE_SERIAL] = "serial"};
	char q[CFG_QUOTE_MAX + 4];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strlen(names[i]) == n && !memcmp(names[i], v, n)) {
			ps->cfg->console = (enum cfg_console)i;
			return;
		}
	}
	error(ps, "bad console '%s': both, screen or serial", quote(q, v, n));
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
		error(ps,
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

/* The innermost open submenu (its index in cfg->entries), or -1: the top level. */
static int parent(const struct parser *ps)
{
	for (int i = ps->n_levels - 1; i >= 0; i--)
		if (ps->level[i].index >= 0)
			return ps->level[i].index;
	return -1;
}

static void do_entry(struct parser *ps, const char *v, size_t n)
{
	end_entry(ps);
	ps->seen_entry = true;
	ps->in_entry = true;
	memset(&ps->cur, 0, sizeof(ps->cur));
	ps->cur.line = ps->files[ps->depth].line;
	ps->cur.parent = parent(ps);
	ps->cur.source = where(ps);
	/* Without a title the entry is still opened, so that its options are dropped with it. */
	if (!n)
		error(ps, "entry needs a title");
	else
		ps->cur.title = save(ps, v, n);
}

/*
 * Letters, digits and . _ - +: what logind takes as an entry id for `systemctl reboot
 * --boot-loader-entry=` and checks against LoaderEntries (systemd's efi-loader.c: those
 * characters, and a valid file name: not "." or "..", at most 255 bytes). BLS file names and
 * machine ids are made of them.
 */
static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._-+", c));
}

#define CFG_ID_MAX 255 /* bytes: a file name's (NAME_MAX), and what the state file keeps */

static void do_id(struct parser *ps, const char *v, size_t n)
{
	const struct config *cfg = ps->cfg;
	char q[CFG_QUOTE_MAX + 4], q2[CFG_QUOTE_MAX + 4];
	size_t i;

	if (ps->cur.id) {
		error(ps, "duplicate id in this entry");
		return;
	}
	for (i = 0; i < n && id_char(v[i]); i++)
		;
	if (i < n || n > CFG_ID_MAX || (n <= 2 && !memcmp(v, "..", n))) {
		error(ps,
		      "bad id '%s': one word of letters, digits and . _ - + (as the Boot Loader "
		      "Interface takes ids), at most %d bytes, not . or ..",
		      quote(q, v, n), CFG_ID_MAX);
		return;
	}
	for (int k = 0; k < cfg->n_entries; k++) {
		const struct cfg_entry *e = &cfg->entries[k];
		if (e->id && strlen(e->id) == n && !memcmp(e->id, v, n)) {
			error(ps, "id '%s' is already the id of '%s' (%s)", quote(q, v, n),
			      quote(q2, e->title, strlen(e->title)), e->source ? e->source : "?");
			return;
		}
	}
	ps->cur.id = save(ps, v, n);
}

/*
 * `submenu TITLE`: an entry without a kernel, added now so that the entries up to its `end`
 * can name it as their parent. A bad or too deep one is still a level, so its `end` matches.
 */
static void do_submenu(struct parser *ps, const char *v, size_t n)
{
	struct cfg_entry e;

	end_entry(ps);
	ps->seen_entry = true;
	if (ps->n_levels == CFG_MAX_DEPTH) {
		error(ps, "submenus nested deeper than %d levels: its entries go one level up",
		      CFG_MAX_DEPTH);
		ps->deep++;
		return;
	}
	int lv = ps->n_levels++;
	ps->level[lv].index = -1;
	ps->level[lv].line = ps->files[ps->depth].line;
	if (!n) {
		error(ps, "submenu needs a title: its entries go one level up");
		return;
	}
	memset(&e, 0, sizeof(e));
	e.submenu = true;
	e.line = ps->files[ps->depth].line;
	e.parent = parent(ps);
	e.title = save(ps, v, n);
	e.cmdline = save(ps, "", 0);
	e.source = where(ps);
	if (!e.title || !e.cmdline || !e.source) {
		config_free_entry(&e);
		return;
	}
	if (!config_add_entry(ps->cfg, &e))
		ps->level[lv].index = ps->cfg->n_entries - 1;
	else
		ps->nomem = true;
}

/* Closes the innermost submenu; an empty one is dropped (it is the last entry: nothing came
 * after it, since any submenu inside it was empty and dropped too). */
static void close_level(struct parser *ps, bool unclosed)
{
	struct config *cfg = ps->cfg;
	char q[CFG_QUOTE_MAX + 4];

	if (ps->deep) {
		ps->deep--;
		if (unclosed)
			error(ps, "submenu has no 'end'");
		return;
	}
	int lv = --ps->n_levels, i = ps->level[lv].index;
	const char *t = i >= 0 ? cfg->entries[i].title : "";
	if (unclosed)
		report(ps, ps->level[lv].line, "submenu '%s' has no 'end'", quote(q, t, strlen(t)));
	if (i >= 0 && i == cfg->n_entries - 1) {
		report(ps, ps->level[lv].line, "submenu '%s' is empty", quote(q, t, strlen(t)));
		config_free_entry(&cfg->entries[--cfg->n_entries]);
	}
}

static void do_end(struct parser *ps, const char *v, size_t n)
{
	end_entry(ps);
	if (ps->n_levels + ps->deep == ps->files[ps->depth].levels) {
		error(ps, "end without a submenu");
		return;
	}
	if (n)
		error(ps, "end takes no value");
	close_level(ps, false);
}

static void parse_text(struct parser *ps, const char *text, size_t len);

/* Paths as written, but "/a.cfg" and "a.cfg" are the same file (the caller names the main one
 * without its leading slash). */
static bool same_path(const char *a, const char *b)
{
	return !strcmp(a + (*a == '/'), b + (*b == '/'));
}

static void do_include(struct parser *ps, const char *v, size_t n)
{
	char q[CFG_QUOTE_MAX + 4], chain[400];
	char *text = NULL, *path;
	size_t len = 0, at = 0;
	int r;

	if (ps->in_entry && !ps->cur.kernel) {
		error(ps, "include inside an entry: put it before the 'entry' line or after the "
			  "entry's options");
		return;
	}
	end_entry(ps);
	quote(q, v, n);
	if (!(path = save(ps, v, n)))
		return;
	for (int k = 0; k <= ps->depth; k++) {
		if (!same_path(ps->files[k].path, path))
			continue;
		/* Reported where the loop starts: "a.cfg:3: include loop: a.cfg -> b.cfg -> a.cfg"
		 */
		for (int j = k; j <= ps->depth; j++)
			at += (size_t)snfmt(chain + MIN(at, sizeof(chain)),
					    sizeof(chain) - MIN(at, sizeof(chain)), "%s -> ",
					    ps->files[j].name);
		snfmt(chain + MIN(at, sizeof(chain)), sizeof(chain) - MIN(at, sizeof(chain)), "%s",
		      q);
		report_file(ps, k, "include loop: %s", chain);
		goto out;
	}
	if (ps->depth == CFG_MAX_DEPTH) {
		error(ps, "include '%s': files included more than %d deep", q, CFG_MAX_DEPTH);
		goto out;
	}
	if (!ps->rd) {
		error(ps, "include '%s': no files can be read here", q);
		goto out;
	}
	if (ps->n_files == CFG_MAX_FILES) {
		error(ps, "include '%s': more than %d included files", q, CFG_MAX_FILES);
		goto out;
	}
	ps->n_files++;
	r = ps->rd->read(ps->rd->ctx, path, &text, &len);
	if (r == E_NOENT) {
		error(ps, "include '%s': file not found", q);
	} else if (r) {
		if (r == E_NOMEM)
			ps->nomem = true;
		error(ps, "include '%s': %s", q, err_msg());
	} else {
		struct file *f = &ps->files[++ps->depth];
		f->path = path;
		f->name = memcpy(f->buf, q, sizeof(f->buf));
		f->line = 0;
		f->levels = ps->n_levels + ps->deep;
		parse_text(ps, text, len);
		ps->depth--;
		mem_free(text);
	}
out:
	mem_free(path);
}

static void do_kernel(struct parser *ps, const char *v, size_t n)
{
	if (ps->cur.kernel)
		error(ps, "duplicate kernel in this entry");
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
			error(ps, "too many initrds (at most %d per entry)", CFG_MAX_INITRD);
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
		error(ps, "too many initrds and modules (at most %d per entry)", CFG_MAX_INITRD);
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
		error(ps, "duplicate cmdline in this entry");
	else
		ps->cur.cmdline = save(ps, v, n);
}

static void do_protocol(struct parser *ps, const char *v, size_t n)
{
	char q[CFG_QUOTE_MAX + 4];

	if (ps->cur.protocol) {
		error(ps, "duplicate protocol in this entry");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
		if (strlen(protocols[i]) == n && !memcmp(protocols[i], v, n)) {
			ps->cur.protocol = save(ps, v, n);
			return;
		}
	}
	error(ps,
	      "unknown protocol '%s' (known: linux, linux16, linux32, linux64, multiboot, "
	      "multiboot2, elf, pvh, efi, chainload)",
	      quote(q, v, n));
}

/* START: anywhere (it ends the entry before it). INCLUDE: anywhere but inside an entry. */
enum scope { GLOBAL, START, ENTRY, INCLUDE };

static const struct directive {
	const char *name;
	enum scope scope;
	bool empty_ok; /* the value may be empty */
	void (*fn)(struct parser *ps, const char *v, size_t n);
} directives[] = {
    {"timeout", GLOBAL, false, do_timeout},
    {"default", GLOBAL, false, do_default},
    {"root", GLOBAL, false, do_root},
    {"serial", GLOBAL, true, do_serial},
    {"console", GLOBAL, false, do_console},
    {"entry", START, true, do_entry},	  /* reports a missing title itself */
    {"submenu", START, true, do_submenu}, /* the same */
    {"end", START, true, do_end},
    {"include", INCLUDE, false, do_include},
    {"id", ENTRY, false, do_id},
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
		error(ps, "line longer than %d bytes", CFG_MAX_LINE);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!s[i]) {
			error(ps, "NUL byte in the line");
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
		error(ps, "unknown keyword '%s'", quote(q, s, k));
		return;
	}
	if (d->scope == GLOBAL && ps->seen_entry) {
		error(ps, "%s must come before the first entry", d->name);
		return;
	}
	if (d->scope == ENTRY && !ps->in_entry) {
		error(ps, "%s outside an entry (it must follow an 'entry' line)", d->name);
		return;
	}
	if (!d->empty_ok && v == n) {
		error(ps, "%s needs a value", d->name);
		return;
	}
	d->fn(ps, s + v, n - v);
}

/* One file, main or included: its lines, then its last entry and its submenus are closed. */
static void parse_text(struct parser *ps, const char *text, size_t len)
{
	struct file *f = &ps->files[ps->depth];
	size_t pos = 0;

	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		if (f->line < INT32_MAX)
			f->line++;
		parse_line(ps, text + pos, end - pos);
		pos = end + 1;
	}
	end_entry(ps);
	while (ps->n_levels + ps->deep > f->levels)
		close_level(ps, true);
}

int config_parse(const char *text, size_t len, const char *filename, struct config *cfg)
{
	return config_parse_with(text, len, filename, NULL, cfg);
}

int config_parse_with(const char *text, size_t len, const char *filename,
		      const struct cfg_reader *rd, struct config *cfg)
{
	struct parser ps = {.cfg = cfg, .rd = rd};
	const char *file = filename ? filename : "baton.cfg";

	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout = 5;
	ps.files[0].path = ps.files[0].name = file;
	parse_text(&ps, text, len);
	if (ps.nomem)
		return err_set(E_NOMEM, "out of memory reading %s", ps.files[0].name);
	if (cfg->n_errors)
		return err_set(E_INVAL, "%s", cfg->errors[0]);
	return 0;
}

void config_free(struct config *cfg)
{
	for (int i = 0; i < cfg->n_entries; i++)
		config_free_entry(&cfg->entries[i]);
	mem_free(cfg->entries);
	mem_free(cfg->default_entry);
	mem_free(cfg->default_where);
	mem_free(cfg->root);
	mem_free(cfg->saved);
	mem_free(cfg->oneshot);
	for (int i = 0; i < cfg->n_errors; i++)
		mem_free(cfg->errors[i]);
	memset(cfg, 0, sizeof(*cfg));
}

void config_report(struct config *cfg, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add_error(cfg, buf); /* out of memory: the line is lost, nothing else */
}

/* Shell-style '*' and '?' (no classes), iteratively with one backtrack point. */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *retry = NULL;

	while (*s) {
		if (*p == '*') {
			star = ++p;
			retry = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++retry;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

bool config_pickable(const struct cfg_entry *e)
{
	return !e->submenu && e->title;
}

const char *config_entry_name(const struct cfg_entry *e)
{
	return e->id ? e->id : e->title;
}

/* a is b followed by suffix, ASCII case ignored. */
static bool eq_suffix(const char *a, const char *b, const char *suffix)
{
	size_t n = strlen(b);

	for (size_t i = 0; i < n; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return !strcasecmp_ascii(a + n, suffix);
}

/*
 * BLI "Boot Loader Entry Identifiers": an id is a BLS file name without ".conf"; systemd-boot
 * keeps ".conf" in its own, and bootctl and logind try an id with and without it, case
 * ignored. So either side may carry the suffix.
 */
int config_find_bli(const struct config *cfg, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < cfg->n_entries; i++) {
		if (!config_pickable(&cfg->entries[i]))
			continue;
		const char *id = config_entry_name(&cfg->entries[i]);
		size_t k = strlen(id);
		if ((n == k && eq_suffix(name, id, "")) ||
		    (n == k + 5 && eq_suffix(name, id, ".conf")) ||
		    (k == n + 5 && eq_suffix(id, name, ".conf")))
			return i;
	}
	return -1;
}

static bool id_taken(const struct config *cfg, const char *id)
{
	for (int i = 0; i < cfg->n_entries; i++)
		if (cfg->entries[i].id && !strcasecmp_ascii(cfg->entries[i].id, id))
			return true;
	return false;
}

char *config_make_id(const struct config *cfg, const char *base)
{
	char id[CFG_ID_MADE_MAX + 1];
	size_t n = 0;

	/* Runs of other bytes (blanks, '/', ':', UTF-8) become one '-', none at either end. */
	for (const char *p = base; *p && n + 12 < sizeof(id); p++) {
		char c = (char)ascii_lower((unsigned char)*p);
		if (id_char(c))
			id[n++] = c;
		else if (n && id[n - 1] != '-')
			id[n++] = '-';
	}
	while (n && id[n - 1] == '-')
		n--;
	id[n] = 0;
	/* Nothing usable (a title all in another script), or "." or "..": not a file name. */
	if (!n || !strcmp(id, ".") || !strcmp(id, ".."))
		n = strlcpy_b(id, "entry", sizeof(id));
	/* As many suffixes as there are entries: one of them is free. */
	for (int k = 2; id_taken(cfg, id) && k <= cfg->n_entries + 1; k++)
		snfmt(id + n, sizeof(id) - n, "-%d", k);
	return str_dup(id);
}

int config_find(const struct config *cfg, const char *name)
{
	unsigned n;
	int i;

	if (!name || !*name)
		return -1;
	for (i = 0; i < cfg->n_entries; i++)
		if (config_pickable(&cfg->entries[i]) && cfg->entries[i].id &&
		    !strcmp(cfg->entries[i].id, name))
			return i;
	for (i = 0; i < cfg->n_entries; i++)
		if (config_pickable(&cfg->entries[i]) && !strcmp(cfg->entries[i].title, name))
			return i;
	if (strchr(name, '*') || strchr(name, '?')) {
		for (i = 0; i < cfg->n_entries; i++) {
			const struct cfg_entry *e = &cfg->entries[i];
			if (config_pickable(e) &&
			    ((e->id && glob_match(name, e->id)) || glob_match(name, e->title)))
				return i;
		}
	}
	/* The menu's numbers: top-level items, submenus included (one cannot be picked). */
	if (parse_uint(name, strlen(name), (unsigned)cfg->n_entries, &n) && n >= 1) {
		for (i = 0; i < cfg->n_entries; i++)
			if (cfg->entries[i].parent < 0 && !--n)
				return config_pickable(&cfg->entries[i]) ? i : -1;
	}
	return -1;
}

int config_default_index(const struct config *cfg)
{
	const char *d = cfg->default_entry;
	int i = -1;

	if (cfg->oneshot)
		i = config_find(cfg, cfg->oneshot);
	if (i < 0 && d)
		i = config_find(cfg, strcmp(d, "@saved") ? d : cfg->saved);
	for (int k = 0; i < 0 && k < cfg->n_entries; k++)
		if (config_pickable(&cfg->entries[k]))
			i = k;
	return i < 0 ? 0 : i;
}

void config_finish(struct config *cfg)
{
	const char *d = cfg->default_entry;
	char q[CFG_QUOTE_MAX + 4];

	/* After every entry is in, so a made id steps aside for every id a config, BLS file or
	 * discovery gave. In menu order: the first "Linux" gets "linux", the next "linux-2". */
	for (int i = 0; i < cfg->n_entries; i++) {
		struct cfg_entry *e = &cfg->entries[i];
		if (!e->id && config_pickable(e))
			e->id = config_make_id(cfg, e->title); /* NULL: the title stands for it */
	}

	if (d && strcmp(d, "@saved") && config_find(cfg, d) < 0)
		config_report(cfg, "%s: default '%s' names no entry",
			      cfg->default_where ? cfg->default_where : "baton.cfg",
			      quote(q, d, strlen(d)));
}
