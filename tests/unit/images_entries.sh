#!/usr/bin/env bash
# images_entries.sh OUTDIR: the disks test_entries reads (BLS entries, discovery), in OUTDIR/entries.
#
# bls.img: an ESP with baton.cfg and hand-written /loader/entries/*.conf, an XBOOTLDR partition
# with more, and an ext4 partition whose entries are read only when baton was started from it. discover.img: no config and
# no entries: an ESP with EFI programs (fake PE headers), two ext4 roots laid out as Debian and
# Fedora lay out /boot, and a second ESP whose \EFI\BOOT\BOOTX64.EFI copies another program.
# many.img: an ESP with 70 entries. dup.img: the same entry file on the ESP and the XBOOTLDR
# partition. longcmd.img: two roots whose /etc/kernel/cmdline is long, and too long.
# kinstall.img: an ESP filled by Debian's own systemd kernel-install; when it cannot run,
# kinstall.skip says why. Partition GUIDs, FAT serials and ext4 UUIDs are fixed, so the tests
# know every volume's spec. Skipped when the stamp (this script) is up to date.
set -euo pipefail
top=${1:?usage: images_entries.sh OUTDIR}
out=$top/entries
self=$(readlink -f "$0")
here=$(dirname "$self")
repo=$(cd "$here/../.." && pwd)
sum=$(sha256sum <"$self" | cut -d' ' -f1)
images="bls discover incl many dup longcmd kinstall"
uptodate() {
	[ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$sum" ] || return 1
	for i in $images; do [ -f "$out/$i.img" ] || return 1; done
}
uptodate && exit 0
for t in mkfs.vfat mcopy mmd mke2fs sgdisk truncate python3; do
	command -v "$t" >/dev/null || { echo "images_entries.sh: $t is missing (make deps)" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"
cd "$out"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8

ESP=c12a7328-f81f-11d2-ba4b-00a0c93ec93b
XBOOTLDR=bc13c2ff-59e6-4262-a352-b275fd6f7172
LINUX=0fc63daf-8483-4772-8e79-3d69d8477de4
# part IMG N START SECTORS TYPE: one GPT partition whose unique GUID is 5eed000N-....
part() {
	sgdisk -n "$2:$3:+$4" -t "$2:$5" -u "$2:5eed000$2-0000-4000-8000-00000000000$2" "$1" >/dev/null
}
fat() { # IMG START SECTORS SERIAL LABEL TREE
	mkfs.vfat --offset "$2" -F 16 -i "$4" -n "$5" "$1" $(($3 / 2)) >/dev/null 2>&1
	(cd "$6" && mcopy -s -Q -i "$OLDPWD/$1@@$(($2 * 512))" ./* ::/)
}
ext() { # IMG START SECTORS UUID TREE
	mke2fs -q -F -t ext4 -U "$4" -E offset=$(($2 * 512)) -d "$5" "$1" $(($3 / 2))k
}
# pe FILE MACHINE [TEXT]: the PE/COFF headers an EFI application starts with (machine 0x8664
# x64 or 0x14c ia32, PE32+, subsystem 10), then TEXT, so files differ or carry a string.
pe() {
	python3 - "$@" <<'EOF'
import struct, sys
path, machine, text = sys.argv[1], int(sys.argv[2], 0), (sys.argv[3] if len(sys.argv) > 3 else '')
mz = bytearray(0x40)
mz[0:2] = b'MZ'
struct.pack_into('<I', mz, 0x3c, 0x40)
coff = b'PE\0\0' + struct.pack('<HHIIIHH', machine, 0, 0, 0, 0, 240, 0x22)
opt = bytearray(240)
struct.pack_into('<H', opt, 0, 0x20b)
struct.pack_into('<H', opt, 68, 10)
open(path, 'wb').write(bytes(mz) + coff + bytes(opt) + text.encode() + b'\0' * 64)
EOF
}
conf() { # FILE LINES...: a .conf, one argument per line
	local f=$1
	shift
	printf '%s\n' "$@" >"$f"
}

# --- bls.img ---
t=bls-esp
mkdir -p $t/EFI/BOOT $t/loader/entries $t/debian/6.1.0-13-amd64 $t/debian/6.1.0-9-amd64 $t/f39
printf 'timeout 7\nentry From baton.cfg\n  kernel /vmlinuz-cfg\n  cmdline quiet\n' >$t/EFI/BOOT/baton.cfg
for f in vmlinuz-cfg debian/6.1.0-13-amd64/linux debian/6.1.0-13-amd64/initrd.img \
	debian/6.1.0-9-amd64/linux f39/linux shellx64.efi; do echo "$f" >"$t/$f"; done
e=$t/loader/entries
conf $e/debian-6.1.0-9-amd64.conf "title Debian GNU/Linux 12 (bookworm)" "version 6.1.0-9-amd64" \
	"sort-key debian" "options root=/dev/sda2 ro" "linux /debian/6.1.0-9-amd64/linux"
conf $e/debian-6.1.0-13-amd64.conf "title Debian GNU/Linux 12 (bookworm)" \
	"version 6.1.0-13-amd64" "sort-key debian" "options root=/dev/sda2" "options ro quiet" \
	"linux debian/6.1.0-13-amd64/linux" "initrd /debian/6.1.0-13-amd64/initrd.img"
conf $e/fedora-39.conf "title Fedora Linux 39" "version 6.5.6-300.fc39.x86_64" \
	"sort-key fedora" "linux /f39/linux"
conf $e/nokey-a.conf "title No key A" "linux /f39/linux" "frobnicate x"
conf $e/nokey-b.conf "title No key B" "linux /f39/linux"
conf $e/arm.conf "title For ARM" "architecture aa64" "linux /f39/linux"
conf $e/x64.conf "title For x64" "architecture X64" "linux /f39/linux"
conf $e/dtb.conf "title With a device tree" "linux /f39/linux" "devicetree /f39/board.dtb"
conf $e/nolinux.conf "title Nothing to boot" "options quiet"
conf $e/shell.conf "title EFI Shell" "efi /shellx64.efi" "options -nostartup"
conf $e/counted+0-3.conf "title Tries used up" "linux /f39/linux"
conf $e/.hidden.conf "title Hidden" "linux /f39/linux"
conf $e/auto-x.conf "title Auto" "linux /f39/linux"
echo "not an entry" >$e/README.txt
t=bls-xbootldr
mkdir -p $t/loader/entries $t/debian/6.2.0-1-amd64
echo k >$t/debian/6.2.0-1-amd64/linux
conf $t/loader/entries/debian-6.2.0-1-amd64.conf "title Debian GNU/Linux 12 (bookworm)" \
	"version 6.2.0-1-amd64" "sort-key debian" "linux /debian/6.2.0-1-amd64/linux"
t=bls-ext
mkdir -p $t/loader/entries
echo k >$t/vmlinuz
conf $t/loader/entries/ext4.conf "title On the ext4 volume" "linux /vmlinuz"
img=bls.img
truncate -s 120M $img
part $img 1 2048 40960 $ESP
part $img 2 43008 40960 $XBOOTLDR
part $img 3 83968 32768 $LINUX
fat $img 2048 40960 B1500001 BLSESP bls-esp
fat $img 43008 40960 B1500002 XBOOT bls-xbootldr
ext $img 83968 32768 b1500003-0000-4000-8000-000000000003 bls-ext

# --- incl.img: a config whose includes are beside it, on its volume and on another ---
mkdir -p incl-esp/EFI/BOOT incl-other
printf 'timeout 4\ninclude sub.cfg\ninclude /EFI/extra.cfg\ninclude label:OTHER/other.cfg\nentry Main\n  kernel /k\n' \
	>incl-esp/EFI/BOOT/baton.cfg
printf 'entry Sub\n  kernel /k\n' >incl-esp/EFI/BOOT/sub.cfg
printf 'entry Extra\n  kernel /k\n' >incl-esp/EFI/extra.cfg
printf 'entry Other\n  kernel /k\n' >incl-other/other.cfg
img=incl.img
truncate -s 48M $img
part $img 1 2048 40960 $ESP
part $img 2 43008 40960 $LINUX
fat $img 2048 40960 1C100001 INCLESP incl-esp
fat $img 43008 40960 1C100002 OTHER incl-other

# --- many.img: more entries than a directory listing once held; read in name order, shown
# newest id first ---
mkdir -p many-esp/loader/entries
echo k >many-esp/k
for i in $(seq -w 0 69); do conf many-esp/loader/entries/e$i.conf "title Entry $i" "linux /k"; done
img=many.img
truncate -s 24M $img
part $img 1 2048 40960 $ESP
fat $img 2048 40960 3A170001 MANY many-esp

# --- dup.img: twin.conf on the ESP and on the XBOOTLDR partition; the config's id twin-3 ---
mkdir -p dup-esp/EFI/BOOT dup-esp/loader/entries dup-xb/loader/entries
printf 'entry Cfg\n  id twin-3\n  kernel /k\n' >dup-esp/EFI/BOOT/baton.cfg
for t in dup-esp dup-xb; do
	echo k >$t/k
	conf $t/loader/entries/twin.conf "title Twin" "version 1" "linux /k"
done
conf dup-xb/loader/entries/twin-2.conf "title Other" "linux /k"
img=dup.img
truncate -s 48M $img
part $img 1 2048 40960 $ESP
part $img 2 43008 40960 $XBOOTLDR
fat $img 2048 40960 D0B10001 DUPESP dup-esp
fat $img 43008 40960 D0B10002 DUPXB dup-xb

# --- longcmd.img: /etc/kernel/cmdline of 3214 bytes (once blanks are one space), and of 4814 ---
for t in 400 600; do
	mkdir -p long$t/boot long$t/etc/kernel
	echo k >long$t/boot/vmlinuz-$t
	{
		printf 'root=/dev/sda1'
		for i in $(seq -w 1 $t); do printf '  opt%04d\n' $((10#$i)); done
	} >long$t/etc/kernel/cmdline
done
img=longcmd.img
truncate -s 40M $img
part $img 1 2048 32768 $LINUX
part $img 2 36864 32768 $LINUX
ext $img 2048 32768 10c00001-0000-4000-8000-000000000001 long400
ext $img 36864 32768 10c00002-0000-4000-8000-000000000002 long600

# --- discover.img ---
t=disc-esp
mkdir -p $t/EFI/BOOT $t/EFI/baton $t/EFI/debian $t/EFI/tools $t/EFI/Microsoft/Boot
pe $t/EFI/BOOT/BOOTX64.EFI 0x8664 "baton: this EFI program is baton itself"
pe $t/EFI/BOOT/fbx64.efi 0x8664 fallback
pe $t/EFI/baton/BOOTX64.EFI 0x8664 "baton: this EFI program is baton itself"
pe $t/EFI/debian/shimx64.efi 0x8664 shim
pe $t/EFI/debian/grubx64.efi 0x8664 grub
pe $t/EFI/debian/mmx64.efi 0x8664 mokmanager
pe $t/EFI/tools/ia32.efi 0x14c ia32
pe $t/EFI/Microsoft/Boot/bootmgfw.efi 0x8664 windows
pe $t/EFI/Microsoft/Boot/other.efi 0x8664 other
echo "not a program" >$t/EFI/tools/notes.efi
t=disc-esp2
mkdir -p $t/EFI/BOOT $t/EFI/ubuntu
pe $t/EFI/ubuntu/shimx64.efi 0x8664 ubuntu-shim
cp $t/EFI/ubuntu/shimx64.efi $t/EFI/BOOT/BOOTX64.EFI
pe $t/EFI/BOOT/BOOTIA32.EFI 0x14c ia32
t=disc-debian
mkdir -p $t/boot $t/etc $t/usr/lib
for v in 6.1.0-9-amd64 6.1.0-10-amd64 6.1.0-13-amd64; do echo "k$v" >$t/boot/vmlinuz-$v; done
for v in 6.1.0-9-amd64 6.1.0-13-amd64; do echo "i$v" >$t/boot/initrd.img-$v; done
echo config >$t/boot/config-6.1.0-13-amd64
ln -s boot/vmlinuz-6.1.0-13-amd64 $t/vmlinuz
ln -s boot/initrd.img-6.1.0-13-amd64 $t/initrd.img
ln -s boot/vmlinuz-6.1.0-9-amd64 $t/vmlinuz.old
ln -s boot/initrd.img-6.1.0-9-amd64 $t/initrd.img.old
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n' \
	>$t/usr/lib/os-release
ln -s ../usr/lib/os-release $t/etc/os-release
t=disc-fedora
mkdir -p $t/boot $t/etc/kernel
echo k >$t/boot/vmlinuz-6.5.6-300.fc39.x86_64
echo i >$t/boot/initramfs-6.5.6-300.fc39.x86_64.img
printf 'NAME=Fedora\n' >$t/etc/os-release
printf 'root=UUID=d15c0004-0000-4000-8000-000000000004   rw\n  quiet\n' >$t/etc/kernel/cmdline
img=discover.img
truncate -s 160M $img
part $img 1 2048 40960 $ESP
part $img 2 43008 32768 $LINUX
part $img 3 75776 32768 $LINUX
part $img 4 108544 40960 $ESP
fat $img 2048 40960 D15C0001 DISCESP disc-esp
ext $img 43008 32768 d15c0002-0000-4000-8000-000000000002 disc-debian
ext $img 75776 32768 d15c0003-0000-4000-8000-000000000003 disc-fedora
fat $img 108544 40960 D15C0004 ESP2 disc-esp2

# --- kinstall.img: Debian's kernel-install (systemd 252) writes BLS entries into $BOOT ---
# It is a shell script in the systemd package; without it installed, the package is unpacked
# into the cache folder. It needs $BOOT_ROOT to be a mount of its own (it makes the paths it
# writes relative to the mount point), so it runs in a private mount namespace on a tmpfs;
# where that is not allowed, in a plain directory, and the prefix is cut from the paths.
kinstall() {
	local ki plug cache=$repo/cache/systemd w
	ki=$(command -v kernel-install || true)
	plug=/usr/lib/kernel/install.d/90-loaderentry.install
	if [ -z "$ki" ] || [ ! -e "$plug" ]; then
		if [ ! -x "$cache/usr/bin/kernel-install" ]; then
			command -v apt-get >/dev/null || { echo "no kernel-install and no apt-get"; return 1; }
			w=$(mktemp -d)
			(cd "$w" && apt-get download systemd >/dev/null 2>&1 && mkdir -p "$cache" &&
				dpkg-deb -x systemd_*.deb "$cache") ||
				{ rm -rf "$w"; echo "apt-get download systemd failed"; return 1; }
			rm -rf "$w"
		fi
		ki=$cache/usr/bin/kernel-install
		plug=$cache/usr/lib/kernel/install.d/90-loaderentry.install
	fi
	mkdir -p ki/conf ki/conf3 ki/boot ki/src
	printf 'layout=bls\n' | tee ki/conf/install.conf >ki/conf3/install.conf
	printf 'root=/dev/vda2 console=ttyS0\n' | tee ki/conf/cmdline >ki/conf3/cmdline
	echo 3 >ki/conf3/tries
	for v in 6.1.0-9-amd64 6.1.0-13-amd64 6.1.0-14-amd64; do
		echo "kernel $v" >ki/src/vmlinuz-$v
		echo "initrd $v" >ki/src/initrd.img-$v
	done
	# Two kernels with the entry token "debian", one with the machine id as its token and
	# three boot tries (a NAME+3.conf).
	local run='
		for v in 6.1.0-9-amd64 6.1.0-13-amd64; do
			KERNEL_INSTALL_CONF_ROOT=$PWD/ki/conf BOOT_ROOT=$B ENTRY_TOKEN=debian \
			MACHINE_ID=0123456789abcdef0123456789abcdef KERNEL_INSTALL_PLUGINS=$PLUG \
			$KI add $v ki/src/vmlinuz-$v ki/src/initrd.img-$v || exit 1
		done
		KERNEL_INSTALL_CONF_ROOT=$PWD/ki/conf3 BOOT_ROOT=$B \
		MACHINE_ID=0123456789abcdef0123456789abcdef KERNEL_INSTALL_PLUGINS=$PLUG \
		$KI add 6.1.0-14-amd64 ki/src/vmlinuz-6.1.0-14-amd64 ki/src/initrd.img-6.1.0-14-amd64 ||
			exit 1'
	export KI=$ki PLUG=$plug
	if B=$PWD/ki/mnt && mkdir -p "$B" &&
		B=$B unshare --mount sh -c "mount -t tmpfs tmpfs \$B && $run && cp -a \$B/. ki/boot/" \
			>ki/log 2>&1; then
		:
	else
		rm -rf ki/boot && mkdir -p ki/boot
		B=$PWD/ki/boot sh -c "$run" >ki/log 2>&1 || { echo "kernel-install failed: $(tail -3 ki/log)"; return 1; }
		sed -i "s|$PWD/ki/boot||" ki/boot/loader/entries/*.conf
	fi
	ls ki/boot/loader/entries/*.conf >/dev/null 2>&1 || { echo "kernel-install wrote no entry: $(tail -3 ki/log)"; return 1; }
	cp ki/boot/loader/entries/*.conf .
	img=kinstall.img
	truncate -s 48M $img
	part $img 1 2048 40960 $ESP
	fat $img 2048 40960 4B150001 KINSTALL ki/boot
}
if ! why=$(kinstall); then
	echo "$why" >kinstall.skip
	truncate -s 1M kinstall.img
	echo "images_entries.sh: kinstall.img not made: $why" >&2
fi
# bls-esp stays: baton check --dir reads it.
rm -rf bls-xbootldr bls-ext incl-esp incl-other many-esp dup-esp dup-xb long400 long600 disc-esp disc-esp2 disc-debian disc-fedora ki
for i in $images; do [ -f "$i.img" ] || { echo "images_entries.sh: $i.img was not made" >&2; exit 1; }; done
echo "$sum" >.stamp
