/* hostdir.h: a host directory seen through baton's filesystem interface (baton check --dir). */
#ifndef BATON_HOSTDIR_H
#define BATON_HOSTDIR_H
#include "entries.h"
#include "fs.h"

struct hostdir {
	struct fs fs; /* first: the collector sees &hd->fs */
	struct volume vol;
	const char *path;
};

/* Makes hd a filesystem whose root is the directory path (kept, not copied). */
int hostdir_mount(struct hostdir *hd, const char *path);
/* The mounted directory as the collector's boot volume: an ESP's root, named by its path. */
void hostdir_vol(struct hostdir *hd, struct ent_vol *ev);

#endif
