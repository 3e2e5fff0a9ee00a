#!/usr/bin/env bash
# images_iso.sh OUTDIR: the ISO 9660 test images (xorriso, and patched or hand-made copies) in OUTDIR/iso.
#
# OUTDIR/iso gets tree/ (mktree.py --huge: the host copy every file is compared with), the
# images, NAME.list per image (what the image should show: "d PATH", "f PATH SOURCE",
# "l PATH TARGET RESOLVED"), and expect.txt (what blkid says about each image). Skipped when
# up to date; the 5 GiB huge.iso has its own stamp, so that it is written once.
set -euo pipefail
out=${1:?usage: images_iso.sh OUTDIR}/iso
self=$(readlink -f "$0")
here=$(dirname "$self")
sum=$(cat "$self" "$here/mktree.py" | sha256sum | cut -d' ' -f1)
images="rrj joliet plain small hybrid big crafted huge"
uptodate() {
	[ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$sum" ] && [ -f "$out/expect.txt" ] || return 1
	for i in $images; do [ -f "$out/$i.iso" ] || return 1; done
}
uptodate && exit 0
for t in xorriso blkid python3 sha256sum fallocate; do
	command -v "$t" >/dev/null || { echo "images_iso.sh: $t is missing (make deps)" >&2; exit 1; }
done
export LC_ALL=C.UTF-8
mkdir -p "$out"
cd "$out"
# The tree is kept with huge.iso (same mktree.py, same stamp): the others are cheap to redo.
hsum=$( (cat "$here/mktree.py"; sed -n '/^# --- huge.iso/,/^# --- end huge/p' "$self") | sha256sum | cut -d' ' -f1)
if [ ! -f .huge-stamp ] || [ "$(cat .huge-stamp)" != "$hsum" ] || [ ! -f huge.iso ] || [ ! -d tree ]; then
	rm -rf tree huge.iso .huge-stamp
	python3 "$here/mktree.py" tree --huge
fi
rm -rf ./*.iso.tmp x-* st big ./*.list expect.txt .stamp
find . -maxdepth 1 -name '*.iso' ! -name huge.iso -delete

# xorriso's defaults date the volume now; fixed dates give fixed UUIDs (blkid checks them anyway).
mkiso() { # OUT.iso ARGS...: xorriso -as mkisofs, quiet unless it fails
	local o=$1
	shift
	xorriso "$@" -o "$o" >"$o.log" 2>&1 || { cat "$o.log" >&2; exit 1; }
	rm -f "$o.log"
}

# rrj.iso: Rock Ridge and Joliet; deep directories relocated to RR_MOVED (CL/PL/RE entries), a
# 20-character label that Joliet's 16 cannot hold (blkid merges the two).
mkiso rrj.iso -compliance deep_paths_off -as mkisofs -R -J -rr_reloc_dir RR_MOVED \
	-V "Baton RR Joliet test" --modification-date=2025010203040506 -m huge.bin tree
# joliet.iso: Joliet without Rock Ridge: UCS-2 names cut at 64 characters, no symlinks.
mkiso joliet.iso -as mkisofs --norock -J -V "Joliet only" --modification-date=2025020304050607 \
	-m huge.bin tree
# plain.iso: ECMA-119 level 1 names only (8.3, uppercase, ";1").
mkiso plain.iso -as mkisofs --norock -iso-level 1 -V PLAIN_ISO \
	--modification-date=2025030405060708 -m huge.bin tree

# small.iso: a small Rock Ridge tree to patch: names and symlinks long enough for CE areas,
# NM split with CONTINUE, SL records spread over several entries.
mkdir -p st/sub st/many
echo hello >st/hello.txt
echo inner >st/sub/inner.txt
for i in $(seq -w 1 40); do echo "$i" >"st/many/a file with a longer name $i.txt"; done
python3 - <<'EOF'
import os
open('st/' + 'n' * 251 + '.txt', 'w').write('a 255-byte name\n')
os.symlink('../' + 'a' * 255 + '/./' + 'b' * 255 + '/c', 'st/longlink')
os.symlink('x/' * 500 + 'end', 'st/verylong')
os.symlink('/sub/inner.txt', 'st/abs')
EOF
mkiso small.iso -as mkisofs -R -V SMALL --modification-date=2025040506070809 st
mkdir -p lb && echo label >lb/x.txt
mkiso labelbase.iso -as mkisofs --norock -J -V x lb
rm -rf lb
# hybrid.iso: an MBR whose first partition holds a second copy of the descriptors (at 32 KiB).
mkiso hybrid.iso -as mkisofs -R -J -partition_offset 16 -V HYBRID st

# big.iso: one contiguous 256 MiB file, to count the device reads that load it.
mkdir -p big
python3 -c 'import random, sys
r = random.Random(256)
for _ in range(256):
    sys.stdout.buffer.write(r.randbytes(1 << 20))' >big/big.bin
mkiso big.iso -as mkisofs -R -V BIG big

# --- huge.iso: level 3, the 5 GiB file in two sections (multi-extent), RRIP 1.12 (PX with
# inode numbers); zeros are dug out into holes, so it takes ~200 MB of disk ---
if [ ! -f huge.iso ]; then
	mkiso huge.iso.tmp -compliance new_rr -as mkisofs -iso-level 3 -R -V HUGE_LEVEL3 \
		--modification-date=2025050607080910 tree
	fallocate -d huge.iso.tmp
	mv huge.iso.tmp huge.iso
	echo "$hsum" >.huge-stamp
fi
# --- end huge.iso ---

# The views xorriso itself reads, for names that Joliet and ECMA-119 change.
xorriso -osirrox on -read_fs norock -indev joliet.iso -extract / x-joliet >/dev/null 2>&1
xorriso -osirrox on -read_fs ecma119 -ecma119_map stripped -indev plain.iso \
	-extract / x-plain >/dev/null 2>&1
chmod -R u+w x-joliet x-plain

# NAME.list: RR images from the host tree itself; the others from xorriso's extraction, each
# file traced back to its source in tree/ by content.
python3 - <<'EOF'
import hashlib, os

def h(p):
    d = hashlib.sha256()
    with open(p, 'rb') as f:
        for b in iter(lambda: f.read(1 << 20), b''):
            d.update(b)
    return d.hexdigest()

def resolve(root, path):
    """What fs_open() reaches: symlinks from the volume root, '..' pops the walk."""
    todo, st, links = [c for c in path.split('/') if c], [], 0
    while todo:
        c = todo.pop(0)
        if c == '.':
            continue
        if c == '..':
            st = st[:-1]
            continue
        p = os.path.join(root, *st, c)
        if os.path.islink(p):
            links += 1
            if links > 40:
                return 'ELOOP'
            t = os.readlink(p)
            todo = [x for x in t.split('/') if x] + todo
            if t.startswith('/'):
                st = []
            continue
        if not os.path.lexists(p) or (todo and not os.path.isdir(p)):
            return 'ENOENT'
        st.append(c)
    p = os.path.join(root, *st)
    return ('d:' if os.path.isdir(p) else 'f:') + '/'.join(st)

def listing(name, root, skip=(), bysum=None):
    lines = ['d\t/']
    for dp, dns, fns in os.walk(root):
        dns.sort()
        rel = os.path.relpath(dp, root)
        rel = '' if rel == '.' else rel
        for n in sorted(dns + fns):
            if not rel and n in skip:
                continue
            full, path = os.path.join(dp, n), '/' + os.path.join(rel, n)
            if os.path.islink(full):
                lines.append('l\t%s\t%s\t%s' % (path, os.readlink(full), resolve(root, path)))
            elif os.path.isdir(full):
                lines.append('d\t%s' % path)
            else:
                src = bysum[h(full)] if bysum else path[1:]
                lines.append('f\t%s\t%s' % (path, src))
    with open(name + '.list', 'w') as f:
        f.write('\n'.join(lines) + '\n')

listing('rrj', 'tree', skip=('huge.bin',))
listing('huge', 'tree')
listing('small', 'st')
listing('hybrid', 'st')
listing('big', 'big')
sums = {}
for dp, dns, fns in os.walk('tree'):
    for n in fns:
        p = os.path.join(dp, n)
        if not os.path.islink(p) and n != 'huge.bin':
            sums.setdefault(h(p), os.path.relpath(p, 'tree'))
listing('joliet', 'x-joliet', bysum=sums)
listing('plain', 'x-plain', bysum=sums)
EOF
rm -rf x-joliet x-plain

# --- patched copies of small.iso (corrupt-*.iso) and of joliet.iso's descriptors (label-*.iso) ---
python3 - <<'EOF'
import os, struct

SEC = 2048

class Iso:
    def __init__(self, path):
        self.path = path
        self.b = bytearray(open(path, 'rb').read())
        self.bs = struct.unpack_from('<H', self.b, 16 * SEC + 128)[0]

    def records(self, off, size):
        """(offset, record) of a directory's records."""
        p = off
        while p < off + size:
            n = self.b[p]
            if n == 0:
                p = (p // SEC + 1) * SEC
                continue
            yield p, self.b[p:p + n]
            p += n

    def susp(self, rec):
        """(offset in image, entry) of every system use entry, continuation areas included."""
        at = 33 + rec[32] + (1 - rec[32] % 2)
        areas, out = [(None, bytes(rec[at:]))], []
        while areas:
            base, a = areas.pop()
            i = 0
            while i + 4 <= len(a) and a[i + 2] >= 4:
                e = a[i:i + a[i + 2]]
                out.append((None if base is None else base + i, e))
                if e[:2] == b'CE':
                    o = struct.unpack_from('<I', e, 4)[0] * self.bs + struct.unpack_from('<I', e, 12)[0]
                    areas.append((o, bytes(self.b[o:o + struct.unpack_from('<I', e, 20)[0]])))
                i += a[i + 2]
        return out

    def name(self, rec):
        nm = b''.join(e[5:] for _, e in self.susp(rec) if e[:2] == b'NM')
        return nm.decode() if nm else rec[33:33 + rec[32]].decode('latin1')

    def find(self, path):
        """Offset of the record of path (Rock Ridge names) in the primary tree."""
        root = self.b[16 * SEC + 156:16 * SEC + 190]
        off, size = struct.unpack_from('<I', root, 2)[0] * self.bs, struct.unpack_from('<I', root, 10)[0]
        for c in path.strip('/').split('/'):
            for p, r in self.records(off, size):
                if r[32] == 1 and r[33] < 2:
                    continue
                if self.name(r) == c:
                    off, size = struct.unpack_from('<I', r, 2)[0] * self.bs, struct.unpack_from('<I', r, 10)[0]
                    rec = p
                    break
            else:
                raise SystemExit('images_iso.sh: %s not in %s' % (path, self.path))
        return rec

    def save(self, path, b=None):
        open(path, 'wb').write(self.b if b is None else b)

def both32(v):
    return struct.pack('<I', v) + struct.pack('>I', v)

def ce_at(iso, rec):
    """(offset of the CE entry in the record, offset of its area) of a record with a CE."""
    r = iso.b[rec:rec + iso.b[rec]]
    at = 33 + r[32] + (1 - r[32] % 2)
    while r[at:at + 2] != b'CE':
        at += r[at + 2]
    e = r[at:at + 28]
    return rec + at, struct.unpack_from('<I', e, 4)[0] * iso.bs + struct.unpack_from('<I', e, 12)[0]

s = Iso('small.iso')
name = '/' + 'n' * 251 + '.txt'

# A continuation area whose CE points back to itself, then ST: the chain never ends.
b = bytearray(s.b)
ce, area = ce_at(s, s.find(name))
b[area:area + 28] = b[ce:ce + 28]
b[area + 28:area + 32] = b'ST\x04\x01'
s.save('corrupt-celoop.iso', b)
# The same in the root's "." record: mount fails.
b = bytearray(s.b)
root = struct.unpack_from('<I', s.b, 16 * SEC + 158)[0] * s.bs
ce, area = ce_at(s, root)
b[area:area + 28] = b[ce:ce + 28]
b[area + 28:area + 32] = b'ST\x04\x01'
s.save('corrupt-rootce.iso', b)
# Directory record lengths: 0 (the rest of the sector is padding), too short, past the sector.
hello = s.find('/hello.txt')
b = bytearray(s.b); b[hello] = 0; s.save('corrupt-len0.iso', b)
b = bytearray(s.b); b[hello] = 20; s.save('corrupt-lenshort.iso', b)
many = s.find('/many')
moff = struct.unpack_from('<I', s.b, many + 2)[0] * s.bs
last = max(p for p, _ in s.records(moff, SEC) if p < moff + SEC)
b = bytearray(s.b); b[last] = moff + SEC - last + 2; s.save('corrupt-lenover.iso', b)
assert b[last] <= 255
# Extents beyond the end of the image: a file's, a directory's, a CE area's.
b = bytearray(s.b); b[hello + 2:hello + 10] = both32(0x00ffff00); s.save('corrupt-extent.iso', b)
sub = s.find('/sub')
b = bytearray(s.b); b[sub + 2:sub + 10] = both32(0x00ffff00); s.save('corrupt-dirextent.iso', b)
b = bytearray(s.b); ce, area = ce_at(s, s.find('/verylong')); b[ce + 4:ce + 12] = both32(0x00ffff00); s.save('corrupt-ceextent.iso', b)
# An SL component longer than its entry; an NM entry longer than its area.
def entry(iso, path, sig):
    rec = iso.find(path)
    r = iso.b[rec:rec + iso.b[rec]]
    at = 33 + r[32] + (1 - r[32] % 2)
    while r[at:at + 2] != sig:
        at += r[at + 2]
    return rec + at
b = bytearray(s.b); sl = entry(s, '/abs', b'SL'); b[sl + 6] = 200; s.save('corrupt-sl.iso', b)
b = bytearray(s.b); nm = entry(s, '/hello.txt', b'NM'); b[nm + 2] = 250; s.save('corrupt-nm.iso', b)
# Truncated: inside the file data; inside the directories; before the descriptors end.
data = struct.unpack_from('<I', s.b, hello + 2)[0] * s.bs
s.save('corrupt-trunc-data.iso', s.b[:data])
s.save('corrupt-trunc-dir.iso', s.b[:struct.unpack_from('<I', s.b, sub + 2)[0] * s.bs])
s.save('corrupt-trunc-vd.iso', s.b[:17 * SEC])
# No terminator: zeros where it was; or the primary descriptor repeated for 64 sectors.
t = next(i for i in range(17, 32) if s.b[i * SEC] == 255)
b = bytearray(s.b); b[t * SEC:(t + 1) * SEC] = bytes(SEC); s.save('corrupt-noterm.iso', b)
b = bytearray(s.b) + bytes(SEC * 80)
for i in range(17, 90):
    b[i * SEC:(i + 1) * SEC] = s.b[16 * SEC:17 * SEC]
s.save('corrupt-vdflood.iso', b)

# Labels: joliet.iso's descriptors with other volume identifiers, as blkid reads them.
j = Iso('labelbase.iso')
cases = [('BATON RR JOLIET TEST', 'Baton RR Joliet '), ('ABCDEFGHIJKLMNOPQRSTU', 'abcdefghijklmnop'),
         ('abcdefghijklmnopQR', 'ABCDEFGHIJKLMNOP'), ('ABCDEFGHIJKLMNOXQRSTU', 'ABCDEFGHIJKLMNOP'),
         ('NA_VE CAF_ LABEL LONG', 'naïve café label'), ('NAIVE_CAFE_LABEL_LONG', 'naïve café label'),
         ('ABCDEFGHIJKLMN_PQR', 'ABCDEFGHIJKLMN-P'), ('ABCDEFGHIJKLMNXPQR', 'ABCDEFGHIJKLMN_P'),
         ('ABCDEFGHIJKLMNOP\xe9\xe8', 'ABCDEFGHIJKLMNOP'), ('ISO ONLY', ''), ('', 'Joliet only'),
         ('SHORT', 'rocket \U0001F680 x')]
svd = next(i for i in range(17, 32) if j.b[i * SEC] == 2) * SEC
for k, (a, u) in enumerate(cases):
    b = bytearray(j.b)
    b[16 * SEC + 40:16 * SEC + 72] = a.encode('latin1').ljust(32, b' ')
    b[svd + 40:svd + 72] = (u.encode('utf-16-be') + ' '.encode('utf-16-be') * 16)[:32]
    if k == 3:  # UUID: no modification date, so the creation date
        b[16 * SEC + 813:16 * SEC + 847] = b'2020010203040506\0' + b'0' * 16 + b'\0'
    if k == 4:  # neither date
        b[16 * SEC + 813:16 * SEC + 847] = (b'0' * 16 + b'\0') * 2
    open('label-%d.iso' % k, 'wb').write(b)
open('labels.txt', 'w').write('%d\n' % len(cases))
os.remove('labelbase.iso')
EOF

# --- crafted.iso: what xorriso never writes, made by hand: 512-byte logical blocks, an
# extended attribute record, hidden and associated files, a multi-extent file with sections out
# of disk order, an interleaved file, ";2" versions, RRIP 1.12 PX inode numbers, TF long form,
# NM and SL components continued across entries and CE areas, ST before junk ---
python3 - <<'EOF'
import struct

BS, SEC = 512, 2048
img = bytearray(BS * 1000)
nxt = [72]  # next free 512-byte block; 0-71: the system area and two descriptors

def both16(v): return struct.pack('<H', v) + struct.pack('>H', v)
def both32(v): return struct.pack('<I', v) + struct.pack('>I', v)
def alloc(nbytes, align=1):
    nxt[0] = -(-nxt[0] // align) * align
    b = nxt[0]
    nxt[0] += max(1, -(-nbytes // BS))
    return b
def content(seed, n): return bytes((i * 31 + seed) % 251 for i in range(n))
def put(lba, data): img[lba * BS:lba * BS + len(data)] = data
DATE = bytes([124, 2, 29, 12, 34, 56, 4])  # 2024-02-29 12:34:56 GMT+1

def su(*entries): return b''.join(entries)
def ent(sig, data, ver=1): return sig + bytes([4 + len(data), ver]) + data
def px(mode, ino=None):
    d = both32(mode) + both32(1) + both32(0) + both32(0)
    return ent(b'PX', d + (both32(ino) if ino is not None else b''))
def nm(name, flags=0): return ent(b'NM', bytes([flags]) + name)
def sl(comps, flags=0):
    return ent(b'SL', bytes([flags]) + b''.join(bytes([f, len(c)]) + c for f, c in comps))
def ce(lba, off, n): return ent(b'CE', both32(lba) + both32(off) + both32(n))

def rec(ident, lba, size, flags=0, sys=b'', xar=0, unit=0, gap=0, date=DATE):
    r = bytes([0, xar]) + both32(lba) + both32(size) + date + bytes([flags, unit, gap]) + both16(1)
    r += bytes([len(ident)]) + ident + (b'\0' if len(ident) % 2 == 0 else b'') + sys
    if len(r) % 2:
        r += b'\0'
    return bytes([len(r)]) + r[1:]

def directory(lba, recs, sectors):
    """Records packed into 2048-byte sectors (zero padding at each sector's end)."""
    out, cur = [], b''
    for r in recs:
        if len(cur) + len(r) > SEC:
            out.append(cur.ljust(SEC, b'\0'))
            cur = b''
        cur += r
    out.append(cur.ljust(SEC, b'\0'))
    assert len(out) <= sectors
    put(lba, b''.join(out))
    return len(out) * SEC

root, sub = alloc(2 * SEC, 4), alloc(2 * SEC, 4)
files = []
def file(ident, data, **kw):
    lba = alloc(len(data) + kw.get('xar', 0) * BS)
    put(lba + kw.get('xar', 0), data)
    files.append((ident, lba, len(data), kw))

ceblk = alloc(BS)
# The root's continuation area: ER (RRIP 4.3); then two areas for /chained's SL and NM.
er = ent(b'ER', bytes([10, 4, 0, 1]) + b'RRIP_1991A' + b'DESC')
put(ceblk, er)
long_nm = b'N' * 200 + b'-continued-' + b'M' * 100
sl1 = sl([(0x08, b''), (0, b'usr'), (0x01, b'lo'), (0, b'ng'), (0x02, b''), (0x04, b'')], flags=1)
sl2 = sl([(0x01, b'x' * 240)], flags=1)
sl3 = sl([(0, b'y' * 10), (0, b'end')])
area2 = sl3 + nm(long_nm[150:])
area2blk = alloc(BS)
put(area2blk, area2)
area1 = sl1 + sl2 + nm(long_nm[:150], flags=1) + ce(area2blk, 0, len(area2))
put(ceblk, er + area1)

file(b'XAR.TXT;1', content(1, 3000), xar=1, sys=su(px(0o100644), nm(b'xar.txt')))
put(files[-1][1], b'\xee' * BS)  # the extended attribute record itself: not data
file(b'HIDDEN.TXT;1', content(2, 100), flags=1, sys=su(px(0o100600), nm(b'hidden.txt')))
file(b'ASSOC.TXT;1', b'ASSOCIATED FILE', flags=4, sys=su(px(0o100644), nm(b'assoc.txt')))
file(b'ASSOC.TXT;1', content(3, 50), sys=su(px(0o100644), nm(b'assoc.txt')))
file(b'INTER.BIN;1', content(4, 4000), unit=1, gap=1, sys=su(px(0o100644), nm(b'inter.bin')))
file(b'VER.TXT;2', content(5, 10))  # no Rock Ridge entries: the ECMA-119 name
file(b'INO.TXT;1', content(6, 20), sys=su(px(0o100640, 424242), nm(b'ino.txt')))
tf = ent(b'TF', bytes([0x80 | 0x02]) + b'2023123123595900' + bytes([(-8) & 0xff]))
file(b'LONGTF.TXT;1', content(7, 30), sys=su(px(0o100644), tf, nm(b'longtf.txt')))
file(b'STOP.TXT;1', content(8, 40), sys=su(px(0o100644), nm(b'stop.txt'), ent(b'ST', b''), b'JUNK\xff\x01'))
file(b'PN.TXT;1', content(9, 5), sys=su(px(0o100644), ent(b'PN', both32(0) + both32(0)), nm(b'pn.txt')))
# A multi-extent file: three sections; the second lies before the first on disk.
m2 = alloc(2048); m1 = alloc(1024); m3 = alloc(700)
mdata = content(10, 1024 + 2048 + 700)
put(m1, mdata[:1024]); put(m2, mdata[1024:3072]); put(m3, mdata[3072:])
msys = su(px(0o100644), nm(b'multi.bin'))
multi = [rec(b'MULTI.BIN;1', m1, 1024, 0x80, msys), rec(b'MULTI.BIN;1', m2, 2048, 0x80, msys),
         rec(b'MULTI.BIN;1', m3, 700, 0, msys)]

dot_sys = su(ent(b'SP', b'\xbe\xef\x00'), px(0o040755), ce(ceblk, 0, len(er)))
recs = [rec(b'\0', root, 2 * SEC, 2, dot_sys), rec(b'\1', root, 2 * SEC, 2, su(px(0o040755)))]
recs += [rec(i, lba, n, kw.get('flags', 0), kw.get('sys', b''), kw.get('xar', 0), kw.get('unit', 0),
             kw.get('gap', 0)) for i, lba, n, kw in files]
recs += multi
recs.append(rec(b'CHAINED.;1', 0, 0, 0, su(px(0o120777), ce(ceblk, len(er), len(area1)))))
recs.append(rec(b'SUB', sub, 2 * SEC, 2, su(px(0o040755), nm(b'sub'))))
# sub: a directory of two sectors, the first padded with zeros after a few records.
subrecs = [rec(b'\0', sub, 2 * SEC, 2), rec(b'\1', root, 2 * SEC, 2)]
for k in range(40):
    lba = alloc(10)
    put(lba, b'file %02d\n' % k)
    subrecs.append(rec(b'F%02d.TXT;1' % k, lba, 8, 0, su(px(0o100644), nm(b'f%02d.txt' % k))))
directory(sub, subrecs, 2)

# Directories that each hold one bad record, for clean errors.
def chain(areas, first_sys=b''):
    """System use areas in blocks of their own, each ending with a CE to the next."""
    blks = [alloc(BS) for _ in areas]
    for k, a in enumerate(areas):
        put(blks[k], a + (ce(blks[k + 1], 0, len(areas[k + 1]) + (28 if k + 2 < len(areas) else 0))
                          if k + 1 < len(areas) else b''))
    return first_sys + ce(blks[0], 0, len(areas[0]) + (28 if len(areas) > 1 else 0))
def bad_dir(ident, name, bad_recs):
    lba = alloc(SEC, 4)
    directory(lba, [rec(b'\0', lba, SEC, 2), rec(b'\1', root, 2 * SEC, 2)] + bad_recs, 1)
    recs.append(rec(ident, lba, SEC, 2, su(px(0o040755), nm(name))))
bad_dir(b'BADNM', b'badnm', [rec(b'X.;1', 0, 0, 0, chain([nm(b'n' * 250, 1)] * 4 + [nm(b'n' * 250)]))])
bad_dir(b'BADSL', b'badsl', [rec(b'X.;1', 0, 0, 0, chain([sl([(0, b's' * 240)], 1)] * 16 + [sl([(0, b's' * 240)])], su(px(0o120777))))])
bad_dir(b'CECHAIN', b'cechain', [rec(b'X.;1', 0, 0, 0, chain([ent(b'PD', b'')] * 34))])
bad_dir(b'BADMULTI', b'badmulti', [rec(b'M.;1', 0, 0, 0x80)])
bad_dir(b'BADMULT2', b'badmult2', [rec(b'M.;1', 0, 0, 0x80), rec(b'N.;1', 0, 0, 0)])
bad_dir(b'BADCL', b'badcl', [rec(b'X.;1', 0, 0, 0, su(px(0o040755), nm(b'x'), ent(b'CL', both32(files[0][1]))))])
recs.sort(key=lambda r: r[33:33 + r[32]])
directory(root, recs, 2)
nxt[0] = -(-nxt[0] // 4) * 4
# Descriptors: primary (block size 512), terminator.
pvd = bytearray(SEC)
pvd[0:7] = b'\x01CD001\x01'
pvd[40:72] = b'CRAFTED'.ljust(32, b' ')
pvd[80:88] = both32(nxt[0])
pvd[120:124] = both16(1); pvd[124:128] = both16(1); pvd[128:132] = both16(BS)
pvd[156:190] = rec(b'\0', root, 2 * SEC, 2)
pvd[813:830] = b'2025010203040506\0'
pvd[830:847] = b'2025060708091011\x04'
pvd[881] = 1
img[16 * SEC:17 * SEC] = pvd
img[17 * SEC:18 * SEC] = b'\xffCD001\x01'.ljust(SEC, b'\0')
open('crafted.iso', 'wb').write(img[:nxt[0] * BS])
EOF

# expect.txt: blkid's TYPE, LABEL and UUID of every image (the hybrid's first partition).
for f in ./*.iso; do
	n=$(basename "$f" .iso)
	off=()
	[ "$n" = hybrid ] && off=(-O 32768)
	for tag in TYPE LABEL UUID; do
		echo "$n.$tag=$(blkid -p "${off[@]}" -o value -s $tag "$f" || true)" >>expect.txt
	done
done
for i in $images; do [ -f "$i.iso" ] || { echo "images_iso.sh: $i.iso was not made" >&2; exit 1; }; done
echo "$sum" >.stamp
echo "images_iso.sh: ISO 9660 test images in $out"
