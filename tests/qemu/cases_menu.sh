# cases_menu.sh: the menu's QEMU cases: long lists, defaults, submenus, the command-line editor.
# shellcheck shell=bash
# args is read by tests.sh, which sources this file.
# shellcheck disable=SC2034

CASES="$CASES menu_long_list menu_default_glob menu_submenu menu_submenu_default menu_edit
	menu_edit_cancel bad_menu_long_cmdline bios_menu_long_list bios_menu_default_glob
	bios_menu_submenu bios_menu_submenu_default bios_menu_edit bios_menu_edit_cancel
	bios_bad_menu_long_cmdline"

# Keys as terminals send them: xterm/VT220 sequences, and the PC ANSI ones of UEFI's appendix B.1
# (ESC [ H, ESC [ F), which OVMF's terminal driver decodes itself. $DOWN is in cases.sh.
LEFT='\033[D' RIGHT='\033[C' HOME='\033[1~' END='\033[4~' PC_HOME='\033[H' PC_END='\033[F'
PGUP='\033[5~' PGDN='\033[6~' DELETE='\033[3~' F10='\033[21~' ESC='\033' CTRL_A='\001'
CTRL_E='\005' CTRL_X='\030' BS='\b'

# 100 entries, the 37th the only good one: Page Down moves by a page, End and Page Up follow,
# markers say how many entries are above and below, and the digits 3, 7 pick the 37th (3 alone
# waits: a 30th exists). A page is the console's rows less 7: SeaBIOS's text mode has 25 rows,
# Debian's OVMF (no display, the serial terminal alone) sets 80x50.
case_menu_long_list() {
	local w=43
	[ -z "${BIOS:-}" ] || w=18
	{
		echo "timeout 30"
		for i in $(seq 1 100); do
			if [ "$i" = 37 ]; then good_entry "entry $i"; else bad_entry "entry $i"; fi
		done
	} >"$1/baton.cfg"
	args=(-x -t 120 -f 'FAIL:' -s "Booting 'entry 1' in|$PGDN" -s "\\^ $w more above|"
		-s "> entry $((w + 1)) |" -s "v $((100 - 2 * w)) more below|$END"
		-s "\\^ $((100 - w)) more above|" -s "> entry 100 |$PGUP" -s "> entry $((100 - w)) |3"
		-s "> entry 3 |7" -s "Booting 'entry 37'|")
}

# `default` as a glob: the first entry it matches, not the first entry, boots when the countdown ends.
case_menu_default_glob() {
	{
		echo "timeout 2"
		echo "default Debian*-17-amd64"
		bad_entry "Debian 6.1.0-13-amd64"
		good_entry "Debian 6.1.0-17-amd64"
		bad_entry "Debian 6.1.0-17-amd64 (rescue)"
	} >"$1/baton.cfg"
	args=(-x -t 90 -f 'FAIL:' -s "Booting 'Debian 6.1.0-17-amd64' in 2 s|")
}

submenu_cfg() { # TIMEOUT [DEFAULT]
	echo "timeout $1"
	[ -z "${2:-}" ] || echo "default $2"
	bad_entry "first"
	echo "submenu More entries"
	bad_entry "inner one"
	good_entry "inner two"
	echo "end"
	bad_entry "last"
}

# A submenu opened with Enter, left with Esc, opened with Right, left with Left, opened again; the
# second entry inside it edited (unchanged) and booted with F10.
case_menu_submenu() {
	submenu_cfg 30 >"$1/baton.cfg"
	args=(-x -t 120 -f 'FAIL:' -s "Booting 'first' in|$DOWN" -s "> More entries >|\r"
		-s "Submenu: More entries|" -s "> inner one|$ESC" -s "choose what to boot|"
		-s "> More entries >|$RIGHT" -s "Submenu: More entries|$LEFT" -s "> More entries >|\r"
		-s "> inner one|$DOWN" -s "> inner two|e" -s "edit the command line of 'inner two'|$F10"
		-s "Booting 'inner two' with the edited command line|")
}

# The default (a glob) is inside a submenu: the menu opens there, and the countdown boots it.
case_menu_submenu_default() {
	submenu_cfg 2 "inner t*" >"$1/baton.cfg"
	args=(-x -t 90 -f 'FAIL:' -s "Submenu: More entries|" -s "> inner two|"
		-s "Booting 'inner two' in 2 s|")
}

# The editor turns a command line the conformance kernel rejects into the one it checks: "XY" in
# front (Ctrl-A, Delete, Delete), a 0 too many at the end (End, Backspace), initrds=9 for
# initrds=2 (Home, Right x27, Delete, 2), a Q typed and erased, and " utf8=é€" typed as a UTF-8
# terminal sends it, before " sum=" (Ctrl-E, Left x13): the kernel checks every byte (sum=, the
# FNV-1a of the bytes before it). Ctrl-X boots it. The key that stops the countdown (e) opens the
# editor.
case_menu_edit() {
	local good body line sum rights lefts
	good=$(conf_cmdline expect.fb=0)
	body=${good% sum=*}
	line="$body utf8=é€"
	sum=$("$B/kernels/mkinitrd" --sum "$line")
	rights=$(printf "$RIGHT%.0s" $(seq 1 27))
	lefts=$(printf "$LEFT%.0s" $(seq 1 13))
	{
		echo "timeout 30"
		printf 'entry edit me\n  kernel /k/linux64.bzImage\n  initrd /k/i1.bin\n  initrd /k/i2.bin\n'
		printf '  cmdline XY%s sum=%s0\n' "${body/initrds=2/initrds=9}" "$sum"
	} >"$1/baton.cfg"
	args=(-x -t 120 -f 'FAIL:' -s "Booting 'edit me' in|e"
		-s "edit the command line of 'edit me'|$CTRL_A$DELETE$DELETE$PC_END$BS$HOME$rights${DELETE}2$CTRL_E${LEFT}Q$BS$CTRL_E$lefts utf8=\303\251\342\202\254$CTRL_X"
		-s "Booting 'edit me' with the edited command line|" -s "cmdline: \"$line sum=$sum\"|")
}

# Esc leaves the editor and forgets the edit (the first word deleted): opened again, the line is
# the config's; Esc, and Enter boots the entry as it was.
case_menu_edit_cancel() {
	{
		echo "timeout 30"
		good_entry "good"
		bad_entry "other"
	} >"$1/baton.cfg"
	args=(-x -t 120 -f 'FAIL:' -s "Booting 'good' in|e"
		-s "edit the command line of 'good'|$PC_HOME$DELETE$DELETE$DELETE$DELETE$DELETE$DELETE$DELETE$DELETE$DELETE$DELETE$DELETE"
		-s "linux64 initrds=2|$ESC" -s "choose what to boot|e" -s "edit the command line of 'good'|$HOME"
		-s "baton\.test=linux64 initrds=2|$ESC" -s "choose what to boot|\r" -s "Booting 'good'$")
}

# The editor's cap: 4100 characters typed at the end of the line, the editor takes up to 4095 bytes
# and says so; Enter boots the edited entry, which the kernel refuses (its cmdline_size is 2047),
# a message and a key later the menu is back, and the entry boots with its own command line.
case_bad_menu_long_cmdline() {
	local many
	many=$(printf 'a%.0s' $(seq 1 4100))
	{
		echo "timeout 30"
		good_entry "good"
	} >"$1/baton.cfg"
	args=(-x -t 180 -f 'FAIL:' -s "Booting 'good' in|e" -s "edit the command line of 'good'|$END$many"
		-s "The command line is at its limit of 4095 bytes|\r"
		-s "Booting 'good' with the edited command line|" -s "error: cannot boot|"
		-s "command line is 4095 bytes; this kernel accepts at most 2047|x"
		-s "choose what to boot|\r" -s "Booting 'good'$")
}

for c in menu_long_list menu_default_glob menu_submenu menu_submenu_default menu_edit \
	menu_edit_cancel bad_menu_long_cmdline; do
	eval "case_bios_$c() { BIOS=1 case_$c \"\$1\"; bios_install \"\$1\"; bios_args; }"
done
