# cases_state.sh: QEMU cases of the saved and one-shot entries (the state file, baton set-default
# and oneshot) and the Boot Loader Interface's LoaderEntry* variables, several boots of one disk.
# shellcheck shell=bash

CASES="$CASES state_saved state_oneshot bad_state_corrupt state_bli_linux bios_state_saved
	bios_state_oneshot bios_bad_state_corrupt"

# The config ($1/baton.cfg) on the disk now (these cases boot before run_case copies it), and the
# state file, made as a user gets it: by baton install (--uefi; on SeaBIOS --bios, which puts it
# beside the stage2 file on the ESP).
state_disk() { # DIR
	mcopy -o -i "$1/disk.img@@1M" "$1/baton.cfg" ::/EFI/BOOT/baton.cfg
	if [ -n "${BIOS:-}" ]; then
		bios_install "$1"
	else
		"$B/baton" install --uefi "$1/disk.img" >"$1/install.log" 2>&1 || cat "$1/install.log" >&2
	fi
}
state_fw() { [ -z "${BIOS:-}" ] || echo -B; }

# A boot before the case's own (boot.sh's options, then the disk). When it fails, the case's
# boot is replaced by one that fails at once with this boot's verdict as its reason.
early_boot() { # DIR N BOOT.SH-OPTIONS...
	local dir=$1 n=$2 v
	shift 2
	if v=$(bash "$here/boot.sh" -o "$dir/serial-$n.log" "$@" "$dir/disk.img"); then
		return 0
	fi
	args=(-N -t 1 -s "boot $n of this case failed: $v (serial log $dir/serial-$n.log)|")
	return 1
}
# What baton state says of the disk, between boots, checked the same way.
state_says() { # DIR TEXT
	local s
	s=$("$B/baton" state --image "$1/disk.img" 2>&1)
	[[ $s == *"$2"* ]] && return 0
	args=(-N -t 1 -s "baton state after the boot: '$s', not '$2'|")
	return 1
}

# `default @saved`: boot 1 shows the first entry as the default, the user picks the second;
# baton saves its id in the state file before booting it; boot 2 has it as the default.
case_state_saved() {
	{
		echo "timeout 5"
		echo "default @saved"
		good_entry first
		good_entry second
		echo "  id second-id"
	} >"$1/baton.cfg"
	state_disk "$1"
	early_boot "$1" 1 $(state_fw) -x -t 90 -s "Booting 'first' in|$DOWN" -s "> second|\\r" \
		-s "Booting 'second'\$|" || return 0
	state_says "$1" "saved entry 'second-id', one-shot entry none" || return 0
	args=($(state_fw) -x -t 90 -s "Booting 'second' in [0-9] s|" -s "Booting 'second'\$|")
}

# From the OS: baton set-default second and baton oneshot third, into the image. Boot 1 starts
# third with no key and clears the one-shot entry in the file (the saved one stays: a one-shot
# boot is not a choice); boot 2 starts second.
case_state_oneshot() {
	{
		echo "timeout 2"
		echo "default @saved"
		good_entry first
		good_entry second
		good_entry third
	} >"$1/baton.cfg"
	state_disk "$1"
	"$B/baton" set-default second --image "$1/disk.img" >>"$1/install.log" &&
		"$B/baton" oneshot third --image "$1/disk.img" >>"$1/install.log"
	state_says "$1" "saved entry 'second', one-shot entry 'third'" || return 0
	early_boot "$1" 1 $(state_fw) -x -t 90 -s "Booting 'third' in|" -s "Booting 'third'\$|" ||
		return 0
	state_says "$1" "saved entry 'second', one-shot entry none" || return 0
	args=($(state_fw) -x -t 90 -s "Booting 'second' in|" -s "Booting 'second'\$|")
}

# A state file whose two copies are both damaged: a one-line warning, and the menu works (the
# default falls back to the first entry; another is chosen with keys and boots).
case_bad_state_corrupt() {
	{
		echo "timeout 30"
		echo "default @saved"
		bad_entry broken
		good_entry good
	} >"$1/baton.cfg"
	state_disk "$1"
	local off
	off=$("$B/baton" map "$1/disk.img:1" /EFI/baton/state | awk 'NR == 1 { print $2 }')
	printf 'not a state file' | dd of="$1/disk.img" bs=1 seek=$((1048576 + off)) conv=notrunc status=none
	printf 'not a state file' | dd of="$1/disk.img" bs=1 seek=$((1048576 + off + 2048)) conv=notrunc status=none
	args=($(state_fw) -x -t 120
		-s 'warning: the state file \(hd0,gpt1\)/EFI/baton/state is ignored: no valid copy in it|'
		-s "Booting 'broken' in|$DOWN" -s "> good|\\r")
}

for c in state_saved state_oneshot bad_state_corrupt; do
	eval "case_bios_$c() { BIOS=1 case_$c \"\$1\"; }"
done

# The Boot Loader Interface on OVMF, three boots sharing one variable store. Boot 1: Debian's
# kernel reads LoaderEntries (ids; made of the title for an entry without one: "debian"), LoaderEntrySelected and
# LoaderFeatures through efivarfs, then sets LoaderEntryOneShot and LoaderEntryDefault as bootctl
# does (with ".conf" and another case, which baton matches as systemd-boot does) and powers off. Boot 2: the one-shot entry, with no key (the
# config's default is Debian). Boot 3: LoaderEntryDefault's entry (the one-shot one was deleted).
case_state_bli_linux() {
	cat >"$1/baton.cfg" <<-'EOF2'
	timeout 0
	default Debian
	entry Debian
	  kernel /boot/vmlinuz
	  initrd /boot/initramfs.img
	  cmdline console=ttyS0,115200 baton.poweroff baton.setoneshot=Conformance.conf baton.setdefault=OTHER-ID.conf
	EOF2
	good_entry conformance >>"$1/baton.cfg"
	{
		good_entry other
		echo "  id other-id"
	} >>"$1/baton.cfg"
	state_disk "$1"
	early_boot "$1" 1 -W "$1/vars.fd" -t 240 -f 'Kernel panic' \
		-s 'BATON-BLI2 LoaderEntries=debian,conformance,other-id, LoaderEntrySelected=debian LoaderFeatures=2f03000000000000|' \
		-s 'BATON-BLI-SET LoaderEntryOneShot=Conformance.conf|' \
		-s 'BATON-BLI-SET LoaderEntryDefault=OTHER-ID.conf|' -p 'reboot: Power down' || return 0
	early_boot "$1" 2 -W "$1/vars.fd" -x -t 90 -s "Booting 'conformance'\$|" || return 0
	args=(-W "$1/vars.fd" -x -t 90 -s "Booting 'other'\$|")
}
