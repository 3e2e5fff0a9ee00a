/* fuzz_ext4.c: libFuzzer target: the ext2/3/4 driver never misbehaves on arbitrary disks. */
#include "fuzzdisk.h"

/* Names the seeds (tests/fuzz/seeds.sh) hold, symlinks among them. */
static const char *const paths[] = {"/EFI/BOOT/baton.cfg",
				    "/a/b/c",
				    "/",
				    "/A/../a/b/./c",
				    "/frag.bin",
				    "/dir",
				    "/dir/Long File Name.txt",
				    "/dir/sub/x",
				    "/link",
				    "/dirlink/x",
				    "/loop",
				    "/slowlink",
				    "/many",
				    "/sparse.bin"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_disk(data, size, "ext4", paths, sizeof(paths) / sizeof(paths[0]));
}
