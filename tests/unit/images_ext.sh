#!/usr/bin/env bash
# images_ext.sh OUTDIR: the ext2/3/4 images test_ext4 reads, made by mke2fs -d into OUTDIR/ext.
#
# OUTDIR/ext gets the images, the host trees they were made from (tree, tree-huge, tree-64k,
# ctree, itree: the tests compare every file with them) and expect.txt: key=value lines
# with what blkid says of each image (UUID, LABEL, TYPE) and what debugfs says of the structures
# the tests rely on or patch (extent depths, block-map levels, byte offsets of inodes and blocks).
# Skipped when the stamp (this script and mktree.py) is up to date. No root needed.
set -euo pipefail
top=${1:?usage: images_ext.sh OUTDIR}
out=$top/ext
self=$(readlink -f "$0")
here=$(dirname "$self")
sum=$(cat "$self" "$here/mktree.py" | sha256sum | cut -d' ' -f1)
images="ext2 ext2-rev0 ext3 ext4 ext4-1k ext4-noext ext4-32bit ext4-inline ext4-nojournal
	ext4-metabg ext4-64k ext4-huge ext4-part ext4-big corrupt-ext4 corrupt-ext2 inline-small"
uptodate() {
	[ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$sum" ] && [ -f "$out/expect.txt" ] ||
		return 1
	for i in $images; do [ -f "$out/$i.img" ] || return 1; done
}
uptodate && exit 0
for t in mke2fs debugfs blkid sgdisk truncate python3 sha256sum; do
	command -v "$t" >/dev/null || { echo "images_ext.sh: $t is missing (make deps)" >&2; exit 1; }
done
t0=$(date +%s)
rm -rf "$out"
mkdir -p "$out"
cd "$out"
exp=expect.txt
: >"$exp"
emit() { echo "$1=$2" >>"$exp"; }
export LC_ALL=C.UTF-8

# Files the tests want beyond mktree.py's tree: a fragmented sparse file (hundreds of extents:
# a depth-2 extent tree with 1 KiB blocks), a sparse file reaching triple-indirect blocks with
# 1 KiB blocks, a fifo, an empty directory, a hard link, symlinks of 59 and 60 bytes (the last
# fast and first slow length).
extra() {
	mkdir -p "$1/extra/empty-dir"
	python3 - "$1/extra" <<'EOF'
import random, sys
d = sys.argv[1]
r = random.Random(77)
with open(d + '/frag.bin', 'wb') as f:
    for i in range(400):
        f.seek(i * 8192)
        f.write(r.randbytes(1000 + i))
# 1 KiB blocks: 12 direct, 256 single, 65536 double indirect; triple starts at 65804 KiB.
with open(d + '/triple.bin', 'wb') as f:
    f.truncate((80 << 20) + 333)
    for off, n in ((0, 4096), ((65804 << 10) - 150000, 300000), ((79 << 20) + 5, 5000)):
        f.seek(off)
        f.write(r.randbytes(n))
EOF
	mkfifo "$1/extra/fifo"
	ln "$1/files/size-1" "$1/extra/hardlink"
	ln -s "$(printf 'x%.0s' $(seq 59))" "$1/extra/link-59"
	ln -s "$(printf 'y%.0s' $(seq 60))" "$1/extra/link-60"
}

# The trees: one mktree.py --huge run, the others hard-linked copies of it.
python3 "$here/mktree.py" --huge tree-huge
extra tree-huge
cp -al tree-huge tree
rm tree/huge.bin
cp -al tree tree-64k # 64 KiB blocks: without the 3000 one-block files (200 MB)
rm -rf tree-64k/many

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# mk NAME SIZE TREE LABEL MKE2FS_ARGS...: a whole-disk image.
mk() {
	local name=$1 size=$2 tree=$3 label=$4
	shift 4
	truncate -s "$size" "$name.img"
	mke2fs -q -F -d "$tree" -L "$label" -U "$(uuid_of "$name")" "$@" "$name.img" >"$log" 2>&1 ||
		{ cat "$log" >&2; echo "images_ext.sh: mke2fs $* failed for $name" >&2; exit 1; }
	record "$name" "$tree" 0 0 $(($(stat -c %s "$name.img") / 512))
}
uuid_of() { # a fixed UUID per image, so blkid's and baton's can be compared
	python3 -c 'import hashlib, sys, uuid
print(uuid.UUID(bytes=hashlib.sha256(sys.argv[1].encode()).digest()[:16], version=4))' "$1"
}
# record NAME TREE VOLUME START SECTORS: what the tests need to find and check the filesystem.
record() {
	local tag
	emit "$1.tree" "$2"
	emit "$1.vol" "$3"
	for tag in TYPE LABEL UUID; do
		emit "$1.$(echo $tag | tr '[:upper:]' '[:lower:]')" \
			"$(blkid -p -O $(($4 * 512)) -S $(($5 * 512)) -o value -s $tag "$1.img" || true)"
	done
}
dbg() { debugfs -R "$2" "$1.img" 2>/dev/null; }
# The depth of a file's extent tree ("Level" 0/N in debugfs's ex).
depth() { dbg "$1" "ex $2" | awk 'NR == 2 {print $2}'; }

mk ext2 128M tree "baton-ext2" -t ext2 -b 1024
mk ext2-rev0 128M tree "" -t ext2 -r 0 -b 1024
mk ext3 160M tree-huge "baton ext3   " -t ext3 -b 4096 -J size=4
mk ext4 128M tree "sixteen-chars-lb" -t ext4 -b 4096 -J size=4
mk ext4-1k 128M tree "étiquette" -t ext4 -b 1024
mk ext4-noext 128M tree "no extents" -t ext4 -b 1024 -O ^extent,^64bit
mk ext4-32bit 128M tree "32-bit" -t ext4 -b 4096 -J size=4 \
	-O ^64bit,^metadata_csum,uninit_bg,casefold
mk ext4-inline 128M tree "inline" -t ext4 -b 4096 -J size=4 -I 1024 -O inline_data
# mke2fs 1.47.0 -d with inline_data drops a trailing hole from a file's size (debugfs agrees):
# set those sizes right, so the image holds the tree.
python3 - tree <<'EOF' | while read -r path size; do
import os, sys
root = sys.argv[1]
for d, _, files in os.walk(root):
    for n in files:
        p = os.path.join(d, n)
        if os.path.isfile(p) and not os.path.islink(p):
            fd = os.open(p, os.O_RDONLY)
            size = os.fstat(fd).st_size
            if size and os.lseek(fd, size - 1, os.SEEK_HOLE) < size:
                print(p[len(root):], size)
            os.close(fd)
EOF
	debugfs -w -R "sif $path size $size" ext4-inline.img >/dev/null 2>&1
done
mk ext4-nojournal 128M tree "" -t ext4 -b 4096 -I 128 -O ^has_journal
# meta_bg: 128 inodes per group put the last files' inodes in groups 16+, whose descriptors are
# in the second meta group; without sparse_super every group has a superblock backup, so that
# block follows one.
mk ext4-metabg 256M tree "meta_bg" -t ext4 -b 1024 -N 4096 \
	-O meta_bg,^resize_inode,^flex_bg,^sparse_super
# 64 KiB blocks, no checksums: lost+found's empty second block is one entry of 65536 bytes.
mk ext4-64k 256M tree-64k "64k" -t ext4 -b 65536 -O ^has_journal,^metadata_csum
mk ext4-huge 128M tree-huge "huge" -t ext4 -b 4096 -J size=4
emit ext4-1k.frag.depth "$(depth ext4-1k /extra/frag.bin)"
emit ext4.frag.depth "$(depth ext4 /extra/frag.bin)"
for i in ext2 ext4-noext; do
	emit $i.tind "$(dbg $i "stat /extra/triple.bin" | grep -c TIND || true)"
done
emit ext3.tind "$(dbg ext3 "stat /huge.bin" | grep -c TIND || true)"
emit ext4-metabg.ipg "$(dumpe2fs -h ext4-metabg.img 2>/dev/null | awk '/^Inodes per group:/ {print $4}')"
emit ext4-metabg.last_ino "$(dbg ext4-metabg "stat /many/entry-2999.txt" | awk 'NR == 1 {print $2}')"

# ext4-part.img: a GPT disk, the filesystem (2 KiB blocks) in partition 2, made in place with
# mke2fs -E offset.
img=ext4-part.img
truncate -s 128M $img
sgdisk -o -n 1:2048:+8M -t 1:8300 -n 2:0:0 -t 2:8300 $img >/dev/null
first=$(sgdisk -i 2 $img | awk '/^First sector:/ {print $3}')
last=$(sgdisk -i 2 $img | awk '/^Last sector:/ {print $3}')
mke2fs -q -F -d tree -L "on gpt2" -U "$(uuid_of ext4-part)" -t ext4 -b 2048 \
	-E offset=$((first * 512)) $img $(((last - first + 1) / 2))k >"$log" 2>&1 ||
	{ cat "$log" >&2; exit 1; }
record ext4-part tree 1 "$first" $((last - first + 1))

# ext4-big.img: one fresh random 256 MiB file, contiguous: no journal and no superblock backups
# (sparse_super2 with none), so nothing splits it; debugfs says how many runs it is. Only its
# CRC-32 is kept, not the host copy.
mkdir bigtree
head -c 256M /dev/urandom >bigtree/big.bin
mk ext4-big 300M bigtree "" -t ext4 -b 4096 -O sparse_super2,^has_journal -E num_backup_sb=0
emit ext4-big.crc "$(python3 -c 'import sys, zlib
print(zlib.crc32(open(sys.argv[1], "rb").read()))' bigtree/big.bin)"
rm bigtree/big.bin
# Leaf lines of ex: "L/ D i/ n lstart - lend pstart - pend len" with L = D.
emit ext4-big.runs "$(dbg ext4-big "ex /big.bin" | awk 'NR > 1 && $1 + 0 == $2 {
	if (NR == 2 || $8 != prev + 1) runs++; prev = $10 } END {print runs + 0}')"

# Small images the tests patch in memory (offsets in bytes from the image's start).
mkdir -p ctree/d
python3 - ctree <<'EOF'
import random, sys
d = sys.argv[1]
r = random.Random(5)
open(d + '/ok.bin', 'wb').write(r.randbytes(10000))
with open(d + '/frag.bin', 'wb') as f:
    for i in range(400):
        f.seek(i * 8192)
        f.write(r.randbytes(1000))
open(d + '/big.bin', 'wb').write(r.randbytes(300000))
for i in range(20):
    open(d + '/d/file-%02d' % i, 'wb').write(b'%d\n' % i)
EOF
mk corrupt-ext4 8M ctree "" -t ext4 -b 1024 -O ^metadata_csum
mk corrupt-ext2 4M ctree "" -t ext2 -b 1024
inode_at() { # IMAGE PATH: the byte offset of a file's inode (1 KiB blocks)
	local blk off
	read -r blk off < <(dbg "$1" "imap $2" | awk '/located at block/ {gsub(",", ""); print $4, $6}')
	echo $((blk * 1024 + off))
}
emit corrupt-ext4.ok.inode "$(inode_at corrupt-ext4 /ok.bin)"
emit corrupt-ext4.frag.inode "$(inode_at corrupt-ext4 /frag.bin)"
emit corrupt-ext4.frag.depth "$(depth corrupt-ext4 /frag.bin)"
emit corrupt-ext4.frag.etb0 "$(($(dbg corrupt-ext4 "stat /frag.bin" | grep -o '(ETB0):[0-9]*' | cut -d: -f2) * 1024))"
emit corrupt-ext4.d.inode "$(inode_at corrupt-ext4 /d)"
emit corrupt-ext4.d.block0 "$(($(dbg corrupt-ext4 "bmap /d 0") * 1024))"
emit corrupt-ext2.big.dind "$(($(dbg corrupt-ext2 "stat /big.bin" | grep -o '(DIND):[0-9]*' | cut -d: -f2) * 1024))"
emit corrupt-ext2.big.ind "$(($(dbg corrupt-ext2 "stat /big.bin" | grep -o '(IND):[0-9]*' | head -1 | cut -d: -f2) * 1024))"

# inline-small.img: an inline directory the tests extend into its system.data attribute (mke2fs
# only fills i_block; the kernel also uses the attribute).
mkdir -p itree/small4
for i in 1 2 3 4; do echo "$i" >itree/small4/f$i; done
mk inline-small 4M itree "" -t ext4 -b 1024 -I 1024 -O inline_data
emit inline-small.small4.inode "$(inode_at inline-small /small4)"
emit inline-small.f1.ino "$(dbg inline-small "stat /small4/f1" | awk 'NR == 1 {print $2}')"

for i in $images; do [ -f "$i.img" ] || { echo "images_ext.sh: $i.img was not made" >&2; exit 1; }; done
echo "$sum" >.stamp
echo "images_ext.sh: ext images in $out ($(($(date +%s) - t0)) s)"
