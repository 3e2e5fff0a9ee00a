#!/usr/bin/env bash
# Installs baton's build and test dependencies from Debian (idempotent; skipped when all present).
set -euo pipefail
PKGS="gnu-efi ovmf qemu-system-x86 mtools dosfstools gdisk libelf-dev zlib1g-dev pkg-config
      libcmocka-dev xz-utils make gcc binutils clang libclang-rt-14-dev fdisk python3
      e2fsprogs xorriso valgrind"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
