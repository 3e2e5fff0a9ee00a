/* saved.h: the saved and one-shot entries (the state file) and the Boot Loader Interface's. */
#ifndef BATON_SAVED_H
#define BATON_SAVED_H

#include "core.h"

/*
 * After the entries are known: reads the state file on the boot volume and the Boot Loader
 * Interface's variables into cfg (oneshot, default_entry, saved, timeout), clears the one-shot
 * requests (in the file, before anything boots; the EFI variables once read), and tells the OS
 * the entries and what baton honours. Problems are one-line warnings, never fatal.
 */
void saved_load(struct bvol *bv, struct config *cfg);

/*
 * Entry sel is about to boot: LoaderEntrySelected, and with `default @saved` its name becomes
 * the saved entry (written only when it changed).
 */
void saved_chosen(const struct config *cfg, int sel);

#endif
