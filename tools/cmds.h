/* cmds.h: the host tool's subcommands, one file per group. */
#ifndef BATON_CMDS_H
#define BATON_CMDS_H

#include <stddef.h>

/* Prints the usage text; returns the exit status for a usage error. */
int usage(void);
/*
 * A whole host file, read to its end (pipes and /proc files too), into a malloc()ed buffer with
 * a NUL after its *len bytes; NULL with errno set when it cannot be opened or read.
 */
unsigned char *read_file(const char *path, size_t *len);

int cmd_check(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_mkiso(int argc, char **argv);
int cmd_install(int argc, char **argv);
int cmd_uninstall(int argc, char **argv);
int cmd_set_default(int argc, char **argv);
int cmd_oneshot(int argc, char **argv);
int cmd_state(int argc, char **argv);

#endif
