/* fuzz_iso9660.c: libFuzzer target: the ISO9660 driver (Rock Ridge, Joliet) never misbehaves. */
#include "fuzzdisk.h"

/* Names the seeds (tests/fuzz/seeds.sh) hold, symlinks among them. */
static const char *const paths[] = {
    "/EFI/BOOT/baton.cfg",     "/a/b/c",     "/",     "/A/../a/B/./C", "/frag.bin", "/dir",
    "/dir/Long File Name.txt", "/dir/sub/x", "/link", "/dirlink/x",    "/loop"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_disk(data, size, "iso9660", paths, sizeof(paths) / sizeof(paths[0]));
}
