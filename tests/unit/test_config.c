/* test_config.c: unit tests of the baton.cfg parser (config/config.c), rule by rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"

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
	    {"1", 0},	    {"2", 1},	{"3", 2},  {"Two words", 1},
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
	/* A number out of range falls back to a title that happens to be that number. */
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
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], "t.cfg: 5 more errors not shown");
	assert_string_equal(err_msg(), "t.cfg:1: unknown keyword 'bad1'");
	assert_int_equal(cfg.n_entries, 1);

	/* Exactly CFG_MAX_ERRORS: all of them are shown. */
	n = 0;
	for (int i = 0; i < CFG_MAX_ERRORS; i++)
		n += snprintf(text + n, sizeof(text) - n, "bad%d\n", i + 1);
	assert_int_equal(parse(text), E_INVAL);
	assert_int_equal(cfg.n_errors, CFG_MAX_ERRORS);
	assert_string_equal(cfg.errors[CFG_MAX_ERRORS - 1], "t.cfg:8: unknown keyword 'bad8'");
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
		assert_true(!strncmp(cfg.errors[i], "t.cfg:", 6));
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
