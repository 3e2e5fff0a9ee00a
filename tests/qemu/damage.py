#!/usr/bin/env python3
# damage.py: damages a disk image in one precise place, for the bad-input QEMU cases (cases_bad.sh).
"""usage:
  damage.py gpt-primary IMG
      spoils the primary GPT header's CRC32 (UEFI 5.3.2): the backup must be used
  damage.py fat-chain IMG OFFSET loop|range MAP
      the FAT filesystem at byte OFFSET of IMG: the cluster chain of the file whose pieces MAP
      holds (`baton map` output: FILE_OFFSET VOLUME_OFFSET BYTES) made to loop back to its
      first cluster, or to point at a cluster past the end of the volume; every FAT copy
"""
import struct
import sys


def gpt_primary(img):
    with open(img, "r+b") as f:
        f.seek(512)
        h = bytearray(f.read(92))
        if h[:8] != b"EFI PART":
            sys.exit("damage.py: no primary GPT header at LBA 1")
        h[56] ^= 0xFF  # a byte of the disk GUID: the header CRC no longer matches
        f.seek(512)
        f.write(h)


def fat_chain(img, off, mode, mapfile):
    with open(img, "r+b") as f:
        f.seek(off)
        b = f.read(512)
        bps, spc, rsvd, nfats, rootents = struct.unpack_from("<HBHBH", b, 11)
        tot = struct.unpack_from("<H", b, 19)[0] or struct.unpack_from("<I", b, 32)[0]
        fatsz = struct.unpack_from("<H", b, 22)[0] or struct.unpack_from("<I", b, 36)[0]
        rootsecs = (rootents * 32 + bps - 1) // bps
        first_data = rsvd + nfats * fatsz + rootsecs
        ncl = (tot - first_data) // spc
        bits = 12 if ncl < 4085 else 16 if ncl < 65525 else 32
        if bits == 12:
            sys.exit("damage.py: FAT12 is not supported")
        cb = bps * spc
        clusters = []
        for line in open(mapfile):
            _, voff, n = (int(x) for x in line.split())
            c = (voff - first_data * bps) // cb + 2
            clusters += range(c, c + (n + cb - 1) // cb)
        if len(clusters) < 3:
            sys.exit("damage.py: the file needs at least 3 clusters")
        at = clusters[len(clusters) // 2]
        val = clusters[0] if mode == "loop" else ncl + 100
        w = bits // 8
        for i in range(nfats):
            f.seek(off + (rsvd + i * fatsz) * bps + at * w)
            f.write(struct.pack("<H" if bits == 16 else "<I", val))
        print(f"cluster {at} -> {val} ({mode}; the file's chain starts at {clusters[0]})")


def main():
    a = sys.argv[1:]
    if a[:1] == ["gpt-primary"] and len(a) == 2:
        gpt_primary(a[1])
    elif a[:1] == ["fat-chain"] and len(a) == 5 and a[3] in ("loop", "range"):
        fat_chain(a[1], int(a[2]), a[3], a[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
