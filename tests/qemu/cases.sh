# cases.sh: the QEMU test cases: each writes its disk's baton.cfg and sets the boot.sh arguments (args).
# shellcheck shell=bash

CASES="linux64_conformance debian_linux debian_linux64 debian_linux32 menu_keys menu_default_timeout no_config config_syntax_error
	missing_kernel missing_initrd not_a_kernel truncated_bzimage corrupt_bzimage xen_dom0
	debian_pvh smoke_mb1_gz smoke_mb2 smoke_mb2_efi smoke_elf64 mb1_elf mb1_video mb1_aout mb2
	mb2_video mb2_efi pvh elf32 elf64 bad_elf_trunc bad_elf_beyond bad_elf_overlap bad_elf_entry
	bad_huge bad_mb2_sum bad_mb2_required bad_mb2_fb_required bad_gzip debian_linux686 memtest_bin
	memtest_efi efi_chainload efi_chainload_fails linux32_conformance linux32_forced fs_logical fs_ext4
	fs_iso stage1_mbr stage1_gpt stage1_missing stage1_read_error bios_entry
	bios_linux64_conformance bios_linux32_conformance bios_smoke_mb1_gz bios_smoke_mb2 bios_smoke_elf64
	bios_mb1_elf bios_mb1_video bios_mb1_aout bios_mb2 bios_mb2_video bios_pvh bios_elf32 bios_elf64
	bios_menu_keys bios_menu_default_timeout bios_no_config bios_config_syntax_error bios_missing_kernel
	bios_missing_initrd bios_not_a_kernel bios_truncated_bzimage bios_bad_elf_trunc
	bios_bad_elf_beyond bios_bad_elf_overlap bios_bad_elf_entry bios_bad_huge bios_bad_mb2_sum bios_bad_gzip
	bios_debian_linux64 bios_debian_linux32 bios_debian_linux686 bios_xen_dom0 bios_debian_pvh
	bios_memtest_bin bios_fs_logical bios_fs_ext4 bios_fs_iso bios_gnumach_amd64 bios_gnumach_i386
	iso_uefi_cd iso_uefi_disk iso_uefi_esp iso_bios_cd iso_bios_disk iso_bios_damaged root_missing
	bios_install_mbr63 bios_install_gpt install_gpt_uefi bios_install_changed
	bootsect_seabios linux16_qemu bios_linux16 bios_debian_linux16 bios_chainload_part
	bios_chainload_logical bios_chainload_mbr bios_mb1_logical"

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
# On SeaBIOS (BIOS=1, set by the case_bios_ variants) the kernel also checks the BIOS zero page.
conf_cmdline() { linux_cmdline linux64 "expect.pref=1 $*${BIOS:+ expect.bios=1 expect.fb=0}"; } # [EXTRA TOKENS]

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
	args=(-x -t 120 -s "Booting 'app' in|\r" -s 'options: expect.path=|'
		-s 'BATON-EFIAPP done: [0-9]+ passed, 0 failed|'
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
# Multiboot's boot device (MB1 boot_device, MB2 tag 5): on SeaBIOS (BIOS=1) the kernel's disk
# and partition (the test disk's ESP, (hd0,gpt1): drive 0x80, partition 0); none on UEFI.
bootdev() { if [ -n "${BIOS:-}" ]; then echo expect.bootdev=8000ffff; else echo expect.bootdev=0; fi; }
case_mb1_elf() {
	conf_entry "$1" mb1.elf "expect.mods=2 expect.name=baton $(bootdev) expect.mmap=1 expect.elfsyms=1" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# The header asks for 1024x768x32; OVMF starts in another mode (1280x800 with QEMU's VGA), so
# "was" in the message and expect.fbmode=1 in the kernel show that baton switched.
case_mb1_video() {
	conf_entry "$1" mb1-video.elf \
		"expect.mods=0 expect.name=baton $(bootdev) expect.mmap=1 expect.fb=1 expect.fbmode=1"
	args=(-V -x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: 1024x768x32 for the kernel \(asked 1024x768x32; was [0-9x]+\)|')
}
case_mb1_aout() {
	conf_entry "$1" mb1-aout.bin "expect.mods=2 expect.name=baton $(bootdev) expect.mmap=1" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# No VGA, no GOP: the framebuffer tag is optional, so the kernel boots without a framebuffer.
case_mb2() {
	conf_entry "$1" mb2.elf "expect.mods=2 expect.name=baton $(bootdev) expect.fb=0" "$MODS"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: the firmware has no graphics output .*: the kernel gets no framebuffer|')
}
# With VGA: the framebuffer tag's 800x600x32 (not OVMF's first mode) is set and reported.
case_mb2_video() {
	conf_entry "$1" mb2.elf "expect.mods=2 expect.name=baton $(bootdev) expect.fb=1 expect.fbmode=1" "$MODS"
	args=(-V -x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: 800x600x32 for the kernel \(asked 800x600x32; was [0-9x]+\)|')
}
# Entered with boot services kept: at its fixed address (32 MiB), which OVMF leaves free.
case_mb2_efi() {
	conf_entry "$1" mb2-efi.elf "expect.mods=2 expect.name=baton $(bootdev)" "$MODS"
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

# No config: a screen that says where baton looked; a key looks again. (The disk's 686 kernel
# goes, or baton would find it in /boot and offer it.)
case_no_config() {
	mdel -i "$1/disk.img@@1M" ::/boot/vmlinuz-686
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

# `root` naming a volume that is not there: booting says so, and the menu comes back.
case_root_missing() {
	{
		echo "root label:NOPE"
		echo "timeout 30"
		good_entry "good"
	} >"$1/baton.cfg"
	args=(-t 90 -s "Booting 'good' in|\\r" -s "error: cannot boot|"
		-s "no volume with label 'NOPE' for root label:NOPE|x" -p "choose what to boot")
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

# Multiboot 1 from the first logical partition of a second disk on SeaBIOS: boot_device says
# drive 0x81, part1 4 (3.3: logical partitions are numbered from 4).
case_bios_mb1_logical() {
	local img=$1/logical.img k=$out/base/k t
	BIOS=1 case_fs_logical "$1"
	mcopy -o -i "$img@@$((12288 * 512))" "$k/mb1.elf" "$k/i2.bin" ::/
	t="expect.path=0 expect.mods=2 expect.name=baton expect.bootdev=8104ffff expect.mmap=1"
	{
		printf 'timeout 0\nentry conformance\n  kernel (hd1,msdos5)/mb1.elf\n'
		printf '  cmdline %s sum=%s\n' "$t" "$(fnv1a "$t")"
		printf '  module (hd1,msdos5)/i1.bin seed=11\n  module (hd1,msdos5)/i2.bin seed=22\n'
	} >"$1/baton.cfg"
	bios_install "$1"
	args=(-B -D "$img" -x -t 90 -f 'FAIL:|error: cannot boot')
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

# baton's BIOS boot code on a test disk, put there by `baton install --bios` as a user would:
# tests.sh's GPT disk has a BIOS boot partition (34-2047) for the gap part; the stage2 file goes
# on the ESP as /EFI/baton/bios.bin, where the config is found too.
bios_install() { # DIR
	"$B/baton" install --bios "$1/disk.img" >"$1/install.log" 2>&1 || cat "$1/install.log" >&2
}
# The same test on SeaBIOS: case_bios_NAME runs case_NAME's disk and markers by BIOS, where
# Linux is entered at its 64-bit entry (no EFI stub) and Xen at its Multiboot 2 32-bit entry.
bios_args() {
	args=("${args[@]//EFI stub/64-bit entry}")
	args=("${args[@]//EFI amd64 entry with boot services/32-bit protected mode}")
	args+=(-B)
}
for c in debian_linux64 debian_linux32 \
	debian_linux686 xen_dom0 debian_pvh memtest_bin menu_keys menu_default_timeout \
	config_syntax_error missing_kernel missing_initrd not_a_kernel truncated_bzimage \
	smoke_mb2 smoke_elf64 mb1_elf mb1_video mb1_aout mb2_video \
	pvh bad_elf_trunc bad_elf_beyond bad_elf_overlap bad_elf_entry bad_huge \
	bad_mb2_sum bad_gzip fs_logical fs_ext4 fs_iso; do
	eval "case_bios_$c() { BIOS=1 case_$c \"\$1\"; bios_install \"\$1\"; bios_args; }"
done

# boot.rst's 64-bit and 32-bit protocols on SeaBIOS: no efi_info, 80x25 text in screen_info, the
# E820 map from INT 15h; and with a VGA card, a VBE framebuffer asked by the config... (text here).
case_bios_linux64_conformance() {
	{
		echo "timeout 0"
		good_entry "conformance" "expect.fb=0 expect.bios=1"
	} >"$1/baton.cfg"
	bios_install "$1"
	args=(-B -V -x -t 90 -f 'FAIL:')
}
case_bios_linux32_conformance() {
	{
		echo "timeout 0"
		printf 'entry linux32\n  kernel /k/linux32.bzImage\n  initrd /k/i1.bin\n  initrd /k/i2.bin\n'
		printf '  cmdline %s\n' "$(linux_cmdline linux32 expect.fb=0 expect.bios=1)"
	} >"$1/baton.cfg"
	bios_install "$1"
	args=(-B -V -x -t 90 -s 'linux kernel, 32-bit entry|' -s '32-bit protected mode|'
		-f 'FAIL:|error: cannot boot')
}

# No config anywhere (the installer's starter config removed): where it was looked for, on BIOS.
case_bios_no_config() {
	case_no_config "$1"
	bios_install "$1"
	mdel -i "$1/disk.img@@1M" ::/EFI/baton/baton.cfg
	args+=(-B)
}
# Multiboot 1, gzip'd and ELF32 with a virtual entry, at its fixed address (free under SeaBIOS).
case_bios_smoke_mb1_gz() {
	smoke_case "$1" smoke-mb1.gz "one two" -s 'gzip, [0-9]+ bytes inflate|' \
		-s 'BATON-SMOKE mb1 OK cmdline=/k/smoke-mb1.gz one two|'
	bios_install "$1"
	args+=(-B)
}
# Multiboot 2 and plain ELF on SeaBIOS: no EFI tags; without a VGA card, the framebuffer tag says
# EGA text (type 2), as GRUB does in text mode.
case_bios_mb2() {
	conf_entry "$1" mb2.elf "expect.mods=2 expect.name=baton $(BIOS=1 bootdev) expect.fb=2" "$MODS"
	bios_install "$1"
	args=(-B -x -t 90 -f 'FAIL:|error: cannot boot'
		-s 'video: no VBE mode with a linear framebuffer: the kernel gets none|')
}
case_bios_elf32() {
	conf_entry "$1" elf32.elf "expect.mods=2 expect.efi=0 expect.rsdp=1" "$MODS"
	bios_install "$1"
	args=(-B -x -t 90 -f 'FAIL:|error: cannot boot')
}
case_bios_elf64() {
	conf_entry "$1" elf64.elf "expect.mods=2 expect.efi=0 expect.rsdp=1" "$MODS"
	bios_install "$1"
	args=(-B -x -t 90 -f 'FAIL:|error: cannot boot')
}

# GNU Mach from Debian on SeaBIOS (its console needs VGA text, which UEFI lacks): gzip'd Multiboot 1,
# the amd64 image an ELF64 whose vaddr differs from paddr, the i386 one an ELF32 with a virtual
# entry; each prints its banner on COM1 and panics for want of Hurd servers.
gnumach_case() { # DIR IMAGE
	printf 'timeout 0\nentry GNU Mach\n  kernel /boot/%s\n  cmdline console=com0\n' "$2" >"$1/baton.cfg"
	bios_install "$1"
	args=(-B -V -t 120 -s 'multiboot kernel, Multiboot 1|' -s 'GNU Mach 1\.8|'
		-p 'No bootstrap code loaded with the kernel' -f 'error: cannot boot')
}
case_bios_gnumach_amd64() { gnumach_case "$1" gnumach-amd64.gz; }
case_bios_gnumach_i386() { gnumach_case "$1" gnumach-i386.gz; }

# The BIOS stage2 (stage2/bios, in progress) reached through stage1: long mode and C run.
case_bios_entry() {
	local img=$1/disk.img
	rm -f "$img" && truncate -s 4M "$img"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$img"
	python3 "$here/mkbios.py" "$img" "$B/stage1/mbr.bin" "$B/bios-gap.bin" "$B/bios.bin" 1
	args=(-B -t 30 -s 'baton BIOS stage2: long mode, drive 0x80|' \
		-p 'could not read the volume it was started from')
}

# --- `baton mkiso`: one hybrid ISO booted as a CD and as a disk, by OVMF and by SeaBIOS ---

# The ISO replaces the test's disk: the conformance kernel and its initrds put in /k by DEST=SRC,
# the config at /boot/baton/baton.cfg and its copy with `root uuid:` on the ESP. Its config is
# iso.cfg: run_case would copy a baton.cfg into the disk's FAT partition, which the ISO has not.
iso_make() { # DIR
	local k=$out/base/k
	{
		echo "timeout 0"
		good_entry "conformance from the ISO"
	} >"$1/iso.cfg"
	"$B/baton" mkiso "$1/disk.img" --config "$1/iso.cfg" --label BATON-TEST \
		k/linux64.bzImage="$k/linux64.bzImage" k/i1.bin="$k/i1.bin" k/i2.bin="$k/i2.bin" \
		>/dev/null || rm -f "$1/disk.img"
}
# UEFI from a CD: OVMF starts the El Torito EFI image (the ESP); baton takes the CD as its
# volume (the CDROM node names no partition of it) and reads /boot/baton/baton.cfg there.
case_iso_uefi_cd() {
	iso_make "$1"
	args=(-K -x -t 90 -f 'FAIL:|error: cannot boot')
}
# UEFI from a USB stick: OVMF finds the El Torito image on the disk too (as on a CD).
case_iso_uefi_disk() {
	iso_make "$1"
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# Firmware that ignores El Torito on a disk (its boot record's name spoiled here) starts the MBR's
# ESP, partition 2: baton's config is the ESP's copy, whose `root uuid:` finds the kernel on the ISO.
case_iso_uefi_esp() {
	iso_make "$1"
	python3 - "$1/disk.img" <<-'EOF'
	import sys
	f = open(sys.argv[1], "r+b")
	for lba in range(16, 32):
	    f.seek(lba * 2048)
	    d = f.read(30)
	    if d[0] == 0 and d[1:6] == b"CD001" and d[7:30] == b"EL TORITO SPECIFICATION":
	        f.seek(lba * 2048 + 7)
	        f.write(b"NO TORITO SPECIFICATION")
	        break
	else:
	    sys.exit("no El Torito boot record")
	EOF
	args=(-x -t 90 -f 'FAIL:|error: cannot boot')
}
# BIOS from a CD: the El Torito boot image (stage1/cdboot.S) loads the body from the CD (drive
# 0xE0 on SeaBIOS); the body reads the CD in 2048-byte sectors and boots the kernel from it.
case_iso_bios_cd() {
	BIOS=1 iso_make "$1"
	args=(-B -K -x -t 90 -s 'baton BIOS stage2: long mode, drive 0xe0|' -f 'FAIL:|error: cannot boot')
}
# BIOS from a USB stick: stage1 in the ISO's MBR, the gap part and the body as ISO files; the body
# sees the ISO as the whole disk and the ESP beside it.
case_iso_bios_disk() {
	BIOS=1 iso_make "$1"
	args=(-B -x -t 90 -s 'baton BIOS stage2: long mode, drive 0x80|' -f 'FAIL:|error: cannot boot')
}
# A body damaged on the CD: the boot image names it and waits, no silent hang.
case_iso_bios_damaged() {
	iso_make "$1"
	local off
	off=$("$B/baton" map "$1/disk.img" /boot/baton/cdboot.img | awk 'NR == 1 { print $2 }')
	python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2]))
b = f.read(1)[0]; f.seek(-1, 1); f.write(bytes([b ^ 0xff]))' "$1/disk.img" $((off + 4096))
	args=(-B -K -t 30 -p 'baton: stage2 on the CD is damaged \(CRC-32 mismatch\)'
		-f 'baton BIOS stage2')
}

# --- BIOS: disks made by `baton install` (tools/install.c), booted on SeaBIOS ---

# A 31 KiB MBR gap (first partition at sector 63, ext4): stage1 and the gap part in the gap, the
# stage2 file /boot/baton/bios.bin on the ext4 partition, loaded by its block list; then the
# conformance kernel, its initrds and a config written beside it (debugfs), booted on SeaBIOS.
install_mbr63_disk() { # IMG
	rm -f "$1" && truncate -s 16M "$1"
	printf 'label: dos\nstart=63, type=83\n' | sfdisk -q "$1"
	mke2fs -q -t ext4 -L BATONROOT -E offset=$((63 * 512)) "$1" $(((32768 - 63) / 2))k
	"$B/baton" install "$1" >"${1%/*}/install.log" 2>&1
}
case_bios_install_mbr63() {
	local img=$1/disk.img k=$out/base/k
	install_mbr63_disk "$img"
	{
		echo "timeout 0"
		BIOS=1 good_entry "conformance from ext4"
	} >"$1/ext.cfg"
	debugfs -w -R "mkdir /k" "$img?offset=$((63 * 512))" >/dev/null 2>&1
	for f in linux64.bzImage i1.bin i2.bin; do
		debugfs -w -R "write $k/$f /k/$f" "$img?offset=$((63 * 512))" >/dev/null 2>&1
	done
	debugfs -w -R "rm /boot/baton/baton.cfg" "$img?offset=$((63 * 512))" >/dev/null 2>&1
	debugfs -w -R "write $1/ext.cfg /boot/baton/baton.cfg" "$img?offset=$((63 * 512))" >/dev/null 2>&1
	args=(-B -x -t 90 -s 'baton BIOS stage2: long mode|' -f 'FAIL:|error: cannot boot')
}
# GPT with a BIOS boot partition and an ESP: the gap part in the former, the stage2 file on the
# latter as /EFI/baton/bios.bin (beside the UEFI files). The same disk, Debian's kernel and
# initramfs added on the ESP, boots to userspace on both firmwares.
install_gpt_disk() { # DIR
	local img=$1/disk.img b=$out/base/boot
	rm -f "$img" && truncate -s 40M "$img"
	sgdisk -a 1 -n1:34:2047 -t1:ef02 -a 2048 -n2:2048:0 -t2:ef00 "$img" >/dev/null
	mkfs.vfat -F 16 --offset 2048 "$img" $(((81920 - 2048 - 34) / 2)) >/dev/null 2>&1
	"$B/baton" install "$img" >"$1/install.log" 2>&1
	debian_entry "$1" /vmlinuz /initramfs.img "64-bit entry" linux64
	mcopy -i "$img@@1M" "$b/vmlinuz" "$b/initramfs.img" ::/
	mcopy -o -i "$img@@1M" "$1/baton.cfg" ::/EFI/baton/baton.cfg
	rm "$1/baton.cfg"
}
case_bios_install_gpt() {
	install_gpt_disk "$1"
	args=(-B -s 'baton BIOS stage2: long mode|' "${args[@]}")
}
case_install_gpt_uefi() {
	install_gpt_disk "$1"
}
# The stage2 file changed in place after the install (debugfs zap_block: one byte of its second
# block): the gap part's CRC-32 check names it instead of running it.
case_bios_install_changed() {
	local img=$1/disk.img
	install_mbr63_disk "$img"
	debugfs -w -R "zap_block -f /boot/baton/bios.bin -o 600 -l 1 -p 0xaa 1" \
		"$img?offset=$((63 * 512))" >/dev/null 2>&1
	args=(-B -t 30 -p 'baton: the stage2 file changed since it was installed' -f 'BIOS stage2')
}

# --- BIOS: the 16-bit entries (LP_MODE_REAL16): Linux's 16-bit entry and boot-sector chainload ---

# bios_disk DIR CONFIG [EXTRA-FILES...]: a 64 MiB MBR disk with baton installed by `baton install
# --bios` (stage1 in sector 0, the gap part and the body in the 1 MiB gap); msdos1 a 16 MiB FAT16
# with CONFIG as /baton.cfg and the extra files in /k; msdos2 (LBA 36864) and the logical msdos5
# (LBA 45056) raw, each holding a copy of the boot-sector conformance kernel (its sector, then its
# body).
bios_disk() {
	local dir=$1 cfg=$2 img=$1/disk.img
	shift 2
	rm -f "$img" && truncate -s 64M "$img"
	sfdisk -q "$img" <<-'END'
	label: dos
	label-id: 0xba7016aa
	start=2048, size=32768, type=e
	start=36864, size=4096, type=da
	start=43008, size=20480, type=5
	start=45056, size=4096, type=da
	END
	mkfs.vfat --offset 2048 -F 16 -n BIOSDISK "$img" 16384 >/dev/null 2>&1
	mcopy -i "$img@@1M" "$cfg" ::/baton.cfg
	if [ $# -gt 0 ]; then
		mmd -i "$img@@1M" ::/k
		mcopy -i "$img@@1M" "$@" ::/k/
	fi
	dd if="$B/kernels/bootsect.bin" of="$img" bs=512 seek=36864 conv=notrunc status=none
	dd if="$B/kernels/bootsect.bin" of="$img" bs=512 seek=45056 conv=notrunc status=none
	"$B/baton" install --bios "$img" >"$dir/install.log" 2>&1 || cat "$dir/install.log" >&2
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

# --- the same through baton's BIOS stage2 ---
# bios_disk's disk with "timeout 0" first in the config, so its one entry boots at once.
bios_stage2_disk() { # DIR CONFIG [EXTRA-FILES...]
	local dir=$1 cfg=$2
	shift 2
	{ echo "timeout 0"; cat "$cfg"; } >"$cfg.0"
	bios_disk "$dir" "$cfg.0" "$@"
}
case_bios_linux16() {
	linux16_cfg "$1/cfg" "vga=0x317 expect.vga=0x317"
	bios_stage2_disk "$1" "$1/cfg" "$B/kernels/linux16.bzImage" "$out/base/k/i1.bin" "$out/base/k/i2.bin"
	args=(-B -x -t 90 -s 'linux kernel, 16-bit entry|' -f 'FAIL:|error: cannot boot')
}
# Debian's kernel through its own real-mode setup code (protocol linux16): the setup does its
# BIOS calls (E820, video) and enters the kernel itself, to the initramfs's userspace marker.
case_bios_debian_linux16() {
	printf 'entry Debian GNU/Linux (16-bit entry)\n  kernel /k/vmlinuz\n  protocol linux16\n' >"$1/cfg"
	printf '  initrd /k/initramfs.img\n  cmdline console=ttyS0,115200 baton.poweroff\n' >>"$1/cfg"
	bios_stage2_disk "$1" "$1/cfg" "$out/base/boot/vmlinuz" "$out/base/boot/initramfs.img"
	args=(-B -t 240 -s 'linux kernel, 16-bit entry|'
		-p 'BATON-USERSPACE-OK cmdline: console=ttyS0,115200 baton.poweroff' -f 'Kernel panic|error: cannot boot')
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
