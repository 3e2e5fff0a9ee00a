#!/usr/bin/env python3
"""mktree.py DIR [--no-symlinks] [--huge]: the deterministic file tree put on every test filesystem.

The tree holds what the filesystem issue asks every driver to read: random-content files of many
sizes (around block and extent boundaries), deep directories, a directory with thousands of
entries, long and UTF-8 names, symlinks (fast and slow, relative and absolute, to directories,
dangling, looping), a Debian-style /vmlinuz link and a sparse file. --huge adds a sparse file of
5 GiB with data past 4 GiB. The same seeds give the same bytes, so the host copy is the reference
the tests compare byte for byte. DIR must not exist.
"""
import os
import random
import sys


def data(seed, size):
    return random.Random(seed).randbytes(size)


def put(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)


def sparse(path, size, pieces):
    """A file of size bytes, zeros (holes) except (offset, seed, length) pieces."""
    with open(path, "wb") as f:
        f.truncate(size)
        for off, seed, n in pieces:
            f.seek(off)
            f.write(data(seed, n))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    root = args[0]
    links = "--no-symlinks" not in sys.argv
    os.makedirs(root)
    j = lambda *p: os.path.join(root, *p)

    # Sizes around 512, 1 KiB, 2 KiB (ISO blocks), 4 KiB, 64 KiB and odd large ones.
    sizes = [0, 1, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097,
             12345, 65535, 65536, 65537, (1 << 20) + 7, (3 << 20) + 1, 20 << 20]
    for i, n in enumerate(sizes):
        put(j("files", "size-%d" % n), data(1000 + i, n))

    # Deep directories: 40 levels, a file at the bottom and one halfway.
    deep = j(*["d%02d" % i for i in range(40)])
    put(os.path.join(deep, "leaf.txt"), b"the bottom of a deep tree\n")
    put(j(*["d%02d" % i for i in range(20)], "middle.bin"), data(7, 3000))

    # Thousands of entries in one directory (ext4 makes it an htree with 1 KiB blocks).
    for i in range(3000):
        put(j("many", "entry-%04d.txt" % i), b"entry %d\n" % i)

    # Long and UTF-8 names: 255 bytes is the limit of ext4, Joliet stops at 64 UCS-2 units.
    put(j("names", "x" * 200 + ".txt"), b"a long name\n")
    put(j("names", "naïve café.txt"), b"accents\n")
    put(j("names", "日本語のファイル名.txt"), "日本語\n".encode())
    put(j("names", "rocket \U0001F680.bin"), data(8, 777))
    put(j("names", "MiXeD CaSe.TXT"), b"mixed case\n")

    # A kernel-like layout, as Debian's /boot and its top-level links.
    put(j("boot", "vmlinuz-6.1.0-test-amd64"), data(9, 5 << 20))
    put(j("boot", "initrd.img-6.1.0-test-amd64"), data(10, 7 << 20))

    # A sparse file: data, a hole, data, a hole to the end.
    sparse(j("sparse.bin"), 64 << 20, [(0, 11, 5000), (10 << 20, 12, 70000),
                                       ((40 << 20) + 123, 13, 1)])
    if "--huge" in sys.argv:
        sparse(j("huge.bin"), (5 << 30) + 4321,
               [(0, 14, 4096), ((4 << 30) - 100, 15, 300), ((5 << 30) + 21, 16, 4300)])

    if links:
        os.symlink("boot/vmlinuz-6.1.0-test-amd64", j("vmlinuz"))
        os.symlink("boot/initrd.img-6.1.0-test-amd64", j("initrd.img"))
        os.symlink("size-4096", j("files", "fast-link"))  # short: in the inode
        slow = "../" + "/".join("d%02d" % i for i in range(40)) + "/leaf.txt"
        os.symlink(slow, j("files", "slow-link"))  # > 60 bytes: in a data block
        os.symlink("/files/size-512", j("abs-link"))
        os.symlink("d00/d01/d02", j("dir-link"))
        os.symlink("nowhere", j("dangling"))
        os.symlink("loop-b", j("loop-a"))
        os.symlink("loop-a", j("loop-b"))
        os.symlink("../files/../boot/../vmlinuz", j("names", "dotdot-link"))


if __name__ == "__main__":
    main()
