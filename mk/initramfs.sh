#!/usr/bin/env bash
# initramfs.sh: writes a busybox initramfs (newc cpio) without root: /dev/console is written as a device entry.
# usage: initramfs.sh OUT.cpio BUSYBOX [EFIVARFS.ko]
# /init prints "BATON-USERSPACE-OK" and the command line; with baton.poweroff on the command line it
# powers off (tests), otherwise it starts a shell on the console (the demo). With efivarfs.ko (from
# the kernel's package) it mounts efivarfs and prints the Boot Loader Interface variables the loader
# set, as "BATON-BLI NAME=VALUE ..." and "BATON-BLI2 ..."; baton.setoneshot=ID and
# baton.setdefault=ID on the command line set LoaderEntryOneShot and LoaderEntryDefault, as
# systemd's tools do.
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
# Without console=ttyS0 (a command line baton made up for a kernel it found) the console is
# the screen: say it on the serial port too, where the tests read.
grep -q console=ttyS0 /proc/cmdline ||
	echo "BATON-USERSPACE-OK cmdline: $(cat /proc/cmdline)" >/dev/ttyS0
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
	# The entries and the one booted (NUL-terminated UTF-16 ids back to back: shown with
	# commas), and LoaderFeatures (8 bytes, little-endian, shown as hex bytes).
	d=/sys/firmware/efi/efivars g=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f line=BATON-BLI2
	f=$d/LoaderEntries-$g
	[ -e "$f" ] && line="$line LoaderEntries=$(tail -c +5 "$f" | od -An -v -tu2 |
		awk '{ for (i = 1; i <= NF; i++) printf "%s", ($i == 0 ? "," : sprintf("%c", $i)) }')"
	f=$d/LoaderEntrySelected-$g
	[ -e "$f" ] && line="$line LoaderEntrySelected=$(tail -c +5 "$f" | tr -d '\000')"
	f=$d/LoaderFeatures-$g
	[ -e "$f" ] && line="$line LoaderFeatures=$(tail -c +5 "$f" | od -An -v -tx1 | tr -d ' \n')"
	echo "$line"
	# baton.setoneshot=ID, baton.setdefault=ID: LoaderEntryOneShot, LoaderEntryDefault as
	# `bootctl set-oneshot/set-default ID` write them (attributes non-volatile, boot and runtime
	# access; UTF-16 with its NUL), in one write as efivarfs wants.
	for a in $(cat /proc/cmdline); do
		case $a in
		baton.setoneshot=*) v=LoaderEntryOneShot ;;
		baton.setdefault=*) v=LoaderEntryDefault ;;
		*) continue ;;
		esac
		id=${a#*=} i=0
		printf '\007\000\000\000' >/tmp/v
		while [ $i -lt ${#id} ]; do
			printf '%s\000' "${id:$i:1}" >>/tmp/v
			i=$((i + 1))
		done
		printf '\000\000' >>/tmp/v
		cat /tmp/v >"$d/$v-$g" && echo "BATON-BLI-SET $v=$id"
	done
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
