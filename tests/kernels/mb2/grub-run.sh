#!/usr/bin/env bash
# grub-run.sh: boots an mb2 kernel with Debian's GRUB (EFI, multiboot2 + module2) under OVMF; exit 0 = all PASS.
# usage: grub-run.sh KERNEL [EXTRA_TOKENS]   (run from the repo top after `make mb2`; B=build by default)
# KERNEL: mb2 or mb2-efi. GRUB passes no path, so the line is "KERNEL expect.path=0 ... sum=".
set -euo pipefail
B=${B:-build}
k=${1:-mb2}
extra=${2:-}
BL=cache/bench
W=$B/kernels/mb2/grub-$k
rm -rf "$W" && mkdir -p "$W/esp/k" "$W/esp/EFI/BOOT"
cp "$B/kernels/$k.elf" "$W/esp/k/$k.elf"
"$B/kernels/mkinitrd" "$W/esp/k/i1.bin" 11 20000
"$B/kernels/mkinitrd" "$W/esp/k/i2.bin" 12 5000
text="expect.path=0 expect.mods=2 expect.name=GRUB$extra"
sum=$("$B/kernels/mkinitrd" --sum "$text")
cat >"$W/grub.cfg" <<CFG
search --no-floppy --file --set=root /k/$k.elf
multiboot2 /k/$k.elf $k $text sum=$sum
module2 /k/i1.bin seed=11
module2 /k/i2.bin seed=12
boot
CFG
libs=$BL/libefiboot1/usr/lib/x86_64-linux-gnu:$BL/libefivar1/usr/lib/x86_64-linux-gnu:$BL/libdevmapper1.02.1/lib/x86_64-linux-gnu
# efi_gop: GRUB sets the framebuffer tag's mode too ("grub-run.sh mb2 ' expect.fbmode=1'").
LD_LIBRARY_PATH=$libs $BL/grub-common/usr/bin/grub-mkstandalone -O x86_64-efi \
	-d $BL/grub-efi-amd64-bin/usr/lib/grub/x86_64-efi --modules="part_gpt fat efi_gop" \
	--install-modules="efi_gop video video_fb multiboot2 search search_fs_file part_gpt fat normal boot" \
	--locales= --fonts= --themes= -o "$W/esp/EFI/BOOT/BOOTX64.EFI" "boot/grub/grub.cfg=$W/grub.cfg"
bash mk/mkdisk.sh "$W/disk.img" 64 "$W/esp"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/vars.fd"
set +e
timeout 90 qemu-system-x86_64 -machine q35 -m 256M -accel tcg -nic none -display none \
	-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
	-drive if=pflash,format=raw,file="$W/vars.fd" \
	-drive format=raw,file="$W/disk.img" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio </dev/null | tee "$W/serial.log"
rc=${PIPESTATUS[0]}
set -e
echo "qemu exit status $rc (33 = pass, 35 = fail)"
[ "$rc" -eq 33 ]
