#!/usr/bin/env python3
# mkbad.py: derives broken kernels from good test kernels, one defect each, for the bad-input tests.
"""usage: mkbad.py KERNELS_DIR OUT_DIR"""
import struct
import sys


def elf_phdr(b, i):
    """Offset of program header i (ELF32 or ELF64)."""
    if b[4] == 2:
        return struct.unpack_from("<Q", b, 32)[0] + i * struct.unpack_from("<H", b, 54)[0]
    return struct.unpack_from("<I", b, 28)[0] + i * struct.unpack_from("<H", b, 42)[0]


def main():
    kd, out = sys.argv[1], sys.argv[2]
    mb2 = bytearray(open(f"{kd}/smoke-mb2.elf", "rb").read())
    e64 = bytearray(open(f"{kd}/smoke-elf64.elf", "rb").read())
    e32 = bytearray(open(f"{kd}/elf32.elf", "rb").read())
    gz = bytearray(open(f"{kd}/smoke-mb1.gz", "rb").read())
    bad = {}
    # Truncated: the file ends inside its loadable segment.
    bad["trunc.elf"] = e32[: len(e32) // 2]
    # A PT_LOAD whose bytes run past the end of the file (ELF64 p_filesz and p_memsz).
    b = bytearray(e64)
    ph = elf_phdr(b, 0)
    struct.pack_into("<QQ", b, ph + 32, 0x100000, 0x100000)
    bad["beyond.elf"] = b
    # Two PT_LOADs at the same physical address.
    b = bytearray(e32)
    p0, p1 = elf_phdr(b, 0), elf_phdr(b, 1)
    struct.pack_into("<I", b, p1 + 12, struct.unpack_from("<I", b, p0 + 12)[0])
    bad["overlap.elf"] = b
    # An entry point outside every segment.
    b = bytearray(e64)
    struct.pack_into("<Q", b, 24, 0xFFFFFFFF90000000)
    bad["entry.elf"] = b
    # A segment bigger than the machine's memory (3.5 GiB of bss from 2 MiB).
    b = bytearray(e32)
    struct.pack_into("<I", b, elf_phdr(b, 1) + 20, 0xE0000000)
    bad["huge.elf"] = b
    # Multiboot 2: a bad header checksum; a required information tag baton cannot give (APM).
    off = mb2.find(struct.pack("<I", 0xE85250D6))
    b = bytearray(mb2)
    struct.pack_into("<I", b, off + 12, 0)
    bad["badsum.elf"] = b
    b = bytearray(mb2)
    struct.pack_into("<I", b, off + 24, 10)  # the information request's first type: APM
    bad["mb2req.elf"] = b
    # Multiboot 2: the conformance kernel's framebuffer tag made required (3.1.3: flags bit 0
    # clear), for a machine without graphics output.
    conf = bytearray(open(f"{kd}/mb2.elf", "rb").read())
    off = conf.find(struct.pack("<I", 0xE85250D6))
    at, end = off + 16, off + struct.unpack_from("<I", conf, off + 8)[0]
    while at < end and struct.unpack_from("<H", conf, at)[0] not in (0, 5):
        at += (struct.unpack_from("<I", conf, at + 4)[0] + 7) & ~7
    if at >= end or struct.unpack_from("<H", conf, at)[0] != 5:
        sys.exit("mkbad.py: mb2.elf has no framebuffer tag")
    struct.pack_into("<H", conf, at + 2, 0)
    bad["mb2fbreq.elf"] = conf
    # ELF identification: class 3 (gABI EI_CLASS: 1 is ELFCLASS32, 2 ELFCLASS64).
    b = bytearray(e64)
    b[4] = 3
    bad["class3.elf"] = b
    # Multiboot 1: the conformance kernel with its header's checksum off by one (3.1.2); the
    # file is still a valid ELF, which must not be booted as a plain one.
    b = bytearray(open(f"{kd}/mb1.elf", "rb").read())
    off = b.find(struct.pack("<I", 0x1BADB002))
    if off < 0 or off % 4 or off >= 8192:
        sys.exit("mkbad.py: mb1.elf has no Multiboot header")
    struct.pack_into("<I", b, off + 8, (struct.unpack_from("<I", b, off + 8)[0] + 1) & 0xFFFFFFFF)
    bad["mb1sum.elf"] = b
    # An empty kernel file.
    bad["empty"] = b""
    # gzip: a flipped byte inside the deflate data.
    b = bytearray(gz)
    b[len(b) // 2] ^= 0xFF
    bad["corrupt.gz"] = b
    for name, data in bad.items():
        with open(f"{out}/{name}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
