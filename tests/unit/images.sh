#!/usr/bin/env bash
# images.sh OUTDIR: builds the fs/ unit tests' disk images, without root; skipped when up to date.
#
# Besides the images, OUTDIR gets files/<image>/ (the host copies of what was put on each
# filesystem, compared byte for byte by the tests) and expect.txt (key=value lines: what sgdisk,
# sfdisk, blkid and mshowfat say about each image, so the tests check baton against those tools).
set -euo pipefail
out=${1:?usage: images.sh OUTDIR}
self=$(readlink -f "$0")
sum=$(cat "$self" "$(dirname "$self")/mktree.py" | sha256sum | cut -d' ' -f1)
mktree=$(dirname "$self")/mktree.py
images="gpt mbr mbr-jump mbr-ebrloop mbr-ebrout sf32 sf12 sffake gpt-small gpt-badprimary
	gpt-badarray gpt-badentsize gpt-badboth gpt-hybrid gpt-hybrid-nogpt frag corrupt12 corrupt16
	corrupt32 fat256 fat12-tree fat16-tree fat32-tree"
uptodate() {
	[ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$sum" ] && [ -f "$out/expect.txt" ] || return 1
	for i in $images; do [ -f "$out/$i.img" ] || return 1; done
}
uptodate && exit 0
for t in truncate mkfs.vfat mcopy mmd mdel mshowfat sgdisk sfdisk blkid python3 sha256sum; do
	command -v "$t" >/dev/null || { echo "images.sh: $t is missing (make deps)" >&2; exit 1; }
done
mkdir -p "$out"
rm -rf "$out/files" "$out"/*.img "$out/expect.txt" "$out/.stamp"
cd "$out"
mkdir files
# mtools: no geometry checks on image files; UTF-8 so that long names keep their accents.
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
exp=expect.txt
: >"$exp"
emit() { echo "$1=$2" >>"$exp"; }

# Deterministic pseudo-random bytes: gen SEED SIZE FILE.
gen() {
	python3 -c 'import random, sys
r, n = random.Random(int(sys.argv[1])), int(sys.argv[2])
while n:  # in pieces: randbytes() takes at most 2^28 bytes at once
    k = min(n, 1 << 24)
    sys.stdout.buffer.write(r.randbytes(k))
    n -= k' "$1" "$2" >"$3"
}

# mkfat IMG START_SECTOR SECTORS MKFS_ARGS...: a FAT filesystem in a region of a disk image.
mkfat() {
	local img=$1 start=$2 sectors=$3
	shift 3
	mkfs.vfat --offset "$start" "$@" "$img" $((sectors / 2)) >/dev/null 2>&1 ||
		{ echo "images.sh: mkfs.vfat $* failed on $img" >&2; exit 1; }
}

# put IMG START_SECTOR TREE: copies a host tree onto the filesystem at START_SECTOR.
put() {
	local img=$1 start=$2 tree=$3
	( cd "$tree" && mcopy -s -Q -i "$OLDPWD/$img@@$((start * 512))" ./* ::/ )
}

runs() { # IMG START_SECTOR PATH: the number of contiguous runs mshowfat lists for a file
	mshowfat -i "$1@@$(($2 * 512))" "::$3" | grep -o '<' | wc -l
}

# blkid_rec KEY IMG START_SECTOR SECTORS: what blkid finds there: KEY.fs (its TYPE), .label,
# .uuid, .version.
blkid_rec() {
	local key=$1 img=$2 start=$3 sectors=$4 tag
	for tag in TYPE LABEL UUID VERSION; do
		emit "$key.$(echo $tag | sed 's/TYPE/fs/' | tr '[:upper:]' '[:lower:]')" \
			"$(blkid -p -O $((start * 512)) -S $((sectors * 512)) -o value -s $tag "$img" || true)"
	done
}

# record_gpt NAME IMG: every partition as sgdisk lists it, in table order (volume order).
record_gpt() {
	local name=$1 img=$2 i=0 n info first last
	for n in $(sgdisk -p "$img" | awk '/^ +[0-9]+ +[0-9]+ +[0-9]+ / {print $1}'); do
		info=$(sgdisk -i "$n" "$img")
		first=$(echo "$info" | awk '/^First sector:/ {print $3}')
		last=$(echo "$info" | awk '/^Last sector:/ {print $3}')
		emit "$name.v$i.name" "hd0,gpt$n"
		emit "$name.v$i.index" "$n"
		emit "$name.v$i.start" "$first"
		emit "$name.v$i.blocks" "$((last - first + 1))"
		emit "$name.v$i.type" "$(echo "$info" | awk '/^Partition GUID code:/ {print tolower($4)}')"
		emit "$name.v$i.guid" "$(echo "$info" | awk '/^Partition unique GUID:/ {print tolower($4)}')"
		blkid_rec "$name.v$i" "$img" "$first" "$((last - first + 1))"
		i=$((i + 1))
	done
	emit "$name.nvol" "$i"
}

# record_mbr NAME IMG: primary and logical partitions as sfdisk dumps them; extended ones are
# containers, not volumes.
record_mbr() {
	local name=$1 img=$2 i=0 n start size type
	while read -r n start size type; do
		case $type in 5 | f | 85) continue ;; esac
		emit "$name.v$i.name" "hd0,msdos$n"
		emit "$name.v$i.index" "$n"
		emit "$name.v$i.start" "$start"
		emit "$name.v$i.blocks" "$size"
		emit "$name.v$i.type" "$type"
		blkid_rec "$name.v$i" "$img" "$start" "$size"
		i=$((i + 1))
	done < <(sfdisk -d "$img" | sed -n 's/^.*[^0-9]\([0-9]\+\) : start= *\([0-9]\+\), size= *\([0-9]\+\), type=\([0-9a-f]\+\).*/\1 \2 \3 \4/p')
	emit "$name.nvol" "$i"
}

record_whole() { # NAME IMG: a disk without a partition table is one volume
	local sectors=$(($(stat -c %s "$2") / 512))
	emit "$1.nvol" 1
	emit "$1.v0.name" hd0
	emit "$1.v0.index" 0
	emit "$1.v0.start" 0
	emit "$1.v0.blocks" "$sectors"
	blkid_rec "$1.v0" "$2" 0 "$sectors"
}

# fatpatch IMG START_SECTOR BITS FILE:INDEX=VALUE...: rewrites FAT entries in every FAT copy.
# INDEX is a position in the file's cluster chain (as mshowfat lists it; negative from the end);
# VALUE is a number, or @N for the cluster at position N of the same chain.
fatpatch() {
	python3 - "$@" <<'EOF'
import re, struct, subprocess, sys
img, start, bits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = start * 512
with open(img, 'r+b') as f:
    f.seek(base)
    bs = f.read(512)
    bps, = struct.unpack_from('<H', bs, 11)
    rsvd, nfats = struct.unpack_from('<H', bs, 14)[0], bs[16]
    fatsz = struct.unpack_from('<H', bs, 22)[0] or struct.unpack_from('<I', bs, 36)[0]
    for op in sys.argv[4:]:
        path, rest = op.split(':')
        idx, val = rest.split('=')
        out = subprocess.run(['mshowfat', '-i', '%s@@%d' % (img, base), '::/' + path],
                             check=True, capture_output=True, text=True).stdout
        chain = []
        for a, b in re.findall(r'<(\d+)(?:-(\d+))?>', out):
            chain += range(int(a), int(b or a) + 1)
        c = chain[int(idx)]
        v = chain[int(val[1:])] if val.startswith('@') else int(val, 0)
        for k in range(nfats):
            fat = base + (rsvd + k * fatsz) * bps
            if bits == 12:
                off = fat + c + c // 2
                f.seek(off)
                w, = struct.unpack('<H', f.read(2))
                w = (w & 0x000f) | (v << 4) if c & 1 else (w & 0xf000) | v
                f.seek(off)
                f.write(struct.pack('<H', w))
            elif bits == 16:
                f.seek(fat + 2 * c)
                f.write(struct.pack('<H', v))
            else:
                f.seek(fat + 4 * c)
                old, = struct.unpack('<I', f.read(4))
                f.seek(fat + 4 * c)
                f.write(struct.pack('<I', (old & 0xf0000000) | v))
EOF
}

text() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" >"$1"; }

# --- gpt.img: 160 MiB GPT disk: a FAT32 ESP, a FAT16 data partition, an empty slot 3, and an
# unformatted partition 4 ---
t=files/esp
mkdir -p "$t"
gen 1 $((64 << 20)) files/big.bin
text "$t/EFI/BOOT/baton.cfg" "timeout 3
entry Linux
	kernel /vmlinuz"
gen 2 4096 "$t/EFI/BOOT/BOOTX64.EFI"
text "$t/Long Directory Name/Another Sub Directory/A file with a rather long name, indeed.txt" \
	"deep inside long names"
text "$t/MiXeD/CaSe.TxT" "mixed case"
text "$t/a/b/c/d/e/deep.txt" "five levels down"
text "$t/naïve café.txt" "accents in a long name"
text "$t/lower.txt" "an 8.3 name in lower case"
for i in $(seq -w 1 60); do text "$t/many/file with a long name $i.txt" "file $i"; done
: >"$t/empty.txt"
printf 'x' >"$t/one.bin"
gen 3 100000 "$t/odd.bin"
img=gpt.img
truncate -s 160M $img
sgdisk -o -U 5A1B2C3D-0000-4000-8000-000000000001 \
	-n 1:2048:+136M -t 1:ef00 -c 1:"EFI System" -u 1:0E5B0A70-1111-4222-8333-444455556666 \
	-n 2:0:+8M -t 2:0700 -c 2:data -u 2:DA7A0002-AAAA-4BBB-8CCC-DDDDEEEEFFFF \
	-n 4:0:+4M -t 4:8300 -u 4:0000FFFF-1234-4567-89AB-CDEF01234567 $img >/dev/null
p1=2048 p1n=$((136 * 2048)) p2=$((p1 + p1n)) p2n=$((8 * 2048))
mkfat $img $p1 $p1n -F 32 -n "BATON ESP" -i 2BADCAFE
mkfat $img $p2 $p2n -F 16 -s 1 -n DATA -i 0000BEEF
# The big file first, alone, so that it is one contiguous run.
mcopy -i "$img@@$((p1 * 512))" files/big.bin ::/big.bin
put $img $p1 "$t"
mkdir -p files/gpt2 && text files/gpt2/hello.txt "hello from partition 2"
put $img $p2 files/gpt2
record_gpt gpt $img
emit gpt.big.runs "$(runs $img $p1 /big.bin)"

# --- mbr.img: 32 MiB MBR disk: FAT16, FAT12, and an extended partition with two logical ones
# (FAT12 and FAT16), which GRUB calls msdos5 and msdos6 ---
img=mbr.img
truncate -s 32M $img
sfdisk $img >/dev/null <<'EOF'
label: dos
label-id: 0x1234abcd
start=2048, size=32768, type=6
start=34816, size=8192, type=1
start=43008, size=22528, type=5
start=45056, size=4096, type=1
start=51200, size=14336, type=6
EOF
mkfat $img 45056 4096 -F 12 -n LOGICAL5 -i 10C10005
mkfat $img 51200 14336 -F 16 -s 1 -n LOGICAL6 -i 10C10006
mkdir -p files/logical5 files/logical6
text files/logical5/hello.txt "hello from logical partition 5"
gen 9 70000 files/logical6/data.bin
text files/logical6/boot/baton.cfg "timeout 0"
put $img 45056 files/logical5
put $img 51200 files/logical6
mkfat $img 2048 32768 -F 16 -n MBRFAT16 -i 16161616
mkfat $img 34816 8192 -F 12 -n MBRFAT12 -i 12121212
t=files/mbr16
text "$t/hello.txt" "hello from FAT16"
text "$t/EFI/BOOT/baton.cfg" "timeout 0"
text "$t/Some Long Name/inner file.txt" "inner"
for i in $(seq -w 1 40); do text "$t/root file $i.txt" "root $i"; done
put $img 2048 "$t"
t=files/mbr12
mkdir -p $t
gen 4 150001 "$t/data.bin"
text "$t/sub/file.txt" "FAT12 subdirectory file"
put $img 34816 "$t"
record_mbr mbr $img
# The same table behind a boot sector whose code starts with a jump, as GRUB's does.
cp --sparse=always $img mbr-jump.img
printf '\xeb\x63\x90' | dd of=mbr-jump.img conv=notrunc status=none
# Broken EBR chains: the second EBR links to itself; the first links outside the extended
# partition. part.c keeps what it found before the break and warns.
python3 - $img <<'EOF'
import shutil, struct, sys
img, ext = sys.argv[1], 43008
with open(img, 'rb') as f:
    f.seek(ext * 512 + 0x1be + 16 + 8)
    ebr2 = ext + struct.unpack('<I', f.read(4))[0]  # the first EBR's link: the second EBR
    f.seek(ebr2 * 512 + 510)
    assert f.read(2) == b'\x55\xaa', 'no second EBR'
for name, ebr, link in (('mbr-ebrloop.img', ebr2, ebr2 - ext), ('mbr-ebrout.img', ext, 30000)):
    shutil.copyfile(img, name)
    with open(name, 'r+b') as f:
        f.seek(ebr * 512 + 0x1be + 16)
        f.write(struct.pack('<BBBBBBBBII', 0, 0, 0, 0, 5, 0, 0, 0, link, 2048))
EOF

# --- superfloppies: a filesystem on the whole disk, no partition table ---
img=sf32.img
truncate -s 48M $img
mkfat $img 0 $((48 * 2048)) -F 32 -s 1 -n SUPERFLOP -i 5F32ABCD
t=files/sf32
text "$t/hello.txt" "hello from a FAT32 superfloppy"
text "$t/EFI/BOOT/baton.cfg" "timeout 1"
put $img 0 "$t"
record_whole sf32 $img
img=sf12.img
truncate -s 1440K $img
mkfat $img 0 2880 -F 12 -n FLOPPY -i F1234567
mkdir -p files/sf12 && text files/sf12/hello.txt "hello from a floppy"
text "files/sf12/A Long Name.txt" "found by its long name"
put $img 0 files/sf12
record_whole sf12 $img
# dosfstools' --mbr=y: a fake MBR entry starting at sector 0, spanning the disk.
img=sffake.img
truncate -s 16M $img
mkfat $img 0 $((16 * 2048)) -F 16 --mbr=y -n FAKEMBR -i FA4E0000
mkdir -p files/sffake && text files/sffake/hello.txt "hello from behind a fake MBR"
put $img 0 files/sffake
record_whole sffake $img

# --- gpt-small.img and damaged copies: primary header, primary entry array, primary entry size,
# both headers ---
img=gpt-small.img
truncate -s 8M $img
sgdisk -o -n 1:2048:+4M -t 1:0700 -u 1:BAC0BAC0-0000-4000-8000-000000000001 $img >/dev/null
mkfat $img 2048 8192 -F 16 -s 1 -n SMALL -i 5A115A11
mkdir -p files/small && text files/small/hello.txt "hello from the small GPT disk"
put $img 2048 files/small
record_gpt small $img
flip() { # IMG BYTE_OFFSET: inverts one byte
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1)
f.seek(o); f.write(bytes([b[0] ^ 0xff]))' "$1" "$2"
}
last=$(($(stat -c %s $img) / 512 - 1))
cp $img gpt-badprimary.img && flip gpt-badprimary.img $((512 + 0x38))
cp $img gpt-badarray.img && flip gpt-badarray.img $((1024 + 0x40))
cp $img gpt-badboth.img && flip gpt-badboth.img $((512 + 0x38)) &&
	flip gpt-badboth.img $((last * 512 + 0x38))
# Entry size 64 with a correct header CRC: only the sanity checks can reject it.
cp $img gpt-badentsize.img
python3 - gpt-badentsize.img <<'EOF'
import struct, sys, zlib
f = open(sys.argv[1], 'r+b')
f.seek(512)
h = bytearray(f.read(92))
struct.pack_into('<I', h, 84, 64)
struct.pack_into('<I', h, 16, 0)
struct.pack_into('<I', h, 16, zlib.crc32(bytes(h)))
f.seek(512)
f.write(h)
EOF

# Hybrid MBRs (sgdisk -h): the MBR lists partition 1 next to the protective entry. The GPT wins;
# with both GPT headers destroyed, the MBR's own entries are used, with a warning.
cp $img gpt-hybrid.img
sgdisk -h 1 gpt-hybrid.img >/dev/null
record_gpt hybrid gpt-hybrid.img
cp gpt-hybrid.img gpt-hybrid-nogpt.img
flip gpt-hybrid-nogpt.img $((512 + 0x38)) && flip gpt-hybrid-nogpt.img $((last * 512 + 0x38))

# --- frag.img: a file written into the holes left by deleted ones ---
img=frag.img
truncate -s 16M $img
mkfat $img 0 $((16 * 2048)) -F 16 -s 1 -n FRAG -i F4A60000
mkdir -p files/frag
for i in $(seq -w 1 10); do gen $((100 + 10#$i)) 8192 "files/frag/f$i"; done
( cd files/frag && for i in $(seq -w 1 10); do mcopy -i "$OLDPWD/$img" "f$i" "::/f$i"; done )
for i in 01 03 05 07 09; do mdel -i $img ::/f$i; rm files/frag/f$i; done
gen 5 60000 files/frag/frag.bin
mcopy -i $img files/frag/frag.bin ::/frag.bin
n=$(runs $img 0 /frag.bin)
[ "$n" -ge 3 ] || { echo "images.sh: frag.bin is not fragmented ($n runs)" >&2; exit 1; }
emit frag.runs "$n"

# --- corrupt images: cluster chains broken by patching the FATs ---
img=corrupt16.img
truncate -s 16M $img
mkfat $img 0 $((16 * 2048)) -F 16 -s 1 -n CORRUPT -i C0AA0016
mkdir -p files/corrupt16/loopdir files/corrupt12 files/corrupt32
for f in ok cycle midcycle oor short free; do gen 6 8192 files/corrupt16/$f.bin; done
for i in $(seq -w 1 40); do text "files/corrupt16/loopdir/entry number $i.txt" "$i"; done
put $img 0 files/corrupt16
fatpatch $img 0 16 cycle.bin:-1=@0 midcycle.bin:10=@4 oor.bin:0=0xfff0 short.bin:3=0xffff \
	free.bin:5=0 loopdir:-1=@0
img=corrupt12.img
truncate -s 2M $img
mkfat $img 0 4096 -F 12 -s 1 -n CORRUPT12 -i C0AA0012
for f in ok cycle oor; do gen 7 8192 files/corrupt12/$f.bin; done
put $img 0 files/corrupt12
fatpatch $img 0 12 cycle.bin:-1=@0 oor.bin:1=0xff0
img=corrupt32.img
truncate -s 40M $img
mkfat $img 0 $((40 * 2048)) -F 32 -s 1 -n CORRUPT32 -i C0AA0032
for f in ok cycle oor; do gen 8 8192 files/corrupt32/$f.bin; done
put $img 0 files/corrupt32
fatpatch $img 0 32 cycle.bin:-1=@0 oor.bin:2=0x0fffff00
for f in corrupt12 corrupt16 corrupt32; do record_whole $f $f.img; done

# --- fat256.img: a 256 MiB file alone on FAT32 (4 KiB clusters): the device-read count asserted
# for every filesystem ---
img=fat256.img
truncate -s 300M $img
mkfat $img 0 $((300 * 2048)) -F 32 -n FAT256 -i FA725600
gen 256 $((256 << 20)) files/big256.bin
mcopy -i $img files/big256.bin ::/big256.bin
emit fat256.runs "$(runs $img 0 /big256.bin)"

# --- fat*-tree.img: mktree.py's tree (symlinks left out: FAT has none) on FAT16 and FAT32; FAT12
# (at most 4084 clusters) gets the part that fits: files/, names/ and the deep directories ---
python3 "$mktree" files/tree --no-symlinks
# mtools makes a unique 8.3 alias for each long name by probing the directory, which takes
# minutes for 3000 names; 8.3 names of their own (no long-name entries) take a second.
rm -r files/tree/many
mkdir files/tree/many
for i in $(seq -w 0 2999); do echo "entry $i" >files/tree/many/e$i.txt; done
# mtools 4.0.33 stores a character outside the BMP as its low 16 bits, not as a surrogate pair.
mv "files/tree/names/rocket "*.bin "files/tree/names/rocket ★.bin"
mkdir -p files/tree12
cp -r files/tree/files files/tree/names files/tree/d00 files/tree12/
img=fat12-tree.img
truncate -s 30M $img
mkfat $img 0 $((30 * 2048)) -F 12 -s 16 -n TREE12 -i 7EE00012
put $img 0 files/tree12
img=fat16-tree.img
truncate -s 200M $img
mkfat $img 0 $((200 * 2048)) -F 16 -s 16 -n TREE16 -i 7EE00016
put $img 0 files/tree
img=fat32-tree.img
truncate -s 300M $img
mkfat $img 0 $((300 * 2048)) -F 32 -n TREE32 -i 7EE00032
put $img 0 files/tree

for i in $images; do [ -f "$i.img" ] || { echo "images.sh: $i.img was not made" >&2; exit 1; }; done
echo "$sum" >.stamp
echo "images.sh: test images in $out"
