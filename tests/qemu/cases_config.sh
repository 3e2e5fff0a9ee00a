# cases_config.sh: QEMU cases for the config language: include, submenu, id, serial, console,
# UTF-8 in paths and command lines, bad configs (each names its file and line, and a good entry
# still boots), and a one-shot entry from the OS's Boot Loader Interface that cannot be read.
# shellcheck shell=bash
# args is read by tests.sh, which sources this file.
# shellcheck disable=SC2034

CASES="$CASES cfg_include_submenu bios_cfg_include_submenu
	cfg_console_serial bios_cfg_serial_com2 bios_cfg_console_screen bad_cfg_include_loop bios_bad_cfg_include_loop
	bad_cfg_include_missing bios_bad_cfg_include_missing bad_cfg_submenu_unclosed
	bios_bad_cfg_submenu_unclosed cfg_utf8_chainload bli_oneshot_oversize
	cfg_serial_width"

# put_file DIR PATH: stdin becomes PATH on the test disk's ESP (baton.cfg's volume).
put_file() {
	local tmp=$1/put.tmp
	cat >"$tmp"
	mmd -D s -i "$1/disk.img@@1M" "::$(dirname "$2")" 2>/dev/null || true
	mcopy -o -i "$1/disk.img@@1M" "$tmp" "::$2"
	rm -f "$tmp"
}

# The entry to boot sits two submenus deep in an included file, picked by its id with no
# countdown (no menu at all): the ones before it would fail the conformance kernel's checks.
case_cfg_include_submenu() {
	{
		echo "timeout 0"
		echo "default conf-deep"
		echo "include /EFI/BOOT/entries.cfg"
	} >"$1/baton.cfg"
	{
		bad_entry "first"
		echo "submenu Tests"
		bad_entry "in-tests"
		echo "  submenu Deeper"
		good_entry "conformance" | sed '1a\  id conf-deep'
		echo "  end"
		echo "end"
		bad_entry "last"
	} | put_file "$1" /EFI/BOOT/entries.cfg
	args=(-x -t 90 -s "Booting 'conformance'|" -f 'FAIL:|error: cannot boot|baton.cfg:|entries.cfg:')
}

# `console serial` under OVMF: the menu written to the UART by baton alone, not through ConOut
# (whose serial terminal would show it too). The two paths differ in what they make of UTF-8:
# ConOut gets a '?' for each non-ASCII character (console.c), the raw UART the bytes themselves. The
# menu's rows show '?' either way (lineedit.c utf8_show), but the line that boots the entry has
# the title as it is: "Booting 'good ?'" on the serial line means it went through ConOut. The
# keys still work. On BIOS both paths write the same bytes to COM1 (only the screen is left out),
# which the serial line cannot tell apart: no BIOS twin.
case_cfg_console_serial() {
	{
		echo "console serial"
		echo "timeout 30"
		bad_entry "broken"
		good_entry "good é"
	} >"$1/baton.cfg"
	args=(-x -t 90 -s "choose what to boot|$DOWN" -s "> good \\?|\\r" -s "Booting 'good é'\$|"
		-f "Booting 'good [?]+'|baton.cfg:")
}

# `serial com2 9600` on BIOS. boot.sh puts its -Q arguments first, so the extra UART (to a file)
# is COM1 and the one the test reads is COM2: baton's banner and the kernel's lines go to COM1
# and never show here, baton's own lines after the config do.
case_bios_cfg_serial_com2() {
	{
		echo "serial com2 9600"
		echo "timeout 0"
		BIOS=1 good_entry "good"
	} >"$1/baton.cfg"
	bios_install "$1"
	args=(-B -x -t 90 -Q -serial -Q "file:$1/com1.log" -s "Booting 'good'|"
		-f "baton BIOS stage2|PASS:|baton.cfg:")
}

# `serial com2` under OVMF with a display: baton writes COM2 itself (boot.sh's -Q port is COM1,
# the firmware's terminal), beside a ConOut wider than 80 columns (the GOP's). The serial
# terminal's width is unknown, so the menu keeps to 80: the end of an 88-character title shows
# neither in its row nor in the countdown (only in the line that boots it).
case_cfg_serial_width() {
	local a80
	a80=$(printf 'a%.0s' $(seq 1 80))
	{
		echo "serial com2"
		echo "timeout 3"
		good_entry "wide${a80}ZQXJ"
	} >"$1/baton.cfg"
	args=(-V -x -t 90 -Q -serial -Q "file:$1/com1.log" -s "choose what to boot|"
		-s "Booting 'widea{70}|" -f "> widea{80}ZQXJ|widea{80}ZQXJ' in [0-9]|baton.cfg:")
}

# `console screen` on BIOS: nothing on the serial line from baton after the config.
case_bios_cfg_console_screen() {
	{
		echo "console screen"
		echo "timeout 0"
		BIOS=1 good_entry "good"
	} >"$1/baton.cfg"
	bios_install "$1"
	args=(-B -x -t 90 -f "Booting 'good'|baton.cfg:")
}

# UTF-8 in an EFI application's path and command line reaches it as UTF-16 (UEFI 9.1 LoadOptions,
# 10.3.5.4 File Path): efiapp compares expect.path (from its load options) with its File Path
# node and opens that file on its volume. Widened byte by byte, "é" would be "Ã©" in both, and
# no such file exists.
case_cfg_utf8_chainload() {
	LC_ALL=C.UTF-8 put_file "$1" "/k/Café.efi" <"$B/kernels/efiapp.efi"
	{
		printf 'timeout 30\nentry app\n  kernel /k/Café.efi\n'
		printf '  cmdline expect.path=\\k\\Café.efi text=é€\n'
		good_entry good
	} >"$1/baton.cfg"
	args=(-x -t 120 -s "Booting 'app' in|\r" -s 'BATON-EFIAPP done: [0-9]+ passed, 0 failed|'
		-s "choose what to boot|$DOWN" -s "> good|\r" -f 'FAIL: ')
}

# A LoaderEntryOneShot too big to read (600 characters: 1202 bytes of UTF-16) set from Linux
# through efivarfs (boot 1) is deleted by baton all the same (boot 2), or it would stay for every
# later boot; the variable store is looked at on the host after each boot (bench/mkvars.py).
bli_oneshot_live() { # VARS
	python3 bench/mkvars.py --list "$1" | grep -qE '^0x[0-9a-f]+ (added|in-deletion) .* LoaderEntryOneShot:'
}
case_bli_oneshot_oversize() {
	local long
	long=$(printf 'x%.0s' $(seq 1 600))
	{
		echo "timeout 0"
		printf 'entry Debian\n  kernel /boot/vmlinuz\n  initrd /boot/initramfs.img\n'
		printf '  cmdline console=ttyS0,115200 baton.poweroff baton.setoneshot=%s\n' "$long"
	} >"$1/baton.cfg"
	state_disk "$1"
	early_boot "$1" 1 -W "$1/vars.fd" -t 240 -f 'Kernel panic' \
		-s 'BATON-BLI-SET LoaderEntryOneShot=xxx|' -p 'reboot: Power down' || return 0
	if ! bli_oneshot_live "$1/vars.fd"; then
		args=(-N -t 1 -s "boot 1 left no LoaderEntryOneShot in the variable store|")
		return 0
	fi
	good_entry good >"$1/baton.cfg"
	mcopy -o -i "$1/disk.img@@1M" "$1/baton.cfg" ::/EFI/BOOT/baton.cfg
	early_boot "$1" 2 -W "$1/vars.fd" -x -t 90 -s "Booting 'good'\$|" || return 0
	if bli_oneshot_live "$1/vars.fd"; then
		args=(-N -t 1 -s "boot 2 left the unreadable LoaderEntryOneShot in the variable store|")
		return 0
	fi
	args=(-W "$1/vars.fd" -x -t 90 -s "Booting 'good'\$|")
}

# A bad config: MESSAGE on serial, then the menu: Down to the good entry (the first one would
# fail the kernel's checks), Enter, and it boots.
bad_cfg_case() { # DIR MESSAGE-REGEX
	args=(-x -t 120 -s "$2|$DOWN" -s "> good|\\r")
}

case_bad_cfg_include_loop() {
	{
		echo "timeout 30"
		bad_entry "broken"
		good_entry "good"
		echo "include /EFI/BOOT/a.cfg"
	} >"$1/baton.cfg"
	echo "include /EFI/BOOT/b.cfg" | put_file "$1" /EFI/BOOT/a.cfg
	printf '# b\ninclude /EFI/BOOT/a.cfg\n' | put_file "$1" /EFI/BOOT/b.cfg
	bad_cfg_case "$1" "/EFI/BOOT/a.cfg:1: include loop: /EFI/BOOT/a.cfg -> /EFI"
}

case_bad_cfg_include_missing() {
	{
		echo "timeout 30"
		echo "include /EFI/BOOT/nope.cfg"
		bad_entry "broken"
		good_entry "good"
	} >"$1/baton.cfg"
	bad_cfg_case "$1" "EFI/BOOT/baton.cfg:2: include '/EFI/BOOT/nope.cfg': file not found"
}

case_bad_cfg_submenu_unclosed() {
	{
		echo "timeout 30"
		bad_entry "broken"
		good_entry "good"
		echo "submenu Unclosed"
		bad_entry "inside"
	} >"$1/baton.cfg"
	bad_cfg_case "$1" "EFI/BOOT/baton.cfg:12: submenu 'Unclosed' has no 'end'"
}

for c in cfg_include_submenu bad_cfg_include_loop bad_cfg_include_missing \
	bad_cfg_submenu_unclosed; do
	eval "case_bios_$c() { BIOS=1 case_$c \"\$1\"; bios_install \"\$1\"; bios_args; }"
done
