#!/usr/bin/env bash
# demo.sh: `make run`: builds a demo disk (GPT, FAT32 ESP) with baton and Debian's kernel, and boots it in QEMU.
# The menu shows in this terminal (QEMU's serial console). Quit QEMU with Ctrl-A then X.
# BIOS=1 (`make run BIOS=1`): the same disk with baton's BIOS boot code, booted by SeaBIOS.
set -euo pipefail
B=${B:-build}
CACHE=${CACHE:-cache}
d=$B/demo
rm -rf "$d/esp" && mkdir -p "$d/esp/EFI/BOOT" "$d/esp/boot" "$d/esp/test"
cp "$B/BOOTX64.EFI" "$d/esp/EFI/BOOT/BOOTX64.EFI"
cp -L "$CACHE/linux/vmlinuz" "$d/esp/boot/vmlinuz"
bash mk/initramfs.sh "$d/esp/boot/initramfs.img" "$CACHE/busybox/bin/busybox" "$CACHE/linux/efivarfs.ko"
kver=$(basename "$(readlink "$CACHE/linux/vmlinuz")" | sed 's/^vmlinuz-//')
# The other formats, with real kernels: Xen (Multiboot 2), the vmlinux inside the bzImage (PVH),
# the 686 kernel (32-bit entry) and memtest86+ (Linux protocol).
cp -L "$CACHE/xen/xen.gz" "$d/esp/boot/xen.gz"
bash mk/vmlinux.sh "$CACHE/linux/vmlinuz" "$d/esp/boot/vmlinux"
cp -L "$CACHE/linux686/vmlinuz" "$d/esp/boot/vmlinuz-686"
bash mk/initramfs.sh "$d/esp/boot/initramfs-686.img" "$CACHE/busybox386/bin/busybox"
cp "$CACHE/memtest/boot/memtest86+x64.bin" "$d/esp/boot/"
cp "$CACHE/gnumach/boot/gnumach-1.8-486.gz" "$d/esp/boot/gnumach.gz"
bios=${BIOS:-}
[ "$bios" = 0 ] && bios=""
k686=$(basename "$(readlink "$CACHE/linux686/vmlinuz")" | sed 's/^vmlinuz-//')

# The conformance kernel checks every promise of the Linux 64-bit boot protocol, then powers off.
. tests/qemu/cases.sh
cp "$B/kernels/linux64.bzImage" "$d/esp/test/linux64.bzImage"
"$B/kernels/mkinitrd" "$d/esp/test/i1.bin" 11 100000
"$B/kernels/mkinitrd" "$d/esp/test/i2.bin" 22 3001

# A second disk as an installed Debian has it: an ext4 root with the kernel in /boot and the
# /vmlinuz and /initrd.img links at the top; baton finds it by the filesystem's UUID.
rm -rf "$d/root" && mkdir -p "$d/root/boot"
cp -L "$CACHE/linux/vmlinuz" "$d/root/boot/vmlinuz-$kver"
cp "$d/esp/boot/initramfs.img" "$d/root/boot/initrd.img-$kver"
ln -s "boot/vmlinuz-$kver" "$d/root/vmlinuz"
ln -s "boot/initrd.img-$kver" "$d/root/initrd.img"
root_uuid=$(bash mk/mkextdisk.sh "$d/root.img" 128 "$d/root" debian-root)

cat >"$d/esp/EFI/BOOT/baton.cfg" <<CFG
# baton demo menu: see README.md, "The config file".
timeout 10
default 1

entry Debian GNU/Linux $kver (busybox shell)
  kernel /boot/vmlinuz
  initrd /boot/initramfs.img
  cmdline console=ttyS0,115200 quiet

entry Debian GNU/Linux $kver (verbose, powers off once userspace runs)
  kernel /boot/vmlinuz
  initrd /boot/initramfs.img
  cmdline console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 baton.poweroff

entry Debian GNU/Linux $kver from an ext4 disk (uuid:, through /vmlinuz)
  kernel uuid:$root_uuid/vmlinuz
  initrd uuid:$root_uuid/initrd.img
  cmdline console=ttyS0,115200 quiet

entry Xen 4.17 with a Debian dom0 (Multiboot 2; Ctrl-A X quits)
  kernel /boot/xen.gz
  cmdline console=com1 com1=115200,8n1 dom0_mem=512M
  module /boot/vmlinuz console=hvc0 quiet
  module /boot/initramfs.img

entry Debian's vmlinux through Xen PVH (busybox shell)
  kernel /boot/vmlinux
  module /boot/initramfs.img
  cmdline console=ttyS0,115200 quiet

entry Debian GNU/Linux $k686 (686, 32-bit entry, busybox shell)
  kernel /boot/vmlinuz-686
  initrd /boot/initramfs-686.img
  cmdline console=ttyS0,115200 quiet

entry memtest86+ (runs until you quit QEMU: Ctrl-A X)
  kernel /boot/memtest86+x64.bin
  cmdline console=ttyS0,115200

entry baton's Linux 64-bit boot protocol conformance test
  kernel /test/linux64.bzImage
  initrd /test/i1.bin
  initrd /test/i2.bin
  cmdline $(BIOS=$bios conf_cmdline expect.fb=0)
CFG
if [ -n "$bios" ]; then
	cat >>"$d/esp/EFI/BOOT/baton.cfg" <<CFG

entry GNU Mach 1.8 (Multiboot 1; stops: Debian ships no Hurd servers)
  kernel /boot/gnumach.gz
  cmdline console=com0
CFG
fi
bash mk/mkdisk.sh "$d/disk.img" 256 "$d/esp"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$d/vars.fd"
fw=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
	-drive if=pflash,format=raw,file="$d/vars.fd")
name="UEFI firmware OVMF, no KVM: the firmware takes a few seconds"
if [ -n "$bios" ]; then
	# baton's BIOS boot code, installed as a user would: the gap part in the disk's BIOS boot
	# partition, the stage2 file and the config on the ESP.
	rm -f "$d/disk.img.baton-undo"
	"$B/baton" install --bios "$d/disk.img"
	fw=()
	name="BIOS firmware SeaBIOS, no KVM"
fi

cat <<MSG
Booting the demo disk $d/disk.img in QEMU ($name).
baton's menu appears below; use the arrow keys and Enter.
To quit QEMU at any time: press Ctrl-A, then X.
MSG
rc=0
# -cpu max,-smap: Xen's PV dom0 faults at once with SMAP under TCG (a QEMU quirk, kernels.md).
qemu-system-x86_64 -accel tcg -nic none -nodefaults -machine q35 -m 1536 -cpu max,-smap -display none \
	"${fw[@]}" \
	-drive if=none,id=d0,format=raw,file="$d/disk.img" -device virtio-blk-pci,drive=d0 \
	-drive if=none,id=d1,format=raw,file="$d/root.img" -device virtio-blk-pci,drive=d1 \
	-serial mon:stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 || rc=$?
# isa-debug-exit: the conformance kernel exits QEMU with 33 (all checks passed) or 35.
case $rc in
0) ;;
33) echo "QEMU exited: the conformance kernel reported every check passed." ;;
35) echo "QEMU exited: the conformance kernel reported failures (see above)."; exit 1 ;;
*) echo "QEMU exited with status $rc."; exit 1 ;;
esac
