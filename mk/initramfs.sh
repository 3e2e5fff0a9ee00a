#!/usr/bin/env bash
# initramfs.sh: writes a busybox initramfs (newc cpio) without root: /dev/console is written as a device entry.
# usage: initramfs.sh OUT.cpio BUSYBOX [EFIVARFS.ko]
# /init prints "BATON-USERSPACE-OK" and the command line; with baton.poweroff on the command line it
# powers off (tests), otherwise it starts a shell on the console (the demo). With efivarfs.ko (from
# the kernel's package) it mounts efivarfs and prints the Boot Loader Interface variables the loader
# set, as "BATON-BLI NAME=VALUE ...".
set -euo pipefail
out=$1 busybox=$2 efivarfs=${3:-}
ino=1
# entry NAME MODE(octal) SIZE RDEVMAJOR RDEVMINOR [FILE]: one newc header + name + data, 4-byte padded.
entry() {
	local name=$1 mode=$2 size=$3 maj=$4 min=$5 file=${6:-}
	local namesize=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		$ino $((8#$mode)) 0 0 1 0 "$size" 0 0 "$maj" "$min" $namesize 0
	printf '%s\0' "$name"
	head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
	if [ -n "$file" ]; then
		cat "$file"
		head -c $(((4 - size % 4) % 4)) /dev/zero
	fi
	ino=$((ino + 1))
}
init=$(mktemp)
trap 'rm -f "$init"' EXIT
cat >"$init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "BATON-USERSPACE-OK cmdline: $(cat /proc/cmdline)"
# Boot Loader Interface (systemd.io/BOOT_LOADER_INTERFACE): efivarfs files are 4 bytes of
# attributes, then the value (UTF-16 text here).
if [ -e /efivarfs.ko ] && [ -d /sys/firmware/efi ] && insmod /efivarfs.ko &&
	mount -t efivarfs efivarfs /sys/firmware/efi/efivars; then
	line=BATON-BLI
	for v in LoaderInfo LoaderTimeInitUSec LoaderTimeExecUSec LoaderDevicePartUUID; do
		f=/sys/firmware/efi/efivars/$v-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
		[ -e "$f" ] && line="$line $v=$(tail -c +5 "$f" | tr -d '\000')"
	done
	echo "$line"
fi
if grep -q baton.poweroff /proc/cmdline; then
	poweroff -f
fi
echo "This is a busybox shell in the initramfs. Type 'poweroff -f' to leave."
exec setsid cttyhack sh
INIT
{
	entry . 40755 0 0 0
	for d in bin dev proc sys tmp; do entry $d 40755 0 0 0; done
	entry dev/console 20600 0 5 1
	entry bin/busybox 100755 "$(stat -L -c %s "$busybox")" 0 0 "$busybox"
	entry init 100755 "$(stat -c %s "$init")" 0 0 "$init"
	[ -z "$efivarfs" ] || entry efivarfs.ko 100644 "$(stat -L -c %s "$efivarfs")" 0 0 "$efivarfs"
	entry TRAILER!!! 0 0 0 0
} >"$out.tmp"
mv "$out.tmp" "$out"
