# cases_bls.sh: QEMU cases for Boot Loader Specification entries and discovery (no config).
# shellcheck shell=bash

CASES="$CASES bls_esp bios_bls_esp bls_xbootldr bios_bls_xbootldr discover_ext4
	bios_discover_ext4 discover_efi bad_bls_nolinux bios_bad_bls_nolinux bad_bls_missing
	bios_bad_bls_missing"

# bls_conf TITLE VERSION OPTIONS...: a BLS entry (one "options" line per argument) booting the
# linux64 conformance kernel with the two initrds every test disk carries, as a file's text.
bls_conf() {
	local title=$1 version=$2
	shift 2
	printf 'title %s\nversion %s\nsort-key baton\nlinux /k/linux64.bzImage\n' "$title" "$version"
	printf 'initrd /k/i1.bin\ninitrd k/i2.bin\n' # the leading '/' is optional (BLS)
	printf 'options %s\n' "$@"
}
# bls_put IMG@@OFFSET NAME TEXT: writes /loader/entries/NAME on a FAT filesystem.
bls_put() {
	local f=$1 t
	t=$(mktemp)
	printf '%s' "$3" >"$t"
	mmd -D s -i "$f" ::/loader ::/loader/entries 2>/dev/null || true
	mcopy -o -i "$f" "$t" "::/loader/entries/$2"
	rm -f "$t"
}
# The conformance kernel's command line split in two "options" lines, which BLS joins with one
# space: the kernel checks the sum of the whole.
bls_good() { # TITLE VERSION
	local c
	c=$(conf_cmdline expect.fb=0)
	bls_conf "$1" "$2" "${c%% initrds=*}" "initrds=${c#* initrds=}"
}

# No baton.cfg: two entries on the ESP with one title, told apart by their versions and sorted
# newest first (BLS "Sorting"); the default, the newest, boots when the countdown ends.
case_bls_esp() {
	bls_put "$1/disk.img@@1M" baton-2.conf "$(bls_good conformance 2.0)"
	bls_put "$1/disk.img@@1M" baton-1.10.conf "$(bls_good conformance 1.10 | sed 's/sum=/sum=0/')"
	args=(-x -t 120 -s '> conformance \(2\.0\)|' -s '  conformance \(1\.10\)|'
		-s "Booting 'conformance \(2\.0\)' in|" -f 'FAIL:|error: cannot boot')
}
# On SeaBIOS, where `baton install` left its starter baton.cfg without entries.
case_bios_bls_esp() {
	BIOS=1 case_bls_esp "$1"
	bios_install "$1"
	args+=(-B)
}

# xboot_disk DIR: DIR/disk.img made anew: a small ESP with baton (and, for SeaBIOS, a BIOS boot
# partition) and an XBOOTLDR partition holding the kernel, its initrds and its entry.
xboot_disk() {
	local img=$1/disk.img k=$out/base/k
	rm -f "$img"
	truncate -s 96M "$img"
	sgdisk -n1:2048:+24M -t1:ef00 -n2:0:0 -t2:ea00 -n3:34:2047 -t3:ef02 "$img" >/dev/null
	mkfs.vfat --offset 2048 -F 16 -n ESP "$img" $((24 * 1024)) >/dev/null 2>&1
	local p2 size2
	p2=$(sgdisk -i2 "$img" | awk '/^First sector:/ {print $3}')
	size2=$(($(sgdisk -i2 "$img" | awk '/^Last sector:/ {print $3}') - p2 + 1))
	mkfs.vfat --offset "$p2" -F 16 -n XBOOTLDR "$img" $((size2 / 2)) >/dev/null 2>&1
	mmd -i "$img@@1M" ::/EFI ::/EFI/BOOT
	mcopy -i "$img@@1M" "$out/base/EFI/BOOT/BOOTX64.EFI" ::/EFI/BOOT/
	mmd -i "$img@@$((p2 * 512))" ::/k
	mcopy -i "$img@@$((p2 * 512))" "$k/linux64.bzImage" "$k/i1.bin" "$k/i2.bin" ::/k/
	bls_put "$img@@$((p2 * 512))" xboot.conf "$(bls_good "conformance on XBOOTLDR" 1)"
}
# The entry and its files on the XBOOTLDR partition (type bc13c2ff-...), none on the ESP.
case_bls_xbootldr() {
	xboot_disk "$1"
	args=(-x -t 120 -s "Booting 'conformance on XBOOTLDR' in|\\r" -f 'FAIL:|error: cannot boot')
}
case_bios_bls_xbootldr() {
	BIOS=1 case_bls_xbootldr "$1"
	bios_install "$1"
	args+=(-B)
}

# No config and no entries: Debian's kernel and initramfs on an ext4 partition of a second
# disk, laid out as Debian lays them out, are discovered and boot with the command line baton
# makes (the root filesystem by its UUID, read-only first); the initramfs says so on ttyS0.
case_discover_ext4() {
	local t=$1/root k=$out/base/boot uuid
	mdel -i "$1/disk.img@@1M" ::/boot/vmlinuz-686 # the ESP: nothing to discover there
	mkdir -p "$t/boot" "$t/etc"
	ln "$k/vmlinuz" "$t/boot/vmlinuz-6.1.0-baton-amd64"
	ln "$k/initramfs.img" "$t/boot/initrd.img-6.1.0-baton-amd64"
	ln -s boot/vmlinuz-6.1.0-baton-amd64 "$t/vmlinuz"
	ln -s boot/initrd.img-6.1.0-baton-amd64 "$t/initrd.img"
	printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n' \
		>"$t/etc/os-release"
	uuid=$(bash mk/mkextdisk.sh "$1/root.img" 160 "$t" debian-root)
	rm -rf "$t"
	local on='on \(hd1,gpt1\)' why='No baton.cfg on \(hd0,gpt1\)'
	# On SeaBIOS `baton install` left a starter config: it has no entries.
	[ -z "${BIOS:-}" ] || why='\(hd0,gpt1\)/EFI/baton/baton.cfg has no entries'
	args=(-D "$1/root.img" -t 300 -s "> Debian GNU/Linux, /vmlinuz \\(6.1.0-baton-amd64\\) $on|"
		-s "  Debian GNU/Linux, kernel 6.1.0-baton-amd64 $on|"
		-s "$why: showing what baton found|\\r"
		-s 'linux kernel, EFI stub|'
		-p "BATON-USERSPACE-OK cmdline: root=UUID=$uuid ro\$"
		-f 'Kernel panic|error: cannot boot')
}
case_bios_discover_ext4() {
	BIOS=1 case_discover_ext4 "$1"
	bios_install "$1"
	bios_args
}

# No config: an EFI program in a vendor's directory of the ESP is offered and started; baton's
# own \EFI\BOOT\BOOTX64.EFI is not. When it returns, the menu is back.
case_discover_efi() {
	mdel -i "$1/disk.img@@1M" ::/boot/vmlinuz-686
	mmd -i "$1/disk.img@@1M" ::/EFI/tools
	mcopy -i "$1/disk.img@@1M" "$out/base/k/efiapp.efi" ::/EFI/tools/efiapp.efi
	args=(-t 120 -s '> \\EFI\\tools\\efiapp.efi on \(hd0,gpt1\)|\r'
		-s 'BATON-EFIAPP done: [0-9]+ passed, 0 failed|' -p 'choose what to boot'
		-f 'FAIL: |BOOTX64.EFI on')
}

# A BLS entry with neither linux nor efi: named with the reason above the menu; the good entry
# (chosen with the keys, below a decoy that would fail the kernel's checks) still boots.
case_bad_bls_nolinux() {
	bls_put "$1/disk.img@@1M" broken.conf "$(printf 'title broken\noptions quiet\n')"
	bls_put "$1/disk.img@@1M" a-good.conf "$(bls_good good 1)"
	bls_put "$1/disk.img@@1M" b-decoy.conf "$(bls_good decoy 2 | sed 's/sum=/sum=0/')"
	args=(-x -t 120
		-s '\(hd0,gpt1\)/loader/entries/broken.conf: neither a linux nor an efi line: nothing to boot|'
		-s "Booting 'decoy' in|$DOWN" -s "> good|\\r" -f 'FAIL:|error: cannot boot')
}
case_bios_bad_bls_nolinux() {
	BIOS=1 case_bad_bls_nolinux "$1"
	bios_install "$1"
	args+=(-B)
}
# A BLS entry whose linux file is not there: booting it says so, the menu comes back.
case_bad_bls_missing() {
	bls_put "$1/disk.img@@1M" b-missing.conf "$(bls_good missing 2 | sed 's|/k/linux64|/k/nope|')"
	bls_put "$1/disk.img@@1M" a-good.conf "$(bls_good good 1)"
	args=(-x -t 120 -s "Booting 'missing' in|\\r" -s 'error: cannot boot|'
		-s 'kernel /k/nope.bzImage not found|x' -s "choose what to boot|$DOWN"
		-s "> good|\\r" -f 'FAIL:')
}
case_bios_bad_bls_missing() {
	BIOS=1 case_bad_bls_missing "$1"
	bios_install "$1"
	args+=(-B)
}
