#!/usr/bin/env bash
# tests.sh: the QEMU tests: baton booted by OVMF or SeaBIOS, one disk and one verdict per test.
# usage: tests.sh [FILTER...]  (the cases whose names hold any FILTER; run from the repo root
#   after `make all fetch` and the kernels)
# Prints one "PASS name" / "FAIL name: reason" line per test, then "qemu: N passed, M failed".
set -u
B=${B:-build}
CACHE=${CACHE:-cache}
JOBS=${JOBS:-2}
filters=("$@")
here=$(dirname "$0")
out=$B/qemu
mkdir -p "$out"
# cases.sh first (it sets CASES), then each cases_TOPIC.sh, which appends its own to CASES.
# shellcheck source=tests/qemu/cases.sh
. "$here/cases.sh"
for f in "$here"/cases_*.sh; do
	# shellcheck disable=SC1090
	[ -e "$f" ] && . "$f"
done

# The files every test disk carries; each test adds its own baton.cfg. A missing input stops here.
set -e
base=$out/base
rm -rf "$base" && mkdir -p "$base/EFI/BOOT" "$base/k" "$base/boot"
cp "$B/BOOTX64.EFI" "$base/EFI/BOOT/BOOTX64.EFI"
cp "$B/kernels/linux64.bzImage" "$base/k/linux64.bzImage"
for f in smoke-mb1.gz smoke-mb2.elf smoke-mb2-efi.elf smoke-elf64.elf mb1.elf mb1-video.elf \
	mb1-aout.bin mb2.elf mb2-efi.elf pvh.elf elf32.elf elf64.elf efiapp.efi linux32.bzImage \
	linux32-k64.bzImage; do cp "$B/kernels/$f" "$base/k/"; done
mkdir -p "$base/bad" && python3 "$here/mkbad.py" "$B/kernels" "$base/bad"
"$B/kernels/mkinitrd" "$base/k/i1.bin" 11 100000
"$B/kernels/mkinitrd" "$base/k/i2.bin" 22 3001
printf 'This is a text file, not a kernel.\n' >"$base/k/notakernel.txt"
head -c 1048576 "$CACHE/linux/vmlinuz" >"$base/k/trunc.bzImage"
# Whole but corrupt: 64 KiB of zeros inside the compressed kernel, which only decompression sees.
cp -L "$CACHE/linux/vmlinuz" "$base/k/corrupt.bzImage"
dd if=/dev/zero of="$base/k/corrupt.bzImage" bs=64K seek=48 count=1 conv=notrunc status=none
cp -L "$CACHE/linux/vmlinuz" "$base/boot/vmlinuz"
cp -L "$CACHE/xen/xen.gz" "$base/boot/xen.gz"
# The vmlinux inside the bzImage (boot.rst payload_offset/payload_length: an xz stream), for PVH.
bash mk/vmlinux.sh "$CACHE/linux/vmlinuz" "$base/boot/vmlinux"
bash mk/initramfs.sh "$base/boot/initramfs.img" "$CACHE/busybox/bin/busybox" "$CACHE/linux/efivarfs.ko"
# Debian's 686 kernel with an i386 busybox; memtest86+ as a Linux-protocol .bin and a PE .efi.
cp -L "$CACHE/linux686/vmlinuz" "$base/boot/vmlinuz-686"
bash mk/initramfs.sh "$base/boot/initramfs-686.img" "$CACHE/busybox386/bin/busybox"
cp "$CACHE/memtest/boot/memtest86+x64.bin" "$CACHE/memtest/boot/memtest86+x64.efi" "$base/boot/"
# GNU Mach: the amd64 package's ELF64 image and the i386 package's ELF32 one (gzip'd Multiboot 1).
cp "$CACHE/gnumach/boot/gnumach-1.8-486.gz" "$base/boot/gnumach-amd64.gz"
cp "$CACHE/gnumach386/boot/gnumach-1.8-486.gz" "$base/boot/gnumach-i386.gz"
bash mk/mkdisk.sh "$out/base.img" 200 "$base"
set +e

run_case() { # NAME: builds the test's disk from base.img and its config, boots it, records the verdict
	local name=$1 dir=$out/$1
	rm -rf "$dir" && mkdir -p "$dir"
	cp --sparse=always "$out/base.img" "$dir/disk.img"
	local args=()
	"case_$name" "$dir" # writes $dir/baton.cfg (or none) and sets args
	if [ -e "$dir/baton.cfg" ]; then
		mcopy -o -i "$dir/disk.img@@1M" "$dir/baton.cfg" ::/EFI/BOOT/baton.cfg
	fi
	local t0=$SECONDS
	if v=$(bash "$here/boot.sh" -o "$dir/serial.log" "${args[@]}" "$dir/disk.img"); then
		echo "PASS $name ($((SECONDS - t0)) s)" >"$dir/verdict"
	else
		echo "FAIL $name: $v ($((SECONDS - t0)) s; serial log $dir/serial.log)" >"$dir/verdict"
	fi
	cat "$dir/verdict"
}

names=()
for n in $CASES; do
	want=$((${#filters[@]} == 0))
	for f in "${filters[@]}"; do [[ $n == *$f* ]] && want=1; done
	[ "$want" = 1 ] && names+=("$n")
done
for n in "${names[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	run_case "$n" &
done
wait
pass=0 fail=0
for n in "${names[@]}"; do
	if grep -q '^PASS' "$out/$n/verdict" 2>/dev/null; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		[ -e "$out/$n/verdict" ] || echo "FAIL $n: no verdict"
	fi
done
echo "qemu: $pass passed, $fail failed"
