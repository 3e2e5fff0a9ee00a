/* report.h: PASS/FAIL lines and counters for the conformance kernels, printed via a callback. */
#ifndef CONF_REPORT_H
#define CONF_REPORT_H

#include <stdarg.h>
#include "util.h"

struct report {
	void (*putc)(void *ctx, char c);
	void *ctx;
	unsigned passed, failed;
	const char *last; /* the last check reported, to place a CPU exception */
};

void rp_putc(struct report *r, char c);
void rp_puts(struct report *r, const char *s);
/* A small printf: %s %c %d %u %x with l/ll (PX64/PU64 for uint64_t), a 0 flag and a width; "%%". */
void rp_vprintf(struct report *r, const char *fmt, va_list ap);
void rp_printf(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * One check: "PASS: what" or "FAIL: what (details)", details formatted from fmt only on failure.
 * Returns ok.
 */
bool rp_check(struct report *r, bool ok, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rp_pass(struct report *r, const char *what);
void rp_fail(struct report *r, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "BATON-CONFORMANCE <name> done: N passed, M failed" */
void rp_summary(struct report *r, const char *name);

#endif
