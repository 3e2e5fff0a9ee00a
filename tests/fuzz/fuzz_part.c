/* fuzz_part.c: libFuzzer target: the MBR (with EBR chains) and GPT scanner on arbitrary disks. */
#include "fuzzdisk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_disk(data, size, NULL, NULL, 0);
}
