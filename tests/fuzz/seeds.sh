#!/usr/bin/env bash
# seeds.sh CORPUS [KERNELS]: seeds the fuzz targets' corpora: disk images made by the real tools, and the test kernels.
#
# Each image becomes CORPUS/<target>/seed-<name> in fuzzdisk.h's sparse form ("SPRS", the block
# count, then (offset, length, bytes) extents over zeros), so a 40 MiB FAT32 disk is a few KiB.
# Skipped when the seeds are up to date (a stamp keyed on this script). The conformance and smoke
# kernels in KERNELS (build/kernels), when built, seed the format targets, every time (they
# change with the build): without a real header to start from, those targets stay at the first
# check of the magic.
set -euo pipefail
corpus=$(realpath -m "${1:?usage: seeds.sh CORPUS [KERNELS]}")
kernels=${2:-}
# kseed TARGET PREFIX-BYTE-OR-EMPTY FILE...: fuzz_linux's first byte picks its case (0x10: one
# initrd); the others take the kernel's bytes as they are.
kseed() {
	local t=$1 pre=$2 f
	shift 2
	mkdir -p "$corpus/$t"
	for f in "$@"; do
		[ -f "$kernels/$f" ] || continue
		{ [ -z "$pre" ] || printf '%b' "\\x$pre"; cat "$kernels/$f"; } >"$corpus/$t/seed-$f"
	done
}
if [ -n "$kernels" ]; then
	kseed fuzz_linux 10 linux64.bzImage linux32.bzImage linux32-k64.bzImage linux16.bzImage efiapp.efi
	kseed fuzz_mb1 "" mb1.elf mb1-aout.bin mb1-video.elf elf32.elf elf64.elf pvh.elf smoke-elf64.elf
	kseed fuzz_mb2 "" mb2.elf mb2-efi.elf smoke-mb2.elf smoke-mb2-efi.elf
	kseed fuzz_gzip "" smoke-mb1.gz
fi
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

# --- baton.cfg: the config up to a NUL, then what every include reads (cfgfuzz.h) ---
mkdir -p "$corpus/fuzz_config"
printf '%s\0%s' "timeout 3
default deb*
root uuid:2024-05-06-07-08-09-00
serial com2 9600
console serial
entry Debian
  id debian-6.1
  kernel /boot/vmlinuz
  initrd /boot/ucode.img /boot/initrd.img
  cmdline root=/dev/sda2 ro quiet
  protocol linux
include /more.cfg
submenu Old
  entry Xen
    kernel /boot/xen.gz
    module /boot/vmlinuz console=hvc0
  end
end
include missing.cfg" "submenu More
  entry Memtest
    id memtest
    kernel /boot/memtest.bin
  submenu Deeper
    entry x
      kernel /x
  end
end
include /more.cfg
include !err" >"$corpus/fuzz_config/seed-full"
printf 'serial off\nconsole screen\ninclude a\nentry A\nkernel /a\nend\0include b\nsubmenu\n' \
	>"$corpus/fuzz_config/seed-errors"
# --- the menu collector (fuzz_entries.c): a GPT disk with an ESP and an ext4 root ---
# entries.img has BLS entries; discover.img has none, so the kernels and EFI programs are
# looked for.
mkdir -p esp/loader/entries esp/EFI/debian esp/EFI/BOOT root/boot root/etc/kernel
printf 'title Debian\nversion 6.1.0-13-amd64\nsort-key debian\noptions root=/dev/sda2\nlinux /k\ninitrd /i\n' \
	>esp/loader/entries/debian-6.1.0-13-amd64.conf
printf 'title Shell\nefi /EFI/shell.efi\ndevicetree /x.dtb\n' >esp/loader/entries/shell+2-1.conf
# EFI programs as discovery reads them: x64 PE32+ application headers, then a string.
pe() {
	python3 -c 'import struct, sys
h = bytearray(0x40 + 24 + 240)
h[0:2] = b"MZ"
struct.pack_into("<I", h, 0x3c, 0x40)
h[0x40:0x58] = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664, 0, 0, 0, 0, 240, 0x22)
struct.pack_into("<HH", h, 0x58, 0x20b, 0)
struct.pack_into("<H", h, 0x58 + 68, 10)
open(sys.argv[1], "wb").write(bytes(h) + sys.argv[2].encode())' "$1" "$2"
}
pe esp/EFI/debian/shimx64.efi shim
pe esp/EFI/debian/grubx64.efi grub
pe esp/EFI/BOOT/BOOTX64.EFI 'baton: this EFI program is baton itself'
cp esp/EFI/debian/grubx64.efi esp/EFI/BOOT/grubx64.efi
printf 'timeout 1\ninclude more.cfg\n' >esp/baton.cfg
printf 'k' >root/boot/vmlinuz-6.1.0-13-amd64
printf 'k' >root/boot/vmlinuz-6.1.0-9-amd64
printf 'i' >root/boot/initrd.img-6.1.0-13-amd64
ln -s boot/vmlinuz-6.1.0-13-amd64 root/vmlinuz
printf 'NAME="Debian GNU/Linux"\n' >root/etc/os-release
printf 'root=/dev/sda2 quiet\n' >root/etc/kernel/cmdline
for img in entries discover; do
	truncate -s 8M $img.img
	sgdisk -o -n 1:2048:+3M -t 1:ef00 -n 2:0:0 -t 2:8300 $img.img >/dev/null
	mkfs.vfat --offset 2048 -F 12 $img.img 3072 >/dev/null 2>&1
	(cd esp && mcopy -s -Q -i "$work/$img.img@@$((2048 * 512))" ./* ::/)
	mke2fs -q -F -t ext4 -b 1024 -d root -E offset=$((8192 * 512)) $img.img 4000k >/dev/null
	seed fuzz_entries $img $img.img
	rm -rf esp/loader esp/baton.cfg
done
# --- the state file (config/state.h): new, and after writes of a saved and a one-shot entry ---
mkdir -p "$corpus/fuzz_state"
python3 - "$corpus/fuzz_state" <<'PY'
import struct, sys, zlib
def slot(seq, saved, oneshot):
    s = bytearray(b'BTNSTATE' + struct.pack('<IIQII', 1, 0, seq, 0, 0))
    s += saved.encode().ljust(256, b'\0') + oneshot.encode().ljust(256, b'\0')
    s += b'\xff' * (2048 - len(s))
    struct.pack_into('<I', s, 24, zlib.crc32(bytes(s)))
    return bytes(s)
d = sys.argv[1]
open(d + '/seed-new', 'wb').write(slot(1, '', '') + b'\xff' * 2048)
open(d + '/seed-both', 'wb').write(slot(3, 'Debian GNU/Linux', 'rescue') + slot(2, 'debian-6.1.0-13-amd64', ''))
PY

echo "$sum" >"$stamp"
