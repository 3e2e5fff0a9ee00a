#!/usr/bin/env python3
# fscat.py: `baton cat` of a 1 GiB file on each filesystem (host, page cache warm): reads and MiB/s.
"""
usage: fscat.py [--size MIB] [--fs fat32,ext4,iso9660]

Builds one image per filesystem with the real tools (mkfs.vfat + mcopy, mke2fs -d, xorriso), each
holding the same random file, then runs `build/baton cat --stats IMAGE /big.bin` three times and
keeps the best of the last two (the first warms the page cache). The limit next to it: reading
the same number of bytes of the image file with `cat` (one sequential stream from the page
cache). Prints a markdown table; bench.py appends it to the benchmark's report.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import time

B = os.environ.get("B", "build")
W = os.path.join(B, "bench", "fscat")


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_file(path, mib):
    if os.path.exists(path) and os.path.getsize(path) == mib << 20:
        return
    rng = random.Random(1024)
    with open(path + ".tmp", "wb") as f:
        for _ in range(mib):
            f.write(rng.randbytes(1 << 20))
    os.rename(path + ".tmp", path)


def make_image(fs, src, mib):
    img = os.path.join(W, f"{fs}-{mib}.img")
    if os.path.exists(img):
        return img
    size = mib + mib // 8 + 64
    tmp = img + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    if fs == "fat32":
        sh("truncate", "-s", f"{size}M", tmp)
        sh("mkfs.vfat", "-F", "32", "-n", "FSCAT", tmp, stdout=subprocess.DEVNULL)
        sh("mcopy", "-i", tmp, src, "::/big.bin", env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    elif fs == "ext4":
        tree = os.path.join(W, "tree")
        shutil.rmtree(tree, ignore_errors=True)
        os.makedirs(tree)
        os.link(src, os.path.join(tree, "big.bin"))
        sh("mke2fs", "-q", "-F", "-t", "ext4", "-L", "FSCAT", "-d", tree, tmp, f"{size}M")
        shutil.rmtree(tree)
    elif fs == "iso9660":
        sh("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "FSCAT", "-o", tmp,
           "-graft-points", f"/big.bin={src}", stderr=subprocess.DEVNULL)
    else:
        sys.exit(f"fscat: unknown filesystem {fs}")
    os.rename(tmp, img)
    return img


def run_cat(img):
    """(seconds, MiB/s, data reads, all reads) of one `baton cat --stats`."""
    r = subprocess.run([os.path.join(B, "baton"), "cat", "--stats", img, "/big.bin"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, text=True)
    m = re.search(r"(\d+) device reads for the data \((\d+) in all\), ([\d.]+) s, (\d+) MiB/s",
                  r.stderr)
    if not m:
        sys.exit(f"fscat: unexpected output: {r.stderr}")
    return float(m.group(3)), int(m.group(4)), int(m.group(1)), int(m.group(2))


def limit(img, nbytes):
    """MiB/s of streaming nbytes of the image file from the page cache."""
    best, buf = None, bytearray(64 << 20)
    for _ in range(3):
        t = time.monotonic()
        with open(img, "rb", buffering=0) as f:
            left = nbytes
            while left:
                n = f.readinto(memoryview(buf)[:min(left, len(buf))])
                if not n:
                    break
                left -= n
        s = time.monotonic() - t
        best = s if best is None else min(best, s)
    return nbytes / 2**20 / best


def main():
    mib, fss = 1024, ["fat32", "ext4", "iso9660"]
    args = sys.argv[1:]
    while args:
        if args[0] == "--size" and len(args) > 1:
            mib = int(args[1])
        elif args[0] == "--fs" and len(args) > 1:
            fss = args[1].split(",")
        else:
            sys.exit(__doc__)
        args = args[2:]
    os.makedirs(W, exist_ok=True)
    src = os.path.join(W, f"big-{mib}.bin")
    make_file(src, mib)
    L = [f"\n## `baton cat` on the host: a {mib} MiB file per filesystem\n",
         "Page cache warm; the best of two runs after a warm-up. *Limit*: streaming as many "
         "bytes of the image file with read(2) in 64 MiB calls into one buffer. Reads: device reads for the "
         "file's data (all reads, mount and lookup included).\n",
         "| filesystem | seconds | MiB/s | limit MiB/s | ratio | reads |", "|---|---:|---:|---:|---:|---:|"]
    for fs in fss:
        img = make_image(fs, src, mib)
        run_cat(img)
        runs = [run_cat(img) for _ in range(2)]
        s, rate, data, total = min(runs)
        lim = limit(img, mib << 20)
        L.append(f"| {fs} | {s:.3f} | {rate} | {lim:.0f} | {rate / lim:.2f} | {data} ({total}) |")
        # The bytes, once: baton's read equals the source.
        out = subprocess.run([os.path.join(B, "baton"), "cat", img, "/big.bin"],
                             stdout=subprocess.PIPE, check=True).stdout
        with open(src, "rb") as f:
            if out != f.read():
                sys.exit(f"fscat: {fs}: baton cat differs from the source file")
    print("\n".join(L))


if __name__ == "__main__":
    main()
