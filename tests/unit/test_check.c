/* test_check.c: `baton check` as a user runs it: what it reports about a config, its exit status.
 */
#include <setjmp.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "testdev.h"
#include "toolrun.h"

/* A config file with text in it; the name goes into path. */
static void tmp_cfg(char *path, const char *text)
{
	strcpy(path, "/tmp/baton-check-XXXXXX.cfg");
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int setup(void **state)
{
	if (access(tool_path(), X_OK))
		fail_msg("%s is missing (make all)", tool_path());
	return 0;
}

/*
 * A default that names no entry is a mistake (a typo: "debain"), found only once every entry
 * is known: the config's, and with --image or --dir the BLS and discovered ones too. It is
 * reported where the `default` line is, and the check fails.
 */
static void test_default_names_nothing(void **state)
{
	static char out[16384];
	char cfg[64], want[160];

	tmp_cfg(cfg, "timeout 2\ndefault nosuch\nentry One\n  kernel /vmlinuz\n");
	assert_int_equal(tool_run(out, sizeof(out), "check %s", cfg), 1);
	snprintf(want, sizeof(want), "%s:2: default 'nosuch' names no entry", cfg);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "1 error"));

	/* On an image: BLS entries are added first, and none of them is "nosuch" either. */
	assert_int_equal(
	    tool_run(out, sizeof(out), "check %s --image %s", cfg, td_path("entries/bls.img")), 1);
	assert_non_null(strstr(out, want));
	unlink(cfg);

	/* A default that names an entry, by id, title or number, and @saved: no error. */
	static const char *const good[] = {"One", "1", "O*", "@saved"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "default %s\nentry One\n  kernel /vmlinuz\n", good[i]);
		tmp_cfg(cfg, text);
		assert_int_equal(tool_run(out, sizeof(out), "check %s", cfg), 0);
		assert_null(strstr(out, "names no entry"));
		unlink(cfg);
	}
}

/*
 * Nothing `baton check` allocates is lost, on a good run or when the image or its partition is
 * not there (the host tool's error paths free what they took too). Needs valgrind.
 */
static void test_no_leaks(void **state)
{
	static char out[65536];
	char cfg[64], img[512], dir[512];

	if (system("command -v valgrind >/dev/null 2>&1")) {
		print_message("valgrind is missing: skipped\n");
		skip();
	}
	snprintf(img, sizeof(img), "%s", td_path("entries/bls.img"));
	snprintf(dir, sizeof(dir), "%s", td_path("entries/bls-esp"));
	tmp_cfg(cfg, "entry One\n  kernel /vmlinuz\n");
	const char *const args[] = {
	    "",		" --image %s", " --image %s:1", " --image %s:9", " --image %s.nonexistent",
	    " --dir %s"};
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		char a[600];
		snprintf(a, sizeof(a), args[i], i == 5 ? dir : img);
		char cmd[1200];
		snprintf(cmd, sizeof(cmd),
			 "valgrind -q --leak-check=full --errors-for-leak-kinds=definite "
			 "--error-exitcode=99 %s check %s%s 2>&1",
			 tool_path(), cfg, a);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		size_t got = fread(out, 1, sizeof(out) - 1, p);
		out[got] = 0;
		while (fread(cmd, 1, sizeof(cmd), p) > 0)
			;
		int st = pclose(p);
		if (!WIFEXITED(st) || WEXITSTATUS(st) == 99)
			fail_msg("baton check %s%s loses memory:\n%s", cfg, a, out);
	}
	unlink(cfg);
}

/*
 * IMAGE[:PART] means the same to every command (ls, cat, map, check --image, probe --volume):
 * PART is a number as GRUB counts, or a PARTUUID in any case, and an image path may hold a colon.
 */
static void test_image_arg(void **state)
{
	static char out[16384];
	char dir[64], img[128], src[PATH_MAX], cfg[64];

	strcpy(dir, "/tmp/baton-check-XXXXXX");
	assert_non_null(mkdtemp(dir));
	strcat(dir, ":a"); /* the folder's name holds a colon */
	snprintf(img, sizeof(img), "%.*s", (int)strlen(dir) - 2, dir);
	assert_int_equal(rename(img, dir), 0);
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	assert_non_null(realpath(td_path("entries/bls.img"), src));
	assert_int_equal(symlink(src, img), 0);
	/* The image's own BLS entries have a problem (nolinux.conf): check exits 1 with them. */
	tmp_cfg(cfg, "entry One\n  kernel /loader/entries/fedora-39.conf\n");

	/* No PART: ls lists the volumes; cat and map take the first one baton reads. */
	assert_int_equal(tool_run(out, sizeof(out), "ls %s", img), 0);
	assert_non_null(strstr(out, "(hd0,gpt3) start 83968"));
	assert_int_equal(tool_run(out, sizeof(out), "cat %s /loader/entries/fedora-39.conf", img),
			 0);
	assert_non_null(strstr(out, "Fedora Linux 39"));
	assert_int_equal(tool_run(out, sizeof(out), "map %s /loader/entries/fedora-39.conf", img),
			 0);
	assert_int_equal(tool_run(out, sizeof(out), "check %s --image %s", cfg, img), 1);
	assert_non_null(strstr(out, ": 11 entries"));

	/* PART by number and by PARTUUID (upper case too). */
	assert_int_equal(tool_run(out, sizeof(out), "ls %s:2 /", img), 0);
	assert_non_null(strstr(out, "loader"));
	assert_int_equal(
	    tool_run(out, sizeof(out), "ls %s:5EED0001-0000-4000-8000-000000000001 /loader", img),
	    0);
	assert_non_null(strstr(out, "entries"));
	assert_int_equal(tool_run(out, sizeof(out), "check %s --image %s:1", cfg, img), 1);
	assert_non_null(strstr(out, ": 11 entries"));
	assert_int_equal(tool_run(out, sizeof(out),
				  "check %s --image %s:5eed0001-0000-4000-8000-000000000001", cfg,
				  img),
			 1);
	assert_non_null(strstr(out, ": 11 entries"));
	assert_int_equal(tool_run(out, sizeof(out), "probe --volume %s:2 --bios", img), 0);
	assert_non_null(strstr(out, "(hd0,gpt2) GPT partition, start 43008"));

	/* A PART that is no partition: the same answer everywhere. */
	assert_int_equal(tool_run(out, sizeof(out), "ls %s:9 /", img), 1);
	assert_non_null(strstr(out, "no partition 9"));
	assert_int_equal(tool_run(out, sizeof(out), "probe --volume %s:9", img), 1);
	assert_non_null(strstr(out, "no partition 9"));
	assert_int_equal(tool_run(out, sizeof(out), "check %s --image %s:9", cfg, img), 1);
	assert_non_null(strstr(out, "no such partition"));

	unlink(cfg);
	unlink(img);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_names_nothing),
	    cmocka_unit_test(test_no_leaks),
	    cmocka_unit_test(test_image_arg),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
