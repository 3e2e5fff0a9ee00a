#!/usr/bin/env python3
"""mkstage1.py DISK MBR.BIN PROBE.BIN LBA COUNT [raw]: puts stage1 and a stage2 on a disk image.

Writes bytes 0-439 of MBR.BIN over sector 0 (the disk signature and partition table stay),
patches stage1's block (stage2's LBA and sector count, stage1/mbr.S), and writes PROBE.BIN at
LBA, padded to COUNT sectors, each sector after the first ending with its own number so that the
probe can tell a short or misplaced read. COUNT 0 leaves the sectors alone (a missing stage2).
With "raw", PROBE.BIN is a real stage2, written as it is (COUNT 0: as many sectors as it takes).
"""
import struct
import sys

disk, mbr, probe, lba, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
raw = sys.argv[6:] == ["raw"]
if raw and not count:
    count = (len(open(probe, "rb").read()) + 511) // 512
code = bytearray(open(mbr, "rb").read()[:440])
assert code[4:8] == b"BTN1", "not baton's stage1"
struct.pack_into("<QH", code, 8, lba, count)
with open(disk, "r+b") as f:
    f.write(code)
    if raw:
        f.seek(lba * 512)
        f.write(open(probe, "rb").read())
    elif count:
        img = bytearray(open(probe, "rb").read())
        need = count * 512
        assert len(img) <= 510, "the probe must fit its first sector"
        img += bytes(need - len(img))
        struct.pack_into("<H", img, 8, count)
        for k in range(1, count):
            struct.pack_into("<H", img, k * 512 + 510, k)
        f.seek(lba * 512)
        f.write(img)
