#!/usr/bin/env bash
# vmlinux.sh: extracts the ELF vmlinux from a bzImage (boot.rst payload_offset/payload_length: an xz stream).
# usage: vmlinux.sh BZIMAGE OUT
set -euo pipefail
k=$1 out=$2
pm=$((($(od -An -tu1 -j $((0x1f1)) -N1 "$k") + 1) * 512))
poff=$(od -An -tu4 -j $((0x248)) -N4 "$k") plen=$(od -An -tu4 -j $((0x24c)) -N4 "$k")
dd if="$k" iflag=skip_bytes,count_bytes skip=$((pm + poff)) count="$plen" bs=1M status=none |
	xz -dc --single-stream >"$out"
