#!/usr/bin/env bash
# mkdisk.sh: builds a GPT disk image with one FAT32 EFI system partition (and a BIOS boot partition) holding a folder's files, without root.
# usage: mkdisk.sh OUT.img SIZE_MIB DIR      (DIR's contents become the ESP's root)
set -euo pipefail
out=$1 size=$2 dir=$3
[ "$size" -ge 64 ] || { echo "mkdisk: FAT32 needs a disk of at least 64 MiB" >&2; exit 1; }
rm -f "$out.tmp"
truncate -s "${size}M" "$out.tmp"
# One partition from LBA 2048 to the end, type EF00 (EFI system partition), and a BIOS boot
# partition (EF02) in 34-2047 for BIOS boot code. (sgdisk -q once did nothing.)
sgdisk -n1:2048:0 -t1:ef00 -c1:ESP -n2:34:2047 -t2:ef02 -c2:BIOSBOOT "$out.tmp" >/dev/null
last=$(sgdisk -i1 "$out.tmp" | awk '/^Last sector:/ {print $3}')
kib=$(((last - 2048 + 1) / 2))
mkfs.vfat -F 32 -n BATON --offset 2048 "$out.tmp" "$kib" >/dev/null 2>&1 ||
	{ echo "mkdisk: mkfs.vfat failed" >&2; exit 1; }
if [ -n "$(ls -A "$dir")" ]; then
	mcopy -s -Q -i "$out.tmp@@1M" "$dir"/* ::/
fi
mv "$out.tmp" "$out"
