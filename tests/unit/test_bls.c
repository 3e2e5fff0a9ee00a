/* test_bls.c: unit tests of the Boot Loader Specification reader (config/bls.c): keys, order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "bls.h"

static int parse(const char *file, const char *text, struct bls_entry *e)
{
	return bls_parse(file, text, strlen(text), "x64", e);
}

/* Every key, as kernel-install writes them, plus comments, blanks, CRLF and quotes. */
static void test_keys(void **state)
{
	struct bls_entry e;
	const char *t = "# Boot Loader Specification type#1 entry\n"
			"title      Debian GNU/Linux 12 (bookworm)\n"
			"version    6.1.0-13-amd64\r\n"
			"machine-id 0123456789abcdef0123456789abcdef\n"
			"sort-key   debian\n"
			"\n"
			"   options    root=UUID=1234 ro   \n"
			"options\tquiet splash\n"
			"linux      /0123/6.1.0-13-amd64/linux\n"
			"initrd     /0123/6.1.0-13-amd64/microcode\n"
			"initrd     \"/0123/6.1.0-13-amd64/initrd.img\"\n"
			"architecture X64\n"
			"options\n";

	assert_int_equal(parse("0123-6.1.0-13-amd64.conf", t, &e), 0);
	assert_string_equal(e.id, "0123-6.1.0-13-amd64");
	assert_string_equal(e.title, "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(e.version, "6.1.0-13-amd64");
	assert_string_equal(e.machine_id, "0123456789abcdef0123456789abcdef");
	assert_string_equal(e.sort_key, "debian");
	assert_string_equal(e.options, "root=UUID=1234 ro quiet splash");
	assert_string_equal(e.kernel, "/0123/6.1.0-13-amd64/linux");
	assert_int_equal(e.n_initrd, 2);
	assert_string_equal(e.initrd[0], "/0123/6.1.0-13-amd64/microcode");
	assert_string_equal(e.initrd[1], "/0123/6.1.0-13-amd64/initrd.img");
	assert_null(e.efi);
	assert_null(e.hidden);
	assert_int_equal(e.tries_left, -1);
	assert_int_equal(e.n_warnings, 0);
	bls_free(&e);
}

static void test_last_wins_and_warnings(void **state)
{
	struct bls_entry e;

	assert_int_equal(parse("a.conf",
			       "title one\ntitle two\nlinux /k\ndevicetree /d.dtb\nfrobnicate x\n",
			       &e),
			 0);
	assert_string_equal(e.title, "two");
	assert_string_equal(e.options, "");
	assert_int_equal(e.n_warnings, 1);
	assert_string_equal(e.warnings[0], "a.conf:4: devicetree ignored: x86 has no device tree");
	/* BLS lets keys be added: an unknown one is a note, not a warning. */
	assert_int_equal(e.n_notes, 1);
	assert_string_equal(e.notes[0], "a.conf:5: unknown key ignored");
	bls_free(&e);
}

/* A value that is empty once its quotes are gone is no value: the line says nothing. */
static void test_empty_quoted(void **state)
{
	struct bls_entry e;

	assert_int_equal(parse("q.conf",
			       "title \"\"\nversion \"\"\nsort-key \"\"\nlinux /k\n"
			       "options \"\"\noptions quiet\noptions \"\"\ninitrd \"\"\n"
			       "architecture \"\"\n",
			       &e),
			 0);
	assert_null(e.title); /* so the menu shows the id */
	assert_null(e.version);
	assert_null(e.sort_key);
	assert_null(e.architecture);
	assert_string_equal(e.options, "quiet");
	assert_int_equal(e.n_initrd, 0);
	bls_free(&e);
	/* title A then title "": the first stays, as if the second line were not there. */
	assert_int_equal(parse("q.conf", "title A\ntitle \"\"\nlinux /k\n", &e), 0);
	assert_string_equal(e.title, "A");
	bls_free(&e);
	/* linux "": nothing to boot. */
	assert_int_equal(parse("q.conf", "linux \"\"\n", &e), E_INVAL);
	bls_free(&e);
}

static void test_bad_entries(void **state)
{
	struct bls_entry e;

	assert_int_equal(parse("none.conf", "title nothing\noptions quiet\n", &e), E_INVAL);
	assert_string_equal(err_msg(),
			    "none.conf: neither a linux nor an efi line: nothing to boot");
	bls_free(&e);
	assert_int_equal(parse("both.conf", "linux /k\nefi /e.efi\n", &e), E_INVAL);
	assert_string_equal(err_msg(),
			    "both.conf: both a linux and an efi line: which one to boot?");
	bls_free(&e);
	assert_int_equal(parse("empty.conf", "", &e), E_INVAL);
	bls_free(&e);
}

static void test_architecture(void **state)
{
	struct bls_entry e;

	assert_int_equal(parse("arm.conf", "linux /k\narchitecture aa64\n", &e), 0);
	assert_string_equal(e.hidden, "for another architecture");
	bls_free(&e);
	const char *t = "linux /k\narchitecture IA32\n";
	assert_int_equal(bls_parse("i.conf", t, strlen(t), "ia32", &e), 0);
	assert_null(e.hidden);
	bls_free(&e);
}

static void test_boot_counting(void **state)
{
	struct bls_entry e;

	assert_int_equal(parse("debian-6.1+3-1.conf", "linux /k\n", &e), 0);
	assert_string_equal(e.id, "debian-6.1");
	assert_int_equal(e.tries_left, 3);
	assert_int_equal(e.tries_done, 1);
	bls_free(&e);
	assert_int_equal(parse("x+0.conf", "linux /k\n", &e), 0);
	assert_string_equal(e.id, "x");
	assert_int_equal(e.tries_left, 0);
	assert_int_equal(e.tries_done, 0);
	bls_free(&e);
	/* Not a counter: the last '+' is followed by something else. */
	assert_int_equal(parse("a+b+2x.conf", "linux /k\n", &e), 0);
	assert_string_equal(e.id, "a+b+2x");
	assert_int_equal(e.tries_left, -1);
	bls_free(&e);
}

/* The Version Format Specification's own examples, in increasing order. */
static void test_version_examples(void **state)
{
	const char *v[] = {"122.1",   "123~rc1-1", "123",     "123-a",	 "123-a.1", "123-1",
			   "123-1.1", "123^post1", "123.a-1", "123.1-1", "123a-1",  "124-1"};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		for (size_t j = 0; j < ARRAY_SIZE(v); j++) {
			int c = bls_version_cmp(v[i], v[j]);
			if ((i < j && c >= 0) || (i > j && c <= 0) || (i == j && c))
				fail_msg("%s vs %s gave %d", v[i], v[j], c);
		}
	assert_true(bls_version_cmp("", "0") < 0);
	assert_true(bls_version_cmp("0.", "0") > 0);
	assert_true(bls_version_cmp("0", "~") > 0);
	assert_true(bls_version_cmp("", "~") > 0);
	assert_int_equal(bls_version_cmp("1_", "1"), 0);
	assert_true(bls_version_cmp("1_2_3", "1.3.3") > 0);
	assert_int_equal(bls_version_cmp("00123", "123"), 0);
	assert_true(bls_version_cmp("6.1.0-13-amd64", "6.1.0-9-amd64") > 0);
	assert_true(bls_version_cmp("6.1.0-13-amd64", "6.1.0-13-cloud-amd64") < 0);
	assert_true(bls_version_cmp(NULL, "1") < 0);
}

/* The same order as systemd's own `systemd-analyze compare-versions`, pair by pair. */
static void test_version_systemd(void **state)
{
	const char *v[] = {"1.0",
			   "1.a",
			   "0",
			   "a",
			   "1.0~rc1",
			   "1.0^git5",
			   "1.0-1",
			   "1.0.1",
			   "2",
			   "10",
			   "6.1.0-56-amd64",
			   "6.1.0-9-amd64",
			   "6.1.0-13-rt-amd64",
			   "5.10",
			   "5.10.0-0.deb10",
			   "B",
			   "a1",
			   "A.b",
			   "1..2",
			   "1-~2"};
	FILE *p = popen("systemd-analyze --version 2>/dev/null", "r");
	char line[256];

	if (!p || !fgets(line, sizeof(line), p) || pclose(p)) {
		skip(); /* no systemd here: the examples above still hold */
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		for (size_t j = i + 1; j < ARRAY_SIZE(v); j++) {
			char cmd[256];
			snprintf(cmd, sizeof(cmd), "systemd-analyze compare-versions '%s' '%s'",
				 v[i], v[j]);
			p = popen(cmd, "r");
			assert_non_null(p);
			line[0] = 0;
			if (!fgets(line, sizeof(line), p))
				line[0] = 0;
			pclose(p);
			/* "A < B", "A == B" or "A > B" */
			char *op = strstr(line, " < ") ? "<" : strstr(line, " > ") ? ">" : "==";
			int c = bls_version_cmp(v[i], v[j]);
			const char *ours = c < 0 ? "<" : c > 0 ? ">" : "==";
			if (strcmp(op, ours))
				fail_msg("'%s' vs '%s': systemd says %s, baton %s", v[i], v[j], op,
					 ours);
		}
}

static void test_sort(void **state)
{
	struct {
		const char *file, *text;
	} in[] = {
	    {"other-5.10.conf", "linux /k\nversion 5.10\n"},
	    {"debian-6.1.0-9.conf", "linux /k\nsort-key debian\nversion 6.1.0-9-amd64\n"},
	    {"debian-6.1.0-13.conf", "linux /k\nsort-key debian\nversion 6.1.0-13-amd64\n"},
	    {"arch-6.6.conf", "linux /k\nsort-key arch\nversion 6.6\n"},
	    {"debian-6.1.0-13+0-3.conf", "linux /k\nsort-key debian\nversion 6.1.0-13-amd64\n"},
	    {"other-6.2.conf", "linux /k\nversion 6.2\n"},
	    {"mid-debian.conf", "linux /k\nsort-key debian\nmachine-id ffff\nversion 9\n"},
	};
	const char *want[] = {
	    "arch-6.6",	 "debian-6.1.0-13", "debian-6.1.0-9", "mid-debian",
	    "other-6.2", "other-5.10",	    "debian-6.1.0-13"}; /* the last: no tries left, so last
								 */
	struct bls_entry e[ARRAY_SIZE(in)];

	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		assert_int_equal(parse(in[i].file, in[i].text, &e[i]), 0);
	bls_sort(e, ARRAY_SIZE(in));
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		assert_string_equal(e[i].id, want[i]);
	assert_int_equal(e[6].tries_left, 0);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		bls_free(&e[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_last_wins_and_warnings),
	    cmocka_unit_test(test_empty_quoted),
	    cmocka_unit_test(test_bad_entries),
	    cmocka_unit_test(test_architecture),
	    cmocka_unit_test(test_boot_counting),
	    cmocka_unit_test(test_version_examples),
	    cmocka_unit_test(test_version_systemd),
	    cmocka_unit_test(test_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
