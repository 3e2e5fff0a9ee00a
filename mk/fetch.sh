#!/usr/bin/env bash
# Fetches Debian archive inputs (kernel, busybox, zlib source) once into the ignored cache/ folder.
# Only `apt-get download` + `dpkg-deb -x` is used: nothing is installed, apt's config is untouched.
set -euo pipefail
CACHE=${CACHE:-cache}
mkdir -p "$CACHE/deb"
# As root, apt would try to drop to its _apt user, which cannot write here, and warn: stay root.
sandbox=""
[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
cd "$CACHE"

# apt-get download writes to the current directory; run it in deb/ and extract to a folder per package.
get() { # get PKG DIR
	local pkg=$1 dir=$2
	[ -e "$dir/.done" ] && return 0
	(cd deb && rm -f "${pkg}"_*.deb && apt-get download -q $sandbox "$pkg" >/dev/null)
	rm -rf "$dir" && mkdir -p "$dir"
	dpkg-deb -x deb/"${pkg}"_*.deb "$dir"
	touch "$dir/.done"
}

apt_ready() { apt-cache show "$1" >/dev/null 2>&1; }
if ! apt_ready busybox-static; then
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -q
fi

what=${1:-all}
if [ "$what" = all ] || [ "$what" = zlib ]; then
	# zlib's source as Debian ships it inside binutils-source (a binary package, so no deb-src line).
	if [ ! -e zlib/.done ]; then
		get binutils-source binutils-source
		rm -rf zlib && mkdir -p zlib
		tar -xJf binutils-source/usr/src/binutils/binutils-*.tar.xz -C zlib \
			--strip-components=2 --wildcards '*/zlib/*.c' '*/zlib/*.h' '*/zlib/README'
		rm -rf binutils-source deb/binutils-source_*.deb
		touch zlib/.done
	fi
fi
if [ "$what" = all ] || [ "$what" = linux ]; then
	# linux-image-amd64 is a metapackage: resolve the versioned image it depends on.
	ver=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	get "$ver" linux
	ln -sf "boot/$(cd linux/boot && ls vmlinuz-* | head -1)" linux/vmlinuz
	# The initramfs loads it to show the Boot Loader Interface variables (Debian builds it as a module).
	ln -sf "$(cd linux && ls lib/modules/*/kernel/fs/efivarfs/efivarfs.ko | head -1)" linux/efivarfs.ko
	get busybox-static busybox
fi
if [ "$what" = all ] || [ "$what" = xen ]; then
	# Xen: a gzip'd Multiboot 2 kernel with the EFI boot services and amd64 entry tags.
	xen=$(apt-cache depends xen-hypervisor-4.17-amd64 >/dev/null 2>&1 && echo xen-hypervisor-4.17-amd64)
	get "${xen:-xen-hypervisor-4.17-amd64}" xen
	ln -sf "boot/$(cd xen/boot && ls xen-*.gz | head -1)" xen/xen.gz
fi
if [ "$what" = all ] || [ "$what" = memtest ]; then
	# memtest86+: a Linux-protocol .bin and a PE .efi of the same program.
	get memtest86+ memtest
fi
if [ "$what" = all ] || [ "$what" = i386 ] || [ "$what" = gnumach ]; then
	# Debian's 686 kernel and an i386 busybox, resolved through a private apt state for the
	# i386 architecture, so the system's architectures and package lists stay untouched.
	a=$PWD/apt-i386
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" && touch "$a/status"
	apt386() { # apt386 apt-get|apt-cache ARGS...
		"$1" -q $sandbox -o APT::Architecture=i386 -o APT::Architectures::=i386 \
			-o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache" \
			-o Dir::State::status="$a/status" "${@:2}"
	}
	if [ ! -e linux686/.done ] || [ ! -e busybox386/.done ] || [ ! -e gnumach386/.done ]; then
		# An index that fails (a mirror mid-sync) is not fatal: the main one is enough.
		apt386 apt-get update >/dev/null 2>&1 || true
		ver=$(apt386 apt-cache show linux-image-686 2>/dev/null |
			awk '/^Depends:/ {for (i = 2; i <= NF; i++) if ($i ~ /^linux-image-[0-9]/) {print $i; exit}}')
		[ -n "$ver" ] || { echo "fetch: no linux-image-686 in the i386 index" >&2; exit 1; }
		# GNU Mach's i386 image (an ELF32 with a virtual entry) beside the amd64 package's ELF64.
		for p in "$ver:linux686" "busybox-static:busybox386" "gnumach-image-1.8-486:gnumach386"; do
			[ -e "${p#*:}/.done" ] && continue
			(cd deb && rm -f "${p%%:*}"_*_i386.deb && apt386 apt-get download "${p%%:*}:i386" >/dev/null)
			rm -rf "${p#*:}" && mkdir -p "${p#*:}"
			dpkg-deb -x deb/"${p%%:*}"_*_i386.deb "${p#*:}"
			touch "${p#*:}/.done"
		done
	fi
	ln -sf "boot/$(cd linux686/boot && ls vmlinuz-* | head -1)" linux686/vmlinuz
fi
if [ "$what" = all ] || [ "$what" = gnumach ]; then
	# GNU Mach (gzip'd Multiboot 1): it prints its banner on COM1 with console=com0, then panics
	# for want of Hurd servers, under BIOS (its console needs VGA text).
	get gnumach-image-1.8-486 gnumach
fi
if [ "$what" = bench ]; then
	# `make bench`'s other loaders, unpacked and run from here (never installed): GRUB's EFI
	# modules and grub-mkstandalone (with the shared libraries it needs), systemd-boot, and
	# GRUB's i386-pc modules and boot sectors for the BIOS rows (built with grub-mkimage).
	for p in grub-efi-amd64-bin grub-pc-bin grub-common systemd-boot-efi libefiboot1 libefivar1 \
		libdevmapper1.02.1; do
		get "$p" "bench/$p"
	done
fi
