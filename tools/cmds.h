/* cmds.h: the host tool's subcommands, one file per group. */
#ifndef BATON_CMDS_H
#define BATON_CMDS_H

/* Prints the usage text; returns the exit status for a usage error. */
int usage(void);

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
