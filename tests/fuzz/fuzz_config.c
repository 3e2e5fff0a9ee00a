/* fuzz_config.c: libFuzzer target: the baton.cfg parser, includes too, must never misbehave. */
#include "cfgfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cfgfuzz_one(data, size);
	return 0;
}
