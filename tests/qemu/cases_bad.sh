# cases_bad.sh: the bad-input matrix: damaged disks, filesystems and kernels on OVMF and SeaBIOS.
# shellcheck shell=bash
# shellcheck disable=SC2154 # out, here, B: set by tests.sh before it sources the cases
#
# Each case boots an entry that cannot work: baton must say which entry ("error: cannot boot
# 'TITLE':"), which file and why, then a key brings the menu back and Down, Enter boot the good
# entry (the conformance kernel, to its isa-debug-exit). The damaged disks are second disks
# (hd1, or cd0), made here with the real tools and damaged by damage.py; the broken kernels are
# mkbad.py's, in /bad on every test disk. The SeaBIOS variants (bios_bad_*) run the same disks
# through `baton install --bios`. Cases of cases.sh this matrix relies on too: missing_kernel,
# missing_initrd, not_a_kernel, truncated_bzimage, corrupt_bzimage, bad_elf_*, bad_huge,
# bad_mb2_sum, bad_mb2_required, bad_mb2_fb_required, bad_gzip, efi_chainload_fails,
# root_missing, config_syntax_error, no_config (and their bios_ variants).

BAD_CASES="bad_gpt_backup bad_fat_loop bad_fat_range bad_ext4_depth bad_ext4_magic bad_iso_symloop
	bad_empty_kernel bad_elf_class bad_mb1_sum bad_initrd_huge bad_kernel_huge bad_kernel_huge_elf
	bad_read_error
	bad_io_error bad_volume_missing bad_no_fs bad_kernel_dir bad_chainload"
CASES="$CASES $BAD_CASES $(for c in $BAD_CASES; do printf 'bios_%s ' "$c"; done)
	bios_bad_mb2_required bios_root_missing bios_bad_efi_app"

# bad_case DIR TITLE ENTRY-LINES FILE-AND-REASON [BOOT.SH ARGS...]: bad_input_case (cases.sh),
# whose error step also names the entry; FILE-AND-REASON is a regex for the line after it.
bad_case() {
	local named="error: cannot boot '$2':|"
	bad_input_case "$1" "$2" "$3" "$4"
	args=("${args[@]/#error: cannot boot|/$named}")
	shift 4
	args+=("$@")
}

# A warning about a second disk (hd1) is printed when baton scans it: on SeaBIOS before the menu;
# under OVMF, which connects only the boot disk when it has a boot order, when a path first
# names hd1 (volumes.c connect_more), right after the boot step at args[AT].
warn_step() { # AT REGEX
	if [ -n "${BIOS:-}" ]; then
		args=(-s "$2|" "${args[@]}")
	else
		args=("${args[@]:0:$(($1 + 1))}" -s "$2|" "${args[@]:$(($1 + 1))}")
	fi
}

# A read-only second disk: OVMF's partition driver would otherwise repair a damaged GPT from
# its backup (EDK II PartitionRestoreGptTable) before baton sees it.
ro_disk() { # IMG
	args+=(-Q -drive -Q "if=none,id=ro,format=raw,readonly=on,file=$1" -Q -device -Q
		"virtio-blk-pci,drive=ro")
}

# The primary GPT header's CRC32 spoiled (UEFI 5.3.2): the backup at the disk's last sector is
# used, with a warning naming the disk and the reason, and the entry on that disk boots.
case_bad_gpt_backup() {
	local img=$1/gpt.img
	truncate -s 8M "$img"
	sgdisk -n1:2048:0 -t1:0700 "$img" >/dev/null
	mkfs.vfat --offset 2048 -n GPTBACKUP "$img" $(((16384 - 2048 - 34) / 2)) >/dev/null 2>&1
	mcopy -i "$img@@1M" "$out/base/k/linux64.bzImage" ::/
	python3 "$here/damage.py" gpt-primary "$img"
	{
		echo "timeout 30"
		bad_entry "first"
		good_entry "from the backup GPT" | sed 's|kernel /k/|kernel (hd1,gpt1)/|'
	} >"$1/baton.cfg"
	args=(-x -t 120 -s "choose what to boot|$DOWN" -s "> from the backup GPT|\\r")
	warn_step 6 'warning: hd1: primary GPT is bad \(GPT header CRC32 mismatch\); using the backup at LBA 16383'
	ro_disk "$img"
}

# A FAT16 superfloppy (hd1) whose copy of the kernel has its cluster chain damaged in every FAT:
# a loop back to its first cluster, or a cluster past the volume's end. The walk must end
# with a message (fat.c checks every chain), not spin or read wild sectors.
fat_chain_case() { # DIR MODE REASON
	local img=$1/fat.img
	truncate -s 16M "$img"
	mkfs.vfat -F 16 -s 1 -n BADFAT "$img" >/dev/null 2>&1
	mcopy -i "$img" "$out/base/k/linux64.bzImage" ::/
	"$B/baton" map "$img" /linux64.bzImage >"$1/map"
	python3 "$here/damage.py" fat-chain "$img" 0 "$2" "$1/map" >"$1/damage.log"
	bad_case "$1" "FAT chain" "  kernel (hd1)/linux64.bzImage" \
		"kernel \\(hd1\\)/linux64.bzImage: hd1: $3" -D "$img"
}
case_bad_fat_loop() {
	fat_chain_case "$1" loop 'the cluster chain from [0-9]+ loops back to cluster [0-9]+'
}
case_bad_fat_range() {
	fat_chain_case "$1" range 'FAT entry of cluster [0-9]+ is out of range \(0x[0-9a-f]+\)'
}

# An ext4 superfloppy (hd1, 8 MiB, made by mke2fs -d): the conformance kernel, and 300 MiB
# sparse files (holes: a few blocks on the disk), two of them that kernel and the ELF64 smoke
# kernel padded.
ext_disk() { # DIR
	local t=$1/tree
	mkdir -p "$t"
	cp "$out/base/k/linux64.bzImage" "$t/"
	cp "$t/linux64.bzImage" "$t/bigk.bzImage"
	cp "$out/base/k/smoke-elf64.elf" "$t/bigk.elf"
	truncate -s 300M "$t/bigk.bzImage" "$t/big.img" "$t/bigk.elf"
	mke2fs -q -F -t ext4 -L BADEXT -d "$t" "$1/ext.img" 8M >/dev/null
	rm -rf "$t"
}
# The kernel's inode gets a bad extent header (4.2 "Extent Tree": i_block starts with the header:
# magic 0xF30A, entries, max, depth): a depth past ext4's 5 levels, or a wrong magic.
ext_extent_case() { # DIR I_BLOCK-WORD VALUE REASON
	ext_disk "$1"
	debugfs -w -R "sif /linux64.bzImage block[$2] $3" "$1/ext.img" >/dev/null 2>&1
	bad_case "$1" "ext4 extent" "  kernel (hd1)/linux64.bzImage" \
		"kernel \\(hd1\\)/linux64.bzImage: hd1: inode [0-9]+: $4" -D "$1/ext.img"
}
case_bad_ext4_depth() { ext_extent_case "$1" 1 0x70004 'extent tree depth 7 is more than 5'; }
case_bad_ext4_magic() { ext_extent_case "$1" 0 0x2dead 'bad extent header magic 0xdead'; }

# Rock Ridge symlinks (SL entries) on a CD that point at each other: the walk gives up after
# 40 links, as Linux does.
case_bad_iso_symloop() {
	local t=$1/cd
	mkdir -p "$t"
	ln -s b "$t/a"
	ln -s a "$t/b"
	xorriso -as mkisofs -quiet -R -J -V LOOPCD -o "$1/cd.iso" "$t" 2>/dev/null
	rm -rf "$t"
	bad_case "$1" "symlink loop" "  kernel (cd0)/a" \
		'kernel \(cd0\)/a: more than 40 symbolic links \(a loop\?\)' -C "$1/cd.iso"
}

# Broken kernels (mkbad.py): a 0-byte file, an ELF of class 3, a Multiboot 1 kernel whose header
# checksum is off by one (an ELF too: it must not be booted as a plain one).
case_bad_empty_kernel() {
	bad_case "$1" "empty" "  kernel /bad/empty" '/bad/empty is empty \(0 bytes\)'
}
case_bad_elf_class() {
	bad_case "$1" "ELF class" "  kernel /bad/class3.elf" \
		'/bad/class3.elf: ELF class 3 is neither 32-bit \(1\) nor 64-bit \(2\)'
}
case_bad_mb1_sum() {
	bad_case "$1" "MB1 checksum" "  kernel /bad/mb1sum.elf" \
		'/bad/mb1sum.elf: its Multiboot header at offset 0x[0-9a-f]+ has a bad checksum'
}

# A 300 MiB initrd, and a 300 MiB kernel file, on a 256 MiB machine: named as bigger than
# memory before anything is read, not as an allocation that failed.
case_bad_initrd_huge() {
	ext_disk "$1"
	bad_case "$1" "huge initrd" "  kernel /k/linux64.bzImage
  initrd /k/i1.bin
  initrd (hd1)/big.img" \
		'initrd \(hd1\)/big.img is 300 MiB, more than the [0-9]+ MiB of memory this machine has' \
		-D "$1/ext.img" -m 256
}
case_bad_kernel_huge() {
	ext_disk "$1"
	bad_case "$1" "huge kernel" "  kernel (hd1)/bigk.bzImage" \
		'kernel \(hd1\)/bigk.bzImage is 300 MiB, more than the [0-9]+ MiB of memory this machine has' \
		-D "$1/ext.img" -m 256
}

# An ELF kernel file of 300 MiB whose PT_LOADs are a few KiB (the rest is like the debug info
# of an unstripped vmlinux or xen-syms), on a 256 MiB machine: only what it loads must fit.
case_bad_kernel_huge_elf() {
	ext_disk "$1"
	printf 'timeout 0\nentry big ELF\n  kernel (hd1)/bigk.elf\n' >"$1/baton.cfg"
	args=(-x -t 60 -f 'error: cannot boot' -s 'BATON-SMOKE elf64 OK: higher half|'
		-D "$1/ext.img" -m 256)
}

# A disk image cut short of what its partition table says (an image of a bigger disk): the
# partition is kept with a warning, what lies inside the disk reads (the FAT, the directory),
# and reading the kernel, past the end, fails with a message instead of garbage.
case_bad_read_error() {
	local img=$1/short.img off
	truncate -s 32M "$img"
	printf 'label: dos\nstart=2048, type=6\n' | sfdisk -q "$img"
	mkfs.vfat --offset 2048 -F 16 -n SHORT "$img" $(((65536 - 2048) / 2)) >/dev/null 2>&1
	head -c 8M /dev/zero >"$1/filler"
	mcopy -i "$img@@1M" "$1/filler" "$out/base/k/linux64.bzImage" ::/
	rm "$1/filler"
	off=$("$B/baton" map "$img:1" /linux64.bzImage | awk 'NR == 1 { print $2 }')
	truncate -s $(((2048 * 512 + off + 8192) / 512 * 512)) "$img"
	bad_case "$1" "short disk" "  kernel (hd1,msdos1)/linux64.bzImage" \
		'kernel \(hd1,msdos1\)/linux64.bzImage: .*hd1: read of [0-9]+ blocks at [0-9]+ is beyond the end \([0-9]+ blocks\)' \
		-D "$img"
	warn_step 4 'warning: hd1,msdos1 ends at sector 65535, past the end of the disk \([0-9]+ sectors\): reads beyond it will fail'

}

# The device itself fails: QEMU's blkdebug driver answers EIO to every read of the kernel's
# fifth sector (UEFI: BlockIo's EFI_DEVICE_ERROR; BIOS: INT 13h's error, retried, then given up).
case_bad_io_error() {
	local img=$1/io.img off
	truncate -s 16M "$img"
	mkfs.vfat -F 16 -s 1 -n IOERR "$img" >/dev/null 2>&1
	mcopy -i "$img" "$out/base/k/linux64.bzImage" ::/
	off=$("$B/baton" map "$img" /linux64.bzImage | awk 'NR == 1 { print $2 }')
	printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n' \
		$((off / 512 + 4)) >"$1/blkdebug.cfg"
	bad_case "$1" "I/O error" "  kernel (hd1)/linux64.bzImage" \
		'kernel \(hd1\)/linux64.bzImage: .*hd1: .*read of [0-9]+ [a-z]+ at [0-9]+ failed' \
		-Q -drive -Q "if=none,id=io,format=raw,file=blkdebug:$1/blkdebug.cfg:$img" \
		-Q -device -Q "virtio-blk-pci,drive=io"
}

# Per entry (root_missing does it for every entry, by `root`): a kernel on a volume that is not
# there; a volume with no filesystem baton reads (the BIOS boot partition); a directory.
case_bad_volume_missing() {
	bad_case "$1" "no volume" "  kernel label:NOPE/vmlinuz" \
		"kernel label:NOPE/vmlinuz not found \\(no volume with label 'NOPE' for label:NOPE/vmlinuz\\)"
}
case_bad_no_fs() {
	bad_case "$1" "no filesystem" "  kernel (hd0,gpt2)/vmlinuz" \
		'kernel \(hd0,gpt2\)/vmlinuz .*volume hd0,gpt2 has no filesystem baton can read'
}
case_bad_kernel_dir() {
	bad_case "$1" "a directory" "  kernel /k" '/k is not a regular file'
}

# A volume's first sector (hd1: a blank disk) as the kernel: under UEFI that needs a BIOS; on
# SeaBIOS the sector lacks the 55 AA signature a BIOS checks.
case_bad_chainload() {
	truncate -s 1M "$1/blank.img"
	local why='needs BIOS: \(hd1\) is a volume, whose first sector only a BIOS boots'
	[ -z "${BIOS:-}" ] || why='\(hd1\): not a boot sector \(bytes 510-511 are 00 00, not the 55 AA signature\)'
	bad_case "$1" "blank sector" "  kernel (hd1)" "$why" -D "$1/blank.img"
}

# On SeaBIOS: an EFI application (UEFI has efi_chainload_fails); a required Multiboot 2 tag
# (APM) baton cannot give; `root` on a volume that is not there.
case_bios_bad_efi_app() {
	BIOS=1 bad_case "$1" "EFI app" "  kernel /k/efiapp.efi" \
		'kernel /k/efiapp.efi: an EFI application needs UEFI firmware to run'
	bios_install "$1"
	bios_args
}
for c in $BAD_CASES bad_mb2_required root_missing; do
	eval "case_bios_$c() { BIOS=1 case_$c \"\$1\"; bios_install \"\$1\"; bios_args; }"
done
