#!/usr/bin/env bash
# seeds.sh CORPUS: seeds the disk fuzz targets' corpora with small images made by the real tools.
#
# Each image becomes CORPUS/<target>/seed-<name> in fuzzdisk.h's sparse form ("SPRS", the block
# count, then (offset, length, bytes) extents over zeros), so a 40 MiB FAT32 disk is a few KiB.
# Skipped when the seeds are up to date (a stamp keyed on this script).
set -euo pipefail
corpus=$(realpath -m "${1:?usage: seeds.sh CORPUS}")
self=$(readlink -f "$0")
sum=$(sha256sum "$self" | cut -d' ' -f1)
stamp=$corpus/.seeds
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8

# seed TARGET NAME IMG: writes IMG's non-zero blocks as a sparse seed.
seed() {
	mkdir -p "$corpus/$1"
	python3 - "$3" "$corpus/$1/seed-$2" <<'EOF'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
bs = 512
out = bytearray(b'SPRS' + struct.pack('<I', len(data) // bs))
blk = 0
while blk < len(data) // bs:
    if not any(data[blk * bs:(blk + 1) * bs]):
        blk += 1
        continue
    start = blk
    while blk < len(data) // bs and any(data[blk * bs:(blk + 1) * bs]) and (blk - start) < 127:
        blk += 1
    chunk = data[start * bs:blk * bs]
    out += struct.pack('<IH', start * bs, len(chunk)) + chunk
open(dst, 'wb').write(out)
EOF
}

# A small tree: the names fuzz_fat.c and the others open.
tree=tree
mkdir -p $tree/EFI/BOOT "$tree/dir/sub" $tree/a/b
printf 'timeout 3\nentry Linux\n\tkernel /vmlinuz\n' >$tree/EFI/BOOT/baton.cfg
printf 'long\n' >"$tree/dir/Long File Name.txt"
printf 'x\n' >$tree/dir/sub/x
printf 'c\n' >$tree/a/b/c
head -c 3000 /dev/zero | tr '\0' 'f' >$tree/frag.bin
# For the filesystems with symlinks (FAT's mcopy follows them: it gets a copy without them).
ltree=ltree
cp -r $tree $ltree
ln -s dir/sub/x $ltree/link
ln -s dir/sub $ltree/dirlink
ln -s loop $ltree/loop
ln -s "$(printf 'a/%.0s' $(seq 1 40))../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../frag.bin" $ltree/slowlink
mkdir $ltree/many
for i in $(seq 1 150); do : >"$ltree/many/entry number $i"; done
truncate -s 200K $ltree/sparse.bin && printf 'data' | dd of=$ltree/sparse.bin bs=1 seek=100000 conv=notrunc status=none

# --- partition tables (no filesystems needed) ---
truncate -s 4M gpt.img
sgdisk -o -n 1:2048:+1M -t 1:ef00 -n 2:0:+1M -t 2:8300 gpt.img >/dev/null
seed fuzz_part gpt gpt.img
cp gpt.img hybrid.img && sgdisk -h 1:2 hybrid.img >/dev/null
seed fuzz_part hybrid hybrid.img
truncate -s 4M mbr.img
printf 'label: dos\nstart=64, size=1000, type=c\nstart=2048, size=6000, type=5\n'\
'start=2112, size=1000, type=83\nstart=4096, size=1000, type=7\n' | sfdisk mbr.img >/dev/null
seed fuzz_part mbr mbr.img

# --- FAT12, FAT16, FAT32, on a disk and on a partition ---
mkfat() { # IMG SIZE_KIB MKFS_ARGS...
	local img=$1 kib=$2
	shift 2
	truncate -s "${kib}K" "$img"
	mkfs.vfat "$@" "$img" >/dev/null 2>&1
	(cd $tree && mcopy -s -Q -i "$work/$img" ./* ::/)
}
mkfat fat12.img 1440 -F 12
seed fuzz_fat fat12 fat12.img
mkfat fat16.img 8192 -F 16 -s 1
seed fuzz_fat fat16 fat16.img
mkfat fat32.img 40960 -F 32 -s 1
seed fuzz_fat fat32 fat32.img
truncate -s 10M fatpart.img
sgdisk -o -n 1:2048:0 -t 1:ef00 fatpart.img >/dev/null
mkfs.vfat --offset 2048 -F 16 fatpart.img $(((10 * 2048 - 2048 - 34) / 2)) >/dev/null 2>&1
(cd $tree && mcopy -s -Q -i "$work/fatpart.img@@$((2048 * 512))" ./* ::/)
seed fuzz_fat fatpart fatpart.img

# --- ext2/3/4: extents and block maps, 1 KiB blocks (an htree for many/), inline data ---
mkext() { # NAME MKE2FS_ARGS...
	local name=$1
	shift
	mke2fs -q -F "$@" -d $ltree "$name.img" 2M >/dev/null
	seed fuzz_ext4 "$name" "$name.img"
}
mkext ext4 -t ext4 -b 1024
mkext ext2 -t ext2 -b 1024
mkext ext4inline -t ext4 -O inline_data,^has_journal -b 1024
mkext ext4-64 -t ext4 -O 64bit,metadata_csum,^has_journal -b 4096 -N 256

# --- ISO9660: Rock Ridge + Joliet, and plain ---
xorriso -as mkisofs -quiet -R -J -o rr.iso $ltree 2>/dev/null
seed fuzz_iso9660 rrjoliet rr.iso
xorriso -as mkisofs -quiet -o plain.iso $tree 2>/dev/null
seed fuzz_iso9660 plain plain.iso

# --- BLS entries: NUL-separated files, each its name on the first line (fuzz_bls.c) ---
mkdir -p "$corpus/fuzz_bls"
printf '%s\n%s\0%s\n%s' \
	"0123-6.1.0-13-amd64+3-1.conf" "title Debian GNU/Linux 12 (bookworm)
version 6.1.0-13-amd64
machine-id 0123456789abcdef0123456789abcdef
sort-key debian
options root=UUID=1234 ro
options quiet
linux /0123/6.1.0-13-amd64/linux
initrd /0123/6.1.0-13-amd64/initrd.img-6.1.0-13-amd64
architecture x64" \
	"fedora-6.5.conf" "title Fedora
version 6.5.6-300.fc39.x86_64
sort-key fedora
efi /EFI/Linux/fedora.efi" >"$corpus/fuzz_bls/seed-two"

echo "$sum" >"$stamp"
