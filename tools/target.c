/* target.c: the installer's disk: guarded, verified writes; what the running system holds. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <unistd.h>
#include "imgdev.h"
#include "install.h"
#include "part.h"

static int sys_read(const char *dir, const char *name, char *buf, size_t n);

static char ierr_buf[4096];

int ierr(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ierr_buf, sizeof(ierr_buf), fmt, ap);
	va_end(ap);
	err_set(code, "%s", ierr_buf);
	return code;
}

const char *imsg(void)
{
	const char *m = err_msg();
	return !strncmp(m, ierr_buf, strlen(m)) && ierr_buf[0] ? ierr_buf : m;
}

static int blk_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	struct target *t = dev->priv;
	int r = tgt_read(t, lba * dev->block_size, count * dev->block_size, buf);

	if (!r && t->overlay && lba == 0 && count)
		memcpy(buf, t->code, sizeof(t->code));
	return r;
}

static int open_target(struct target *t, const char *path, uint32_t force_ss, int mode)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->dfd = -1;
	t->fd = open(path, mode | O_CLOEXEC);
	if (t->fd < 0 || fstat(t->fd, &st))
		return ierr(E_NOENT, "%s: %s", path, strerror(errno));
	t->blk = S_ISBLK(st.st_mode);
	if (t->blk) {
		char sd[64], b[8];
		t->rdev = st.st_rdev;
		snprintf(sd, sizeof(sd), "/sys/dev/block/%u:%u", major(st.st_rdev),
			 minor(st.st_rdev));
		if (!sys_read(sd, "partition", b, sizeof(b)))
			return ierr(
			    E_INVAL,
			    "%s is a partition: baton installs onto the whole disk it is on", path);
		if (ioctl(t->fd, BLKGETSIZE64, &t->bytes))
			return ierr(E_IO, "%s: cannot get the device size", path);
		t->dfd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	} else if (S_ISREG(st.st_mode)) {
		t->st_dev = st.st_dev;
		t->ino = st.st_ino;
		t->bytes = (uint64_t)st.st_size;
	} else {
		return ierr(E_INVAL, "%s is neither a disk image file nor a block device", path);
	}
	t->ss = imgdev_sector_size(t->fd);
	if (force_ss) {
		if (t->blk && force_ss != t->ss)
			return ierr(E_INVAL, "%s has %u-byte sectors, not %u", path, t->ss,
				    force_ss);
		t->ss = force_ss;
	}
	if (t->bytes < 16 * (uint64_t)t->ss)
		return ierr(E_RANGE, "%s is too small to hold a partition table", path);
	if (t->blk)
		ioctl(t->fd, BLKFLSBUF, 0); /* no stale cached blocks of the whole disk */
	imgdev_from_fd(t->fd, t->ss, t->bytes, &t->dev);
	t->dev.read = blk_read;
	t->dev.priv = t;
	return 0;
}

int tgt_open(struct target *t, const char *path, uint32_t force_ss)
{
	return open_target(t, path, force_ss, O_RDWR);
}

int tgt_open_ro(struct target *t, const char *path)
{
	return open_target(t, path, 0, O_RDONLY);
}

void tgt_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->dfd >= 0)
		close(t->dfd);
	t->fd = t->dfd = -1;
	free(t->smaps);
	t->smaps = NULL;
	t->n_smaps = 0;
}

struct volume *tgt_vol_at(struct target *t, uint64_t start)
{
	for (int i = 0; i < t->n_vols; i++)
		if (t->vols[i].start == start)
			return &t->vols[i];
	return NULL;
}

int tgt_scan(struct target *t)
{
	uint8_t *s = malloc(t->ss);

	meta_cache_drop(&t->dev);
	t->n_vols = part_scan(&t->dev, t->vols, INST_MAX_VOLS);
	if (t->n_vols < 0) {
		int r = t->n_vols;
		t->n_vols = 0;
		free(s);
		return r;
	}
	if (part_warning[0]) {
		free(s);
		return ierr(E_CORRUPT,
			    "the partition table has a problem (%s): repair it first "
			    "(sgdisk -v, sfdisk --verify)",
			    part_warning);
	}
	t->scheme = t->vols[0].scheme;
	memset(t->diskid, 0, sizeof(t->diskid));
	if (s && !tgt_read(t, 0, t->ss, s)) {
		if (t->scheme == PART_MBR)
			memcpy(t->diskid, s + 440, 4);
		else if (t->scheme == PART_GPT && !tgt_read(t, t->ss, t->ss, s))
			memcpy(t->diskid, s + 56, 16);
	}
	free(s);
	return 0;
}

/* O_DIRECT reads of a block device: the partitions' page caches are not the whole disk's. */
static int direct_read(struct target *t, uint64_t off, uint64_t len, void *buf)
{
	uint64_t a = ALIGN_DOWN(off, 4096), b = ALIGN_UP(off + len, 4096);
	uint8_t *bounce;
	int r = 0;

	if (b > t->bytes)
		b = ALIGN_UP(off + len, t->ss);
	if (posix_memalign((void **)&bounce, 4096, MIN(b - a, 1u << 22)))
		return ierr(E_NOMEM, "out of memory");
	for (uint64_t pos = a; pos < b && !r;) {
		uint64_t n = MIN(b - pos, 1u << 22);
		ssize_t got = pread(t->dfd, bounce, n, (off_t)pos);
		if (got != (ssize_t)n) {
			r = ierr(E_IO, "%s: read at byte %llu failed: %s", t->path,
				 (unsigned long long)pos, got < 0 ? strerror(errno) : "short read");
			break;
		}
		uint64_t lo = MAX(pos, off), hi = MIN(pos + n, off + len);
		if (lo < hi)
			memcpy((uint8_t *)buf + (lo - off), bounce + (lo - pos), hi - lo);
		pos += n;
	}
	free(bounce);
	return r;
}

int tgt_scan_behind(struct target *t, const uint8_t code[440], bool keep)
{
	memcpy(t->code, code, sizeof(t->code));
	t->overlay = true;
	int r = tgt_scan(t);
	t->table_behind = !r && t->scheme != PART_NONE;
	if (!t->table_behind || !keep) {
		t->overlay = false;
		r = tgt_scan(t);
	}
	return r;
}

int tgt_read(struct target *t, uint64_t off, uint64_t len, void *buf)
{
	uint64_t got = 0;

	if (off > t->bytes || len > t->bytes - off)
		return ierr(E_RANGE, "%s: read of %llu bytes at %llu is past the end", t->path,
			    (unsigned long long)len, (unsigned long long)off);
	if (t->dfd >= 0)
		return direct_read(t, off, len, buf);
	while (got < len) {
		ssize_t r = pread(t->fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (r <= 0)
			return ierr(E_IO, "%s: read at byte %llu failed: %s", t->path,
				    (unsigned long long)(off + got),
				    r ? strerror(errno) : "end of file");
		got += (uint64_t)r;
	}
	return 0;
}

void tgt_allow(struct target *t, uint64_t off, uint64_t len)
{
	if (t->n_allow < (int)ARRAY_SIZE(t->allow))
		t->allow[t->n_allow++] = (typeof(t->allow[0])){off, len};
}

/* Reads back what was just written (block devices: O_DIRECT, past the page cache). */
static int verify(struct target *t, uint64_t off, uint64_t len, const void *want)
{
	uint8_t *buf = malloc(len ? len : 1);
	int r;

	if (!buf)
		return ierr(E_NOMEM, "out of memory");
	r = tgt_read(t, off, len, buf);
	if (!r && memcmp(buf, want, len))
		r = ierr(E_IO, "%s: bytes %llu-%llu read back differ from what was written",
			 t->path, (unsigned long long)off, (unsigned long long)(off + len - 1));
	free(buf);
	return r;
}

int tgt_write(struct target *t, uint64_t off, uint64_t len, const void *buf)
{
	bool ok = false;

	for (int i = 0; i < t->n_allow && !ok; i++)
		ok = off >= t->allow[i].off && len <= t->allow[i].len &&
		     off - t->allow[i].off <= t->allow[i].len - len;
	if (!ok || off > t->bytes || len > t->bytes - off)
		return ierr(E_RANGE,
			    "internal error: a write of %llu bytes at byte %llu is outside what "
			    "baton may change; nothing was written there",
			    (unsigned long long)len, (unsigned long long)off);
	for (uint64_t done = 0; done < len;) {
		ssize_t r =
		    pwrite(t->fd, (const char *)buf + done, len - done, (off_t)(off + done));
		if (r <= 0)
			return ierr(E_IO, "%s: write at byte %llu failed: %s", t->path,
				    (unsigned long long)(off + done), strerror(errno));
		done += (uint64_t)r;
	}
	t->writes++;
	if (fdatasync(t->fd))
		return ierr(E_IO, "%s: flush failed: %s", t->path, strerror(errno));
	meta_cache_drop(&t->dev);
	return verify(t, off, len, buf);
}

const char *vol_label(const struct volume *v)
{
	static char b[4][40];
	static int i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "(%s)", v->name);
	return b[i];
}

/* --- what the running system holds on the target --- */

static int sys_read(const char *dir, const char *name, char *buf, size_t n)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static uint64_t sys_u64(const char *dir, const char *name)
{
	char b[64];
	return sys_read(dir, name, b, sizeof(b)) ? 0 : strtoull(b, NULL, 10);
}

/*
 * Whether the block device whose sysfs directory is dir lies on the target, and where: a
 * partition of it, a loop device over the image file (or a partition of one), or something
 * stacked on one of those (device-mapper, md), taken as the whole range of what it sits on.
 */
static bool on_target(struct target *t, const char *dir, int depth, uint64_t *off, uint64_t *len)
{
	char b[PATH_MAX], p[PATH_MAX];
	unsigned ma, mi;

	if (depth > 8 || sys_read(dir, "dev", b, sizeof(b)) || sscanf(b, "%u:%u", &ma, &mi) != 2)
		return false;
	if (t->blk && makedev(ma, mi) == t->rdev) {
		*off = 0, *len = t->bytes;
		return true;
	}
	if (!sys_read(dir, "partition", b, sizeof(b))) {
		uint64_t po, pl;
		snprintf(p, sizeof(p), "%s/..", dir);
		if (on_target(t, p, depth + 1, &po, &pl)) {
			*off = po + sys_u64(dir, "start") * 512;
			*len = sys_u64(dir, "size") * 512;
			return true;
		}
		return false;
	}
	if (!t->blk && !sys_read(dir, "loop/backing_file", b, sizeof(b))) {
		struct stat st;
		if (!stat(b, &st) && st.st_dev == t->st_dev && st.st_ino == t->ino) {
			*off = sys_u64(dir, "loop/offset");
			uint64_t lim = sys_u64(dir, "loop/sizelimit");
			*len = lim ? lim : (*off < t->bytes ? t->bytes - *off : 0);
			return true;
		}
		return false;
	}
	snprintf(p, sizeof(p), "%s/slaves", dir);
	DIR *d = opendir(p);
	bool hit = false;
	struct dirent *e;
	while (d && !hit && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/slaves/%s", dir, e->d_name);
		hit = on_target(t, p, depth + 1, off, len);
	}
	if (d)
		closedir(d);
	return hit;
}

void mountinfo_unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

/* The first mount of device ma:mi: its root within the filesystem, mount point, options. */
static bool find_mount(unsigned ma, unsigned mi, char *root, char *dir, bool *ro)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false, best_root = false;

	while (f && getline(&line, &cap, f) > 0) {
		char r[PATH_MAX], d[PATH_MAX], opts[512], *dash = strstr(line, " - ");
		unsigned a, b;
		if (sscanf(line, "%*u %*u %u:%u %4095s %4095s %511s", &a, &b, r, d, opts) != 5 ||
		    a != ma || b != mi)
			continue;
		mountinfo_unescape(r);
		mountinfo_unescape(d);
		bool isroot = !strcmp(r, "/");
		if (found && (best_root || !isroot))
			continue;
		strcpy(root, r);
		strcpy(dir, d);
		/* ro in the mount's options, or in the superblock's (after " - TYPE SOURCE "). */
		*ro = !strncmp(opts, "ro", 2) && (opts[2] == ',' || !opts[2]);
		if (dash) {
			char so[512] = "";
			if (sscanf(dash, " - %*s %*s %511s", so) == 1 && !strncmp(so, "ro", 2) &&
			    (so[2] == ',' || !so[2]))
				*ro = true;
		}
		found = true;
		best_root = isroot;
	}
	free(line);
	if (f)
		fclose(f);
	return found;
}

int tgt_usage(struct target *t, uint64_t off, uint64_t len, char *dir, size_t n)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *e;
	int state = 0;
	char why[PATH_MAX + 200] = "";

	if (dir && n)
		dir[0] = 0;
	while (d && (e = readdir(d)) && state >= 0) {
		char sd[PATH_MAX], b[64], root[PATH_MAX], mdir[PATH_MAX];
		uint64_t o, l;
		unsigned ma, mi;
		bool ro = false;
		if (e->d_name[0] == '.')
			continue;
		snprintf(sd, sizeof(sd), "/sys/class/block/%s", e->d_name);
		if (!on_target(t, sd, 0, &o, &l) || o >= off + len || o + l <= off)
			continue;
		if (sys_read(sd, "dev", b, sizeof(b)) || sscanf(b, "%u:%u", &ma, &mi) != 2)
			continue;
		/* The disk itself, or a loop device over all of the image: its holders only. */
		bool whole =
		    (t->blk && makedev(ma, mi) == t->rdev) || (!t->blk && o == 0 && l >= t->bytes);
		bool mounted = find_mount(ma, mi, root, mdir, &ro);
		if (!mounted) {
			/* Not mounted here: swap, another namespace, a holder such as dm or md. */
			char node[PATH_MAX];
			snprintf(node, sizeof(node), "/dev/%s", e->d_name);
			if (whole) {
				snprintf(sd, sizeof(sd), "/sys/class/block/%s/holders", e->d_name);
				DIR *h = opendir(sd);
				struct dirent *he;
				while (h && (he = readdir(h)))
					if (he->d_name[0] != '.') {
						snprintf(
						    why, sizeof(why),
						    "%s is in use by /dev/%s (device-mapper, md "
						    "or the like): install onto that device "
						    "instead",
						    t->path, he->d_name);
						state = -1;
						break;
					}
				if (h)
					closedir(h);
				continue;
			}
			int fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC);
			if (fd >= 0) {
				close(fd);
				continue;
			}
			if (errno != EBUSY)
				continue;
			snprintf(why, sizeof(why),
				 "%.1000s (bytes %llu-%llu of %.1000s) is in use (swap, a mount in "
				 "another "
				 "namespace, device-mapper or md): stop using it first",
				 node, (unsigned long long)o, (unsigned long long)(o + l - 1),
				 t->path);
			state = -1;
			continue;
		}
		if (o != off || strcmp(root, "/") || ro || state == 1) {
			if (o != off)
				snprintf(why, sizeof(why),
					 "/dev/%s, mounted at %.1000s, covers part of bytes "
					 "%llu-%llu of %.1000s: "
					 "unmount it first",
					 e->d_name, mdir, (unsigned long long)off,
					 (unsigned long long)(off + len - 1), t->path);
			else if (ro)
				snprintf(why, sizeof(why),
					 "/dev/%s is mounted read-only at %.1000s: remount it "
					 "read-write "
					 "(mount -o remount,rw %.1000s) or unmount it",
					 e->d_name, mdir, mdir);
			else if (state == 1)
				snprintf(why, sizeof(why),
					 "the partition at byte %llu of %s is mounted through two "
					 "devices (%.1000s and /dev/%s): unmount one",
					 (unsigned long long)off, t->path, dir, e->d_name);
			else
				snprintf(why, sizeof(why),
					 "/dev/%s is mounted at %.1000s, but only a subdirectory "
					 "of it (%.1000s): "
					 "mount its root, or unmount it",
					 e->d_name, mdir, root);
			state = -1;
			continue;
		}
		if (dir)
			snprintf(dir, n, "%s", mdir);
		state = 1;
	}
	if (d)
		closedir(d);
	if (state < 0)
		return ierr(E_UNSUPP, "%s", why);
	return state;
}

/* Runs argv[0] with argv (no shell); its stdout and stderr, trimmed, in out. Returns its status. */
int run_tool(char *out, size_t n, const char *const argv[])
{
	int p[2];
	pid_t pid;
	size_t got = 0;
	int st;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		setenv("MTOOLS_SKIP_CHECK", "1", 1);
		setenv("LC_ALL", "C", 1);
		execvp(argv[0], (char *const *)argv);
		dprintf(1, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char b[4096];
		ssize_t r = read(p[0], b, sizeof(b));
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && out && got + 1 < n; i++)
			out[got++] = b[i];
	}
	close(p[0]);
	if (out && n) {
		out[got] = 0;
		while (got && (out[got - 1] == '\n' || out[got - 1] == ' '))
			out[--got] = 0;
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0)
		return ierr(E_IO, "%s: %s", path, strerror(errno));
	while (done < len) {
		ssize_t r = write(fd, (const char *)data + done, len - done);
		if (r <= 0) {
			close(fd);
			return ierr(E_IO, "%s: write failed: %s", path, strerror(errno));
		}
		done += (size_t)r;
	}
	if (fsync(fd) || close(fd))
		return ierr(E_IO, "%s: %s", path, strerror(errno));
	return 0;
}
