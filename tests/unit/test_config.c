/* test_config.c: unit tests of the baton.cfg parser (config/config.c), rule by rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <cmocka.h>
#include <dirent.h>
#include "config.h"
#include "../fuzz/cfgfuzz.h"

static struct config cfg;

static int parse_n(const char *text, size_t len)
{
	config_free(&cfg);
	return config_parse(text, len, "t.cfg", &cfg);
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static int teardown(void **state)
{
	config_free(&cfg);
	return 0;
}

/* One error is expected, exactly this text. */
static void expect_one_error(const char *text, const char *msg)
{
	assert_int_equal(parse(text), E_INVAL);
	assert_int_equal(cfg.n_errors, 1);
	assert_string_equal(cfg.errors[0], msg);
	assert_string_equal(err_msg(), msg);
}

static void test_full(void **state)
{
	static const char text[] = "# baton.cfg\n"
				   "\n"
				   "timeout 10\n"
				   "   default   Rescue shell\n"
				   "entry Debian GNU/Linux\n"
				   "\tkernel /boot/vmlinuz\n"
				   "\tinitrd /boot/initrd.img\n"
				   "\tcmdline root=/dev/sda1 ro  quiet # not a comment\n"
				   "  # an indented comment\n"
				   "entry Rescue shell\n"
				   "kernel\t/vmlinuz-rescue\n"
				   "protocol linux\n";

	assert_int_equal(parse(text), 0);
	assert_int_equal(cfg.n_errors, 0);
	assert_int_equal(cfg.timeout, 10);
	assert_string_equal(cfg.default_entry, "Rescue shell");
	assert_int_equal(cfg.n_entries, 2);

	struct cfg_entry *e = &cfg.entries[0];
	assert_string_equal(e->title, "Debian GNU/Linux");
	assert_string_equal(e->kernel, "/boot/vmlinuz");
	assert_int_equal(e->n_initrd, 1);
	assert_string_equal(e->initrd[0], "/boot/initrd.img");
	assert_string_equal(e->cmdline, "root=/dev/sda1 ro  quiet # not a comment");
	assert_null(e->protocol);
	assert_int_equal(e->line, 5);

	e = &cfg.entries[1];
	assert_string_equal(e->title, "Rescue shell");
	assert_string_equal(e->kernel, "/vmlinuz-rescue");
	assert_int_equal(e->n_initrd, 0);
	assert_non_null(e->cmdline);
	assert_string_equal(e->cmdline, ""); /* "" when none, never NULL */
	assert_string_equal(e->protocol, "linux");
	assert_int_equal(e->line, 10);
	assert_int_equal(config_default_index(&cfg), 1);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse("entry a\nkernel /k\n"), 0);
	assert_int_equal(cfg.timeout, 5);
	assert_null(cfg.default_entry);
	assert_int_equal(config_default_index(&cfg), 0);
}

static void test_empty_and_no_entries(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(cfg.n_entries, 0);
	assert_int_equal(cfg.n_errors, 0);
	assert_int_equal(parse_n(NULL, 0), 0);
	/* Globals and comments only: not an error, the caller shows its own screen. */
	assert_int_equal(parse("# nothing\n\n   \n\t\ntimeout 3\n"), 0);
	assert_int_equal(cfg.n_entries, 0);
	assert_int_equal(cfg.n_errors, 0);
	assert_int_equal(cfg.timeout, 3);
	assert_int_equal(config_default_index(&cfg), 0);
}

static void test_crlf(void **state)
{
	assert_int_equal(parse("timeout 2\r\n"
			       "entry A\r\n"
			       "kernel /k\r\n"
			       "initrd /a /b\r\n"
			       "cmdline x=1\r\n"
			       "\r\n"
			       "entry B\r\n"
			       "kernel /k2\r\n"),
			 0);
	assert_int_equal(cfg.timeout, 2);
	assert_int_equal(cfg.n_entries, 2);
	assert_string_equal(cfg.entries[0].title, "A");
	assert_string_equal(cfg.entries[0].kernel, "/k");
	assert_int_equal(cfg.entries[0].n_initrd, 2);
	assert_string_equal(cfg.entries[0].initrd[1], "/b");
	assert_string_equal(cfg.entries[0].cmdline, "x=1");
	assert_int_equal(cfg.entries[1].line, 7);
	assert_string_equal(cfg.entries[1].kernel, "/k2");

	/* A stray CR is blank space like the others. */
	assert_int_equal(parse(" \r entry A \r\r\n\rkernel\t/k \r\n"), 0);
	assert_string_equal(cfg.entries[0].title, "A");
	assert_string_equal(cfg.entries[0].kernel, "/k");
	/* Line numbers in messages count CRLF lines too. */
	expect_one_error("entry A\r\nkernel /k\r\nbogus x\r\n", "t.cfg:3: unknown keyword 'bogus'");
	/* "cmdline" followed by CR only is an empty command line, not "\r". */
	assert_int_equal(parse("entry A\r\nkernel /k\r\ncmdline\r\n"), 0);
	assert_string_equal(cfg.entries[0].cmdline, "");
}

static void test_no_final_newline(void **state)
{
	assert_int_equal(parse("entry A\nkernel /k\ncmdline quiet"), 0);
	assert_string_equal(cfg.entries[0].cmdline, "quiet");
	/* The length is honoured: bytes past len are not read. */
	static const char text[] = "entry A\nkernel /k\ncmdline quietXXXX";
	assert_int_equal(parse_n(text, strlen(text) - 4), 0);
	assert_string_equal(cfg.entries[0].cmdline, "quiet");
}

static void test_whitespace(void **state)
{
	assert_int_equal(parse("  \t entry   Spaced   title \t \n"
			       "kernel \t /path with spaces/vmlinuz  \n"
			       "cmdline \t a\tb  c  \n"),
			 0);
	assert_string_equal(cfg.entries[0].title, "Spaced   title");
	assert_string_equal(cfg.entries[0].kernel, "/path with spaces/vmlinuz");
	assert_string_equal(cfg.entries[0].cmdline, "a\tb  c");
}

static void test_comments(void **state)
{
	assert_int_equal(parse("#entry Hidden\n"
			       "   # kernel /x\n"
			       "entry A # title keeps this\n"
			       "kernel /k\n"
			       "\t#timeout 7\n"),
			 0);
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].title, "A # title keeps this");
	assert_int_equal(cfg.timeout, 5);
}

static void test_initrds(void **state)
{
	assert_int_equal(parse("entry A\n"
			       "kernel /k\n"
			       "initrd /ucode.img\n"
			       "initrd /one.img  /two.img\t/three.img\n"
			       "initrd /four.img\n"),
			 0);
	struct cfg_entry *e = &cfg.entries[0];
	assert_int_equal(e->n_initrd, 5);
	assert_string_equal(e->initrd[0], "/ucode.img");
	assert_string_equal(e->initrd[1], "/one.img");
	assert_string_equal(e->initrd[2], "/two.img");
	assert_string_equal(e->initrd[3], "/three.img");
	assert_string_equal(e->initrd[4], "/four.img");
}

static void test_too_many_initrds(void **state)
{
	char text[2048];
	int n = snprintf(text, sizeof(text), "entry A\nkernel /k\n");

	for (int i = 0; i < CFG_MAX_INITRD; i++)
		n += snprintf(text + n, sizeof(text) - n, "initrd /i%d\n", i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(cfg.entries[0].n_initrd, CFG_MAX_INITRD);
	assert_string_equal(cfg.entries[0].initrd[CFG_MAX_INITRD - 1], "/i15");

	snprintf(text + n, sizeof(text) - n, "initrd /extra\n");
	char msg[100];
	snprintf(msg, sizeof(msg), "t.cfg:%d: too many initrds (at most %d per entry)",
		 CFG_MAX_INITRD + 3, CFG_MAX_INITRD);
	expect_one_error(text, msg);
	/* The entry is kept (it has a kernel) with the first CFG_MAX_INITRD. */
	assert_int_equal(cfg.n_entries, 1);
	assert_int_equal(cfg.entries[0].n_initrd, CFG_MAX_INITRD);

	/* Overflowing within one line: the paths that fit are kept, one error. */
	n = snprintf(text, sizeof(text), "entry A\nkernel /k\ninitrd");
	for (int i = 0; i < CFG_MAX_INITRD + 3; i++)
		n += snprintf(text + n, sizeof(text) - n, " /i%d", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	snprintf(msg, sizeof(msg), "t.cfg:3: too many initrds (at most %d per entry)",
		 CFG_MAX_INITRD);
	expect_one_error(text, msg);
	assert_int_equal(cfg.entries[0].n_initrd, CFG_MAX_INITRD);
	assert_string_equal(cfg.entries[0].initrd[0], "/i0");
}

static void test_timeout(void **state)
{
	static const struct {
		const char *v;
		int t;
	} good[] = {{"0", 0}, {"1", 1}, {"3600", 3600}, {"-1", -1}, {"007", 7}};
	static const char *const bad[] = {
	    "3601", "-2", "abc", "5s", "5 6", "+5", "-", "99999999999999999999", "-1x", "1.5"};
	char text[200], msg[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "timeout %s\nentry A\nkernel /k\n", good[i].v);
		assert_int_equal(parse(text), 0);
		assert_int_equal(cfg.timeout, good[i].t);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "\ntimeout %s\nentry A\nkernel /k\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "t.cfg:2: bad timeout '%s': seconds from 0 to 3600, or -1 to wait forever",
			 bad[i]);
		expect_one_error(text, msg);
		assert_int_equal(cfg.timeout, 5); /* unchanged */
		assert_int_equal(cfg.n_entries, 1);
	}
	/* The later one wins. */
	assert_int_equal(parse("timeout 1\ntimeout 2\n"), 0);
	assert_int_equal(cfg.timeout, 2);
}

static void test_globals_after_entry(void **state)
{
	expect_one_error("entry A\nkernel /k\ntimeout 3\n",
			 "t.cfg:3: timeout must come before the first entry");
	assert_int_equal(cfg.timeout, 5);
	assert_int_equal(cfg.n_entries, 1);
	expect_one_error("entry A\nkernel /k\nentry B\nkernel /k\n\ndefault B\n",
			 "t.cfg:6: default must come before the first entry");
	assert_null(cfg.default_entry);
	assert_int_equal(cfg.n_entries, 2);
	/* Even after an entry that was dropped. */
	assert_int_equal(parse("entry\ntimeout 3\n"), E_INVAL);
	assert_int_equal(cfg.n_errors, 2);
	assert_string_equal(cfg.errors[1], "t.cfg:2: timeout must come before the first entry");
}

/* root: a volume as a path's prefix names it, nothing after; a later one replaces it. */
static void test_root(void **state)
{
	static const char *const good[] = {
	    "uuid:2024-05-06-07-08-09-00",
	    "label:My Disk",
	    "partuuid:5eed0001-05",
	    "(hd0,gpt2)",
	    "(cd0)",
	};
	char text[200];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(text, sizeof(text), "root %s\nentry A\nkernel /k\n", good[i]);
		assert_int_equal(parse(text), 0);
		assert_string_equal(cfg.root, good[i]);
	}
	assert_int_equal(parse("entry A\nkernel /k\n"), 0);
	assert_null(cfg.root);
	assert_int_equal(parse("root label:A\nroot  uuid:B \nentry A\nkernel /k\n"), 0);
	assert_string_equal(cfg.root, "uuid:B");

	static const char *const bad[] = {
	    "uuid:", "uuid:X/boot", "(hd0,gpt2)/boot",	     "(hd0",	    "()", "/boot",
	    "hd0",   "label",	    "partuuid:1234abcd-01/", "(hd0) (hd1)",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char msg[200];
		snprintf(text, sizeof(text), "root label:A\nroot %s\nentry A\nkernel /k\n", bad[i]);
		snprintf(
		    msg, sizeof(msg),
		    "t.cfg:2: bad root '%s': a volume, as (hd0,gpt2), uuid:UUID, label:LABEL or "
		    "partuuid:PARTUUID, without a path",
		    bad[i]);
		expect_one_error(text, msg);
		assert_string_equal(cfg.root, "label:A"); /* a bad line changes nothing */
	}
	expect_one_error("root\n", "t.cfg:1: root needs a value");
	expect_one_error("entry A\nkernel /k\nroot (hd0)\n",
			 "t.cfg:3: root must come before the first entry");
	assert_null(cfg.root);
}

static void test_default_index(void **state)
{
	static const char body[] = "entry One\nkernel /1\n"
				   "entry Two words\nkernel /2\n"
				   "entry 2\nkernel /3\n";
	static const struct {
		const char *def;
		int index;
	} cases[] = {
	    /* A title (exact) comes before a number: "2" is the entry titled 2. */
	    {"1", 0},	    {"2", 2},	{"3", 2},  {"Two words", 1},
	    {"One", 0},	    {"4", 0},	{"0", 0},  {"two words", 0},
	    {"Nothing", 0}, {"Two", 0}, {"-1", 0}, {"99999999999999999999", 0},
	};
	char text[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "default %s\n%s", cases[i].def, body);
		assert_int_equal(parse(text), 0);
		assert_string_equal(cfg.default_entry, cases[i].def);
		if (config_default_index(&cfg) != cases[i].index)
			fail_msg("default '%s': index %d, expected %d", cases[i].def,
				 config_default_index(&cfg), cases[i].index);
	}
	/* A title that happens to be a number wins over the number. */
	assert_int_equal(parse("default 5\nentry A\nkernel /a\nentry 5\nkernel /b\n"), 0);
	assert_int_equal(config_default_index(&cfg), 1);
	/* The later one wins. */
	assert_int_equal(parse("default A\ndefault B\n"
			       "entry A\nkernel /a\nentry B\nkernel /b\n"),
			 0);
	assert_string_equal(cfg.default_entry, "B");
	assert_int_equal(config_default_index(&cfg), 1);
	/* Default set, no entries: still 0. */
	assert_int_equal(parse("default 3\n"), 0);
	assert_int_equal(config_default_index(&cfg), 0);
	/* A default that names a dropped entry does not count it. */
	assert_int_equal(parse("default 2\nentry A\nentry B\nkernel /b\nentry C\nkernel /c\n"),
			 E_INVAL);
	assert_int_equal(cfg.n_entries, 2);
	assert_int_equal(config_default_index(&cfg), 1);
	assert_string_equal(cfg.entries[1].title, "C");
}

static void test_unknown_keyword(void **state)
{
	expect_one_error("entry A\nkernel /k\nappend quiet\n", "t.cfg:3: unknown keyword 'append'");
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].cmdline, "");
	/* Keywords are case-sensitive. */
	expect_one_error("entry A\nKernel /k\nkernel /k\n", "t.cfg:2: unknown keyword 'Kernel'");
	expect_one_error("TIMEOUT 3\n", "t.cfg:1: unknown keyword 'TIMEOUT'");
	/* The keyword ends at a space or tab only. */
	expect_one_error("entry A\nkernel=/k\nkernel /k\n", "t.cfg:2: unknown keyword 'kernel=/k'");
	expect_one_error("entry A\nkernel\r/k\nkernel /k\n",
			 "t.cfg:2: unknown keyword 'kernel?/k'");
	/* A long or binary keyword is shortened and made printable. */
	expect_one_error("x\001\177"
			 "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy z\n",
			 "t.cfg:1: unknown keyword "
			 "'x??yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...'");
}

static void test_option_outside_entry(void **state)
{
	static const char *const kw[] = {"kernel", "initrd", "cmdline", "protocol"};
	char text[100], msg[200];

	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "timeout 1\n%s linux\nentry A\nkernel /k\n", kw[i]);
		snprintf(msg, sizeof(msg),
			 "t.cfg:2: %s outside an entry (it must follow an 'entry' line)", kw[i]);
		expect_one_error(text, msg);
		assert_int_equal(cfg.n_entries, 1);
		assert_string_equal(cfg.entries[0].kernel, "/k");
		assert_int_equal(cfg.entries[0].n_initrd, 0);
	}
}

static void test_missing_value(void **state)
{
	expect_one_error("timeout\n", "t.cfg:1: timeout needs a value");
	expect_one_error("default  \t\n", "t.cfg:1: default needs a value");
	expect_one_error("entry A\nkernel\nkernel /k\n", "t.cfg:2: kernel needs a value");
	assert_string_equal(cfg.entries[0].kernel, "/k");
	expect_one_error("entry A\nkernel /k\ninitrd \n", "t.cfg:3: initrd needs a value");
	assert_int_equal(cfg.entries[0].n_initrd, 0);
	expect_one_error("entry A\nkernel /k\nprotocol\n", "t.cfg:3: protocol needs a value");
	assert_null(cfg.entries[0].protocol);
	/* An entry without a title is dropped together with its options. */
	expect_one_error("entry\nkernel /k\n", "t.cfg:1: entry needs a title");
	assert_int_equal(cfg.n_entries, 0);
	/* ...which must not land in the entry before it. */
	expect_one_error("entry A\nkernel /a\nentry  \ninitrd /leak\ncmdline leak\n",
			 "t.cfg:3: entry needs a title");
	assert_int_equal(cfg.n_entries, 1);
	assert_int_equal(cfg.entries[0].n_initrd, 0);
	assert_string_equal(cfg.entries[0].cmdline, "");
}

static void test_empty_cmdline(void **state)
{
	assert_int_equal(parse("entry A\nkernel /k\ncmdline\n"), 0);
	assert_string_equal(cfg.entries[0].cmdline, "");
	assert_int_equal(parse("entry A\nkernel /k\ncmdline  \t \n"), 0);
	assert_string_equal(cfg.entries[0].cmdline, "");
	/* An empty cmdline still counts: a second one is a duplicate. */
	expect_one_error("entry A\nkernel /k\ncmdline\ncmdline quiet\n",
			 "t.cfg:4: duplicate cmdline in this entry");
	assert_string_equal(cfg.entries[0].cmdline, "");
}

static void test_duplicates(void **state)
{
	expect_one_error("entry A\nkernel /k1\nkernel /k2\n",
			 "t.cfg:3: duplicate kernel in this entry");
	assert_string_equal(cfg.entries[0].kernel, "/k1");
	expect_one_error("entry A\nkernel /k\ncmdline a\n\ncmdline b\n",
			 "t.cfg:5: duplicate cmdline in this entry");
	assert_string_equal(cfg.entries[0].cmdline, "a");
	expect_one_error("entry A\nkernel /k\nprotocol linux\nprotocol efi\n",
			 "t.cfg:4: duplicate protocol in this entry");
	assert_string_equal(cfg.entries[0].protocol, "linux");
	/* Options are per entry: the same keyword in the next entry is fine. */
	assert_int_equal(parse("entry A\nkernel /a\ncmdline x\nprotocol elf\n"
			       "entry B\nkernel /b\ncmdline y\nprotocol pvh\n"),
			 0);
	assert_string_equal(cfg.entries[1].cmdline, "y");
	assert_string_equal(cfg.entries[1].protocol, "pvh");
}

static void test_protocols(void **state)
{
	static const char *const ok[] = {"linux",     "linux16",    "linux32", "linux64",
					 "multiboot", "multiboot2", "elf",     "pvh",
					 "efi",	      "chainload"};
	static const char *const bad[] = {"Linux", "bzimage", "linux 64", "multiboot3", "l"};
	char text[100], msg[300];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "entry A\nkernel /k\nprotocol %s\n", ok[i]);
		assert_int_equal(parse(text), 0);
		assert_string_equal(cfg.entries[0].protocol, ok[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "entry A\nkernel /k\nprotocol %s\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "t.cfg:3: unknown protocol '%s' (known: linux, linux16, linux32, "
			 "linux64, multiboot, multiboot2, elf, pvh, efi, chainload)",
			 bad[i]);
		expect_one_error(text, msg);
		assert_null(cfg.entries[0].protocol);
	}
}

static void test_entry_without_kernel(void **state)
{
	expect_one_error("timeout 1\n"
			 "entry First\n"
			 "initrd /i\n"
			 "cmdline x\n"
			 "entry Second\n"
			 "kernel /k\n",
			 "t.cfg:2: entry 'First' has no kernel");
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].title, "Second");
	assert_int_equal(cfg.entries[0].line, 5);
	/* The last entry, at the end of the file. */
	expect_one_error("entry A\nkernel /a\n\nentry B\ncmdline b\n",
			 "t.cfg:4: entry 'B' has no kernel");
	assert_int_equal(cfg.n_entries, 1);
	/* Only entries without a kernel: errors, no entries. */
	assert_int_equal(parse("entry A\nentry B\n"), E_INVAL);
	assert_int_equal(cfg.n_entries, 0);
	assert_int_equal(cfg.n_errors, 2);
	assert_string_equal(cfg.errors[0], "t.cfg:1: entry 'A' has no kernel");
	assert_string_equal(cfg.errors[1], "t.cfg:2: entry 'B' has no kernel");
}

static void test_entry_with_errors_kept(void **state)
{
	assert_int_equal(parse("entry A\nkernel /k\nbogus\nprotocol nope\ninitrd /i\n"), E_INVAL);
	assert_int_equal(cfg.n_errors, 2);
	assert_string_equal(cfg.errors[0], "t.cfg:3: unknown keyword 'bogus'");
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].kernel, "/k");
	assert_int_equal(cfg.entries[0].n_initrd, 1);
	assert_null(cfg.entries[0].protocol);
}

static void test_long_line(void **state)
{
	size_t n = 4096 + 100;
	char *text = malloc(n + 64);

	/* Exactly 4096 bytes (without the line ending) is fine, LF or CRLF. */
	strcpy(text, "entry A\nkernel /k\ncmdline ");
	size_t at = strlen(text), start = at - 8;
	while (at - start < 4096)
		text[at++] = 'x';
	strcpy(text + at, "\r\n");
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.entries[0].cmdline), 4096 - 8);
	strcpy(text + at, "\n");
	assert_int_equal(parse(text), 0);

	/* One more is an error, and the line is skipped. */
	text[at++] = 'x';
	strcpy(text + at, "\nentry B\nkernel /b\n");
	expect_one_error(text, "t.cfg:3: line longer than 4096 bytes");
	assert_int_equal(cfg.n_entries, 2);
	assert_string_equal(cfg.entries[0].cmdline, "");
	assert_string_equal(cfg.entries[1].title, "B");
	/* Also as the unterminated last line. */
	text[at] = 0;
	expect_one_error(text, "t.cfg:3: line longer than 4096 bytes");
	free(text);

	/* A comment is a line too. */
	char *c = malloc(5000);
	memset(c, '#', 5000);
	c[4999] = '\n';
	assert_int_equal(parse_n(c, 5000), E_INVAL);
	assert_string_equal(cfg.errors[0], "t.cfg:1: line longer than 4096 bytes");
	free(c);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "entry A\nkernel /k\ncmdline a\0b\ninitrd /i\n";

	assert_int_equal(parse_n(text, sizeof(text) - 1), E_INVAL);
	assert_int_equal(cfg.n_errors, 1);
	assert_string_equal(cfg.errors[0], "t.cfg:3: NUL byte in the line");
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].cmdline, ""); /* the bad line is skipped... */
	assert_int_equal(cfg.entries[0].n_initrd, 1);	 /* ...and parsing goes on */

	static const char lead[] = "\0entry X\nentry A\nkernel /k\n";
	assert_int_equal(parse_n(lead, sizeof(lead) - 1), E_INVAL);
	assert_string_equal(cfg.errors[0], "t.cfg:1: NUL byte in the line");
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].title, "A");
}

static void test_error_limit(void **state)
{
	char text[1000];
	int n = 0;

	/* CFG_MAX_ERRORS - 1 real messages, then one line telling how many more there were. */
	for (int i = 0; i < CFG_MAX_ERRORS + 4; i++)
		n += snprintf(text + n, sizeof(text) - n, "bad%d\n", i + 1);
	n += snprintf(text + n, sizeof(text) - n, "entry A\nkernel /k\n");
	assert_int_equal(parse(text), E_INVAL);
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	for (int i = 0; i < CFG_MAX_ERRORS - 1; i++) {
		char msg[100];
		snprintf(msg, sizeof(msg), "t.cfg:%d: unknown keyword 'bad%d'", i + 1, i + 1);
		assert_string_equal(cfg.errors[i], msg);
	}
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], "... 5 more not shown");
	assert_int_equal(cfg.n_dropped, 5);
	assert_string_equal(err_msg(), "t.cfg:1: unknown keyword 'bad1'");
	assert_int_equal(cfg.n_entries, 1);
	/* Later problems (BLS files, discovery, the state file) are counted too. */
	config_report(&cfg, "late");
	config_report(&cfg, "later");
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], "... 7 more not shown");
	assert_int_equal(cfg.n_dropped, 7);

	/* Exactly CFG_MAX_ERRORS: all of them are shown. */
	n = 0;
	for (int i = 0; i < CFG_MAX_ERRORS; i++)
		n += snprintf(text + n, sizeof(text) - n, "bad%d\n", i + 1);
	assert_int_equal(parse(text), E_INVAL);
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	char last[100];
	snprintf(last, sizeof(last), "t.cfg:%d: unknown keyword 'bad%d'", CFG_MAX_ERRORS,
		 CFG_MAX_ERRORS);
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], last);
	assert_int_equal(cfg.n_dropped, 0);
	/* One more from config_report: the last line gives way to the count of both. */
	config_report(&cfg, "%s: one more", "x");
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], "... 2 more not shown");
	assert_int_equal(cfg.n_dropped, 2);

	/* Only config_report: the same. */
	assert_int_equal(parse("entry A\nkernel /k\n"), 0);
	for (int i = 0; i < CFG_MAX_ERRORS + 2; i++)
		config_report(&cfg, "problem %d", i + 1);
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 2], "problem 15");
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], "... 3 more not shown");
	assert_int_equal(cfg.n_dropped, 3);
}

static void test_filename(void **state)
{
	config_free(&cfg);
	assert_int_equal(config_parse("x\n", 2, "EFI/BOOT/baton.cfg", &cfg), E_INVAL);
	assert_string_equal(cfg.errors[0], "EFI/BOOT/baton.cfg:1: unknown keyword 'x'");
	config_free(&cfg);
	assert_int_equal(config_parse("x\n", 2, NULL, &cfg), E_INVAL);
	assert_string_equal(cfg.errors[0], "baton.cfg:1: unknown keyword 'x'");
}

static void test_free_zeroes(void **state)
{
	struct config zero;

	memset(&zero, 0, sizeof(zero));
	assert_int_equal(parse("default A\nentry A\nkernel /k\ninitrd /i\nbad\n"), E_INVAL);
	config_free(&cfg);
	assert_memory_equal(&cfg, &zero, sizeof(cfg));
	config_free(&cfg); /* twice is harmless */
	/* Parse initialises the struct itself, whatever it held. */
	memset(&cfg, 0x5a, sizeof(cfg));
	assert_int_equal(config_parse("entry A\nkernel /k\n", 18, "t.cfg", &cfg), 0);
	assert_int_equal(cfg.n_entries, 1);
	assert_int_equal(cfg.n_errors, 0);
	assert_null(cfg.default_entry);
}

static void test_many_entries(void **state)
{
	size_t cap = 200 * 40, n = 0;
	char *text = malloc(cap);

	for (int i = 0; i < 200; i++)
		n += snprintf(text + n, cap - n, "entry E%d\nkernel /k%d\n", i, i);
	assert_int_equal(parse_n(text, n), 0);
	assert_int_equal(cfg.n_entries, 200);
	assert_string_equal(cfg.entries[199].title, "E199");
	assert_string_equal(cfg.entries[199].kernel, "/k199");
	assert_int_equal(cfg.entries[199].line, 399);
	assert_string_equal(cfg.entries[64].kernel, "/k64");
	free(text);
}

/* Arbitrary bytes never crash, and the result always keeps the documented invariants. */
static void check_invariants(int r)
{
	assert_true(r == 0 || r == E_INVAL);
	assert_int_equal(r == E_INVAL, cfg.n_errors > 0);
	assert_in_range(cfg.n_errors, 0, CFG_MAX_ERRORS);
	for (int i = 0; i < cfg.n_errors; i++)
		assert_true(!strncmp(cfg.errors[i], "t.cfg:", 6) ||
			    (i == CFG_MAX_ERRORS - 1 && cfg.n_dropped &&
			     !strncmp(cfg.errors[i], "... ", 4)));
	assert_true(cfg.timeout >= -1 && cfg.timeout <= 3600);
	for (int i = 0; i < cfg.n_entries; i++) {
		const struct cfg_entry *e = &cfg.entries[i];
		assert_non_null(e->title);
		assert_true(e->title[0] != 0);
		assert_non_null(e->kernel);
		assert_true(e->kernel[0] != 0);
		assert_non_null(e->cmdline);
		assert_in_range(e->n_initrd, 0, CFG_MAX_INITRD);
		for (int j = 0; j < e->n_initrd; j++)
			assert_true(e->initrd[j][0] != 0 && !strchr(e->initrd[j], ' '));
	}
	assert_in_range(config_default_index(&cfg), 0, cfg.n_entries ? cfg.n_entries - 1 : 0);
}

static void test_weird_input(void **state)
{
	static const char *const words[] = {"entry",   "kernel",  "initrd", "cmdline", "protocol",
					    "timeout", "default", " ",	    "\t",      "\n",
					    "\r\n",    "\r",	  "#",	    "-1",      "1",
					    "linux",   "/k",	  "x",	    "\0",      "\377"};
	uint32_t seed = 12345;
	char buf[600];

	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 0;
		seed = seed * 1103515245 + 12345;
		int parts = (seed >> 16) % 40;
		for (int p = 0; p < parts && n < sizeof(buf) - 16; p++) {
			seed = seed * 1103515245 + 12345;
			unsigned w = (seed >> 16) % (sizeof(words) / sizeof(words[0]) + 1);
			if (w == sizeof(words) / sizeof(words[0])) {
				buf[n++] = (char)(seed >> 8); /* any byte */
			} else {
				size_t l = words[w][0] ? strlen(words[w]) : 1;
				memcpy(buf + n, words[w], l);
				n += l;
			}
		}
		check_invariants(parse_n(buf, n));
	}
	/* Pathological shapes. */
	check_invariants(parse_n("\n\n\n\n", 4));
	check_invariants(parse_n("\r", 1));
	check_invariants(parse_n("entry", 5));
	check_invariants(parse_n("entry \xff\nkernel \x01\n", 17));
	check_invariants(parse_n("\0\0\0", 3));
}

/* --- include: a fake reader serving named files --- */

struct ffile {
	const char *path, *text;
	size_t len; /* 0: strlen(text) */
};
static const struct ffile *files;
static size_t n_files;
static int reads; /* how many times the reader ran */

static int fake_read(void *ctx, const char *path, char **text, size_t *len)
{
	reads++;
	if (!strcmp(path, "/broken.cfg"))
		return err_set(E_IO, "read error on the disk");
	for (size_t i = 0; i < n_files; i++) {
		if (!strcmp(files[i].path, path)) {
			*len = files[i].len ? files[i].len : strlen(files[i].text);
			*text = mem_alloc(*len + 1);
			memcpy(*text, files[i].text, *len);
			return 0;
		}
	}
	return E_NOENT;
}

static const struct cfg_reader reader = {fake_read, NULL};

static int parse_inc(const char *text)
{
	config_free(&cfg);
	reads = 0;
	return config_parse_with(text, strlen(text), "t.cfg", &reader, &cfg);
}

#define SERVE(table) (files = (table), n_files = ARRAY_SIZE(table))

/* Every error, in order. */
static void expect_errors(const char *const *msgs, int n)
{
	for (int i = 0; i < n && i < cfg.n_errors; i++)
		assert_string_equal(cfg.errors[i], msgs[i]);
	assert_int_equal(cfg.n_errors, n);
}
#define EXPECT_ERRORS(...)                                                                         \
	do {                                                                                       \
		static const char *const m_[] = {__VA_ARGS__};                                     \
		expect_errors(m_, ARRAY_SIZE(m_));                                                 \
	} while (0)

static void test_id(void **state)
{
	assert_int_equal(parse("entry A\n id Deb-6.1.0+1_x86.64\nkernel /a\n"
			       "entry B\nkernel /b\nid b\n"
			       "entry C\nkernel /c\n"),
			 0);
	assert_string_equal(cfg.entries[0].id, "Deb-6.1.0+1_x86.64");
	assert_string_equal(cfg.entries[1].id, "b");
	assert_null(cfg.entries[2].id);
	assert_string_equal(cfg.entries[0].source, "t.cfg:1");
	assert_string_equal(cfg.entries[2].source, "t.cfg:7");

	/* What logind would refuse for --boot-loader-entry= is refused here. */
	static char long_id[257];
	memset(long_id, 'x', 256);
	static const char *const bad[] = {"two words", "a*",	      "a?",   "x/y", "@saved",
					  "@x",	       "caf\xc3\xa9", "a\tb", "a=b", "#x",
					  "a:b",       "a@b",	      ".",    "..",  long_id};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char text[400], msg[300], q[60];
		snprintf(text, sizeof(text), "entry A\nkernel /a\nid %s\n", bad[i]);
		snprintf(q, sizeof(q), "%.40s%s", bad[i], strlen(bad[i]) > 40 ? "..." : "");
		for (char *c = q; *c; c++)
			if (*c < 0x20 || *c >= 0x7f)
				*c = '?';
		snprintf(
		    msg, sizeof(msg),
		    "t.cfg:3: bad id '%s': one word of letters, digits and . _ - + (as the Boot "
		    "Loader Interface takes ids), at most 255 bytes, not . or ..",
		    q);
		expect_one_error(text, msg);
		assert_null(cfg.entries[0].id);
		assert_int_equal(cfg.n_entries, 1); /* the entry stays, without an id */
	}
	expect_one_error("entry A\nkernel /a\nid a\nid b\n", "t.cfg:4: duplicate id in this entry");
	assert_string_equal(cfg.entries[0].id, "a");
	expect_one_error("id a\nentry A\nkernel /a\n",
			 "t.cfg:1: id outside an entry (it must follow an 'entry' line)");
	expect_one_error("entry A\nkernel /a\nid\n", "t.cfg:3: id needs a value");
	/* Unique in the config: the second one is refused, naming the first entry's line. */
	expect_one_error("entry A\nkernel /a\nid same\n\nentry B\nkernel /b\nid same\n",
			 "t.cfg:7: id 'same' is already the id of 'A' (t.cfg:1)");
	assert_string_equal(cfg.entries[0].id, "same");
	assert_null(cfg.entries[1].id);
	assert_int_equal(cfg.n_entries, 2);
	/* An id is not a title: two entries may share a title, or one's id another's title. */
	assert_int_equal(parse("entry A\nkernel /a\nid B\nentry B\nkernel /b\nid A\n"), 0);
	assert_int_equal(config_find(&cfg, "A"), 1); /* ids first */
	assert_int_equal(config_find(&cfg, "B"), 0);
	/* 255 bytes is a file name's limit, and fine. */
	char text[400];
	snprintf(text, sizeof(text), "entry A\nkernel /a\nid %.255s\n", long_id);
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.entries[0].id), 255);
}

/* What logind takes from `systemctl reboot --boot-loader-entry=ID` (systemd's efi-loader.c). */
static bool bli_id_ok(const char *id)
{
	if (!*id || !strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > 255)
		return false;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("+-_.", *id))
			return false;
	return true;
}

/*
 * config_finish gives every entry but submenus an id, made from its title where the config
 * has none, valid for the Boot Loader Interface and unique (ignoring case, as the BLI's ids
 * are matched), so LoaderEntries names every entry and the OS can pick any of them.
 */
static void test_made_ids(void **state)
{
	char title[300];
	memset(title, 'T', 299);
	title[299] = 0;
	char text[1200];
	snprintf(text, sizeof(text),
		 "entry Alpha\nkernel /a\n"
		 "entry Beta two\nid beta\nkernel /b\n"
		 "entry Gamma / Delta: x@y (rescue)\nkernel /c\n"
		 "entry Alpha\nkernel /d\n"
		 "entry \xe6\x97\xa5\xe6\x9c\xac\nkernel /e\n"
		 "entry ..\nkernel /f\n"
		 "entry  BETA\nkernel /g\n"
		 "submenu Old\n entry In\n kernel /h\nend\n"
		 "entry One\nkernel /i\n"
		 "entry Two\nid one\nkernel /j\n"
		 "entry %s\nkernel /k\n"
		 "entry -+-\nkernel /l\n",
		 title);
	assert_int_equal(parse(text), 0);
	assert_null(cfg.entries[0].id); /* the parser leaves them to config_finish */
	config_finish(&cfg);
	assert_int_equal(cfg.n_errors, 0);
	static const char *const want[] = {"alpha",   "beta",  "gamma-delta-x-y-rescue",
					   "alpha-2", "entry", "entry-2",
					   "beta-2",  NULL,    "in",
					   "one-2",   "one",   NULL,
					   "-+"};
	assert_int_equal(cfg.n_entries, ARRAY_SIZE(want));
	for (int i = 0; i < cfg.n_entries; i++) {
		const char *id = cfg.entries[i].id;
		if (cfg.entries[i].submenu) {
			assert_null(id);
			continue;
		}
		assert_non_null(id);
		if (!bli_id_ok(id))
			fail_msg("entry %d: id '%s' is not a BLI id", i, id);
		if (want[i])
			assert_string_equal(id, want[i]);
		for (int k = 0; k < i; k++)
			if (cfg.entries[k].id && !strcasecmp(cfg.entries[k].id, id))
				fail_msg("entries %d and %d share the id '%s'", k, i, id);
		assert_int_equal(config_find(&cfg, id), i);
	}
	/* A long title: a short id, its start. */
	assert_true(strlen(cfg.entries[11].id) <= CFG_ID_MADE_MAX);
	assert_true(!strncmp(cfg.entries[11].id, "tttttttt", 8));
	/* Titles still pick entries; a second config_finish changes nothing. */
	assert_int_equal(config_find(&cfg, "Beta two"), 1);
	config_finish(&cfg);
	assert_string_equal(cfg.entries[3].id, "alpha-2");

	/* Many entries with one title: each its own id. */
	size_t cap = 300 * 24, n = 0;
	char *many = malloc(cap);
	for (int i = 0; i < 300; i++)
		n += snprintf(many + n, cap - n, "entry Linux\nkernel /k\n");
	assert_int_equal(parse_n(many, n), 0);
	free(many);
	config_finish(&cfg);
	assert_string_equal(cfg.entries[0].id, "linux");
	assert_string_equal(cfg.entries[299].id, "linux-300");
	for (int i = 1; i < 300; i++)
		assert_string_not_equal(cfg.entries[i].id, cfg.entries[i - 1].id);
}

/* config_find_bli: ids as the BLI matches them, with or without ".conf", any case. */
static void test_find_bli(void **state)
{
	assert_int_equal(parse("entry Debian 12\nkernel /1\nid debian-6.1\n"
			       "entry Other\nkernel /2\nid other.conf\n"
			       "submenu S\n entry In\n kernel /3\n id sub\nend\n"
			       "entry Plain\nkernel /4\n"),
			 0);
	config_finish(&cfg);
	static const struct {
		const char *name;
		int index;
	} cases[] = {
	    {"debian-6.1", 0},
	    {"Debian-6.1", 0},
	    {"DEBIAN-6.1.CONF", 0},
	    {"debian-6.1.conf", 0},
	    {"other.conf", 1},
	    {"OTHER", 1},
	    {"other.conf.conf", 1},
	    {"sub", 3},
	    {"plain", 4},
	    {"Plain.conf", 4},
	    {"Debian 12", -1},
	    {"debian-6", -1},
	    {"debian*", -1},
	    {"1", -1},
	    {"S", -1},
	    {"", -1},
	    {".conf", -1},
	    {"debian-6.1.con", -1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (config_find_bli(&cfg, cases[i].name) != cases[i].index)
			fail_msg("'%s': %d, expected %d", cases[i].name,
				 config_find_bli(&cfg, cases[i].name), cases[i].index);
}

/* config_find: an id, a title, a glob, a number; never a submenu. */
static void test_find(void **state)
{
	assert_int_equal(parse("entry Debian 12\nkernel /1\nid debian-6.1\n"
			       "submenu Old kernels\n"
			       "  entry Debian 11\n  kernel /2\n  id debian-5.10\n"
			       "  entry Debian 10\n  kernel /3\n"
			       "end\n"
			       "entry Memtest?\nkernel /4\n"
			       "entry 2\nkernel /5\n"),
			 0);
	static const struct {
		const char *name;
		int index;
	} cases[] = {
	    {"debian-6.1", 0},
	    {"Debian 12", 0},
	    {"debian-5.10", 2}, /* inside a submenu: ids and titles still find it */
	    {"Debian 10", 3},
	    {"debian-5*", 2},
	    {"Debian 1?", 0}, /* the first match, in menu order */
	    {"*10", 2},	      /* "debian-5.10": an id matches before a later title */
	    {"Memtest?", 4},  /* exact before glob */
	    {"Mem*", 4},
	    {"*", 0},
	    {"1", 0},
	    {"2", 5}, /* the entry titled "2" before the second item */
	    {"3", 4}, /* numbers count top-level items: 1 Debian 12, 2 the submenu, 3 */
	    {"4", 5},
	    {"5", -1},
	    {"0", -1},
	    {"Old kernels", -1}, /* a submenu is never picked */
	    {"Old*", -1},
	    {"debian", -1},
	    {"DEBIAN 12", -1},
	    {"", -1},
	    {"??????????????????????????????", -1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (config_find(&cfg, cases[i].name) != cases[i].index)
			fail_msg("'%s': %d, expected %d", cases[i].name,
				 config_find(&cfg, cases[i].name), cases[i].index);
	assert_int_equal(config_find(&cfg, NULL), -1);
	/* The item numbered 2 is the submenu: not picked, not even by default. */
	assert_int_equal(
	    parse("default 2\nentry A\nkernel /a\nsubmenu S\nentry B\nkernel /b\nend\n"), 0);
	assert_int_equal(config_find(&cfg, "2"), -1);
	assert_int_equal(config_default_index(&cfg), 0);
	/* A submenu first: the first entry that is not one is the default. */
	assert_int_equal(parse("submenu S\nentry B\nkernel /b\nend\nentry C\nkernel /c\n"), 0);
	assert_true(cfg.entries[0].submenu);
	assert_int_equal(config_default_index(&cfg), 1);
}

/* default: @saved, and the one-shot entry before both. */
static void test_default_saved(void **state)
{
	static const char body[] = "entry A\nkernel /a\nid a\nentry B\nkernel /b\nid b\n"
				   "entry C\nkernel /c\nid c\n";
	char text[200];

	snprintf(text, sizeof(text), "default @saved\n%s", body);
	assert_int_equal(parse(text), 0);
	assert_int_equal(config_default_index(&cfg), 0); /* nothing saved: the first */
	cfg.saved = strdup("c");
	assert_int_equal(config_default_index(&cfg), 2);
	cfg.oneshot = strdup("b");
	assert_int_equal(config_default_index(&cfg), 1);
	free(cfg.oneshot);
	cfg.oneshot = strdup("gone"); /* names nothing: ignored */
	assert_int_equal(config_default_index(&cfg), 2);
	free(cfg.saved);
	cfg.saved = strdup("gone too");
	assert_int_equal(config_default_index(&cfg), 0);
	config_finish(&cfg); /* @saved is never reported */
	assert_int_equal(cfg.n_errors, 0);

	/* With a plain default, the saved id plays no part; the one-shot entry still does. */
	snprintf(text, sizeof(text), "default B\n%s", body);
	assert_int_equal(parse(text), 0);
	cfg.saved = strdup("c");
	assert_int_equal(config_default_index(&cfg), 1);
	cfg.oneshot = strdup("a");
	assert_int_equal(config_default_index(&cfg), 0);
	/* Without a default line, @saved is not implied. */
	assert_int_equal(parse(body), 0);
	cfg.saved = strdup("c");
	assert_int_equal(config_default_index(&cfg), 0);
}

/* config_finish: a default that names nothing, where it was written. */
static void test_finish(void **state)
{
	assert_int_equal(parse("timeout 3\n\ndefault nope*\nentry A\nkernel /a\n"), 0);
	config_finish(&cfg);
	assert_int_equal(cfg.n_errors, 1);
	assert_string_equal(cfg.errors[0], "t.cfg:3: default 'nope*' names no entry");
	assert_int_equal(config_default_index(&cfg), 0);
	/* The later default line is the one named. */
	assert_int_equal(parse("default A\ndefault \001B\nentry A\nkernel /a\n"), 0);
	config_finish(&cfg);
	assert_string_equal(cfg.errors[0], "t.cfg:2: default '?B' names no entry");
	/* Found: nothing to say. By number, glob, id, title. */
	static const char *const ok[] = {"1", "2", "A*", "b", "A", "@saved"};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		char text[100];
		snprintf(text, sizeof(text),
			 "default %s\nentry A\nkernel /a\nentry B\nkernel /b\n"
			 "id b\n",
			 ok[i]);
		assert_int_equal(parse(text), 0);
		config_finish(&cfg);
		assert_int_equal(cfg.n_errors, 0);
	}
	/* An entry added after parsing (BLS, discovered) counts: that is why it comes last. */
	assert_int_equal(parse("default fedora-6.5\nentry A\nkernel /a\n"), 0);
	struct cfg_entry e = {.title = strdup("Fedora"),
			      .id = strdup("fedora-6.5"),
			      .kernel = strdup("/vmlinuz"),
			      .cmdline = strdup(""),
			      .parent = -1};
	assert_int_equal(config_add_entry(&cfg, &e), 0);
	assert_null(e.title); /* taken */
	config_finish(&cfg);
	assert_int_equal(cfg.n_errors, 0);
	assert_int_equal(config_default_index(&cfg), 1);
	/* No default: nothing. */
	assert_int_equal(parse("entry A\nkernel /a\n"), 0);
	config_finish(&cfg);
	assert_int_equal(cfg.n_errors, 0);
	/* The message joins the others, after the parser's. */
	assert_int_equal(parse("default x\nbogus\nentry A\nkernel /a\n"), E_INVAL);
	config_finish(&cfg);
	assert_int_equal(cfg.n_errors, 2);
	assert_string_equal(cfg.errors[1], "t.cfg:1: default 'x' names no entry");
}

static void test_serial_console(void **state)
{
	static const struct {
		const char *v;
		int port, baud;
	} good[] = {
	    {"off", -1, 0},
	    {"", 0, 0},
	    {"com1", 0x3f8, 0},
	    {"com2", 0x2f8, 0},
	    {"com3", 0x3e8, 0},
	    {"com4", 0x2e8, 0},
	    {"com1 115200", 0x3f8, 115200},
	    {"com2  9600", 0x2f8, 9600},
	    {"0x3f8", 0x3f8, 0},
	    {"0xE000 57600", 0xe000, 57600},
	    {"0x100", 0x100, 0},
	    {"0xfff8 1200", 0xfff8, 1200},
	    {"38400", 0, 38400},
	    {"0x2F8\t19200", 0x2f8, 19200},
	    {"com1 1600", 0x3f8, 1600},
	    {"com1 14400", 0x3f8, 14400},
	};
	char text[100], msg[300];

	assert_int_equal(parse("entry A\nkernel /a\n"), 0);
	assert_int_equal(cfg.serial_port, 0);
	assert_int_equal(cfg.serial_baud, 0);
	assert_int_equal(cfg.console, CFG_CONSOLE_BOTH);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(text, sizeof(text), "serial %s\nentry A\nkernel /a\n", good[i].v);
		assert_int_equal(parse(text), 0);
		if (cfg.serial_port != good[i].port || cfg.serial_baud != good[i].baud)
			fail_msg("serial %s: port %#x baud %d", good[i].v, cfg.serial_port,
				 cfg.serial_baud);
	}
	static const char *const bad[] = {
	    "com5",	   "COM1",	    "com0",	    "ttyS0",	    "0x",
	    "0xff",	   "0xfff9",	    "0x10000",	    "0x3g8",	    "1016",
	    "com1 115201", "com1 1100",	    "com1 230400",  "com1 7",	    "com1 0",
	    "9600 com1",   "com1 9600 8n1", "com1 com2",    "off 9600",	    "com1 off",
	    "115200 9600", "com1 -9600",    "com1 9600bps", "com1 1200 1 2"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), "serial com3 2400\nserial %s\nentry A\nkernel /a\n",
			 bad[i]);
		snprintf(msg, sizeof(msg),
			 "t.cfg:2: bad serial '%s': off, or a port (com1 to com4, or 0x100 to "
			 "0xfff8) and a speed from 1200 to 115200 that divides 115200, or both",
			 bad[i]);
		expect_one_error(text, msg);
		assert_int_equal(cfg.serial_port, 0x3e8); /* unchanged */
		assert_int_equal(cfg.serial_baud, 2400);
	}
	/* The later line replaces the earlier one, also its speed. */
	assert_int_equal(parse("serial com2 9600\nserial com1\n"), 0);
	assert_int_equal(cfg.serial_port, 0x3f8);
	assert_int_equal(cfg.serial_baud, 0);
	assert_int_equal(parse("serial off\nserial 57600\n"), 0);
	assert_int_equal(cfg.serial_port, 0);
	assert_int_equal(cfg.serial_baud, 57600);
	expect_one_error("entry A\nkernel /a\nserial off\n",
			 "t.cfg:3: serial must come before the first entry");
	assert_int_equal(cfg.serial_port, 0);

	static const struct {
		const char *v;
		enum cfg_console c;
	} cons[] = {{"both", CFG_CONSOLE_BOTH},
		    {"screen", CFG_CONSOLE_SCREEN},
		    {"serial", CFG_CONSOLE_SERIAL}};
	for (size_t i = 0; i < ARRAY_SIZE(cons); i++) {
		snprintf(text, sizeof(text), "console screen\nconsole %s\n", cons[i].v);
		assert_int_equal(parse(text), 0);
		assert_int_equal(cfg.console, cons[i].c);
	}
	static const char *const badc[] = {"Serial", "vga", "both screen", "com1"};
	for (size_t i = 0; i < ARRAY_SIZE(badc); i++) {
		snprintf(text, sizeof(text), "console serial\nconsole %s\n", badc[i]);
		snprintf(msg, sizeof(msg), "t.cfg:2: bad console '%s': both, screen or serial",
			 badc[i]);
		expect_one_error(text, msg);
		assert_int_equal(cfg.console, CFG_CONSOLE_SERIAL);
	}
	expect_one_error("console\n", "t.cfg:1: console needs a value");
	expect_one_error("submenu S\nentry A\nkernel /a\nend\nconsole serial\n",
			 "t.cfg:5: console must come before the first entry");
}

static void test_submenu(void **state)
{
	assert_int_equal(parse("timeout 3\n"
			       "entry A\nkernel /a\n"
			       "submenu Old\n"
			       "  entry B\n  kernel /b\n"
			       "  submenu Older\n"
			       "    entry C\n    kernel /c\n    cmdline x\n"
			       "  end\n"
			       "  entry D\n  kernel /d\n"
			       "end\n"
			       "entry E\nkernel /e\n"),
			 0);
	assert_int_equal(cfg.n_entries, 7);
	static const struct {
		const char *title;
		int parent;
		bool submenu;
		int line;
	} want[] = {{"A", -1, false, 2},   {"Old", -1, true, 4}, {"B", 1, false, 5},
		    {"Older", 1, true, 7}, {"C", 3, false, 8},	 {"D", 1, false, 12},
		    {"E", -1, false, 15}};
	for (int i = 0; i < 7; i++) {
		const struct cfg_entry *e = &cfg.entries[i];
		assert_string_equal(e->title, want[i].title);
		assert_int_equal(e->parent, want[i].parent);
		assert_int_equal(e->submenu, want[i].submenu);
		assert_int_equal(e->line, want[i].line);
		if (e->submenu) {
			assert_null(e->kernel);
			assert_string_equal(e->cmdline, "");
		}
	}
	assert_string_equal(cfg.entries[4].cmdline, "x");
	assert_string_equal(cfg.entries[3].source, "t.cfg:7");
	cfgfuzz_check(&cfg, 0, false);

	/* `end` ends the entry before it: its options do not leak out. */
	expect_one_error("submenu S\nentry A\nkernel /a\nend\ncmdline leak\n",
			 "t.cfg:5: cmdline outside an entry (it must follow an 'entry' line)");
	assert_string_equal(cfg.entries[1].cmdline, "");
	/* Nor do they across `submenu`. */
	expect_one_error("entry A\nkernel /a\nsubmenu S\ninitrd /leak\nentry B\nkernel /b\nend\n",
			 "t.cfg:4: initrd outside an entry (it must follow an 'entry' line)");
	assert_int_equal(cfg.entries[0].n_initrd, 0);
	/* Globals stop at a submenu, even one that turned out empty. */
	assert_int_equal(parse("submenu S\nend\ntimeout 1\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:1: submenu 'S' is empty",
		      "t.cfg:3: timeout must come before the first entry");
}

static void test_submenu_errors(void **state)
{
	expect_one_error("entry A\nkernel /a\nend\nentry B\nkernel /b\n",
			 "t.cfg:3: end without a submenu");
	assert_int_equal(cfg.n_entries, 2);
	assert_int_equal(cfg.entries[1].parent, -1);
	/* Left open: reported at its line, closed at the end of the file, entries kept. */
	expect_one_error("submenu Open\n  entry A\n  kernel /a\nentry B\nkernel /b\n",
			 "t.cfg:1: submenu 'Open' has no 'end'");
	assert_int_equal(cfg.n_entries, 3);
	assert_int_equal(cfg.entries[2].parent, 0);
	/* Empty: reported and dropped; the entries after it are not counted in. */
	expect_one_error("entry A\nkernel /a\n\nsubmenu Nothing here\nend\nentry B\nkernel /b\n",
			 "t.cfg:4: submenu 'Nothing here' is empty");
	assert_int_equal(cfg.n_entries, 2);
	assert_int_equal(cfg.entries[1].parent, -1);
	assert_string_equal(cfg.entries[1].title, "B");
	/* Empty because its only entry was bad: both said. */
	assert_int_equal(parse("submenu S\nentry A\nend\nentry B\nkernel /b\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:2: entry 'A' has no kernel", "t.cfg:1: submenu 'S' is empty");
	assert_int_equal(cfg.n_entries, 1);
	/* Only an empty submenu inside: the outer one is empty too. */
	assert_int_equal(parse("submenu Outer\nsubmenu Inner\nend\nend\nentry B\nkernel /b\n"),
			 E_INVAL);
	EXPECT_ERRORS("t.cfg:2: submenu 'Inner' is empty", "t.cfg:1: submenu 'Outer' is empty");
	assert_int_equal(cfg.n_entries, 1);
	assert_int_equal(cfg.entries[0].parent, -1);
	/* Open and empty at the end of the file. */
	assert_int_equal(parse("entry A\nkernel /a\nsubmenu S\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:3: submenu 'S' has no 'end'", "t.cfg:3: submenu 'S' is empty");
	assert_int_equal(cfg.n_entries, 1);
	/* No title: an error, its entries go one level up, its end matches it. */
	expect_one_error("submenu Outer\nsubmenu\nentry A\nkernel /a\nend\nentry B\nkernel /b\n"
			 "end\n",
			 "t.cfg:2: submenu needs a title: its entries go one level up");
	assert_int_equal(cfg.n_entries, 3);
	assert_int_equal(cfg.entries[1].parent, 0);
	assert_int_equal(cfg.entries[2].parent, 0);
	/* `end` takes nothing after it (and still closes). */
	expect_one_error("submenu S\nentry A\nkernel /a\nend S\nentry B\nkernel /b\n",
			 "t.cfg:4: end takes no value");
	assert_int_equal(cfg.entries[2].parent, -1);
	/* A submenu keyword has no entry options. */
	expect_one_error("submenu S\nkernel /k\nentry A\nkernel /a\nend\n",
			 "t.cfg:2: kernel outside an entry (it must follow an 'entry' line)");
	expect_one_error("submenu S\nid s\nentry A\nkernel /a\nend\n",
			 "t.cfg:2: id outside an entry (it must follow an 'entry' line)");
}

/* At most 8 levels: a ninth is an error, its entries go to the eighth, its end matches it. */
static void test_submenu_depth(void **state)
{
	char text[2000];
	int n = 0;

	for (int i = 1; i <= 9; i++)
		n += snprintf(text + n, sizeof(text) - n, "submenu L%d\n", i);
	n += snprintf(text + n, sizeof(text) - n, "entry Deep\nkernel /d\n");
	for (int i = 1; i <= 9; i++)
		n += snprintf(text + n, sizeof(text) - n, "end\n");
	n += snprintf(text + n, sizeof(text) - n, "entry Top\nkernel /t\n");
	expect_one_error(text, "t.cfg:9: submenus nested deeper than 8 levels: its entries go one "
			       "level up");
	assert_int_equal(cfg.n_entries, 10);
	assert_true(cfg.entries[7].submenu);
	assert_string_equal(cfg.entries[7].title, "L8");
	assert_string_equal(cfg.entries[8].title, "Deep");
	assert_int_equal(cfg.entries[8].parent, 7);
	assert_int_equal(cfg.entries[9].parent, -1);
	cfgfuzz_check(&cfg, E_INVAL, false);
	/* Eight levels are fine. */
	n = 0;
	for (int i = 1; i <= 8; i++)
		n += snprintf(text + n, sizeof(text) - n, "submenu L%d\n", i);
	n += snprintf(text + n, sizeof(text) - n, "entry Deep\nkernel /d\n");
	for (int i = 1; i <= 8; i++)
		n += snprintf(text + n, sizeof(text) - n, "end\n");
	assert_int_equal(parse(text), 0);
	assert_int_equal(cfg.entries[8].parent, 7);
	/* Too deep and left open: each level is closed and said. */
	n = 0;
	for (int i = 1; i <= 10; i++)
		n += snprintf(text + n, sizeof(text) - n, "submenu L%d\n", i);
	n += snprintf(text + n, sizeof(text) - n, "entry Deep\nkernel /d\n");
	assert_int_equal(parse(text), E_INVAL);
	assert_int_equal(cfg.n_errors, 12);
	assert_string_equal(cfg.errors[2], "t.cfg:12: submenu has no 'end'");
	assert_string_equal(cfg.errors[11], "t.cfg:1: submenu 'L1' has no 'end'");
	assert_int_equal(cfg.n_entries, 9);
	cfgfuzz_check(&cfg, E_INVAL, false);
}

static void test_include(void **state)
{
	static const struct ffile t[] = {
	    {"/globals.cfg", "timeout 7\nserial com2\n", 0},
	    {"/debian.cfg",
	     "entry Debian\n  kernel /vmlinuz\n  id debian\n\nentry Rescue\n"
	     "  kernel /vmlinuz\n  bogus\n",
	     0},
	    {"(hd0,gpt2)/boot/more.cfg", "submenu More\n  entry M\n  kernel /m\nend\n", 0},
	};
	SERVE(t);
	assert_int_equal(parse_inc("include /globals.cfg\n"
				   "default debian\n"
				   "entry First\nkernel /f\n"
				   "include /debian.cfg\n"
				   "entry Last\nkernel /l\n"
				   "include (hd0,gpt2)/boot/more.cfg\n"),
			 E_INVAL);
	assert_int_equal(reads, 3);
	assert_int_equal(cfg.timeout, 7);
	assert_int_equal(cfg.serial_port, 0x2f8);
	EXPECT_ERRORS("/debian.cfg:7: unknown keyword 'bogus'");
	assert_int_equal(cfg.n_entries, 6);
	assert_string_equal(cfg.entries[0].title, "First");
	assert_string_equal(cfg.entries[1].title, "Debian");
	assert_string_equal(cfg.entries[1].source, "/debian.cfg:1");
	assert_int_equal(cfg.entries[1].line, 1);
	assert_string_equal(cfg.entries[2].title, "Rescue");
	assert_string_equal(cfg.entries[3].title, "Last");
	assert_string_equal(cfg.entries[3].source, "t.cfg:6");
	assert_true(cfg.entries[4].submenu);
	assert_string_equal(cfg.entries[4].source, "(hd0,gpt2)/boot/more.cfg:1");
	assert_int_equal(cfg.entries[5].parent, 4);
	assert_int_equal(config_default_index(&cfg), 1);
	config_finish(&cfg);
	assert_int_equal(cfg.n_errors, 1);

	/* An include right after an entry's kernel ends that entry. */
	assert_int_equal(parse_inc("entry A\nkernel /a\ninclude /globals.cfg\ncmdline x\n"),
			 E_INVAL);
	EXPECT_ERRORS("/globals.cfg:1: timeout must come before the first entry",
		      "/globals.cfg:2: serial must come before the first entry",
		      "t.cfg:4: cmdline outside an entry (it must follow an 'entry' line)");
	assert_string_equal(cfg.entries[0].cmdline, "");
	/* An included file's last entry ends with it. */
	assert_int_equal(parse_inc("include /debian.cfg\n  cmdline leak\n"), E_INVAL);
	EXPECT_ERRORS("/debian.cfg:7: unknown keyword 'bogus'",
		      "t.cfg:2: cmdline outside an entry (it must follow an 'entry' line)");
	assert_string_equal(cfg.entries[1].cmdline, "");
	/* Inside an entry (before its kernel): an error, the include is not read. */
	assert_int_equal(parse_inc("entry A\ninclude /debian.cfg\nkernel /a\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:2: include inside an entry: put it before the 'entry' line or after "
		      "the entry's options");
	assert_int_equal(reads, 0);
	assert_int_equal(cfg.n_entries, 1);
	assert_string_equal(cfg.entries[0].kernel, "/a");
	expect_one_error("include\n", "t.cfg:1: include needs a value");
	/* Without a reader (config_parse): an error, parsing goes on. */
	expect_one_error("include /debian.cfg\nentry A\nkernel /a\n",
			 "t.cfg:1: include '/debian.cfg': no files can be read here");
	assert_int_equal(cfg.n_entries, 1);
}

static void test_include_errors(void **state)
{
	static const struct ffile t[] = {
	    {"a.cfg", "entry A\nkernel /a\n\ninclude b.cfg\nentry A2\nkernel /a2\n", 0},
	    {"b.cfg", "entry B\nkernel /b\ninclude a.cfg\n", 0},
	    {"self.cfg", "# me\ninclude self.cfg\nentry S\nkernel /s\n", 0},
	    {"/top.cfg", "include t.cfg\n", 0},
	    {"open.cfg", "submenu Open\nentry O\nkernel /o\n", 0},
	    {"close.cfg", "entry C\nkernel /c\nend\n", 0},
	    {"nul.cfg", "entry N\nkernel /n\ncmdline a\0b", 29},
	};
	SERVE(t);
	/* A loop, reported where it starts, then parsing goes on after the include. */
	assert_int_equal(parse_inc("include a.cfg\nentry T\nkernel /t\n"), E_INVAL);
	EXPECT_ERRORS("a.cfg:4: include loop: a.cfg -> b.cfg -> a.cfg");
	assert_int_equal(cfg.n_entries, 4);
	assert_string_equal(cfg.entries[0].title, "A");
	assert_string_equal(cfg.entries[1].title, "B");
	assert_string_equal(cfg.entries[2].title, "A2");
	assert_string_equal(cfg.entries[3].title, "T");
	assert_int_equal(reads, 2);
	/* A file including itself. */
	assert_int_equal(parse_inc("include self.cfg\n"), E_INVAL);
	EXPECT_ERRORS("self.cfg:2: include loop: self.cfg -> self.cfg");
	assert_int_equal(cfg.n_entries, 1);
	/* Back to the main file ("/t.cfg" is "t.cfg", the name the caller gave). */
	assert_int_equal(parse_inc("include /top.cfg\nentry X\nkernel /x\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:1: include loop: t.cfg -> /top.cfg -> t.cfg");
	/* Missing, unreadable: named, with the line. */
	assert_int_equal(
	    parse_inc("\ninclude /nope.cfg\ninclude /broken.cfg\nentry X\nkernel /x\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:2: include '/nope.cfg': file not found",
		      "t.cfg:3: include '/broken.cfg': read error on the disk");
	assert_int_equal(cfg.n_entries, 1);
	/* A submenu belongs to its file: opened in one, it is closed at that file's end... */
	assert_int_equal(parse_inc("include open.cfg\nentry X\nkernel /x\n"), E_INVAL);
	EXPECT_ERRORS("open.cfg:1: submenu 'Open' has no 'end'");
	assert_int_equal(cfg.entries[2].parent, -1);
	/* ...and an included `end` cannot close the includer's. */
	assert_int_equal(parse_inc("submenu S\ninclude close.cfg\nend\n"), E_INVAL);
	EXPECT_ERRORS("close.cfg:3: end without a submenu");
	assert_int_equal(cfg.entries[1].parent, 0);
	/* Line checks apply in included files too. */
	assert_int_equal(parse_inc("include nul.cfg\n"), E_INVAL);
	EXPECT_ERRORS("nul.cfg:3: NUL byte in the line");
	/* Messages name an odd path printably. */
	assert_int_equal(parse_inc("include /x\001y\n"), E_INVAL);
	EXPECT_ERRORS("t.cfg:1: include '/x?y': file not found");
}

/* Eight files deep are fine (the main one and eight includes); a ninth is refused. */
static void test_include_depth(void **state)
{
	static struct ffile t[10];
	static char paths[10][16], texts[10][64];
	for (int i = 0; i < 10; i++) {
		snprintf(paths[i], sizeof(paths[i]), "d%d.cfg", i + 1);
		snprintf(texts[i], sizeof(texts[i]), "entry E%d\nkernel /e\ninclude d%d.cfg\n",
			 i + 1, i + 2);
		t[i].path = paths[i];
		t[i].text = texts[i];
	}
	SERVE(t);
	assert_int_equal(parse_inc("include d1.cfg\n"), E_INVAL);
	EXPECT_ERRORS("d8.cfg:3: include 'd9.cfg': files included more than 8 deep");
	assert_int_equal(cfg.n_entries, 8);
	assert_int_equal(reads, 8);

	/* Many files side by side (not deep) are fine up to 64; then each one more is refused. */
	static const struct ffile one[] = {{"one.cfg", "# nothing\n", 0}};
	SERVE(one);
	char *text = malloc(70 * 20);
	size_t n = 0;
	for (int i = 0; i < 66; i++)
		n += sprintf(text + n, "include one.cfg\n");
	assert_int_equal(parse_inc(text), E_INVAL);
	assert_int_equal(reads, 64);
	EXPECT_ERRORS("t.cfg:65: include 'one.cfg': more than 64 included files",
		      "t.cfg:66: include 'one.cfg': more than 64 included files");
	free(text);
}

/* A tree of includes where each file includes the next ones twice stops at 64 files. */
static void test_include_fanout(void **state)
{
	static struct ffile t[8];
	static char paths[8][16], texts[8][64];
	for (int i = 0; i < 8; i++) {
		snprintf(paths[i], sizeof(paths[i]), "f%d", i);
		snprintf(texts[i], sizeof(texts[i]), "include f%d\ninclude f%d\n", i + 1, i + 1);
		t[i].path = paths[i];
		t[i].text = texts[i];
	}
	SERVE(t);
	assert_int_equal(parse_inc("include f0\ninclude f0\ninclude f0\n"), E_INVAL);
	assert_int_equal(reads, 64);
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
}

/* Errors from several files are all collected, in order, up to the limit. */
static void test_include_many_errors(void **state)
{
	static const struct ffile t[] = {{"x.cfg", "bad1\nbad2\n", 0}};
	SERVE(t);
	assert_int_equal(parse_inc("bad0\ninclude x.cfg\nbad3\ninclude x.cfg\ninclude y.cfg\n"),
			 E_INVAL);
	EXPECT_ERRORS("t.cfg:1: unknown keyword 'bad0'", "x.cfg:1: unknown keyword 'bad1'",
		      "x.cfg:2: unknown keyword 'bad2'", "t.cfg:3: unknown keyword 'bad3'",
		      "x.cfg:1: unknown keyword 'bad1'", "x.cfg:2: unknown keyword 'bad2'",
		      "t.cfg:5: include 'y.cfg': file not found");
	assert_string_equal(err_msg(), "t.cfg:1: unknown keyword 'bad0'");
	/* Past the limit: the last slot counts the rest, named after the main file. */
	char text[600];
	int n = 0;
	for (int i = 0; i < 10; i++)
		n += snprintf(text + n, sizeof(text) - n, "include x.cfg\n");
	assert_int_equal(parse_inc(text), E_INVAL);
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	assert_string_equal(cfg.errors[14], "x.cfg:1: unknown keyword 'bad1'");
	assert_string_equal(cfg.errors[15], "... 5 more not shown");
}

/* Inputs the fuzzer once broke (tests/fuzz/regress/fuzz_config/), replayed through its checks. */
static void test_fuzz_regress(void **state)
{
	const char *dir = "tests/fuzz/regress/fuzz_config";
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));) {
		char path[512];
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		static uint8_t buf[1 << 20];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		cfgfuzz_one(buf, len);
		n++;
	}
	closedir(d);
	printf("replayed %d inputs from %s\n", n, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_full, teardown),
	    cmocka_unit_test_teardown(test_defaults, teardown),
	    cmocka_unit_test_teardown(test_empty_and_no_entries, teardown),
	    cmocka_unit_test_teardown(test_crlf, teardown),
	    cmocka_unit_test_teardown(test_no_final_newline, teardown),
	    cmocka_unit_test_teardown(test_whitespace, teardown),
	    cmocka_unit_test_teardown(test_comments, teardown),
	    cmocka_unit_test_teardown(test_initrds, teardown),
	    cmocka_unit_test_teardown(test_too_many_initrds, teardown),
	    cmocka_unit_test_teardown(test_timeout, teardown),
	    cmocka_unit_test_teardown(test_globals_after_entry, teardown),
	    cmocka_unit_test_teardown(test_root, teardown),
	    cmocka_unit_test_teardown(test_default_index, teardown),
	    cmocka_unit_test_teardown(test_unknown_keyword, teardown),
	    cmocka_unit_test_teardown(test_option_outside_entry, teardown),
	    cmocka_unit_test_teardown(test_missing_value, teardown),
	    cmocka_unit_test_teardown(test_empty_cmdline, teardown),
	    cmocka_unit_test_teardown(test_duplicates, teardown),
	    cmocka_unit_test_teardown(test_protocols, teardown),
	    cmocka_unit_test_teardown(test_entry_without_kernel, teardown),
	    cmocka_unit_test_teardown(test_entry_with_errors_kept, teardown),
	    cmocka_unit_test_teardown(test_long_line, teardown),
	    cmocka_unit_test_teardown(test_nul_byte, teardown),
	    cmocka_unit_test_teardown(test_error_limit, teardown),
	    cmocka_unit_test_teardown(test_filename, teardown),
	    cmocka_unit_test_teardown(test_free_zeroes, teardown),
	    cmocka_unit_test_teardown(test_many_entries, teardown),
	    cmocka_unit_test_teardown(test_weird_input, teardown),
	    cmocka_unit_test_teardown(test_id, teardown),
	    cmocka_unit_test_teardown(test_made_ids, teardown),
	    cmocka_unit_test_teardown(test_find_bli, teardown),
	    cmocka_unit_test_teardown(test_find, teardown),
	    cmocka_unit_test_teardown(test_default_saved, teardown),
	    cmocka_unit_test_teardown(test_finish, teardown),
	    cmocka_unit_test_teardown(test_serial_console, teardown),
	    cmocka_unit_test_teardown(test_submenu, teardown),
	    cmocka_unit_test_teardown(test_submenu_errors, teardown),
	    cmocka_unit_test_teardown(test_submenu_depth, teardown),
	    cmocka_unit_test_teardown(test_include, teardown),
	    cmocka_unit_test_teardown(test_include_errors, teardown),
	    cmocka_unit_test_teardown(test_include_depth, teardown),
	    cmocka_unit_test_teardown(test_include_fanout, teardown),
	    cmocka_unit_test_teardown(test_include_many_errors, teardown),
	    cmocka_unit_test_teardown(test_fuzz_regress, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
