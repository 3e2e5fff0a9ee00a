#!/usr/bin/env bash
# floor-test.sh: builds the floor disk (Debian kernel's EFI stub via an OVMF Boot0001 option), boots it N times and checks the serial logs.
# usage: bench/floor-test.sh [DIR [RUNS]]     (DIR defaults to /tmp/floor; each run boots a fresh copy of DIR/vars.fd)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/floor} runs=${2:-2}
cmdline="console=ttyS0 earlyprintk=serial,ttyS0,57600 baton.poweroff quiet"
rm -rf "$dir/esp"
mkdir -p "$dir/esp/EFI/Linux" "$dir/esp/EFI/BOOT"
cp -L cache/linux/vmlinuz "$dir/esp/EFI/Linux/vmlinuz.efi"
# A removable-media loader that is not the kernel: if it runs, Boot0001 was not the one chosen.
cp build/BOOTX64.EFI "$dir/esp/EFI/BOOT/BOOTX64.EFI"
bash mk/initramfs.sh "$dir/esp/EFI/Linux/initrd.img" cache/busybox/bin/busybox
bash mk/mkdisk.sh "$dir/disk.img" 128 "$dir/esp"
python3 bench/mkvars.py /usr/share/OVMF/OVMF_VARS_4M.fd "$dir/vars.fd" --disk "$dir/disk.img" --part 1 \
	--file '\EFI\Linux\vmlinuz.efi' --desc 'Linux EFI stub' --data "initrd=\\EFI\\Linux\\initrd.img $cmdline"
fail=0
for i in $(seq 1 "$runs"); do
	cp "$dir/vars.fd" "$dir/run$i.fd"
	python3 bench/measure.py "$dir/disk.img" "$dir/run$i.fd" --timeout 120 --log "$dir/run$i.log"
	grep -aq 'BdsDxe: starting Boot0001 "Linux EFI stub"' "$dir/run$i.log" ||
		{ echo "floor-test: run $i: firmware did not start Boot0001" >&2; fail=1; }
	grep -aqF "BATON-USERSPACE-OK cmdline: initrd=\\EFI\\Linux\\initrd.img $cmdline" "$dir/run$i.log" ||
		{ echo "floor-test: run $i: no userspace line with the expected command line" >&2; fail=1; }
done
exit $fail
