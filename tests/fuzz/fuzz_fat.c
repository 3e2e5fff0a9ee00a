/* fuzz_fat.c: libFuzzer target: the FAT12/16/32 driver on arbitrary disks never misbehaves. */
#include "fuzzdisk.h"

/* Names the seeds (tests/fuzz/seeds.sh) hold, and paths through "." and "..". */
static const char *const paths[] = {
    "/EFI/BOOT/baton.cfg",     "/a/b/c",    "/", "/A/../a/B/./C", "/big.bin", "/frag.bin", "/dir",
    "/dir/Long File Name.txt", "/dir/sub/x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_disk(data, size, "fat", paths, sizeof(paths) / sizeof(paths[0]));
}
