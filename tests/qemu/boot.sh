#!/usr/bin/env bash
# boot.sh: boots a disk image under QEMU/TCG with OVMF, drives the serial console and gives a verdict.
#
# usage: boot.sh [options] DISK
#   -t SECS        hard timeout (default 60)
#   -o LOG         where the serial output goes (escape sequences stripped; LOG.raw keeps them)
#   -s 'RE|KEYS'   step: wait for RE (extended regex) after the previous step's match, then send
#                  KEYS to the serial console (printf escapes: '\r' Enter, '\033[B' Down); RE
#                  ends at the last '|'
#   -M 'RE|CMD'    step: the same, then CMD to QEMU's monitor (e.g. nmi)
#   -G 'RE|ARGS'   step: the same, then qctl.py's gdb ARGS through QEMU's gdbstub (cs=SEL rip=V ...)
#   -R             a guest reset reboots it (no -no-reboot)
#   -p RE          pass when RE appears after the last step (QEMU is then stopped)
#   -x             pass when the guest exits through isa-debug-exit with 0x10 (status 33)
#   -f RE          fail at once when RE appears (besides the built-in fatal patterns)
#   -m MIB         guest memory (default 512)
#   -V             add a VGA device (OVMF then offers GOP)
#   -c CPU         QEMU's -cpu model (Xen's PV dom0 needs "max,-smap" under TCG)
#   -D IMG         a further disk (virtio, after the boot disk: hd1, hd2...)
#   -C ISO         a CD-ROM drive holding ISO (AHCI; baton calls it cd0)
#   -B             boot with SeaBIOS (QEMU's default firmware) instead of OVMF
#   -W VARS        OVMF's variable store: this file, kept (made from the template if missing),
#                  so that a later boot sees the variables this one set
#   -K             DISK is a CD (an ISO in an AHCI CD-ROM drive, the boot device) instead of a disk
#   -Q ARG         one more QEMU argument (repeatable), e.g. -kernel for a reference run
#   -N             no boot disk: the -Q arguments boot something (DISK is then not used)
# Exit status 0 on pass, 1 on fail. A one-line reason is printed either way.
set -u
timeout=60 log="" mem=512 want_exit=0 pass_re="" fail_re="" vga=() steps=() cpu=() more=()
bios=0 cd=0 nodisk=0 vars="" reboot=(-no-reboot)
# Each step is kept with its kind first: k (keys), m (monitor), g (gdbstub).
while getopts "t:o:s:M:G:Rp:xf:m:Vc:D:C:BKQ:NW:" o; do
	case $o in
	t) timeout=$OPTARG ;;
	o) log=$OPTARG ;;
	s) steps+=("k$OPTARG") ;;
	M) steps+=("m$OPTARG") ;;
	G) steps+=("g$OPTARG") ;;
	R) reboot=() ;;
	p) pass_re=$OPTARG ;;
	x) want_exit=1 ;;
	f) fail_re=$OPTARG ;;
	m) mem=$OPTARG ;;
	V) vga=(-device VGA) ;;
	c) cpu=(-cpu "$OPTARG") ;;
	D) more+=(-drive "if=none,id=d${#more[@]},format=raw,file=$OPTARG"
		-device "virtio-blk-pci,drive=d${#more[@]}") ;;
	C) more+=(-drive "if=none,id=cd${#more[@]},format=raw,media=cdrom,readonly=on,file=$OPTARG"
		-device "ide-cd,drive=cd${#more[@]},bus=ide.1") ;;
	B) bios=1 ;;
	K) cd=1 ;;
	Q) more+=("$OPTARG") ;;
	N) nodisk=1 ;;
	W) vars=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
disk=${1:?disk image}
work=$(mktemp -d)
[ -n "$log" ] || log=$work/serial.log
trap 'kill $qpid $rpid 2>/dev/null; rm -rf "$work"' EXIT

# OVMF: the code read-only, a fresh copy of the variable store per run (or -W's). SeaBIOS: nothing
# to add.
fw=()
if [ "$bios" = 0 ]; then
	[ -n "$vars" ] || vars=$work/vars.fd
	[ -e "$vars" ] || cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
	fw=(-drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
		-drive "if=pflash,format=raw,file=$vars")
fi
boot=(-drive "if=none,id=boot,format=raw,file=$disk" -device virtio-blk-pci,drive=boot,bootindex=0)
[ "$cd" = 1 ] && boot=(-drive "if=none,id=boot,format=raw,media=cdrom,readonly=on,file=$disk"
	-device ide-cd,drive=boot,bus=ide.0,bootindex=0)
[ "$nodisk" = 0 ] || boot=()
mkfifo "$work/ser.in" "$work/ser.out"
# The monitor and the gdbstub on sockets of this run, for -M and -G steps (qctl.py).
here=$(dirname "$0") ctl=()
for s in "${steps[@]}"; do
	[[ $s == [mg]* ]] && ctl=(-monitor "unix:$work/mon,server=on,wait=off"
		-gdb "unix:$work/gdb,server=on,wait=off")
done
: >"$log"

timeout "$timeout" qemu-system-x86_64 -accel tcg -nic none -nodefaults -machine q35 -m "$mem" \
	-display none "${reboot[@]}" "${vga[@]}" "${cpu[@]}" \
	"${fw[@]}" \
	"${boot[@]}" "${more[@]}" \
	"${ctl[@]}" \
	-chardev "pipe,id=ser,path=$work/ser" -serial chardev:ser \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$work/qemu.out" 2>&1 &
qpid=$!
# QEMU opens both pipes read-write, so neither open below can block for long.
exec 3<>"$work/ser.in"
timeout "$((timeout + 5))" cat "$work/ser.out" >"$log.raw" &
rpid=$!
# The matchable log: escape sequences and CRs stripped. Redone from the raw log at each poll,
# because the menu's countdown line never ends with a newline (a line-buffered filter would hold it).
clean() {
	sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[()][A-Z0-9]//g' -e 's/\r//g' "$log.raw" >"$log.tmp"
	mv "$log.tmp" "$log"
}

fatal='X64 Exception|!!!! |Shell> |No bootable option|Access Denied|failed to load Boot'
[ -n "$fail_re" ] && fatal="$fatal|$fail_re"
pos=0   # byte offset in the log after the last step's match
step=0
verdict=""
# Prints the byte offset just past the first match of $1 at or after offset $pos, or nothing.
find_after() {
	tail -c +"$((pos + 1))" "$log" | grep -a -b -o -E -m1 -- "$1" | head -1 |
		awk -F: -v p="$pos" '{ print p + $1 + length(substr($0, index($0, ":") + 1)) }'
}
while kill -0 $qpid 2>/dev/null; do
	sleep 0.2
	clean
	if m=$(grep -a -o -E -m1 -- "$fatal" "$log"); then
		verdict="fail: saw '$m'"
		break
	fi
	if [ "$step" -lt "${#steps[@]}" ]; then
		kind=${steps[$step]:0:1}
		re=${steps[$step]:1}
		re=${re%|*}
		keys=${steps[$step]##*|}
		if off=$(find_after "$re") && [ -n "$off" ]; then
			pos=$off
			sleep 0.3 # let the guest reach its key wait
			case $kind in
			k) printf "$keys" >&3 ;;
			m) python3 "$here/qctl.py" "$work" mon "$keys" >>"$work/ctl.out" 2>&1 ;;
			g) read -ra words <<<"$keys"
				python3 "$here/qctl.py" "$work" gdb "${words[@]}" >>"$work/ctl.out" 2>&1 ;;
			esac
			step=$((step + 1))
		fi
		continue
	fi
	if [ -n "$pass_re" ] && off=$(find_after "$pass_re") && [ -n "$off" ]; then
		verdict=pass
		break
	fi
done
if [ -z "$verdict" ]; then
	wait $qpid
	rc=$?
	sleep 0.3 # let the reader drain
	clean
	# The guest may have run ahead of the polling: match the steps left in the final log.
	while [ "$step" -lt "${#steps[@]}" ] && re=${steps[$step]:1} &&
		off=$(find_after "${re%|*}") && [ -n "$off" ]; do
		pos=$off
		step=$((step + 1))
	done
	if m=$(grep -a -o -E -m1 -- "$fatal" "$log"); then
		verdict="fail: saw '$m'"
	elif [ "$step" -lt "${#steps[@]}" ]; then
		re=${steps[$step]:1}
		verdict="fail: never saw '${re%|*}' (step $((step + 1)), qemu status $rc)"
	elif [ "$want_exit" = 1 ] && [ "$rc" = 33 ]; then
		verdict=pass
	elif [ -n "$pass_re" ] && [ -n "$(find_after "$pass_re")" ]; then
		verdict=pass
	elif [ "$rc" = 124 ]; then
		verdict="fail: timed out after ${timeout}s"
	elif [ "$rc" = 35 ]; then
		verdict="fail: guest reported failure through isa-debug-exit"
	else
		verdict="fail: qemu exited with status $rc (reset, shutdown or crash)"
	fi
fi
kill $qpid 2>/dev/null
wait $qpid 2>/dev/null
[ -s "$work/qemu.out" ] && sed 's/^/qemu: /' "$work/qemu.out" >>"$log"
[ -s "$work/ctl.out" ] && sed 's/^/ctl: /' "$work/ctl.out" >>"$log"
echo "$verdict"
[ "$verdict" = pass ]
