#!/usr/bin/env bash
# mkextdisk.sh: builds a GPT disk image with one Linux partition holding an ext4 copy of a folder, without root.
# usage: mkextdisk.sh OUT.img SIZE_MIB DIR LABEL     (prints the filesystem's UUID, as blkid does)
set -euo pipefail
out=$1 size=$2 dir=$3 label=$4
rm -f "$out.tmp"
truncate -s "${size}M" "$out.tmp"
sgdisk -n1:2048:0 -t1:8300 -c1:"$label" "$out.tmp" >/dev/null
last=$(sgdisk -i1 "$out.tmp" | awk '/^Last sector:/ {print $3}')
# mke2fs writes the filesystem at the partition's offset (-E offset) and fills it from DIR (-d).
mke2fs -q -F -t ext4 -L "$label" -E offset=$((2048 * 512)) -d "$dir" "$out.tmp" \
	$(((last - 2048 + 1) / 2))k
blkid -p -O $((2048 * 512)) -o value -s UUID "$out.tmp"
mv "$out.tmp" "$out"
