/* toolrun.h: runs the host tool (build/baton, or $BATON_TOOL) from a unit test. */
#ifndef TOOLRUN_H
#define TOOLRUN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static inline const char *tool_path(void)
{
	return getenv("BATON_TOOL") ? getenv("BATON_TOOL") : "build/baton";
}

/* Runs `baton ARGS`: its exit status (-1 if it did not exit), stdout and stderr in out. */
static inline __attribute__((format(printf, 3, 4))) int tool_run(char *out, size_t n,
								 const char *fmt, ...)
{
	char args[1024], cmd[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", tool_path(), args);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t got = fread(out, 1, n - 1, p);
	out[got] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
