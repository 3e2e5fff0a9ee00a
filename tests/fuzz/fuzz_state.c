/* fuzz_state.c: libFuzzer target: the state file parser (config/state.c) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "state.h"

static void names_ok(const struct state *st)
{
	if (!memchr(st->saved, 0, STATE_ID_MAX) || !memchr(st->oneshot, 0, STATE_ID_MAX) ||
	    !state_name_ok(st->saved) || !state_name_ok(st->oneshot))
		abort();
}

/*
 * What the boot and the host tool rely on: the result is one of the documented errors or a
 * state with valid names; writing the next state over it changes only the other slot and reads
 * back as exactly that state; a write of that slot that never lands leaves the state as it was.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st, got, next;
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size); /* exactly size bytes: ASan catches a read past the end */
	int r = state_parse(buf, size, &st);
	if ((size != STATE_FILE_SIZE) != (r == E_RANGE))
		abort();
	if (r && r != E_RANGE && r != E_UNSUPP && r != E_CORRUPT)
		abort();
	if (r) {
		if (st.slot != -1 || st.seq)
			abort();
		free(buf);
		return 0;
	}
	if (st.slot < 0 || st.slot > 1 || !st.seq)
		abort();
	names_ok(&st);

	uint8_t *old = malloc(STATE_FILE_SIZE);
	memcpy(old, buf, STATE_FILE_SIZE);
	next = st;
	/* Swap the names: any valid name must go through a write unchanged. */
	memcpy(next.saved, st.oneshot, STATE_ID_MAX);
	memcpy(next.oneshot, st.saved, STATE_ID_MAX);
	int slot = state_build(buf, &next);
	if (slot != 1 - st.slot || next.slot != slot || next.seq != st.seq + 1)
		abort();
	if (memcmp(buf + st.slot * STATE_SLOT_SIZE, old + st.slot * STATE_SLOT_SIZE,
		   STATE_SLOT_SIZE))
		abort();
	if (state_parse(buf, STATE_FILE_SIZE, &got) || got.slot != slot || got.seq != next.seq ||
	    strcmp(got.saved, st.oneshot) || strcmp(got.oneshot, st.saved))
		abort();
	/*
	 * Torn writes of that slot. Only its first sector landed: the new state or the old one.
	 * Nothing landed: the old one, exactly.
	 */
	uint8_t *mix = malloc(STATE_FILE_SIZE);
	memcpy(mix, old, STATE_FILE_SIZE);
	memcpy(mix + slot * STATE_SLOT_SIZE, buf + slot * STATE_SLOT_SIZE, 512);
	if (state_parse(mix, STATE_FILE_SIZE, &got))
		abort();
	names_ok(&got);
	if (got.seq != next.seq && got.seq != st.seq)
		abort();
	if (state_parse(old, STATE_FILE_SIZE, &got) || got.seq != st.seq || got.slot != st.slot ||
	    strcmp(got.saved, st.saved) || strcmp(got.oneshot, st.oneshot))
		abort();
	free(mix);
	free(old);
	free(buf);
	return 0;
}
