# cases_trap.sh: CPU exceptions inside baton (stage2/trap.c): the dump, the countdown, the way out.
# shellcheck shell=bash
#
# Nothing in baton raises an exception on purpose, so QEMU makes them while the menu waits: an
# NMI from the monitor, and faults through the gdbstub (tests/qemu/qctl.py stops the guest, sets
# RIP or RSP to an unmapped address, resumes). Each case asserts the vector, the registers that
# prove it (RIP = CR2 for a fetch from nowhere; RSP and CR2 unmapped for a wild stack, which only
# baton's own exception stack survives), the 10 s countdown, and then that the machine works on:
# under UEFI OVMF's boot manager reports baton's boot option "Aborted" (gBS->Exit) and goes on,
# or, for an exception at a raised TPL, a reset and baton's menu again; on SeaBIOS a reset and
# baton's menu again (-R lets QEMU reboot).

CASES="$CASES trap_nmi trap_pf trap_stack trap_after_image bios_trap_nmi bios_trap_pf bios_trap_stack"

TRAP_MENU="Booting 'first' in [0-9]+ s"
# The dump's lines (stage2/trap.c), RIP's and RSP's values to match, the registers after them.
trap_dump() { # RIP-RE RSP-RE CR2-RE
	printf '%s\n' "-s" "^RIP $1  RSP $2  RFL [0-9a-f]{16}|" \
		"-s" "^CS  [0-9a-f]{16}  SS  [0-9a-f]{16}  CR2 $3|" \
		"-s" "^CR0 [0-9a-f]{16}  CR3 [0-9a-f]{16}  CR4 [0-9a-f]{16}|" \
		"-s" "^RAX [0-9a-f]{16}  RBX [0-9a-f]{16}  RCX [0-9a-f]{16}|" \
		"-s" "^R13 [0-9a-f]{16}  R14 [0-9a-f]{16}  R15 [0-9a-f]{16}|"
}
# A menu to strike at, the dump, the countdown and what must follow it; BIOS=1 for SeaBIOS.
trap_case() { # DIR STRIKE-OPTION STRIKE VECTOR-RE RIP-RE RSP-RE CR2-RE WHERE-RE
	{
		echo "timeout 30"
		good_entry "first"
		good_entry "second"
	} >"$1/baton.cfg"
	local dump
	mapfile -t dump < <(trap_dump "$5" "$6" "$7")
	args=(-R -t 150 "$2" "$TRAP_MENU|$3" -s "baton: CPU exception $4|" "${dump[@]}" -s "^$8|")
	if [ -n "${BIOS:-}" ]; then
		bios_install "$1"
		args+=(-B -s "^Resetting in 10 s: 10 9 8 7 6 5 4 3 2 1$|" -p "$TRAP_MENU")
	else
		args+=(-s "^(Returning to the firmware|Resetting) in 10 s: 10 9 8 7 6 5 4 3 2 1$|"
			-p "BdsDxe: failed to start Boot[0-9]+ .*: Aborted|$TRAP_MENU")
	fi
}
HEX='[0-9a-f]{16}'
# Under UEFI the menu's key wait is mostly the firmware's Stall(): RIP may be anywhere.
TRAP_ANYWHERE="(baton is at 0x[0-9a-f]+; RIP - base = 0x[0-9a-f]+ \\(addr2line -e build/BOOTX64.so 0x[0-9a-f]+\\)|RIP is outside baton \\(0x[0-9a-f]+-0x[0-9a-f]+\\))"
# On SeaBIOS the gdbstub step waits for long mode (CS 0x18) before the NMI: RIP is baton's.
TRAP_BIOS_BATON="baton is at 0x9000; RIP - base = 0x[0-9a-f]+ \\(addr2line -e build/bios/body.elf 0x[0-9a-f]+\\)"

# An NMI, as a watchdog or a button would send, taken wherever the guest is at the menu.
case_trap_nmi() {
	trap_case "$1" -M nmi "2 \\(NMI\\)$" "$HEX" "$HEX" "$HEX" "$TRAP_ANYWHERE"
}
case_bios_trap_nmi() {
	BIOS=1 trap_case "$1" -G "cs=0x18 mon=nmi" "2 \\(NMI\\)$" "$HEX" "$HEX" "$HEX" \
		"$TRAP_BIOS_BATON"
}
# A jump to nowhere: a page fault on the instruction fetch, RIP and CR2 the same address.
case_trap_pf() {
	trap_case "$1" -G "cs=0x38 rip=0xffff800000000000" "14 \\(#PF\\), error code 0x[0-9a-f]+$" \
		ffff800000000000 "$HEX" ffff800000000000 "RIP is outside baton .*"
}
case_bios_trap_pf() {
	BIOS=1 trap_case "$1" -G "cs=0x18 rip=0xffff800000000000" \
		"14 \\(#PF\\), error code 0x[0-9a-f]+$" ffff800000000000 "$HEX" ffff800000000000 \
		"RIP is outside baton .*"
}
# A wild stack: the next push faults (RSP and CR2 at or just below the value set), and the CPU could not even push the exception's frame
# there. Only the switch to baton's own stack (IST 1) gives a dump instead of a triple fault.
TRAP_WILD="ffff80000000(1000|0[0-9a-f]{3})"
case_trap_stack() {
	trap_case "$1" -G "cs=0x38 rsp=0xffff800000001000" "14 \\(#PF\\), error code 0x[0-9a-f]+$" \
		"$HEX" "$TRAP_WILD" "$TRAP_WILD" "$TRAP_ANYWHERE"
}
case_bios_trap_stack() {
	BIOS=1 trap_case "$1" -G "cs=0x18 rsp=0xffff800000001000" \
		"14 \\(#PF\\), error code 0x[0-9a-f]+$" "$HEX" "$TRAP_WILD" "$TRAP_WILD" \
		"$TRAP_BIOS_BATON"
}

# After an EFI application has run and returned (baton's tables off for it, then on again), a
# fault at the menu still gets the dump.
case_trap_after_image() {
	chain_entries "" >"$1/baton.cfg"
	args=(-R -t 150 -f 'FAIL: ' -s "Booting 'app' in|\\r"
		-s 'BATON-EFIAPP done: [0-9]+ passed, 0 failed|'
		-G "choose what to boot|cs=0x38 rip=0xffff800000000000"
		-s "baton: CPU exception 14 \\(#PF\\), error code 0x[0-9a-f]+$|"
		-s "^RIP ffff800000000000  RSP [0-9a-f]{16}  RFL [0-9a-f]{16}|"
		-s "^(Returning to the firmware|Resetting) in 10 s: 10 9 8 7 6 5 4 3 2 1$|"
		-p "BdsDxe: failed to start Boot[0-9]+ .*: Aborted|Booting 'app' in")
}
