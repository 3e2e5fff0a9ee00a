/* state.c: the state file's format (state.h): two slots, the newest valid one wins. */
#include "state.h"
#include "zlib.h"

#define OFF_VERSION 8
#define OFF_FLAGS   12
#define OFF_SEQ	    16
#define OFF_CRC	    24
#define OFF_SAVED   32
#define OFF_ONESHOT (OFF_SAVED + STATE_ID_MAX)
#define STATE_PAD   (OFF_ONESHOT + STATE_ID_MAX) /* 0xff from here to the end of the slot */

static const char magic[8] = {'B', 'T', 'N', 'S', 'T', 'A', 'T', 'E'};

const char *const state_paths[2] = {"/EFI/baton/state", "/boot/baton/state"};

static uint32_t slot_crc(const uint8_t *s)
{
	static const uint8_t zero[4];
	uint32_t c = (uint32_t)crc32(0, s, OFF_CRC);

	c = (uint32_t)crc32(c, zero, 4);
	return (uint32_t)crc32(c, s + OFF_CRC + 4, STATE_SLOT_SIZE - OFF_CRC - 4);
}

bool state_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if ((unsigned char)name[n] < 0x20 || name[n] == 0x7f)
			return false;
	return n < STATE_ID_MAX;
}

/* A name field: NUL-terminated inside it, zeros after, a name state_name_ok() takes. */
static bool field_ok(const uint8_t *f)
{
	const uint8_t *nul = memchr(f, 0, STATE_ID_MAX);

	if (!nul)
		return false;
	for (const uint8_t *p = nul; p < f + STATE_ID_MAX; p++)
		if (*p)
			return false;
	return state_name_ok((const char *)f);
}

enum slot_kind { SLOT_BAD, SLOT_OK, SLOT_NEWER };

static enum slot_kind slot_check(const uint8_t *s, const char **why)
{
	if (memcmp(s, magic, sizeof(magic))) {
		*why = "no magic";
		return SLOT_BAD;
	}
	if (get32(s + OFF_CRC) != slot_crc(s)) {
		*why = "bad CRC";
		return SLOT_BAD;
	}
	/* The CRC holds: what is in the slot is what a writer meant. */
	if (get32(s + OFF_VERSION) > STATE_VERSION)
		return SLOT_NEWER;
	if (get32(s + OFF_VERSION) != STATE_VERSION || get32(s + OFF_FLAGS) ||
	    !get64(s + OFF_SEQ) || !field_ok(s + OFF_SAVED) || !field_ok(s + OFF_ONESHOT)) {
		*why = "bad fields";
		return SLOT_BAD;
	}
	return SLOT_OK;
}

int state_parse(const void *buf, size_t len, struct state *st)
{
	const uint8_t *b = buf;
	const char *why[STATE_SLOTS] = {"", ""};
	int best = -1;

	memset(st, 0, sizeof(*st));
	st->slot = -1;
	if (len != STATE_FILE_SIZE)
		return err_set(E_RANGE, "it is %llu bytes, not %u", (unsigned long long)len,
			       STATE_FILE_SIZE);
	for (int i = 0; i < STATE_SLOTS; i++) {
		const uint8_t *s = b + i * STATE_SLOT_SIZE;
		enum slot_kind k = slot_check(s, &why[i]);
		if (k == SLOT_NEWER)
			return err_set(
			    E_UNSUPP,
			    "it was written by a newer baton (format %u; this one reads %u)",
			    get32(s + OFF_VERSION), STATE_VERSION);
		/* Two valid slots with one sequence number cannot come from a writer: take the
		 * first, deterministically. */
		if (k == SLOT_OK && (best < 0 || get64(s + OFF_SEQ) > st->seq)) {
			best = i;
			st->seq = get64(s + OFF_SEQ);
		}
	}
	if (best < 0)
		return err_set(E_CORRUPT, "no valid copy in it (slot 0: %s, slot 1: %s)", why[0],
			       why[1]);
	const uint8_t *s = b + best * STATE_SLOT_SIZE;
	st->slot = best;
	memcpy(st->saved, s + OFF_SAVED, STATE_ID_MAX);
	memcpy(st->oneshot, s + OFF_ONESHOT, STATE_ID_MAX);
	return 0;
}

int state_build(void *buf, struct state *st)
{
	int slot = st->slot == 0 ? 1 : 0;
	uint8_t *s = (uint8_t *)buf + slot * STATE_SLOT_SIZE;

	if (!memchr(st->saved, 0, STATE_ID_MAX) || !memchr(st->oneshot, 0, STATE_ID_MAX) ||
	    !state_name_ok(st->saved) || !state_name_ok(st->oneshot))
		return err_set(E_INVAL,
			       "an entry name for the state file must be shorter than %u bytes, "
			       "without control characters",
			       STATE_ID_MAX);
	memset(s, 0, STATE_PAD);
	memset(s + STATE_PAD, 0xff, STATE_SLOT_SIZE - STATE_PAD);
	memcpy(s, magic, sizeof(magic));
	put32(s + OFF_VERSION, STATE_VERSION);
	put64(s + OFF_SEQ, st->seq + 1);
	memcpy(s + OFF_SAVED, st->saved, strlen(st->saved));
	memcpy(s + OFF_ONESHOT, st->oneshot, strlen(st->oneshot));
	put32(s + OFF_CRC, slot_crc(s));
	st->seq++;
	st->slot = slot;
	return slot;
}

void state_init(void *buf)
{
	struct state st;

	memset(buf, 0xff, STATE_FILE_SIZE);
	memset(&st, 0, sizeof(st));
	st.slot = 1; /* so that slot 0 is written, with sequence 1 */
	state_build(buf, &st);
}
