/* entries.c: every menu entry from every volume: baton.cfg, BLS Type #1 entries, discovery. */
#include "entries.h"
#include "bls.h"
#include "part.h"
#include "pe.h"

#define ENT_CFG_MAX   (1u << 20)  /* bytes of a config or an included file */
#define ENT_SMALL_MAX (64u << 10) /* bytes of a .conf, an os-release, /etc/kernel/cmdline */
/* Bytes of a discovered entry's command line: what the menu's editor takes (LE_CAP) and the
 * config's line limit leaves after "cmdline ". */
#define ENT_CMDLINE_MAX 4095
#define ENT_CHUNK	(256u << 10) /* bytes per read when comparing or searching a file */

/* This machine's architecture in the words of the BLS "architecture" key (EFI's names). */
#define ENT_ARCH "x64"

const char *const entries_cfg_paths[ENT_N_CFG_PATHS] = {
    "/EFI/BOOT/baton.cfg",
    "/EFI/baton/baton.cfg",
    "/boot/baton/baton.cfg",
    "/baton.cfg",
};

/*
 * Every build of baton holds this string (it is this file's, and is read below), so a copy of
 * baton found as \EFI\BOOT\BOOTX64.EFI is known for what it is and not offered as an entry.
 */
static const char baton_mark[] = "baton: this EFI program is baton itself";

enum { NOTE, WARN, ERR };

/* A line for the menu (and baton check); a NOTE only when the caller wants notes. */
static void say(struct ent_set *s, struct config *cfg, int kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(struct ent_set *s, struct config *cfg, int kind, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	if (kind == NOTE && !s->notes)
		return;
	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	config_report(cfg, "%s", buf);
	if (kind == ERR)
		s->errors++;
	else if (kind == WARN)
		s->warnings++;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool eq_n(const char *a, const char *b, size_t n, bool fold)
{
	for (size_t i = 0; i < n; i++)
		if (fold ? lower(a[i]) != lower(b[i]) : a[i] != b[i])
			return false;
	return true;
}

static bool has_prefix_fold(const char *s, const char *p)
{
	size_t n = strlen(p);

	return strlen(s) >= n && eq_n(s, p, n, true);
}

static bool has_suffix_fold(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);

	return n > k && eq_n(s + n - k, x, k, true);
}

/* "(hd0,gpt1)", or a host directory's path: how messages and titles name a volume. */
static const char *vol_label(char *buf, size_t n, const struct ent_vol *v)
{
	snfmt(buf, n, (v->flags & ENT_HOSTDIR) ? "%s" : "(%s)", v->name);
	return buf;
}

/* "(hd0,gpt1)/loader/entries/a.conf": a path on a volume, for messages. */
static const char *at(char *buf, size_t n, const struct ent_vol *v, const char *path)
{
	snfmt(buf, n, (v->flags & ENT_HOSTDIR) ? "%s%s" : "(%s)%s", v->name, path);
	return buf;
}

/* --- volumes --- */

void entries_vol(struct ent_vol *ev, const struct volume *v, struct fs *fs, bool boot)
{
	memset(ev, 0, sizeof(*ev));
	ev->fs = fs;
	ev->v = v;
	ev->name = v->name;
	ev->flags = boot ? ENT_BOOT : 0;
	/* BLS "The Partitions": where entries are looked for. */
	if (vol_is_esp(v))
		ev->flags |= ENT_ESP;
	else if (vol_is_xbootldr(v))
		ev->flags |= ENT_XBOOTLDR;
}

static const char *const key_prefix[] = {"partuuid:", "uuid:", "label:"};

/* A volume's PARTUUID (kind 0), filesystem UUID (1) or label (2); NULL or "" when none. */
static const char *vol_key(const struct ent_vol *ev, int kind)
{
	if (kind == 0)
		return ev->v ? ev->v->partuuid : NULL;
	if (!ev->fs)
		return NULL;
	return kind == 1 ? ev->fs->uuid : ev->fs->label;
}

/* UUIDs compare case-insensitively (blkid prints FAT's in capitals), labels exactly. */
static bool key_eq(int kind, const char *a, const char *b, size_t bl)
{
	return strlen(a) == bl && eq_n(a, b, bl, kind != 2);
}

void entries_specs(struct ent_set *s)
{
	for (int i = 0; i < s->n; i++) {
		struct ent_vol *ev = &s->vols[i];
		snfmt(ev->spec, sizeof(ev->spec), "(%s)", ev->name);
		for (int kind = 0; kind < 3; kind++) {
			const char *k = vol_key(ev, kind);
			int same = 0;
			/* An MBR PARTUUID changes with the disk signature: UUIDs say more. A label
			 * with a '/' would read as a path. */
			if (!k || !k[0] || (kind == 0 && ev->v->scheme != PART_GPT) ||
			    strchr(k, '/') || strlen(k) + 10 > sizeof(ev->spec))
				continue;
			for (int j = 0; j < s->n; j++) {
				const char *o = vol_key(&s->vols[j], kind);
				same += o && key_eq(kind, o, k, strlen(k));
			}
			if (same == 1) {
				snfmt(ev->spec, sizeof(ev->spec), "%s%s", key_prefix[kind], k);
				break;
			}
		}
	}
}

int entries_find(const struct ent_set *s, const char *spec, const char *what, struct ent_vol **vol,
		 const char **rest)
{
	static const char *const kname[] = {"PARTUUID", "UUID", "label"};
	int kind = -1;

	*vol = NULL;
	*rest = spec;
	for (int k = 0; k < 3; k++)
		if (!strncmp(spec, key_prefix[k], strlen(key_prefix[k])))
			kind = k;
	if (spec[0] == '(') {
		const char *end = strchr(spec, ')');
		if (!end)
			return err_set(E_INVAL, "missing ')' in %s", what);
		size_t n = (size_t)(end - spec - 1);
		for (int i = 0; i < s->n && !*vol; i++)
			if (strlen(s->vols[i].name) == n && !strncmp(s->vols[i].name, spec + 1, n))
				*vol = &s->vols[i];
		if (!*vol)
			return err_set(E_NOENT, "no volume (%.*s) for %s", (int)n, spec + 1, what);
		*rest = end + 1;
	} else if (kind >= 0) {
		const char *key = spec + strlen(key_prefix[kind]), *slash = strchr(key, '/');
		size_t kl = slash ? (size_t)(slash - key) : strlen(key);
		for (int i = 0; i < s->n && !*vol; i++) {
			const char *o = vol_key(&s->vols[i], kind);
			if (o && o[0] && key_eq(kind, o, key, kl))
				*vol = &s->vols[i];
		}
		if (!*vol)
			return err_set(E_NOENT, "no volume with %s '%.*s' for %s", kname[kind],
				       (int)kl, key, what);
		*rest = key + kl;
	}
	return 0;
}

int entries_resolve(const struct ent_set *s, const char *spec, struct ent_vol *cwd,
		    struct ent_vol **vol, const char **path)
{
	struct ent_vol *v;
	const char *rest;
	int r = entries_find(s, spec, spec, &v, &rest);

	if (r)
		return r;
	if (!v && !(v = cwd))
		return err_set(E_NOENT, "%s: no current volume", spec);
	if (!v->fs)
		return err_set(E_NOENT, "%s: volume %s has no filesystem baton can read", spec,
			       v->name);
	if (!*rest)
		rest = "/";
	if (*rest != '/')
		return err_set(E_INVAL, "%s: path must start with '/'", spec);
	*vol = v;
	*path = rest;
	return 0;
}

/* --- directories and files --- */

/*
 * Every wanted name of a directory: all of them, however many, since what is shown is chosen
 * by sorting them, not by the order the directory holds them in.
 */
struct names {
	bool (*want)(const char *name, enum fs_ftype type);
	char **name;
	int n, cap;
	bool nomem;
};

/* Room for one more item in *arr (of *cap items of size sz): 0, or E_NOMEM. */
static int grow(void **arr, int n, int *cap, size_t sz)
{
	if (n < *cap)
		return 0;
	int c = *cap ? *cap * 2 : 16;
	void *a = mem_alloc((size_t)c * sz);
	if (!a)
		return E_NOMEM;
	if (n)
		memcpy(a, *arr, (size_t)n * sz);
	mem_free(*arr);
	*arr = a;
	*cap = c;
	return 0;
}

static void names_add(struct names *nm, const char *name)
{
	char *d;

	if (nm->nomem)
		return;
	if (grow((void **)&nm->name, nm->n, &nm->cap, sizeof(*nm->name)) || !(d = str_dup(name)))
		nm->nomem = true;
	else
		nm->name[nm->n++] = d;
}

static int add_name(void *ctx, const char *name, enum fs_ftype type)
{
	struct names *nm = ctx;

	if (nm->want(name, type))
		names_add(nm, name);
	return 0;
}

/* The wanted names in directory path on v: 0, E_NOENT (no such directory), or an error. Names
 * are read first and used after: a driver's directory walk is left before any file is read. */
static int list_dir(struct ent_vol *v, const char *path, struct names *nm)
{
	struct fs_file *d;
	int r = fs_open(v->fs, path, &d);

	if (r)
		return r;
	r = d->type == FS_DIR ? fs_readdir(d, add_name, nm) : E_NOENT;
	fs_close(d);
	return r;
}

static void names_free(struct names *nm)
{
	for (int i = 0; i < nm->n; i++)
		mem_free(nm->name[i]);
	mem_free(nm->name);
	nm->name = NULL;
	nm->n = nm->cap = 0;
}

static void names_sort(struct names *nm, int (*cmp)(const char *a, const char *b))
{
	for (int i = 1; i < nm->n; i++) {
		char *t = nm->name[i];
		int j = i;
		for (; j > 0 && cmp(nm->name[j - 1], t) > 0; j--)
			nm->name[j] = nm->name[j - 1];
		nm->name[j] = t;
	}
}

/*
 * Whether path on v is a file an entry can boot: a regular file once symbolic links are
 * followed. link (n bytes; NULL: not wanted) gets path's target when path is a link, else "".
 * The one check discovery makes of a kernel or an initrd: each is opened once, and a link once
 * more, for what it names.
 */
static bool entry_boots(struct ent_vol *v, const char *path, char *link, size_t n)
{
	struct fs_file *f;
	bool ok = false;

	if (link)
		link[0] = 0;
	if (fs_open_flags(v->fs, path, FS_NOFOLLOW, &f))
		return false;
	ok = f->type == FS_FILE;
	if (f->type == FS_SYMLINK) {
		if (link && fs_readlink(f, link, n))
			link[0] = 0;
		fs_close(f);
		if (fs_open(v->fs, path, &f))
			return false;
		ok = f->type == FS_FILE;
	}
	fs_close(f);
	return ok;
}

/* A BLS path names a file on the entry's own volume; its leading '/' is optional. */
static char *abs_path(const char *p)
{
	char *d = mem_alloc(strlen(p) + 2);

	if (d)
		snfmt(d, strlen(p) + 2, "%s%s", p[0] == '/' ? "" : "/", p);
	return d;
}

/* --- baton.cfg and its includes --- */

struct incl {
	struct ent_set *s;
	struct ent_vol *vol; /* the config's volume */
	char dir[64];	     /* the config's directory there: "/EFI/BOOT" */
};

static int read_include(void *ctx, const char *path, char **text, size_t *len)
{
	struct incl *in = ctx;
	struct ent_vol *v;
	const char *p;
	char buf[512];

	/* A path without a volume or a leading '/' is beside the config. */
	if (path[0] != '/' && path[0] != '(' && !strchr(path, ':')) {
		snfmt(buf, sizeof(buf), "%s/%s", in->dir, path);
		path = buf;
	}
	int r = entries_resolve(in->s, path, in->vol, &v, &p);
	return r ? r : fs_read_all(v->fs, p, text, len, ENT_CFG_MAX);
}

/* The boot volume's baton.cfg: 0 (parsed, maybe with errors), E_NOENT, or E_NOMEM. */
static int read_config(struct ent_set *s, struct ent_vol *bv, struct config *cfg,
		       const char **found)
{
	char where[160];

	for (int i = 0; i < ENT_N_CFG_PATHS; i++) {
		const char *p = entries_cfg_paths[i];
		char *text;
		size_t len;
		int r = fs_read_all(bv->fs, p, &text, &len, ENT_CFG_MAX);
		if (r == E_NOENT)
			continue;
		*found = p;
		if (r) {
			config_parse("", 0, p + 1, cfg);
			say(s, cfg, ERR, "cannot read %s: %s", at(where, sizeof(where), bv, p),
			    err_msg());
			return 0;
		}
		struct incl in = {.s = s, .vol = bv};
		int dl = 0;
		for (int k = 0; p[k]; k++)
			dl = p[k] == '/' ? k : dl;
		snfmt(in.dir, sizeof(in.dir), "%.*s", dl, p);
		struct cfg_reader rd = {.read = read_include, .ctx = &in};
		r = config_parse_with(text, len, p + 1, &rd, cfg);
		mem_free(text);
		return r == E_NOMEM ? r : 0;
	}
	config_parse("", 0, "baton.cfg", cfg);
	return E_NOENT;
}

/* --- Boot Loader Specification Type #1 entries --- */

/* Every volume's entries, in one list; each entry's vol is its volume's index in the set. */
struct bls_list {
	struct bls_entry *e;
	int n, cap;
	int efi_hidden; /* entries with an efi line, not shown on BIOS */
};

static bool is_conf(const char *name, enum fs_ftype type)
{
	/* BLS "Type #1 Boot Loader Specification Entries": /loader/entries/NAME.conf (a name of
	 * 1 to 255 characters); systemd-boot also passes over hidden files and auto-* names. */
	return type != FS_DIR && strlen(name) <= 255 && has_suffix_fold(name, ".conf") &&
	       name[0] != '.' && !has_prefix_fold(name, "auto-");
}

/* Adds volume vi's /loader/entries/ to l. Returns E_NOMEM or 0. */
static int read_bls(struct ent_set *s, struct config *cfg, int vi, struct bls_list *l)
{
	struct ent_vol *v = &s->vols[vi];
	struct names nm = {.want = is_conf};
	char dir[160], path[300];
	int r = list_dir(v, "/loader/entries", &nm);

	at(dir, sizeof(dir), v, "/loader/entries/");
	if (r && r != E_NOENT)
		say(s, cfg, ERR, "%s: %s", dir, err_msg());
	r = nm.nomem ? E_NOMEM : 0;
	for (int i = 0; i < nm.n && !r; i++) {
		const char *name = nm.name[i];
		struct bls_entry *e;
		char *text;
		size_t len;
		if ((r = grow((void **)&l->e, l->n, &l->cap, sizeof(*l->e))))
			break;
		e = &l->e[l->n];
		snfmt(path, sizeof(path), "/loader/entries/%s", name);
		r = fs_read_all(v->fs, path, &text, &len, ENT_SMALL_MAX);
		if (r) {
			say(s, cfg, ERR, "%s%s: %s", dir, name, err_msg());
			r = r == E_NOMEM ? r : 0;
			continue;
		}
		r = bls_parse(name, text, len, ENT_ARCH, e);
		mem_free(text);
		/* bls.c's messages start with the file name: put the volume before it. */
		for (int w = 0; w < e->n_warnings; w++)
			say(s, cfg, WARN, "%s%s", dir, e->warnings[w]);
		for (int w = 0; w < e->n_notes; w++)
			say(s, cfg, NOTE, "%s%s", dir, e->notes[w]);
		const char *m = err_msg();
		bool named = !strncmp(m, name, strlen(name));
		if (r) {
			say(s, cfg, ERR, "%s%s%s%s", dir, named ? "" : name, named ? "" : ": ", m);
			bls_free(e);
			r = r == E_NOMEM ? r : 0;
			continue;
		}
		if (e->hidden) {
			say(s, cfg, NOTE, "%s%s: not shown: %s (%s)", dir, name, e->hidden,
			    e->architecture);
			bls_free(e);
			continue;
		}
		/* BLS "efi": "if ... the system is not an EFI system, this entry should be
		 * hidden": as it should be, so only a note. */
		if (e->efi && !s->efi) {
			if (!l->efi_hidden++)
				say(s, cfg, NOTE,
				    "%s%s: an EFI program (efi line): not shown, EFI programs need "
				    "UEFI and this is a BIOS boot",
				    dir, name);
			bls_free(e);
			continue;
		}
		e->vol = vi;
		l->n++;
	}
	names_free(&nm);
	return r;
}

/* An entry of cfg (baton.cfg's), or of l before index to other than i, has this id. Case does
 * not count: the BLI's ids do not (stage2/saved.c). */
static bool id_taken(const struct config *cfg, const struct bls_list *l, int i, int to,
		     const char *id)
{
	for (int k = 0; k < cfg->n_entries; k++)
		if (cfg->entries[k].id && !strcasecmp_ascii(cfg->entries[k].id, id))
			return true;
	for (int j = 0; j < to; j++)
		if (j != i && !strcasecmp_ascii(l->e[j].id, id))
			return true;
	return false;
}

/*
 * The same entry file on the ESP and the XBOOTLDR partition, or on two disks, is two entries
 * with one id, and the BLI (LoaderEntries, LoaderEntryDefault) and `default` pick by id: the
 * later one in the menu, or one whose id baton.cfg has, becomes ID-2 (ID-3, ...: the first that
 * no other entry has). 0, or E_NOMEM.
 */
static int unique_ids(struct ent_set *s, struct config *cfg, struct bls_list *l)
{
	char w[200];

	for (int i = 0; i < l->n; i++) {
		struct bls_entry *e = &l->e[i];
		if (!id_taken(cfg, l, i, i, e->id))
			continue;
		size_t n = strlen(e->id) + 12;
		char *id = mem_alloc(n);
		if (!id)
			return E_NOMEM;
		for (int k = 2;; k++) {
			snfmt(id, n, "%s-%d", e->id, k);
			if (!id_taken(cfg, l, i, l->n, id))
				break;
		}
		at(w, sizeof(w), &s->vols[e->vol], "/loader/entries/");
		say(s, cfg, NOTE, "%s%s: id %s is another entry's: this one is %s", w, e->file,
		    e->id, id);
		mem_free(e->id);
		e->id = id;
	}
	return 0;
}

/* BLS "title": titles need not be unique. Where they are equal, show more, as systemd-boot
 * does: the version, then the id (unique by now). */
static void unique_titles(const struct bls_entry *list, int n, char **title)
{
	char *dup = mem_zalloc((size_t)n + 1);

	for (int pass = 0; pass < 2 && dup; pass++) {
		for (int i = 0; i < n; i++) {
			dup[i] = 0;
			for (int j = 0; j < n && !dup[i]; j++)
				dup[i] =
				    j != i && title[i] && title[j] && !strcmp(title[i], title[j]);
		}
		for (int i = 0; i < n; i++) {
			const char *more = pass ? list[i].id : list[i].version;
			if (!dup[i] || !more || !title[i])
				continue;
			size_t l = strlen(title[i]) + strlen(more) + 4;
			char *t = mem_alloc(l);
			if (t) {
				snfmt(t, l, "%s (%s)", title[i], more);
				mem_free(title[i]);
				title[i] = t;
			}
		}
	}
	mem_free(dup);
}

static int add_bls_entry(struct config *cfg, const struct ent_vol *v, const struct bls_entry *b,
			 char *title)
{
	struct cfg_entry e;
	char src[300], vl[100];
	bool ok;

	memset(&e, 0, sizeof(e));
	e.parent = -1;
	e.title = title;
	e.id = str_dup(b->id);
	e.kernel = abs_path(b->kernel ? b->kernel : b->efi);
	/* No protocol for linux: the format is detected from the kernel's bytes. */
	e.protocol = b->efi ? str_dup("efi") : NULL;
	e.cmdline = str_dup(b->options);
	e.root = str_dup(v->spec);
	if (v->flags & ENT_HOSTDIR)
		snfmt(src, sizeof(src), "%s/loader/entries/%s", v->name, b->file);
	else
		snfmt(src, sizeof(src), "loader/entries/%s on %s", b->file,
		      vol_label(vl, sizeof(vl), v));
	e.source = str_dup(src);
	ok = e.title && e.id && e.kernel && (e.protocol || !b->efi) && e.cmdline && e.root &&
	     e.source;
	for (int i = 0; i < b->n_initrd && ok; i++) {
		ok = (e.initrd[i] = abs_path(b->initrd[i])) != NULL;
		e.n_initrd += ok;
	}
	if (!ok) {
		config_free_entry(&e);
		return E_NOMEM;
	}
	return config_add_entry(cfg, &e);
}

/*
 * BLS "Locating Boot Entries": a boot loader reads /loader/entries/ on the ESP and on the
 * XBOOTLDR partition and shows one list, sorted as BLS "Sorting" says. Here: on the volume
 * baton was started from and every ESP and XBOOTLDR partition.
 */
static int add_bls(struct ent_set *s, struct config *cfg)
{
	struct bls_list l = {0};
	char **title = NULL;
	int r = 0;

	for (int i = 0; i < s->n && !r; i++)
		if (s->vols[i].fs && (s->vols[i].flags & (ENT_BOOT | ENT_ESP | ENT_XBOOTLDR)))
			r = read_bls(s, cfg, i, &l);
	if (l.efi_hidden > 1)
		say(s, cfg, NOTE, "%d more entries with an efi line not shown (BIOS boot)",
		    l.efi_hidden - 1);
	bls_sort(l.e, l.n); /* entries from all volumes in one order; equal ones keep theirs */
	if (!r && l.n && !(title = mem_zalloc(sizeof(*title) * (size_t)l.n)))
		r = E_NOMEM;
	if (!r)
		r = unique_ids(s, cfg, &l);
	for (int i = 0; i < l.n && !r; i++)
		title[i] = str_dup(l.e[i].title ? l.e[i].title : l.e[i].id);
	if (!r)
		unique_titles(l.e, l.n, title);
	for (int i = 0; i < l.n; i++) {
		if (!r && title[i]) {
			r = add_bls_entry(cfg, &s->vols[l.e[i].vol], &l.e[i], title[i]);
			title[i] = NULL;
		}
		if (title)
			mem_free(title[i]);
		bls_free(&l.e[i]);
	}
	mem_free(l.e);
	mem_free(title);
	return r;
}

/* --- discovery: kernels and EFI programs where distributions put them --- */

/* A discovered entry: kernel (and initrd) on v, named by v's spec. */
static int add_found(struct config *cfg, struct ent_vol *v, const char *title, const char *id,
		     const char *kernel, const char *initrd, const char *cmdline,
		     const char *protocol)
{
	struct cfg_entry e;
	char src[120], vl[100];

	memset(&e, 0, sizeof(e));
	e.parent = -1;
	e.title = str_dup(title);
	e.id = config_make_id(cfg, id);
	e.kernel = str_dup(kernel);
	e.cmdline = str_dup(cmdline);
	e.protocol = protocol ? str_dup(protocol) : NULL;
	e.root = str_dup(v->spec);
	snfmt(src, sizeof(src), "found on %s", vol_label(vl, sizeof(vl), v));
	e.source = str_dup(src);
	if (initrd && (e.initrd[0] = str_dup(initrd)))
		e.n_initrd = 1;
	if (!e.title || !e.id || !e.kernel || !e.cmdline || (protocol && !e.protocol) || !e.root ||
	    !e.source || (initrd && !e.n_initrd)) {
		config_free_entry(&e);
		return E_NOMEM;
	}
	return config_add_entry(cfg, &e);
}

/* Linux kernels on one volume; what they share is read once, when the first is found. */
struct linux_vol {
	struct ent_set *s;
	struct config *cfg;
	struct ent_vol *v;
	bool loaded;
	char os[64];   /* os-release's NAME, or "Linux" */
	char *cmdline; /* /etc/kernel/cmdline, or root= this volume; NULL: out of memory */
};

/*
 * kernel-install(8): /etc/kernel/cmdline is the command line the system gives its kernels, on
 * one or more lines: blank runs become one space. NULL when there is none, or it is too long
 * (said) or memory ran out.
 */
static char *kernel_cmdline(struct linux_vol *lv)
{
	char *t, w[200];
	size_t len, n = 0;

	if (fs_read_all(lv->v->fs, "/etc/kernel/cmdline", &t, &len, ENT_SMALL_MAX))
		return NULL;
	for (size_t i = 0; i < len; i++) {
		bool blank = t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r';
		if (!blank)
			t[n++] = t[i];
		else if (n && t[n - 1] != ' ')
			t[n++] = ' ';
	}
	while (n && t[n - 1] == ' ')
		n--;
	if (n > ENT_CMDLINE_MAX) {
		say(lv->s, lv->cfg, WARN,
		    "%s: %zu bytes, more than the %u of a command line: not used",
		    at(w, sizeof(w), lv->v, "/etc/kernel/cmdline"), n, ENT_CMDLINE_MAX);
		n = 0;
	}
	char *c = n ? str_ndup(t, n) : NULL;
	mem_free(t);
	return c;
}

static void linux_vol_load(struct linux_vol *lv)
{
	struct ent_vol *v = lv->v;
	char *t, c[80];
	size_t len;

	if (lv->loaded)
		return;
	lv->loaded = true;
	strlcpy_b(lv->os, "Linux", sizeof(lv->os));
	/* os-release(5): /etc/os-release, else /usr/lib/os-release; NAME= without quotes. */
	if (!fs_read_all(v->fs, "/etc/os-release", &t, &len, ENT_SMALL_MAX) ||
	    !fs_read_all(v->fs, "/usr/lib/os-release", &t, &len, ENT_SMALL_MAX)) {
		for (char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			if (strncmp(l, "NAME=", 5))
				continue;
			char *val = l + 5, *end = val;
			while (*end && *end != '\n')
				end++;
			if (end > val + 1 && (*val == '"' || *val == '\'') && end[-1] == *val)
				val++, end--;
			if (end > val)
				snfmt(lv->os, sizeof(lv->os), "%.*s", (int)(end - val), val);
			break;
		}
		mem_free(t);
	}
	if ((lv->cmdline = kernel_cmdline(lv)))
		return;
	/* Else the root filesystem is the kernel's own volume, mounted read-only first. */
	if (v->fs->uuid[0])
		snfmt(c, sizeof(c), "root=UUID=%s ro", v->fs->uuid);
	else if (v->v && v->v->partuuid[0])
		snfmt(c, sizeof(c), "root=PARTUUID=%s ro", v->v->partuuid);
	else
		strlcpy_b(c, "ro", sizeof(c));
	lv->cmdline = str_dup(c);
}

static int add_linux(struct linux_vol *lv, const char *what, const char *id, const char *kernel,
		     const char *initrd)
{
	char title[200], vl[100];

	linux_vol_load(lv);
	if (!lv->cmdline)
		return E_NOMEM;
	snfmt(title, sizeof(title), "%s, %s on %s", lv->os, what, vol_label(vl, sizeof(vl), lv->v));
	return add_found(lv->cfg, lv->v, title, id, kernel, initrd, lv->cmdline, NULL);
}

/* Debian's /vmlinuz -> boot/vmlinuz-VERSION (and .old), with /initrd.img beside it. */
static int linux_link(struct linux_vol *lv, const char *link, const char *initrd)
{
	char target[256], what[320], id[40];
	const char *version = NULL, *base = target;

	if (!entry_boots(lv->v, link, target, sizeof(target)))
		return 0;
	for (const char *p = target; *p; p++)
		if (*p == '/')
			base = p + 1;
	if (!strncmp(base, "vmlinuz-", 8) && base[8])
		version = base + 8;
	if (version)
		snfmt(what, sizeof(what), "%s (%s)", link, version);
	else
		snfmt(what, sizeof(what), "%s", link);
	snfmt(id, sizeof(id), "auto-%s", link + 1);
	return add_linux(lv, what, id, link, entry_boots(lv->v, initrd, NULL, 0) ? initrd : NULL);
}

static bool is_vmlinuz(const char *name, enum fs_ftype type)
{
	return type != FS_DIR && !strncmp(name, "vmlinuz-", 8) && name[8];
}

/* Newest first: UAPI version order of what follows "vmlinuz-". */
static int newest_first(const char *a, const char *b)
{
	return -bls_version_cmp(a + 8, b + 8);
}

static int find_linux(struct ent_set *s, struct config *cfg, struct ent_vol *v)
{
	struct linux_vol lv = {.s = s, .cfg = cfg, .v = v};
	struct names nm = {.want = is_vmlinuz};
	char path[300], initrd[300], what[300], id[300];
	int r = linux_link(&lv, "/vmlinuz", "/initrd.img");

	if (!r && !list_dir(v, "/boot", &nm)) {
		names_sort(&nm, newest_first);
		for (int i = 0; i < nm.n && !r; i++) {
			const char *ver = nm.name[i] + 8;
			snfmt(path, sizeof(path), "/boot/%s", nm.name[i]);
			if (!entry_boots(v, path, NULL, 0))
				continue;
			/* Debian's initrd.img-VERSION; Fedora's and Arch's initramfs-VERSION.img.
			 */
			snfmt(initrd, sizeof(initrd), "/boot/initrd.img-%s", ver);
			bool has = entry_boots(v, initrd, NULL, 0);
			if (!has) {
				snfmt(initrd, sizeof(initrd), "/boot/initramfs-%s.img", ver);
				has = entry_boots(v, initrd, NULL, 0);
			}
			snfmt(what, sizeof(what), "kernel %s", ver);
			snfmt(id, sizeof(id), "auto-linux-%s", ver);
			r = add_linux(&lv, what, id, path, has ? initrd : NULL);
		}
	}
	if (!r && nm.nomem)
		r = E_NOMEM;
	names_free(&nm);
	if (!r)
		r = linux_link(&lv, "/vmlinuz.old", "/initrd.img.old");
	mem_free(lv.cmdline);
	return r;
}

/* Reads f in chunks, calling fn(ctx, offset, bytes, n) until it returns nonzero. */
static int each_chunk(struct fs_file *f, uint8_t *buf, size_t keep,
		      int (*fn)(void *ctx, uint64_t off, const uint8_t *b, size_t n), void *ctx)
{
	size_t have = 0;

	for (uint64_t off = 0; off < f->size;) {
		size_t n = (size_t)MIN((uint64_t)(ENT_CHUNK - have), f->size - off);
		int r = fs_read(f, off, n, buf + have);
		if (r)
			return r;
		off += n;
		have += n;
		if ((r = fn(ctx, off - have, buf, have)))
			return r;
		/* The last keep bytes go on, so a string across two chunks is seen. */
		size_t k = MIN(keep, have);
		memmove(buf, buf + have - k, k);
		have = k;
	}
	return 0;
}

static int has_mark(void *ctx, uint64_t off, const uint8_t *b, size_t n)
{
	size_t m = sizeof(baton_mark) - 1;

	for (size_t i = 0; i + m <= n; i++)
		if (b[i] == 'b' && !memcmp(b + i, baton_mark, m))
			return 1;
	return 0;
}

struct cmp_ctx {
	struct fs_file *other;
	uint8_t *buf;
};

static int differs(void *ctx, uint64_t off, const uint8_t *b, size_t n)
{
	struct cmp_ctx *c = ctx;

	if (fs_read(c->other, off, n, c->buf))
		return 1;
	return memcmp(b, c->buf, n) ? 1 : 0;
}

/* Whether f is baton (other NULL: it holds baton_mark) or has the bytes of other on v. */
static bool efi_same(struct ent_vol *v, struct fs_file *f, const char *other)
{
	struct fs_file *o = NULL;
	uint8_t *buf = mem_alloc(ENT_CHUNK), *buf2 = NULL;
	bool r = false;

	if (!buf)
		goto out;
	if (!other) {
		r = each_chunk(f, buf, sizeof(baton_mark) - 1, has_mark, NULL) == 1;
	} else if (!fs_open(v->fs, other, &o) && o->size == f->size &&
		   (buf2 = mem_alloc(ENT_CHUNK))) {
		struct cmp_ctx c = {o, buf2};
		r = !each_chunk(f, buf, 0, differs, &c);
	}
out:
	fs_close(o);
	mem_free(buf);
	mem_free(buf2);
	return r;
}

/* An x64 EFI application (UEFI 2.1.1: PE32+, machine 0x8664, subsystem 10). */
static bool efi_app(struct fs_file *f)
{
	struct pe_info pe;
	uint8_t head[1024];
	size_t n = (size_t)MIN(f->size, (uint64_t)sizeof(head));

	return f->type == FS_FILE && !fs_read(f, 0, n, head) && !pe_parse(head, n, f->size, &pe) &&
	       pe_is_efi_app(&pe);
}

/*
 * Why \EFI\DIR\NAME.efi (path on v) is not offered, or NULL: it is not an x64 EFI application,
 * or, in \EFI\BOOT (fallback), it is baton or a copy of a program offered already (seen). The
 * file is opened once for all of it.
 */
static const char *efi_skip(struct ent_vol *v, const char *path, bool fallback,
			    const struct names *seen, char *buf, size_t n)
{
	struct fs_file *f;
	const char *why = NULL;

	if (fs_open(v->fs, path, &f))
		return "not an x64 EFI application";
	if (!efi_app(f))
		why = "not an x64 EFI application";
	else if (fallback && efi_same(v, f, NULL))
		why = "it is baton";
	for (int k = 0; fallback && !why && k < seen->n; k++)
		if (efi_same(v, f, seen->name[k])) {
			snfmt(buf, n, "a copy of %s", seen->name[k]);
			why = buf;
		}
	fs_close(f);
	return why;
}

static bool is_efi(const char *name, enum fs_ftype type)
{
	return type != FS_DIR && has_suffix_fold(name, ".efi");
}

static bool is_dir(const char *name, enum fs_ftype type)
{
	return type == FS_DIR || type == FS_OTHER;
}

/* Vendors' directories by name, \EFI\BOOT (the fallback path, often a copy) last. */
static int boot_last(const char *a, const char *b)
{
	bool ba = !strcasecmp_ascii(a, "BOOT"), bb = !strcasecmp_ascii(b, "BOOT");

	return ba != bb ? ba - bb : strcasecmp_ascii(a, b);
}

static int by_name(const char *a, const char *b)
{
	return strcasecmp_ascii(a, b);
}

/*
 * \EFI\VENDOR\*.efi (UEFI 13.3.1.3: each vendor's directory under \EFI) and Windows' boot
 * manager, on one volume; not baton's own (\EFI\baton, or a BOOTX64.EFI that is baton), not
 * \EFI\BOOT's copies of another vendor's program, not shim's fallback (fbx64.efi, which only
 * re-creates boot entries), not programs for another architecture.
 */
static int find_efi(struct ent_set *s, struct config *cfg, struct ent_vol *v)
{
	struct names dirs = {.want = is_dir}, seen = {0};
	int r = 0;
	char path[300], title[400], id[300], vl[100], w[320], why_buf[320];

	if (list_dir(v, "/EFI", &dirs))
		return 0;
	r = dirs.nomem ? E_NOMEM : 0;
	names_sort(&dirs, boot_last);
	vol_label(vl, sizeof(vl), v);
	for (int d = 0; d < dirs.n && !r; d++) {
		const char *dn = dirs.name[d];
		bool fallback = !strcasecmp_ascii(dn, "BOOT");
		struct names files = {.want = is_efi};
		if (!strcasecmp_ascii(dn, "baton"))
			continue;
		if (!strcasecmp_ascii(dn, "Microsoft")) {
			snfmt(path, sizeof(path), "/EFI/%s/Boot/bootmgfw.efi", dn);
			if (!efi_skip(v, path, false, &seen, w, sizeof(w))) {
				snfmt(title, sizeof(title), "Windows Boot Manager on %s", vl);
				r = add_found(cfg, v, title, "auto-windows", path, NULL, "", "efi");
			}
			continue;
		}
		snfmt(path, sizeof(path), "/EFI/%s", dn);
		if (list_dir(v, path, &files))
			continue;
		r = files.nomem ? E_NOMEM : 0;
		names_sort(&files, by_name);
		for (int i = 0; i < files.n && !r; i++) {
			const char *fn = files.name[i];
			snfmt(path, sizeof(path), "/EFI/%s/%s", dn, fn);
			at(w, sizeof(w), v, path);
			if (!strcasecmp_ascii(fn, "fbx64.efi")) {
				say(s, cfg, NOTE, "%s: not offered: shim's fallback", w);
				continue;
			}
			const char *why =
			    efi_skip(v, path, fallback, &seen, why_buf, sizeof(why_buf));
			if (why) {
				say(s, cfg, NOTE, "%s: not offered: %s", w, why);
				continue;
			}
			names_add(&seen, path);
			snfmt(title, sizeof(title), "%s on %s", path, vl);
			for (char *p = title; *p && *p != ' '; p++)
				if (*p == '/')
					*p = '\\';
			snfmt(id, sizeof(id), "auto-efi-%s-%.*s", dn, (int)strlen(fn) - 4, fn);
			r = add_found(cfg, v, title, id, path, NULL, "", "efi");
		}
		names_free(&files);
	}
	if (!r && seen.nomem)
		r = E_NOMEM;
	names_free(&seen);
	names_free(&dirs);
	return r;
}

/* --- the whole menu --- */

void entries_add(struct ent_set *s, struct config *cfg, const char *where)
{
	struct ent_vol *bv = NULL;
	char vl[100];
	int r = add_bls(s, cfg);

	if (r == E_NOMEM)
		say(s, cfg, ERR, "out of memory reading the Boot Loader Specification entries");
	if (cfg->n_entries)
		return;
	/* Nothing configured: Linux kernels on every volume first, then EFI programs. */
	s->discovered = true;
	for (int i = 0; i < s->n && !r; i++)
		if (s->vols[i].fs)
			r = find_linux(s, cfg, &s->vols[i]);
	for (int i = 0; i < s->n && !r && s->efi; i++)
		if (s->vols[i].fs)
			r = find_efi(s, cfg, &s->vols[i]);
	if (r == E_NOMEM)
		say(s, cfg, ERR, "out of memory looking for kernels");
	if (!cfg->n_entries)
		return;
	for (int i = 0; i < s->n && !bv; i++)
		if ((s->vols[i].flags & ENT_BOOT) && s->vols[i].fs)
			bv = &s->vols[i];
	/* Say why, where a config was looked for, in lines that fit an 80-column screen. */
	if (where) {
		config_report(cfg, "%s has no entries: showing what baton found", where);
	} else if (bv) {
		config_report(cfg, "No baton.cfg on %s: showing what baton found. It looked for",
			      vol_label(vl, sizeof(vl), bv));
		config_report(cfg, "%s, %s, %s, %s", entries_cfg_paths[0], entries_cfg_paths[1],
			      entries_cfg_paths[2], entries_cfg_paths[3]);
	} else {
		config_report(cfg, "baton could not read the volume it was started from: showing "
				   "what baton found");
	}
}

int entries_collect(struct ent_set *s, struct config *cfg, const char **found)
{
	struct ent_vol *bv = NULL;
	char where[160];

	*found = NULL;
	entries_specs(s);
	for (int i = 0; i < s->n && !bv; i++)
		if ((s->vols[i].flags & ENT_BOOT) && s->vols[i].fs)
			bv = &s->vols[i];
	int r = E_NOENT;
	if (bv)
		r = read_config(s, bv, cfg, found);
	else
		config_parse("", 0, "baton.cfg", cfg);
	entries_add(s, cfg, *found ? at(where, sizeof(where), bv, *found) : NULL);
	config_finish(cfg); /* a default naming nothing, now that every entry is in */
	return r == E_NOMEM ? r : 0;
}
