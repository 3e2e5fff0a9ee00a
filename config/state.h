/* state.h: the state file (\EFI\baton\state): the saved and one-shot entries, its on-disk format.
 */
#ifndef BATON_STATE_H
#define BATON_STATE_H

#include "lib.h"

/*
 * The file is STATE_FILE_SIZE bytes: two slots of STATE_SLOT_SIZE, each a whole copy of the
 * state with a sequence number and a CRC-32. A writer puts the next state (sequence + 1) into
 * the slot that does not hold the current one and touches nothing else, so a write torn by a
 * power cut leaves the older slot valid: a reader takes the valid slot with the highest
 * sequence number. The file is made once, fully allocated, by `baton install` or `baton mkiso`;
 * baton rewrites its sectors in place at boot and never allocates (README "Saved and one-shot
 * entries").
 *
 * A slot, little-endian:
 *   0   8  magic "BTNSTATE"
 *   8   4  format version (STATE_VERSION); a reader refuses a file with a newer one
 *   12  4  flags, 0
 *   16  8  sequence number
 *   24  4  CRC-32 (zlib's) of the whole slot with these 4 bytes as zeros
 *   28  4  0
 *   32  256 the saved entry: an id or title, NUL-terminated, NULs to the end ("" none)
 *   288 256 the one-shot entry, the same way
 *   544 ... 0xff to the end of the slot (room for later versions; not read)
 * A later version must keep the magic, version, sequence and CRC where they are. No 512-byte
 * block of the file is all zeros, so no filesystem keeps one as a hole (mke2fs -d, debugfs and
 * cp --sparse make holes of zero blocks), which could not be rewritten in place.
 */
#define STATE_FILE_SIZE 4096u
#define STATE_SLOT_SIZE 2048u
#define STATE_SLOTS	2
#define STATE_VERSION	1u
#define STATE_ID_MAX	256u /* bytes of a name field, with its NUL */

/* Where baton looks for it on its boot volume, in this order (install puts it beside the
 * config it finds or makes). */
extern const char *const state_paths[2];

struct state {
	uint64_t seq; /* of the slot the state came from; 0 for a file with no valid slot */
	int slot;     /* that slot; -1: none (a writer then uses slot 0) */
	char saved[STATE_ID_MAX];
	char oneshot[STATE_ID_MAX];
};

/*
 * Reads a state file's len bytes. 0 and *st (the newest valid slot); E_RANGE when it is not
 * STATE_FILE_SIZE bytes, E_UNSUPP when a valid slot has a newer format version (nothing may be
 * written then), E_CORRUPT when no slot is valid; err_msg() says which.
 */
int state_parse(const void *buf, size_t len, struct state *st);

/*
 * A name that fits a slot: shorter than STATE_ID_MAX bytes, no control characters. "" is
 * fine (no entry).
 */
bool state_name_ok(const char *name);

/*
 * Puts st's names into buf (the file's current STATE_FILE_SIZE bytes) as the next state: in the
 * slot st->slot is not (slot 0 when st->slot is -1), with sequence st->seq + 1; st then
 * describes the new slot. Only that slot's bytes change. Returns the slot written, or E_INVAL
 * (a name that does not fit, err_msg() says which).
 */
int state_build(void *buf, struct state *st);

/* A new file: slot 0 valid (sequence 1, no names), slot 1 0xff bytes (not valid). */
void state_init(void *buf);

/* --- the file on a filesystem (statefile.c): read, and rewritten in place --- */
struct fs;

/*
 * Opens path on fs, reads its STATE_FILE_SIZE bytes into buf and parses them into st. E_NOENT
 * when there is no such file; other errors as state_parse() or the filesystem give them.
 */
int state_read(struct fs *fs, const char *path, uint8_t buf[STATE_FILE_SIZE], struct state *st);

/*
 * Writes st's names as the next state (state_build) over the slot st does not hold, in the
 * file's own sectors (fs_rewrite: nothing allocated, read back and compared), then checks
 * that the file's bytes, buf, now give st. buf: the file's bytes as state_read() left them.
 */
int state_write(struct fs *fs, const char *path, uint8_t buf[STATE_FILE_SIZE], struct state *st);

#endif
