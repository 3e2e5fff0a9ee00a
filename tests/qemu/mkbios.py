#!/usr/bin/env python3
"""mkbios.py DISK MBR GAP BODY LBA [BODY_LBA [BOOT_LBA]]: stage1, the gap part and the body on a disk image, no filesystem.

The test-side stand-in for `baton install` (stage2/bios/gap.h): stage1 loads the gap part from
LBA; the gap part's block list names the body at BODY_LBA (default: right after the gap part),
with its size and CRC-32; BOOT_LBA (default 0) is the first sector of the volume holding the
config. Only bytes 0-439 of sector 0 are written.
"""
import struct
import sys
import zlib

disk, mbr, gap, body, lba = sys.argv[1:6]
lba = int(lba)
code = bytearray(open(mbr, "rb").read()[:440])
g = bytearray(open(gap, "rb").read())
b = open(body, "rb").read()
assert code[4:8] == b"BTN1" and g[8:12] == b"BTNG" and b[4:8] == b"BTN3"
gsec = len(g) // 512
blba = int(sys.argv[6]) if len(sys.argv) > 6 else lba + gsec
struct.pack_into("<QH", code, 8, lba, gsec)
hdr = 8
ext_off = struct.unpack_from("<H", g, hdr + 38)[0]
struct.pack_into("<II", g, hdr + 16, len(b), zlib.crc32(b))
struct.pack_into("<Q", g, hdr + 24, int(sys.argv[7]) if len(sys.argv) > 7 else 0)
struct.pack_into("<HHH", g, hdr + 32, 1, 128, 512)
struct.pack_into("<QI", g, ext_off, blba, (len(b) + 511) // 512)
with open(disk, "r+b") as f:
    f.write(code)
    f.seek(lba * 512)
    f.write(g)
    f.seek(blba * 512)
    f.write(b)
