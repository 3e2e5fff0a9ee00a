# cases.sh: the QEMU test cases: each writes its disk's baton.cfg and sets the boot.sh arguments (args).
# shellcheck shell=bash

CASES="linux64_conformance debian_linux debian_linux64 debian_linux32 menu_keys menu_default_timeout no_config config_syntax_error
	missing_kernel missing_initrd not_a_kernel truncated_bzimage corrupt_bzimage xen_dom0
	debian_pvh smoke_mb1_gz smoke_mb2 smoke_mb2_efi smoke_elf64 mb1_elf mb1_video mb1_aout mb2
	mb2_video mb2_efi pvh elf32 elf64 bad_elf_trunc bad_elf_beyond bad_elf_overlap bad_elf_entry
	bad_huge bad_mb2_sum bad_mb2_required bad_mb2_fb_required bad_gzip debian_linux686 memtest_bin
	memtest_efi efi_chainload efi_chainload_fails linux32_conformance linux32_forced fs_logical fs_ext4
	fs_iso stage1_mbr stage1_gpt stage1_missing stage1_read_error bios_entry bootsect_seabios
	linux16_qemu r16run_chainload_part r16run_chainload_logical r16run_chainload_mbr
	r16run_linux16 r16run_debian_linux16"

# FNV-1a (32-bit) of a string, as the conformance kernel checks its command line with it.
fnv1a() {
	local s=$1 h=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ c) * 16777619 & 0xffffffff))
	done
	printf '%08x' "$h"
}

# The command line of a Linux conformance kernel for the two initrds on every disk.
linux_cmdline() { # NAME [EXTRA TOKENS]
	local s="baton.test=$1 initrds=2 initrd.seeds=11,22"
	shift
	s="$s $*"
	s=${s% }
	echo "$s sum=$(fnv1a "$s")"
}
conf_cmdline() { linux_cmdline linux64 "expect.pref=1 $*"; } # [EXTRA TOKENS]

# An entry that passes the conformance kernel's checks, and one that fails them (a wrong sum).
good_entry() { # TITLE [EXTRA]
	printf 'entry %s\n  kernel /k/linux64.bzImage\n  initrd /k/i1.bin\n  initrd /k/i2.bin\n' "$1"
	printf '  cmdline %s\n' "$(conf_cmdline "${2:-expect.fb=0}")"
}
bad_entry() { # TITLE
	printf 'entry %s\n  kernel /k/linux64.bzImage\n  initrd /k/i1.bin\n  initrd /k/i2.bin\n' "$1"
	printf '  cmdline baton.test=linux64 initrds=2 initrd.seeds=11,22 sum=00000000\n'
}
DOWN='\033[B'

# Every promise of boot.rst's 64-bit protocol, checked by our own kernel (with a GOP framebuffer).
case_linux64_conformance() {
	{
		echo "timeout 0"
		good_entry "conformance" "expect.fb=1"
	} >"$1/baton.cfg"
	args=(-V -x -t 90 -f 'FAIL:')
}

# Every promise of boot.rst's 32-bit protocol, by an i386 bzImage (no XLF_KERNEL_64, so the 32-bit
# entry is the only one): its pref_address, 16 MiB, is busy under OVMF, so baton loads it elsewhere
# and must say where in code32_start.
case_linux32_conformance() {
	{
		echo "timeout 0"
		printf 'entry linux32\n  kernel /k/linux32.bzImage\n  initrd /k/i1.bin\n  initrd /k/i2.bin\n'
		printf '  cmdline %s\n' "$(linux_cmdline linux32 expect.fb=1)"
	} >"$1/baton.cfg"
	args=(-V -x -t 90 -s 'linux kernel, 32-bit entry|' -s '32-bit protected mode|'
		-f 'FAIL:|error: cannot boot')
}

# protocol linux32 forced on a kernel that declares the 64-bit entry and loading above 4 GiB too
# (linux32-k64.bzImage): the 32-bit entry all the same, everything below 4 GiB, at pref_address.
case_linux32_forced() {
	{
		echo "timeout 0"
		printf 'entry linux32 forced\n  kernel /k/linux32-k64.bzImage\n  protocol linux32\n'
		printf '  initrd /k/i1.bin\n  initrd /k/i2.bin\n'
		printf '  cmdline %s\n' "$(linux_cmdline linux32 expect.pref=1 expect.fb=0)"
	} >"$1/baton.cfg"
	args=(-x -t 90 -s 'linux kernel, 32-bit entry|' -f 'FAIL:|error: cannot boot')
}

# Debian's own kernel, through its EFI stub (the default), and a busybox initramfs served through
# LoadFile2 reach userspace with our command line, and see the Boot Loader Interface variables.
case_debian_linux() {
	cat >"$1/baton.cfg" <<-'EOF'
	timeout 0
	entry Debian GNU/Linux
	  kernel /boot/vmlinuz
	  initrd /boot/initramfs.img
	  cmdline console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 baton.poweroff
	EOF
	# The Boot Loader Interface variables reach the system: systemd-analyze reads these.
	local bli='BATON-BLI LoaderInfo=baton LoaderTimeInitUSec=[0-9]+ LoaderTimeExecUSec=[0-9]+'
	args=(-t 240 -s 'linux kernel, EFI stub|' -s 'BATON-USERSPACE-OK cmdline: .*baton.poweroff|'
		-p "$bli LoaderDevicePartUUID=[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}" -f 'Kernel panic')
}

# A Debian kernel to its userspace marker: KERNEL INITRD ENTRY-KIND [PROTOCOL]; -s steps may follow.
debian_entry() {
	local dir=$1 kernel=$2 initrd=$3 kind=$4 proto=${5:-}
	{
		printf 'timeout 0\nentry Debian GNU/Linux (%s)\n' "$kind"
		printf '  kernel %s\n  initrd %s\n' "$kernel" "$initrd"
		[ -z "$proto" ] || printf '  protocol %s\n' "$proto"
		printf '  cmdline console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 baton.poweroff\n'
	} >"$dir/baton.cfg"
	args=(-t 240 -s "linux kernel, $kind|" -p 'BATON-USERSPACE-OK cmdline: .*baton.poweroff'
		-f 'Kernel panic')
}

# The same kernel through boot.rst's own 64-bit entry instead of its EFI stub (the default).
case_debian_linux64() { debian_entry "$1" /boot/vmlinuz /boot/initramfs.img "64-bit entry" linux64; }

# And through boot.rst's 32-bit entry: baton leaves long mode through its trampoline, the kernel's
# startup_32 builds its own page tables.
case_debian_linux32() {
	debian_entry "$1" /boot/vmlinuz /boot/initramfs.img "32-bit entry" linux32
	args+=(-s '32-bit protected mode|')
}

# Debian's linux-image-686: a 32-bit kernel (no XLF_KERNEL_64), so the 32-bit entry without asking.
case_debian_linux686() {
	debian_entry "$1" /boot/vmlinuz-686 /boot/initramfs-686.img "32-bit entry"
}

# Xen 4.17 from Debian: gzip'd, Multiboot 2 with the EFI boot services and amd64 entry tags and a
# relocatable image; its dom0 (Debian's kernel and our initramfs, as modules) reaches userspace.
# Xen strips the first word of module strings from loaders that are not GRUB 2: the path.
case_xen_dom0() {
	cat >"$1/baton.cfg" <<-'EOF'
	timeout 0
	entry Xen 4.17 with a Linux dom0
	  kernel /boot/xen.gz
	  cmdline console=com1 com1=115200,8n1 dom0_mem=512M
	  module /boot/vmlinuz console=hvc0 earlyprintk=xen baton.poweroff
	  module /boot/initramfs.img
	EOF
	args=(-t 300 -m 1536 -c max,-smap -s 'EFI amd64 entry with boot services|'
		-s '\(XEN\) Bootloader: baton|' -s '\(XEN\) Command line: console=com1 com1|'
		-p 'BATON-USERSPACE-OK cmdline: console=hvc0 earlyprintk=xen baton.poweroff$'
		-f 'Panic on CPU|Kernel panic|error: cannot boot')
}

# Debian's vmlinux (the ELF inside the bzImage) through its Xen PVH note, no Xen: an
# hvm_start_info with the command line, the initramfs as module 0, the RSDP and the memory map.
case_debian_pvh() {
	cat >"$1/baton.cfg" <<-'EOF'
	timeout 0
	entry Debian vmlinux through PVH
	  kernel /boot/vmlinux
	  module /boot/initramfs.img
	  cmdline console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 baton.poweroff
	EOF
	args=(-t 240 -s 'pvh kernel, Xen PVH|' -p 'BATON-USERSPACE-OK cmdline: .*baton.poweroff'
		-f 'Kernel panic|error: cannot boot')
}

# memtest86+ (kernels.md): the .bin by the Linux boot protocol (fixed at 1 MiB, not relocatable),
# the .efi started by the firmware as an EFI application; each to its banner on serial.
case_memtest_bin() {
	cat >"$1/baton.cfg" <<-'EOF'
	timeout 0
	entry memtest86+
	  kernel /boot/memtest86+x64.bin
	  cmdline console=ttyS0,115200
	EOF
	args=(-t 120 -s 'linux kernel|' -p 'Memtest86\+ v[0-9]')
}
case_memtest_efi() {
	cat >"$1/baton.cfg" <<-'EOF'
	timeout 0
	entry memtest86+ (EFI)
	  kernel /boot/memtest86+x64.efi
	  protocol efi
	  cmdline console=ttyS0,115200
	EOF
	args=(-V -t 120 -s 'efi kernel|' -p 'Memtest86\+ v[0-9]')
}

# EFI chainload of our own application (tests/kernels/efiapp): it checks its load options, parent,
# device path and that it can open its own file, then returns; baton shows the menu again, and
# the good entry then boots. Told to, it leaves through Exit(EFI_ABORTED) with a reason baton shows.
chain_entries() { # EXTRA-TOKENS
	printf 'timeout 30\nentry app\n  kernel /k/efiapp.efi\n'
	printf '  cmdline expect.path=\\k\\efiapp.efi %s\n' "$1"
	good_entry good
}
case_efi_chainload() {
	chain_entries "" >"$1/baton.cfg"
	args=(-x -t 120 -s "Booting 'app' in|\r" -s 'BATON-EFIAPP done: [0-9]+ passed, 0 failed|'
		-s "choose what to boot|$DOWN" -s "> good|\r" -f 'FAIL: ')
}
case_efi_chainload_fails() {
	chain_entries "exit=aborted" >"$1/baton.cfg"
	args=(-x -t 120 -s "Booting 'app' in|\r" -s 'BATON-EFIAPP done: [0-9]+ passed, 0 failed|'
		-s 'the image stopped with ABORTED: efiapp: asked to fail|x'
		-s "choose what to boot|$DOWN" -s "> good|\r" -f 'FAIL: ')
}

# Broken kernels made by mkbad.py: each a clear message, then the menu boots the good entry.
case_bad_elf_trunc() { bad_input_case "$1" broken "  kernel /bad/trunc.elf" 'past the end of the file'; }
case_bad_elf_beyond() { bad_input_case "$1" broken "  kernel /bad/beyond.elf" 'past the end of the file'; }
case_bad_elf_overlap() { bad_input_case "$1" broken "  kernel /bad/overlap.elf" 'segments overlap'; }
case_bad_elf_entry() {
	bad_input_case "$1" broken "  kernel /bad/entry.elf" 'outside every loadable segment'
}
case_bad_huge() { bad_input_case "$1" broken "  kernel /bad/huge.elf" 'MiB of memory this machine has'; }
case_bad_mb2_sum() {
	bad_input_case "$1" broken "  kernel /bad/badsum.elf
  protocol multiboot2" 'no Multiboot 2 header with a valid checksum'
}
case_bad_mb2_required() {
	bad_input_case "$1" broken "  kernel /bad/mb2req.elf" 'requires the Multiboot 2 APM table tag'
}
# A required framebuffer tag (3.1.3) on a machine without graphics output (no -V: no GOP).
case_bad_mb2_fb_required() {
	bad_input_case "$1" broken "  kernel /bad/mb2fbreq.elf" \
		'requires a framebuffer \(Multiboot 2 framebuffer tag\), but the firmware has no graphics output'
}
case_bad_gzip() { bad_input_case "$1" broken "  kernel /bad/corrupt.gz" 'corrupt gzip data'; }

# The Multiboot conformance kernels (tests/kernels/mb1, mb2): every promise, PASS/FAIL lines, and a
# verdict through isa-debug-exit. Their command line: the path (baton's convention), tokens, sum.
conf_entry() { # DIR KERNEL TOKENS [MODULE-LINES] [VGA]
	local t="$3"
	{
		printf 'timeout 0\nentry conformance\n  kernel /k/%s\n' "$2"
		printf '  cmdline %s sum=%s\n' "$t" "$(fnv1a "$t")"
		printf '%s' "${4:-}"
	} >"$1/baton.cfg"
}
MODS='  module /k/i1.bin seed=11
  module /k/i2.bin seed=22
'
case_mb1_elf() {
	conf_entry "$1" mb1.elf "expect.mods=2 expect.name=baton expect.mmap=1 expect.elfsyms=1" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# The header asks for 1024x768x32; OVMF starts in another mode (1280x800 with QEMU's VGA), so
# "was" in the message and expect.fbmode=1 in the kernel show that baton switched.
case_mb1_video() {
	conf_entry "$1" mb1-video.elf \
		"expect.mods=0 expect.name=baton expect.mmap=1 expect.fb=1 expect.fbmode=1"
	args=(-V -x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: 1024x768x32 for the kernel \(asked 1024x768x32; was [0-9x]+\)|')
}
case_mb1_aout() {
	conf_entry "$1" mb1-aout.bin "expect.mods=2 expect.name=baton expect.mmap=1" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# No VGA, no GOP: the framebuffer tag is optional, so the kernel boots without a framebuffer.
case_mb2() {
	conf_entry "$1" mb2.elf "expect.mods=2 expect.name=baton expect.fb=0" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: the firmware has no graphics output .*: the kernel gets no framebuffer|')
}
# With VGA: the framebuffer tag's 800x600x32 (not OVMF's first mode) is set and reported.
case_mb2_video() {
	conf_entry "$1" mb2.elf "expect.mods=2 expect.name=baton expect.fb=1 expect.fbmode=1" "$MODS"
	args=(-V -x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: 800x600x32 for the kernel \(asked 800x600x32; was [0-9x]+\)|')
}
# Entered with boot services kept: at its fixed address (32 MiB), which OVMF leaves free.
case_mb2_efi() {
	conf_entry "$1" mb2-efi.elf "expect.mods=2 expect.name=baton" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}

# PVH (tests/kernels/pvh): the command line as it is, one module with its string.
case_pvh() {
	conf_entry "$1" pvh.elf "expect.mods=1 expect.memmap=1 expect.rsdp=1 expect.modcmd=1" \
		'  module /k/i1.bin seed=11
'
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# The baton ELF protocol (tests/kernels/elf): ELF32 and ELF64, under UEFI.
case_elf32() {
	conf_entry "$1" elf32.elf "expect.mods=2 expect.efi=1 expect.rsdp=1" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
case_elf64() {
	conf_entry "$1" elf64.elf "expect.mods=2 expect.efi=1 expect.rsdp=1" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}

# Smoke kernels (tests/kernels/smoke): one path each, to its "OK" line and a clean QEMU exit.
smoke_case() { # DIR KERNEL CMDLINE STEP...
	printf 'timeout 0\nentry smoke\n  kernel /k/%s\n  cmdline %s\n' "$2" "$3" >"$1/baton.cfg"
	shift 3
	args=(-x -t 60 -f 'error: cannot boot' "$@")
}
# gzip'd, ELF32 with a virtual entry, loaded where OVMF keeps data: inflated, relocated, entered.
case_smoke_mb1_gz() {
	smoke_case "$1" smoke-mb1.gz "one two" -s 'gzip, [0-9]+ bytes inflate|' \
		-s 'moves to 0x1f000000 after the firmware is gone|' \
		-s 'BATON-SMOKE mb1 OK cmdline=/k/smoke-mb1.gz one two|'
}
case_smoke_mb2() {
	smoke_case "$1" smoke-mb2.elf "three" -s 'BATON-SMOKE mb2 OK cmdline=/k/smoke-mb2.elf three|'
}
case_smoke_mb2_efi() {
	smoke_case "$1" smoke-mb2-efi.elf "" -s 'boot services running|' \
		-s 'BATON-SMOKE mb2-efi OK: 64-bit entry, boot services running|'
}
case_smoke_elf64() {
	smoke_case "$1" smoke-elf64.elf "" -s 'ELF64 \(64-bit, PT_LOADs mapped as linked\)|' \
		-s 'BATON-SMOKE elf64 OK: higher half|'
}

# The countdown shows, a key stops it and acts: Down selects the second entry, Enter boots it.
case_menu_keys() {
	{
		echo "timeout 30"
		bad_entry "first"
		good_entry "second"
		bad_entry "third"
	} >"$1/baton.cfg"
	args=(-x -t 120 -s "Booting 'first' in [0-9]+ s|$DOWN" -s "> second|\\r")
}

# With no key, the default (named by title) boots when the countdown ends.
case_menu_default_timeout() {
	{
		echo "timeout 2"
		echo "default second"
		bad_entry "first"
		good_entry "second"
	} >"$1/baton.cfg"
	args=(-x -t 90 -s "Booting 'second' in 2 s|")
}

# No config: a screen that says where baton looked; a key looks again.
case_no_config() {
	args=(-t 90 -s 'No config file found.*|' -s '/EFI/BOOT/baton.cfg|x'
		-p 'No config file found')
}

# A syntax error names the file and line; the good entries still boot.
case_config_syntax_error() {
	{
		echo "timeout 30"
		good_entry "good"
		echo "  kernal /k/linux64.bzImage"
	} >"$1/baton.cfg"
	args=(-x -t 90 -s 'baton.cfg:7: .*kernal|\r')
}

# An entry that cannot boot shows the message, then the menu comes back and another entry boots.
bad_input_case() { # DIR TITLE ENTRY-LINES MESSAGE-REGEX
	{
		echo "timeout 30"
		printf 'entry %s\n%s\n' "$2" "$3"
		good_entry "good"
	} >"$1/baton.cfg"
	args=(-x -t 120 -s "Booting '$2' in|\\r" -s "error: cannot boot|" -s "$4|x"
		-s "choose what to boot|$DOWN" -s "> good|\\r")
}
case_missing_kernel() {
	bad_input_case "$1" broken "  kernel /k/nope.bzImage" 'kernel /k/nope.bzImage not found'
}
case_missing_initrd() {
	bad_input_case "$1" broken "  kernel /k/linux64.bzImage
  initrd /k/i1.bin
  initrd /k/nope.img" 'initrd /k/nope.img not found'
}
case_not_a_kernel() {
	bad_input_case "$1" broken "  kernel /k/notakernel.txt" 'not a kernel baton recognises'
}
case_truncated_bzimage() {
	bad_input_case "$1" broken "  kernel /k/trunc.bzImage" 'truncated'
}
# The kernel's EFI stub finds the damage, says so and exits: baton is back with the reason.
case_corrupt_bzimage() {
	bad_input_case "$1" broken "  kernel /k/corrupt.bzImage
  initrd /k/i1.bin" 'the image stopped with LOAD_ERROR'
}

# --- Filesystems and partitions: kernels and initrds on other volumes than the config's ---

# The conformance kernel's entry with its files named by FS paths: KERNEL INITRD1 INITRD2.
fs_entry() {
	printf 'timeout 0\nentry %s\n  kernel %s\n  initrd %s\n  initrd %s\n' "$1" "$2" "$3" "$4"
	printf '  cmdline %s\n' "$(conf_cmdline expect.fb=0)"
}

# A second disk with an MBR whose extended partition holds two logical FAT16 partitions; the
# kernel is found by GRUB's name for the first logical one, the initrds by PARTUUID and label.
case_fs_logical() {
	local img=$1/logical.img k=$out/base/k
	truncate -s 48M "$img"
	sfdisk -q "$img" <<-'END'
	label: dos
	label-id: 0x5eed0001
	start=2048, size=8192, type=6
	start=10240, size=88064, type=5
	start=12288, size=40960, type=6
	start=55296, size=40960, type=e
	END
	mkfs.vfat --offset 12288 -F 16 -n LOGICAL5 "$img" 20480 >/dev/null 2>&1
	mkfs.vfat --offset 55296 -F 16 -n LOGICAL6 "$img" 20480 >/dev/null 2>&1
	mcopy -i "$img@@$((12288 * 512))" "$k/linux64.bzImage" "$k/i1.bin" ::/
	mcopy -i "$img@@$((55296 * 512))" "$k/i2.bin" ::/
	fs_entry "kernel and initrds on logical partitions" "(hd1,msdos5)/linux64.bzImage" \
		partuuid:5eed0001-05/i1.bin label:LOGICAL6/i2.bin >"$1/baton.cfg"
	args=(-D "$img" -x -t 90 -f 'FAIL:|error: cannot boot')
}

# Debian's kernel and initramfs on an ext4 partition of a second disk, laid out as Debian does
# (/boot/vmlinuz-VERSION, with /vmlinuz and /initrd.img links at the top), named by the
# filesystem's UUID, to the initramfs's userspace marker.
case_fs_ext4() {
	local t=$1/root k=$out/base/boot uuid
	mkdir -p "$t/boot"
	ln "$k/vmlinuz" "$t/boot/vmlinuz-6.1.0-baton-amd64"
	ln "$k/initramfs.img" "$t/boot/initrd.img-6.1.0-baton-amd64"
	ln -s boot/vmlinuz-6.1.0-baton-amd64 "$t/vmlinuz"
	ln -s boot/initrd.img-6.1.0-baton-amd64 "$t/initrd.img"
	uuid=$(bash mk/mkextdisk.sh "$1/root.img" 160 "$t" debian-root)
	rm -rf "$t"
	debian_entry "$1" "uuid:$uuid/vmlinuz" "uuid:$uuid/initrd.img" "EFI stub"
	args=(-D "$1/root.img" "${args[@]}" -f "Kernel panic|error: cannot boot")
}

# The conformance kernel and its initrds from an ISO9660 image (Rock Ridge and Joliet) in a CD
# drive: 2 KiB blocks; named as GRUB names the drive, by the ISO's label, and by its UUID.
case_fs_iso() {
	local t=$1/cd k=$out/base/k uuid
	mkdir -p "$t/boot/x86_64"
	cp "$k/linux64.bzImage" "$k/i1.bin" "$t/boot/x86_64/"
	cp "$k/i2.bin" "$t/i2.bin"
	xorriso -as mkisofs -quiet -R -J -V BATON_CD -o "$1/cd.iso" "$t" 2>/dev/null
	rm -rf "$t"
	uuid=$(blkid -p -o value -s UUID "$1/cd.iso")
	fs_entry "kernel and initrds from a CD" "(cd0)/boot/x86_64/linux64.bzImage" \
		label:BATON_CD/boot/x86_64/i1.bin "uuid:$uuid/i2.bin" >"$1/baton.cfg"
	args=(-C "$1/cd.iso" -x -t 90 -f 'FAIL:|error: cannot boot')
}

# --- BIOS: stage1 (stage1/mbr.S) on SeaBIOS, loading a stand-in stage2 that checks its promises ---

# stage1_disk DIR TABLE LBA COUNT: a 4 MiB disk with an MBR (sfdisk) or GPT (sgdisk) layout.
stage1_disk() {
	local img=$1/disk.img
	rm -f "$img" && truncate -s 4M "$img"
	case $2 in
	mbr) printf 'label: dos\nlabel-id: 0xba7011ee\nstart=2048, type=83\n' | sfdisk -q "$img" ;;
	gpt) sgdisk -a 1 -n1:34:2047 -t1:ef02 -n2:2048:0 -t2:8300 "$img" >/dev/null ;;
	esac
	python3 "$here/mkstage1.py" "$img" "$B/stage1/mbr.bin" "$B/kernels/s1probe.bin" "$3" "$4"
}
# In the MBR gap, 70 sectors: two calls (64 + 6). The partition table must survive.
case_stage1_mbr() {
	stage1_disk "$1" mbr 1 70
	args=(-B -x -t 30 -s 'BATON-STAGE1-OK drive=80|' -f 'BATON-STAGE1-BAD|baton: ')
}
# In a GPT BIOS boot partition (LBA 34), with the protective MBR's entry kept.
case_stage1_gpt() {
	stage1_disk "$1" gpt 34 200
	args=(-B -x -t 30 -s 'BATON-STAGE1-OK drive=80|' -f 'BATON-STAGE1-BAD|baton: ')
}
# Nothing where stage2 should be, and a stage2 past the end of the disk: a message, not a hang.
case_stage1_missing() {
	stage1_disk "$1" mbr 1 0
	python3 -c 'import struct,sys; f=open(sys.argv[1],"r+b"); f.seek(16); f.write(struct.pack("<H", 40))' "$1/disk.img"
	args=(-B -t 30 -p 'baton: stage2 is missing; run baton install again' -f 'BATON-STAGE1')
}
case_stage1_read_error() {
	stage1_disk "$1" mbr 1 0
	python3 -c 'import struct,sys; f=open(sys.argv[1],"r+b"); f.seek(8); f.write(struct.pack("<QH", 1 << 40, 40))' "$1/disk.img"
	args=(-B -t 30 -p 'baton: disk read error loading stage2' -f 'BATON-STAGE1')
}

# The BIOS stage2 (stage2/bios, in progress) reached through stage1: long mode and C run.
case_bios_entry() {
	local img=$1/disk.img
	rm -f "$img" && truncate -s 4M "$img"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$img"
	python3 "$here/mkbios.py" "$img" "$B/stage1/mbr.bin" "$B/bios-gap.bin" "$B/bios.bin" 1
	args=(-B -x -t 30 -s 'baton BIOS stage2: long mode, drive 0x80|' -s 'CF=0 BX=0xaa55|' \
		-s 'back in long mode|' -f 'baton: ')
}

# --- BIOS: the 16-bit entries (LP_MODE_REAL16): Linux's 16-bit entry and boot-sector chainload ---

# bios_disk DIR BODY GAP CONFIG [EXTRA-FILES...]: a 64 MiB MBR disk as `baton install` will lay it
# out: stage1 in sector 0, the gap part and BODY after it (mkbios.py, LBA 1 on); msdos1 a 16 MiB
# FAT16 labelled R16RUN with CONFIG as /baton.cfg (the BIOS stage2 finds it there, r16run by its
# label) and the extra files in /k; msdos2 (LBA 36864) and the logical msdos5 (LBA 45056) raw,
# each holding a copy of the boot-sector conformance kernel (its sector, then its body).
bios_disk() {
	local dir=$1 body=$2 gap=$3 cfg=$4 img=$1/disk.img
	shift 4
	rm -f "$img" && truncate -s 64M "$img"
	sfdisk -q "$img" <<-'END'
	label: dos
	label-id: 0xba7016aa
	start=2048, size=32768, type=e
	start=36864, size=4096, type=da
	start=43008, size=20480, type=5
	start=45056, size=4096, type=da
	END
	mkfs.vfat --offset 2048 -F 16 -n R16RUN "$img" 16384 >/dev/null 2>&1
	mcopy -i "$img@@1M" "$cfg" ::/baton.cfg
	if [ $# -gt 0 ]; then
		mmd -i "$img@@1M" ::/k
		mcopy -i "$img@@1M" "$@" ::/k/
	fi
	dd if="$B/kernels/bootsect.bin" of="$img" bs=512 seek=36864 conv=notrunc status=none
	dd if="$B/kernels/bootsect.bin" of="$img" bs=512 seek=45056 conv=notrunc status=none
	python3 "$here/mkbios.py" "$img" "$B/stage1/mbr.bin" "$gap" "$body" 1
}
# A second disk whose MBR is the boot-sector kernel (its table kept), its body in the gap.
bios_mbr_disk() { # IMG
	rm -f "$1" && truncate -s 4M "$1"
	printf 'label: dos\nlabel-id: 0xba7016bb\nstart=2048, type=83\n' | sfdisk -q "$1"
	python3 - "$1" "$B/kernels/bootsect.bin" <<-'END'
	import sys
	img, bs = sys.argv[1], open(sys.argv[2], "rb").read()
	with open(img, "r+b") as f:
	    f.write(bs[:440])
	    f.seek(512)
	    f.write(bs[512:])
	END
}
# The linux16 conformance kernel's entry: its command line asks what the checks expect.
linux16_cfg() { # CONFIG-FILE [EXTRA TOKENS]
	local s="baton.test=linux16 initrds=2 initrd.seeds=11,22 expect.sp=0xe000 ${2:-}"
	s=${s% }
	printf 'entry linux16\n  kernel /k/linux16.bzImage\n  protocol linux16\n' >"$1"
	printf '  initrd /k/i1.bin\n  initrd /k/i2.bin\n  cmdline %s sum=%s\n' "$s" "$(fnv1a "$s")" >>"$1"
}

# r16run (tests/qemu/r16run): baton's boot.c, exec.c and trampoline on SeaBIOS, under a stand-in
# for the BIOS platform, until stage2/bios is whole. Each boots the first entry of baton.cfg.
r16run_disk() { # DIR CONFIG [EXTRA-FILES...]
	local dir=$1
	shift
	bios_disk "$dir" "$B/r16run.bin" "$B/r16run-gap.bin" "$@"
}
# A primary partition's boot sector: DS:SI -> its entry at 0000:07CE, DL = 0x80.
case_r16run_chainload_part() {
	printf 'entry vbr\n  kernel (hd0,msdos2)\n' >"$1/cfg"
	r16run_disk "$1" "$1/cfg"
	args=(-B -x -t 60 -s 'drive=0x80 lba=36864|' -f 'FAIL:|r16run: error')
}
# A logical partition's: its EBR at 0000:0600, the entry's LBA made absolute.
case_r16run_chainload_logical() {
	printf 'entry vbr\n  kernel (hd0,msdos5)\n  protocol chainload\n' >"$1/cfg"
	r16run_disk "$1" "$1/cfg"
	args=(-B -x -t 60 -s 'drive=0x80 lba=45056|' -f 'FAIL:|r16run: error')
}
# A whole second disk's MBR: DL = 0x81, SI = 0.
case_r16run_chainload_mbr() {
	printf 'entry mbr\n  kernel (hd1)\n' >"$1/cfg"
	r16run_disk "$1" "$1/cfg"
	bios_mbr_disk "$1/second.img"
	args=(-B -D "$1/second.img" -x -t 60 -s 'drive=0x81 lba=0|' -f 'FAIL:|r16run: error')
}
# Linux's 16-bit entry: the setup code at 0x10000 (moved there by the trampoline: r16run lives
# there), the kernel relocated, two initrds.
case_r16run_linux16() {
	linux16_cfg "$1/cfg" "vga=0x317 expect.vga=0x317"
	r16run_disk "$1" "$1/cfg" "$B/kernels/linux16.bzImage" "$out/base/k/i1.bin" "$out/base/k/i2.bin"
	args=(-B -x -t 60 -f 'FAIL:|r16run: error')
}
# Debian's kernel through its own real-mode setup code (protocol linux16): the setup does its
# BIOS calls (E820, video) and enters the kernel itself, to the initramfs's userspace marker.
case_r16run_debian_linux16() {
	printf 'entry Debian GNU/Linux (16-bit entry)\n  kernel /k/vmlinuz\n  protocol linux16\n' >"$1/cfg"
	printf '  initrd /k/initramfs.img\n  cmdline console=ttyS0,115200 baton.poweroff\n' >>"$1/cfg"
	r16run_disk "$1" "$1/cfg" "$out/base/boot/vmlinuz" "$out/base/boot/initramfs.img"
	args=(-B -t 240 -s 'linux kernel, 16-bit entry|' -s 'Starting the kernel at 1020:0000|'
		-p 'BATON-USERSPACE-OK cmdline: console=ttyS0,115200 baton.poweroff' -f 'Kernel panic|r16run: error')
}

# Reference runs: the two kernels under loaders that are not baton. SeaBIOS boots the boot-sector
# kernel as a disk's MBR (its flags byte cleared: only what a BIOS promises is checked); QEMU's
# own -kernel loader (its linuxboot option ROM: type_of_loader 0xB0, SP 0xFFF0, the command line
# at 0x20000, one initrd) enters the linux16 kernel's setup code.
case_bootsect_seabios() {
	bios_mbr_disk "$1/disk.img"
	printf '\0' | dd of="$1/disk.img" bs=1 seek=6 conv=notrunc status=none
	args=(-B -x -t 30 -s 'drive=0x80 lba=0|' -f 'FAIL:')
}
case_linux16_qemu() {
	local s="baton.test=linux16 initrds=1 initrd.seeds=11 expect.loader=0xb0"
	args=(-B -N -x -t 30 -Q -kernel -Q "$B/kernels/linux16.bzImage" -Q -initrd -Q "$out/base/k/i1.bin"
		-Q -append -Q "$s sum=$(fnv1a "$s")" -f 'FAIL:')
}

# --- the same through baton's own BIOS stage2 (stage2/bios): not in CASES until it is whole ---
# Each is its r16run twin with build/bios.bin and its gap part instead of r16run: the disk
# (bios_disk) is stage1 in the MBR, the gap part and the body in the gap, a FAT16 partition
# holding /baton.cfg (with "timeout 0", so the only entry boots at once) and the test files in
# /k, and the raw partitions msdos2 and msdos5 holding the boot-sector kernel. The BIOS stage2
# must find /baton.cfg on the partition it came from, set each disk's bios_drive (0x80 + n) and
# say plat_bios(); plat_mem_reclaimable() must answer true for its own low memory (the setup
# code goes to 0x10000, the boot sector to 0x7C00, its partition table to 0x600: the relocator
# moves them there) and false for the IVT, the BDA and the EBDA; plat_alloc_pages() must give a
# free page below 640 KiB for the trampoline.
bios_stage2_disk() { # DIR CONFIG [EXTRA-FILES...]
	local dir=$1 cfg=$2
	shift 2
	{ echo "timeout 0"; cat "$cfg"; } >"$cfg.0"
	bios_disk "$dir" "$B/bios.bin" "$B/bios-gap.bin" "$cfg.0" "$@"
}
case_bios_linux16() {
	linux16_cfg "$1/cfg" "vga=0x317 expect.vga=0x317"
	bios_stage2_disk "$1" "$1/cfg" "$B/kernels/linux16.bzImage" "$out/base/k/i1.bin" "$out/base/k/i2.bin"
	args=(-B -x -t 90 -s 'linux kernel, 16-bit entry|' -f 'FAIL:|error: cannot boot')
}
case_bios_chainload_part() {
	printf 'entry vbr\n  kernel (hd0,msdos2)\n' >"$1/cfg"
	bios_stage2_disk "$1" "$1/cfg"
	args=(-B -x -t 90 -s 'drive=0x80 lba=36864|' -f 'FAIL:|error: cannot boot')
}
case_bios_chainload_logical() {
	printf 'entry vbr\n  kernel (hd0,msdos5)\n' >"$1/cfg"
	bios_stage2_disk "$1" "$1/cfg"
	args=(-B -x -t 90 -s 'drive=0x80 lba=45056|' -f 'FAIL:|error: cannot boot')
}
case_bios_chainload_mbr() {
	printf 'entry mbr\n  kernel (hd1)\n' >"$1/cfg"
	bios_stage2_disk "$1" "$1/cfg"
	bios_mbr_disk "$1/second.img"
	args=(-B -D "$1/second.img" -x -t 90 -s 'drive=0x81 lba=0|' -f 'FAIL:|error: cannot boot')
}
