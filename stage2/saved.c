/* saved.c: the saved and one-shot entries: the state file on the boot volume, and systemd's BLI. */
#include "saved.h"
#include "platform.h"
#include "state.h"

/*
 * Which entry is selected first, strongest first (README "Saved and one-shot entries"):
 *   1. LoaderEntryOneShot (the OS: `systemctl reboot --boot-loader-entry=`, `bootctl
 *      set-oneshot`), deleted once read;
 *   2. the state file's one-shot entry (`baton oneshot`), cleared in the file before the menu;
 *   3. LoaderEntryDefault (`bootctl set-default`; "@saved" there means `default @saved`);
 *   4. the config's `default` (with `default @saved`: the state file's saved entry);
 *   5. the first entry.
 * Both one-shot requests are used up by this boot, whichever wins. A one-shot boot does not
 * change the saved entry (as systemd-boot does not).
 */

/* BLI LoaderFeatures bits baton honours: LoaderConfigTimeout (0), LoaderConfigTimeoutOneShot
 * (1), LoaderEntryDefault (2), LoaderEntryOneShot (3), entries on XBOOTLDR (5, entries.c),
 * sort-key (8, bls.c), "@saved" in LoaderEntryDefault (9). */
#define BLI_FEATURES                                                                               \
	(1ull << 0 | 1ull << 1 | 1ull << 2 | 1ull << 3 | 1ull << 5 | 1ull << 8 | 1ull << 9)

/* Allocated: a static one would be zeros stored in BOOTX64.EFI's .data. */
static struct saved {
	struct bvol *bv;
	const char *path; /* the state file read, or NULL */
	struct state st;
	uint8_t buf[STATE_FILE_SIZE];
	bool remember; /* the default is @saved: a choice becomes the saved entry */
	int oneshot;   /* the entry chosen for this boot by a one-shot request, or -1 */
} * sv;

static void warn(struct config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct config *cfg, const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	con_printf("warning: %s\n", buf);
	if (cfg)
		config_report(cfg, "%s", buf); /* the menu shows it too */
}

/*
 * An entry a BLI variable names: an id as systemd-boot matches one (config_find_bli: with or
 * without ".conf", any case); a glob (systemd-boot matches LoaderEntryDefault as one) through
 * config_find().
 */
static int bli_find(const struct config *cfg, const char *name)
{
	int i = config_find_bli(cfg, name);

	if (i < 0 && (strchr(name, '*') || strchr(name, '?')))
		i = config_find(cfg, name);
	return i;
}

static char *dup_name(int i, const struct config *cfg)
{
	return str_dup(config_entry_name(&cfg->entries[i]));
}

/* BLI LoaderConfigTimeout: seconds, "menu-force" (wait), "menu-hidden" or "menu-disabled" (boot
 * at once; baton has no hidden menu). In LoaderConfigTimeoutOneShot, 0 means wait. */
static bool bli_timeout(const char *v, bool oneshot, int *out)
{
	unsigned t = 0;

	if (!strcmp(v, "menu-force")) {
		*out = -1;
		return true;
	}
	if (!strcmp(v, "menu-hidden") || !strcmp(v, "menu-disabled")) {
		*out = 0;
		return true;
	}
	if (!*v)
		return false;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		t = MIN(t * 10 + (unsigned)(*p - '0'), 3600u);
	}
	*out = oneshot && !t ? -1 : (int)t;
	return true;
}

static void load_timeout(struct config *cfg)
{
	char v[32];
	int t;
	bool one = plat_bli_get("LoaderConfigTimeoutOneShot", v, sizeof(v)) >= 0;

	if (one)
		plat_bli_del("LoaderConfigTimeoutOneShot");
	else if (plat_bli_get("LoaderConfigTimeout", v, sizeof(v)) < 0)
		return;
	if (bli_timeout(v, one, &t))
		cfg->timeout = t;
	else
		warn(cfg, "%s '%.40s' is not a timeout; ignored",
		     one ? "LoaderConfigTimeoutOneShot" : "LoaderConfigTimeout", v);
}

/* Tells the OS the entries in menu order (LoaderEntries) and what baton honours. */
static void bli_publish(const struct config *cfg)
{
	const char **ids = mem_alloc(sizeof(*ids) * (size_t)(cfg->n_entries + 1));
	int n = 0;
	uint8_t feat[8];

	for (int i = 0; ids && i < cfg->n_entries; i++)
		if (config_pickable(&cfg->entries[i]))
			ids[n++] = config_entry_name(&cfg->entries[i]);
	if (ids)
		plat_bli_set_list("LoaderEntries", ids, n);
	mem_free(ids);
	put64(feat, BLI_FEATURES);
	plat_bli_set_bin("LoaderFeatures", feat, sizeof(feat));
}

/* The state file on the boot volume: state_paths in order; sv->path set when one is usable. */
static void load_file(struct config *cfg)
{
	struct bvol *bv = sv->bv;
	int r = E_NOENT;

	for (size_t i = 0; bv && bv->fs && r == E_NOENT && i < ARRAY_SIZE(state_paths); i++) {
		r = state_read(bv->fs, state_paths[i], sv->buf, &sv->st);
		if (!r)
			sv->path = state_paths[i];
		else if (r != E_NOENT)
			warn(
			    cfg,
			    "the state file (%s)%s is ignored: %s; `baton install` makes a new one",
			    bv->v.name, state_paths[i], err_msg());
	}
	if (r == E_NOENT && sv->remember)
		warn(cfg,
		     "`default @saved`, but no state file on (%s) (%s): `baton install` makes one",
		     bv ? bv->v.name : "the boot volume", state_paths[0]);
}

void saved_load(struct bvol *bv, struct config *cfg)
{
	char v[STATE_ID_MAX * 2];
	int bli_one = -1, bli_def = -1, one = -1;
	bool bli_saved = false;

	if (!sv && !(sv = mem_alloc(sizeof(*sv))))
		return;
	memset(sv, 0, sizeof(*sv));
	sv->bv = bv;
	sv->oneshot = -1;

	if (plat_bli_get("LoaderEntryOneShot", v, sizeof(v)) >= 0) {
		plat_bli_del("LoaderEntryOneShot"); /* BLI: "removed ... after being read" */
		if ((bli_one = bli_find(cfg, v)) < 0)
			warn(cfg, "LoaderEntryOneShot '%.60s' names no entry; ignored", v);
	}
	if (plat_bli_get("LoaderEntryDefault", v, sizeof(v)) >= 0 && v[0]) {
		if (!strcmp(v, "@saved"))
			bli_saved = true;
		else if ((bli_def = bli_find(cfg, v)) < 0)
			warn(cfg, "LoaderEntryDefault '%.60s' names no entry; ignored", v);
	}
	bool cfg_saved = cfg->default_entry && !strcmp(cfg->default_entry, "@saved");
	sv->remember = bli_def < 0 && (bli_saved || cfg_saved);

	load_file(cfg);
	if (sv->path && sv->st.saved[0]) {
		mem_free(cfg->saved);
		cfg->saved = str_dup(sv->st.saved);
	}
	if (sv->path && sv->st.oneshot[0]) {
		/* Cleared before anything boots: if it hangs the machine, the next boot is normal.
		 */
		struct state next = sv->st;
		next.oneshot[0] = 0;
		one = config_find(cfg, sv->st.oneshot);
		int r = state_write(bv->fs, sv->path, sv->buf, &next);
		if (r) {
			warn(cfg,
			     "one-shot entry '%.60s' ignored: it cannot be cleared in (%s)%s: %s",
			     sv->st.oneshot, bv->v.name, sv->path, err_msg());
			one = -1;
		} else {
			if (one < 0)
				warn(cfg, "one-shot entry '%.60s' names no entry; ignored",
				     sv->st.oneshot);
			sv->st = next;
		}
	}
	if (bli_one >= 0)
		one = bli_one;
	if (one >= 0) {
		mem_free(cfg->oneshot);
		cfg->oneshot = dup_name(one, cfg);
		sv->oneshot = one;
	}
	if (bli_def >= 0 || bli_saved) {
		mem_free(cfg->default_entry);
		cfg->default_entry = bli_saved ? str_dup("@saved") : dup_name(bli_def, cfg);
	}
	load_timeout(cfg);
	bli_publish(cfg);
}

void saved_chosen(const struct config *cfg, int sel)
{
	const char *name = config_entry_name(&cfg->entries[sel]);

	plat_bli_set("LoaderEntrySelected", name);
	if (!sv || !sv->remember || !sv->path || sel == sv->oneshot || !strcmp(name, sv->st.saved))
		return;
	struct state next = sv->st;
	if (!state_name_ok(name)) {
		warn(NULL, "'%.60s' is not saved: a name in the state file has at most %u bytes",
		     name, STATE_ID_MAX - 1);
		return;
	}
	memcpy(next.saved, name, strlen(name) + 1);
	if (state_write(sv->bv->fs, sv->path, sv->buf, &next))
		warn(NULL, "the choice is not saved in (%s)%s: %s", sv->bv->v.name, sv->path,
		     err_msg());
	else
		sv->st = next;
}
