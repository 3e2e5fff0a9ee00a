#!/usr/bin/env python3
# bench.py: `make bench`: boots one Debian kernel through each loader on each workload, in rotating rounds, and writes the table.
"""
usage: bench.py [--rounds N] [--workloads base,64,256,ext4]
                [--loaders raw,floor,baton,grub,sdboot,baton-bios,grub-bios] [--out DIR] [--smoke]

Every boot is QEMU/TCG (q35, virtio-blk, -nic none) with OVMF or SeaBIOS, timed by measure.py from
the firmware's line as it starts the loader (OVMF's "loading Boot####", before LoadImage reads the
loader; SeaBIOS's "Booting from Hard Disk...", before it reads sector 0) to the kernel proper's
first UART programming. The loaders, on OVMF:
  raw     bench/rawread: BlockIo reads of the same bytes (kernel + initrd) in 8 MiB calls: the limit
  floor   the kernel's own EFI stub, started by the firmware from a Boot#### variable with initrd=
  baton   build/BOOTX64.EFI with a baton.cfg (timeout 0)
  grub    Debian's GRUB, a grub-mkstandalone image with only the modules it needs
  sdboot  Debian's systemd-boot with a Boot Loader Specification entry (timeout 0)
and on SeaBIOS, each installed on the same disk (sector 0's code and the GPT BIOS boot partition):
  baton-bios  build/stage1/mbr.bin + build/bios-gap.bin + build/bios.bin, the same baton.cfg
  grub-bios   Debian's GRUB i386-pc: boot.img and a grub-mkimage core.img with only the modules
              it needs and the same commands as grub's grub.cfg as its embedded config
Workloads: the busybox initramfs (base), and the same followed by 64 and 256 MiB of random bytes as
one more cpio member (one initrd file each); ext4: the 256 MiB kernel and initrd on an ext4
partition next to the ESP, for baton (by the filesystem's UUID) and GRUB (its ext2 module) only:
the others cannot read ext4. The first round waits for userspace, so every loader is
seen to hand over the whole initrd; later rounds stop when the kernel proper starts.
--smoke: one round on the base workload, baton-bios included, grub-bios not (make check runs it so
the benchmark cannot rot).
"""
import datetime
import json
import os
import random
import shutil
import statistics
import struct
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402

B = os.environ.get("B", "build")
CACHE = os.environ.get("CACHE", "cache")
W = os.path.join(B, "bench")
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
CMDLINE = "console=ttyS0 earlyprintk=serial,ttyS0,57600 baton.poweroff quiet"
KERNEL, INITRD = "/boot/vmlinuz", "/boot/initrd.img"
LOADERS = ["raw", "floor", "baton", "grub", "sdboot", "baton-bios", "grub-bios"]
BIOS = ("baton-bios", "grub-bios")  # booted by SeaBIOS; the others by OVMF
EXT4_LOADERS = ("baton", "grub", "baton-bios", "grub-bios")  # the others read only FAT
NAMES = {"raw": "raw BlockIo (limit)", "floor": "kernel EFI stub (floor)", "baton": "baton",
         "grub": "GRUB", "sdboot": "systemd-boot", "baton-bios": "baton (BIOS)",
         "grub-bios": "GRUB i386-pc (BIOS)"}
BL = os.path.join(CACHE, "bench")
GRUB_MODS = os.path.join(BL, "grub-efi-amd64-bin/usr/lib/grub/x86_64-efi")
GRUB_PC = os.path.join(BL, "grub-pc-bin/usr/lib/grub/i386-pc")
SDBOOT = os.path.join(BL, "systemd-boot-efi/usr/lib/systemd/boot/efi/systemd-bootx64.efi")
# GPT partition type GUIDs: the BIOS boot partition (its bytes on disk spell "Hah!IdontNeedEFI")
# and the EFI system partition, where baton's config is.
BIOS_BOOT = uuid.UUID("21686148-6449-6e6f-744e-656564454649").bytes_le
ESP_TYPE = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b").bytes_le


def ref_of(lo):
    """The loader a row's ratios are to: GRUB on the same firmware."""
    return "grub-bios" if lo in BIOS else "grub"


def sh(*cmd, env=None, capture=False):
    r = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE if capture else None)
    return r.stdout.decode() if capture else None


def cpio_member(name, data):
    """One newc member (header, name, data, each padded to 4 bytes), then the trailer."""
    def entry(nm, mode, body):
        nb = nm.encode() + b"\0"
        h = b"070701" + b"".join(b"%08X" % v for v in
                                 (1, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(nb), 0))
        out = h + nb + b"\0" * ((4 - (len(h) + len(nb)) % 4) % 4) + body
        return out + b"\0" * ((4 - len(body) % 4) % 4)
    return entry(name, 0o100644, data) + entry("TRAILER!!!", 0, b"")


def make_workloads(names, loaders):
    """One disk per workload: GPT + FAT32 ESP with the kernel, initrd and every loader's config."""
    os.makedirs(W, exist_ok=True)
    base = os.path.join(W, "base.cpio")
    sh("bash", "mk/initramfs.sh", base, os.path.join(CACHE, "busybox/bin/busybox"),
       os.path.join(CACHE, "linux/efivarfs.ko"))
    with open(base, "rb") as f:
        base_bytes = f.read()
    disks = {}
    for wl in names:
        pad = {"base": 0, "ext4": 256}.get(wl) if wl in ("base", "ext4") else int(wl)
        esp = os.path.join(W, f"esp-{wl}")
        shutil.rmtree(esp, ignore_errors=True)
        for d in ("EFI/BOOT", "boot", "loader/entries"):
            os.makedirs(os.path.join(esp, d))
        shutil.copy(os.path.join(CACHE, "linux/vmlinuz"), esp + KERNEL)
        with open(esp + INITRD, "wb") as f:
            f.write(base_bytes)
            if pad:  # incompressible: the kernel's unpacker and every loader see random bytes
                rng = random.Random(pad)
                f.write(cpio_member("pad.bin", b"".join(rng.randbytes(1 << 20) for _ in range(pad))))
        shutil.copy(os.path.join(B, "BOOTX64.EFI"), os.path.join(esp, "EFI/BOOT/BOOTX64.EFI"))
        with open(os.path.join(esp, "EFI/BOOT/baton.cfg"), "w") as f:
            f.write(f"timeout 0\nentry bench\n  kernel {KERNEL}\n  initrd {INITRD}\n"
                    f"  cmdline {CMDLINE}\n")
        with open(os.path.join(esp, "loader/loader.conf"), "w") as f:
            f.write("timeout 0\ndefault bench.conf\neditor no\n")
        with open(os.path.join(esp, "loader/entries/bench.conf"), "w") as f:
            f.write(f"title bench\nlinux {KERNEL}\ninitrd {INITRD}\noptions {CMDLINE}\n")
        disk = os.path.join(W, f"disk-{wl}.img")
        size = 96 + pad + pad // 8
        if wl == "ext4":
            disks[wl] = make_ext4_disk(disk, esp, size)
            continue
        sh("bash", "mk/mkdisk.sh", disk, str(size), esp)
        # The raw reader reads exactly the bytes the loaders load, where the filesystem put them.
        ranges = []
        for path in (KERNEL, INITRD):
            for line in sh(os.path.join(B, "baton"), "map", disk + ":1", path, capture=True).split("\n"):
                if line.strip():
                    _, voff, n = map(int, line.split())
                    ranges.append((voff, (n + 511) // 512 * 512))
        txt = os.path.join(W, f"rawread-{wl}.txt")
        with open(txt, "w") as f:
            f.write("".join(f"{o} {n}\n" for o, n in ranges))
        sh("mcopy", "-o", "-i", disk + "@@1M", txt, "::/EFI/BOOT/rawread.txt")
        # The floor: a Boot0001 load option naming the kernel itself, in a copy of OVMF's store.
        vars_fd = os.path.join(W, f"floor-vars-{wl}.fd")
        if "floor" in loaders:
            sh(sys.executable, "bench/mkvars.py", OVMF_VARS, vars_fd, "--disk", disk, "--part", "1",
               "--file", KERNEL.replace("/", "\\"), "--desc", "Linux EFI stub",
               "--data", f"initrd={INITRD.replace('/', chr(92))} {CMDLINE}")
        disks[wl] = {"disk": disk, "floor_vars": vars_fd, "bytes": os.path.getsize(esp + KERNEL)
                     + os.path.getsize(esp + INITRD), "ranges": len(ranges)}
    for d in disks.values():  # the protective MBR as made, before any BIOS loader's code
        with open(d["disk"], "rb") as f:
            d["sector0"] = f.read(512)
    return disks


def make_ext4_disk(disk, esp, size):
    """The ESP keeps the loaders and their configs; the kernel and initrd move to an ext4
    partition after it, and baton's config names them by the ext4 filesystem's UUID."""
    root = esp + "-root"
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "boot"))
    for path in (KERNEL, INITRD):
        os.rename(esp + path, root + path)
    nbytes = sum(os.path.getsize(root + p) for p in (KERNEL, INITRD))
    if os.path.exists(disk):
        os.remove(disk)
    sh("truncate", "-s", f"{96 + size}M", disk)
    # The BIOS boot partition in 34-2047, as mk/mkdisk.sh makes it, for the SeaBIOS rows.
    sh("sgdisk", "-n1:2048:+94M", "-t1:ef00", "-n2:0:0", "-t2:8300", "-n3:34:2047", "-t3:ef02",
       disk, capture=True)

    def extent(n):
        info = sh("sgdisk", f"-i{n}", disk, capture=True)
        first = int(info.split("First sector: ")[1].split()[0])
        last = int(info.split("Last sector: ")[1].split()[0])
        return first, last - first + 1
    (p1, n1), (p2, n2) = extent(1), extent(2)
    sh("mke2fs", "-q", "-F", "-t", "ext4", "-L", "benchroot", "-E", f"offset={p2 * 512}", "-d",
       root, disk, f"{n2 // 2}k", capture=True)
    uuid = sh("blkid", "-p", "-O", str(p2 * 512), "-o", "value", "-s", "UUID", disk,
              capture=True).strip()
    with open(os.path.join(esp, "EFI/BOOT/baton.cfg"), "w") as f:
        f.write(f"timeout 0\nentry bench\n  kernel uuid:{uuid}{KERNEL}\n"
                f"  initrd uuid:{uuid}{INITRD}\n  cmdline {CMDLINE}\n")
    sh("mkfs.vfat", "-F", "32", "-s", "1", "-n", "BATON", "--offset", str(p1), disk, str(n1 // 2),
       capture=True)
    sh("mcopy", "-s", "-Q", "-i", f"{disk}@@{p1 * 512}",
       *[os.path.join(esp, x) for x in os.listdir(esp)], "::/",
       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    shutil.rmtree(root)
    return {"disk": disk, "floor_vars": None, "bytes": nbytes, "ranges": 0, "ext4": True}


def grub_env():
    libs = [os.path.join(BL, p) for p in ("libefiboot1/usr/lib/x86_64-linux-gnu",
                                          "libefivar1/usr/lib/x86_64-linux-gnu",
                                          "libdevmapper1.02.1/lib/x86_64-linux-gnu")]
    return dict(os.environ, LD_LIBRARY_PATH=":".join(libs))


def make_loaders():
    """The EFI binaries each boot puts at \\EFI\\BOOT\\BOOTX64.EFI."""
    cfg = os.path.join(W, "grub.cfg")
    with open(cfg, "w") as f:  # no menu: GRUB runs the commands and boots
        f.write(f"search --no-floppy --file --set=root {KERNEL}\nlinux {KERNEL} {CMDLINE}\n"
                f"initrd {INITRD}\nboot\n")

    def standalone(out, fs_mods):
        sh(os.path.join(BL, "grub-common/usr/bin/grub-mkstandalone"), "-O", "x86_64-efi",
           "-d", GRUB_MODS, f"--modules=part_gpt {fs_mods}",
           f"--install-modules=linux search search_fs_file part_gpt {fs_mods} normal boot",
           "--locales=", "--fonts=", "--themes=", "-o", out, f"boot/grub/grub.cfg={cfg}",
           env=grub_env())
        return out
    grub = standalone(os.path.join(W, "grubx64.efi"), "fat")
    # For the ext4 workload: the same with GRUB's ext2 module (which reads ext2, ext3 and ext4).
    grub_ext = standalone(os.path.join(W, "grubx64-ext2.efi"), "fat ext2")
    # SeaBIOS: GRUB i386-pc's core.img (diskboot.img, then the LZMA'd kernel and modules) with
    # the same commands as its embedded config, which GRUB's kernel runs (no normal mode: the
    # commands boot). Nothing is read from a prefix: every module is in the image.
    cores = {}
    for name, mods in (("grub-bios", "biosdisk part_gpt fat search linux boot"),
                       ("grub-bios-ext2", "biosdisk part_gpt fat ext2 search linux boot")):
        cores[name] = os.path.join(W, f"core-{name}.img")
        sh(os.path.join(BL, "grub-common/usr/bin/grub-mkimage"), "-O", "i386-pc", "-d", GRUB_PC,
           "-c", cfg, "-p", "/boot/grub", "-o", cores[name], *mods.split(), env=grub_env())
    boot_img = os.path.join(GRUB_PC, "boot.img")
    return {"raw": os.path.join(B, "bench/rawread.efi"), "baton": os.path.join(B, "BOOTX64.EFI"),
            "grub": grub, "grub-ext2": grub_ext, "sdboot": SDBOOT, "floor": None,
            "baton-bios": [os.path.join(B, "stage1/mbr.bin"), os.path.join(B, "bios-gap.bin"),
                           os.path.join(B, "bios.bin")],
            "grub-bios": [boot_img, cores["grub-bios"]],
            "grub-bios-ext2": [boot_img, cores["grub-bios-ext2"]]}


def bin_size(bins, lo):
    """The loader's own bytes; a BIOS loader's parts added up, 440 for its boot sector code."""
    b = bins.get(lo)
    if not b:
        return None, "(in the kernel)"
    if isinstance(b, str):
        return os.path.getsize(b), str(os.path.getsize(b))
    sizes = [440] + [os.path.getsize(x) for x in b[1:]]
    return sum(sizes), " + ".join(map(str, sizes))


def gpt_parts(disk):
    """(type GUID bytes, first LBA, last LBA) of each used entry of the disk's primary GPT."""
    with open(disk, "rb") as f:
        f.seek(512)
        hdr = f.read(92)
        assert hdr[:8] == b"EFI PART", f"{disk}: no GPT"
        entries, n, size = struct.unpack_from("<QII", hdr, 72)
        f.seek(entries * 512)
        raw = f.read(n * size)
    out = []
    for i in range(n):
        e = raw[i * size:(i + 1) * size]
        if e[:16] != bytes(16):
            out.append((e[:16], *struct.unpack_from("<QQ", e, 32)))
    return out


def install_bios(loader, d, bins):
    """Makes the disk boot LOADER under SeaBIOS: its code in sector 0's bytes 0-439 (the
    partition table and the rest of the protective MBR as made) and in the GPT BIOS boot
    partition, zeroed first so nothing of the other loader stays. This is the one place where a
    loader is installed: baton's by `build/baton install --bios`, as a user installs it (stage1,
    the gap part in the BIOS boot partition, the body as /EFI/baton/bios.bin on the ESP), GRUB's
    as grub-install's grub-bios-setup would, without loop devices."""
    disk, sector0 = d["disk"], d["sector0"]
    parts = gpt_parts(disk)
    bb = [p for p in parts if p[0] == BIOS_BOOT]
    esp = [p for p in parts if p[0] == ESP_TYPE]
    assert bb and esp, f"{disk}: no BIOS boot partition or no ESP"
    first, last = bb[0][1], bb[0][2]
    with open(disk, "r+b") as f:
        f.seek(first * 512)
        f.write(bytes((last - first + 1) * 512))
        f.seek(0)
        f.write(sector0[:440])
    if loader == "baton-bios":
        undo = disk + ".baton-undo"
        if os.path.exists(undo):
            os.remove(undo)  # the undo data of the previous round's install, now stale
        sh(os.path.join(B, "baton"), "install", "--bios", disk, capture=True)
        return
    boot_img, core_img = bins["grub-bios-ext2" if d.get("ext4") else "grub-bios"]
    boot = bytearray(open(boot_img, "rb").read())
    core = bytearray(open(core_img, "rb").read())
    n = (len(core) + 511) // 512
    assert first + n - 1 <= last, "core.img does not fit in the BIOS boot partition"
    # boot.img (GRUB's boot.S and include/grub/i386/pc/boot.h): the 64-bit LBA of core.img's first
    # sector at 0x5c (GRUB_BOOT_MACHINE_KERNEL_SECTOR); at 0x66 (..._DRIVE_CHECK) a 2-byte jump
    # over the check of the BIOS's boot drive, turned into NOPs for a hard disk as
    # grub-bios-setup does (a DL without bit 7 then means 0x80); the boot drive at 0x64 stays
    # 0xff (use the BIOS's DL). Bytes 3-0x59 (a BIOS parameter block) keep the disk's own.
    assert boot[0x66] == 0xEB and boot[0x64] == 0xFF and boot[510:512] == b"\x55\xaa"
    struct.pack_into("<Q", boot, 0x5C, first)
    boot[0x66:0x68] = b"\x90\x90"
    boot[3:0x5A] = sector0[3:0x5A]
    # core.img's first sector is diskboot.img, whose block list grows down from the sector's end
    # in 12-byte entries (u64 first sector, u16 sectors, u16 segment; a zero count ends it).
    # grub-mkimage filled the first entry's count (the rest of core.img) and segment (0x820):
    # its start is the sector after diskboot.img's.
    _, count, seg = struct.unpack_from("<QHH", core, 0x200 - 12)
    assert count == n - 1 and seg == 0x820 and struct.unpack_from("<H", core, 0x200 - 16)[0] == 0
    struct.pack_into("<Q", core, 0x200 - 12, first + 1)
    with open(disk, "r+b") as f:
        f.write(boot[:440])
        f.seek(first * 512)
        f.write(core)


def boot(loader, wl, disks, bins, verify, log):
    d = disks[wl]
    vars_fd = os.path.join(W, "vars.fd")
    if loader in BIOS:
        install_bios(loader, d, bins)
        vars_fd = None  # measure.run: SeaBIOS
    elif loader == "floor":
        shutil.copy(d["floor_vars"], vars_fd)
    else:
        shutil.copy(OVMF_VARS, vars_fd)
        binary = bins["grub-ext2"] if loader == "grub" and wl == "ext4" else bins[loader]
        sh("mcopy", "-o", "-i", d["disk"] + "@@1M", binary, "::/EFI/BOOT/BOOTX64.EFI")
    # The disk image comes from the host's page cache for every boot, never from its disk.
    with open(d["disk"], "rb") as f:
        while f.read(8 << 20):
            pass
    stop = "marker" if verify or loader == "raw" else "kernel"
    r = measure.run(d["disk"], vars_fd, mem=2048, timeout=180, log=log, stop=stop)
    r.update(loader=loader, workload=wl)
    want = '"Linux EFI stub"' if loader == "floor" else '"UEFI Misc Device"'
    if loader in BIOS:
        # SeaBIOS names no loader: the serial log tells which one ran (GRUB prints nothing
        # there, and adds BOOT_IMAGE= to the command line).
        with open(log, errors="replace") as f:
            text = f.read()
        if not r["error"] and r["start"] is None:
            r["error"] = "SeaBIOS's 'Booting from Hard Disk' line not seen"
        elif not r["error"] and ("baton BIOS stage2" in text) != (loader == "baton-bios"):
            r["error"] = f"not {NAMES[loader]} that ran (see {log})"
        elif not r["error"] and loader == "grub-bios" and "Command line:" in text \
                and "Command line: BOOT_IMAGE=" not in text:
            r["error"] = "the kernel's command line is not GRUB's"
    elif not r["error"] and want not in (r.get("boot_option") or ""):
        r["error"] = f"the firmware started {r.get('boot_option')}, not {want}"
    if not r["error"] and loader != "raw":
        if r["kernel"] is None:
            r["error"] = "kernel start not seen"
        elif verify and not r["userspace"]:
            r["error"] = "userspace not reached"
    if loader == "raw" and not r["error"]:
        if r.get("raw_bytes", 0) < d["bytes"]:
            r["error"] = f"raw reader read {r.get('raw_bytes')} of {d['bytes']} bytes"
    end, cend = ("done", "cpu_done") if loader == "raw" else ("kernel", "cpu_kernel")
    if not r["error"] and None in (r[end], r[cend], r["start"], r["cpu_start"]):
        r["error"] = "a time stamp is missing"
    if not r["error"]:
        r["t_kernel"] = r[end] - r["start"]
        r["c_kernel"] = r[cend] - r["cpu_start"]
        if r.get("menu_at"):  # the menu line as it arrived, from the firmware's line
            r["t_menu"] = r["menu_at"] - r["start"]
        # Under SeaBIOS the first reads are the boot sector's (sector 0, by the firmware) and
        # the boot code's (stage1's of the gap part; boot.img's of diskboot.img): the time
        # between them is the firmware's jump and the boot sector code's own.
        fr = r.get("first_reads") or []
        if loader in BIOS and len(fr) > 1 and fr[0][1] == 0:
            r["t_stage1"] = fr[1][0] - fr[0][0]
        if r.get("last_read") and r.get("cpu_last_read") is not None:
            r["t_io"] = r["last_read"] - r["start"]
            r["c_io"] = r["cpu_last_read"] - r["cpu_start"]
        # The loader's own time: for the EFI-stub paths, to the kernel minus the stub's
        # decompression (the same code on the same bytes for both); else to its last read.
        r["t_own"], r["c_own"] = r.get("t_io"), r.get("c_io")
        if loader in ("floor", "baton") and r["stub_read"] and r["cpu_stub_read"] is not None \
                and r["cpu_stub"] is not None:
            r["t_own"] = r["t_kernel"] - (r["stub_read"] - r["stub"])
            r["c_own"] = r["c_kernel"] - (r["cpu_stub_read"] - r["cpu_stub"])
    return r


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=2):
    return "n/a" if x is None else f"{x:.{nd}f}"


def versions():
    def pkg(p):
        try:
            return sh("dpkg-query", "-W", "-f=${Version}", p, capture=True)
        except subprocess.CalledProcessError:
            return "?"

    def deb(p):
        d = os.path.join(CACHE, "deb")
        for f in sorted(os.listdir(d)):
            if f.startswith(p + "_"):
                return f.split("_")[1].replace("%3a", ":")
        return "?"
    qv = sh("qemu-system-x86_64", "--version", capture=True).split("\n")[0]
    try:
        rev = sh("git", "describe", "--always", "--dirty", capture=True).strip()
    except subprocess.CalledProcessError:
        rev = "?"
    kernel = os.path.basename(os.path.realpath(os.path.join(CACHE, "linux/vmlinuz")))
    return {"baton": rev, "GRUB (grub-efi-amd64-bin)": deb("grub-efi-amd64-bin"),
            "GRUB i386-pc (grub-pc-bin)": deb("grub-pc-bin"),
            "systemd-boot (systemd-boot-efi)": deb("systemd-boot-efi"), "OVMF": pkg("ovmf"),
            "SeaBIOS": pkg("seabios"), "QEMU": qv, "kernel": kernel}


def report(results, disks, bins, rounds, wls, loaders, load, started):
    ok = [r for r in results if not r["error"]]
    by = {}
    for r in ok:
        by.setdefault((r["loader"], r["workload"]), []).append(r)

    def vals(lo, wl, k):
        return [r.get(k) for r in by.get((lo, wl), [])]

    def per_round(lo, wl, k, fn):
        """fn over the rounds that have both values (ratios, differences)."""
        out = []
        for rnd in range(rounds):
            a = [r for r in by.get((lo, wl), []) if r["round"] == rnd]
            b = fn(rnd)
            if a and a[0].get(k) is not None and b is not None:
                out.append((a[0][k], b))
        return out

    def ratio_to(lo, wl, k):
        pairs = per_round(lo, wl, k, lambda rnd: next(
            (r.get(k) for r in by.get((ref_of(lo), wl), []) if r["round"] == rnd), None))
        return med([a / b for a, b in pairs if b])

    def throughput(lo, big, k):
        """MiB/s from the per-round difference between the big workload and base."""
        if big == "base" or "base" not in wls:
            return None
        mib = (disks[big]["bytes"] - disks["base"]["bytes"]) / 2**20
        pairs = per_round(lo, big, k, lambda rnd: next(
            (r.get(k) for r in by.get((lo, "base"), []) if r["round"] == rnd), None))
        return med([mib / (a - b) for a, b in pairs if a > b])

    def ratio(tp, lo, ref):
        return tp[lo] / tp[ref] if tp.get(lo) and tp.get(ref) else None

    uefi = [lo for lo in loaders if lo not in BIOS]
    bios = [lo for lo in loaders if lo in BIOS]
    L = []
    L.append(f"# baton benchmark, {started:%Y-%m-%d %H:%M} UTC\n")
    L.append(f"{rounds} round(s), loaders in rotating order; QEMU/TCG, q35, OVMF or SeaBIOS, "
             f"virtio-blk, 2048 MiB, `-nic none`. Host load average before/after: {load[0]} / "
             f"{load[1]} ({os.cpu_count()} CPUs). Medians over rounds; ratios are per-round ratios "
             "to GRUB on the same firmware (Debian's grub-efi-amd64-bin on OVMF, grub-pc-bin on "
             "SeaBIOS), then their median.\n")
    L.append("Times run from OVMF starting the loader (`BdsDxe: loading Boot####`, before it reads "
             "the loader's image: for the EFI stub, the kernel) to the kernel "
             "proper (its UART programming for `earlyprintk=serial,ttyS0,57600`, just before it "
             "prints `Linux version`), so they include the kernel's decompression (about 2.5 s "
             "under TCG, in the legacy decompressor or in the EFI stub, depending on the entry). "
             "For raw BlockIo, they end when its reads are done. vCPU = CPU seconds of QEMU's "
             "vCPU thread. Reads = virtio-blk read requests in that time; *to last read* ends "
             "with the loader's last one. The EFI stub (the floor's and baton's default path) "
             "decompresses the kernel before it loads the initrd, so for those two *own* is the "
             "time to the kernel minus the stub's decompression (from the line that starts the "
             "stub, OVMF's or baton's, after LoadImage, to the stub's first read): identical work "
             "whoever starts the stub, and under TCG the noisiest part (a few tenths of a second "
             "from boot to boot). For the other loaders *own* is the time to the last read. "
             "Load throughput: padded workload minus base, per round, of the own time.\n")
    if bios:
        L.append("The BIOS rows boot the same disks with SeaBIOS (QEMU's default firmware), each "
                 "loader installed in sector 0's first 440 bytes and the GPT BIOS boot partition "
                 "(sectors 34-2047) before its boot. Their times start at SeaBIOS's `Booting from "
                 "Hard Disk...` line on its debug console (isa-debugcon, port 0x402), printed "
                 "just before it reads sector 0: the loader's own first read counts, as OVMF's "
                 "LoadImage does. Both enter the kernel through its legacy decompressor (baton at "
                 "the 64-bit entry, GRUB by the 32-bit boot protocol), and *own* is the time to "
                 "the last read for both. SeaBIOS splits an INT 13h read into virtio-blk requests "
                 "of at most 64 sectors, so reads count requests, not INT 13h calls.\n")
    for wl in wls:
        size = disks[wl]["bytes"] / 2**20
        L.append(f"\n## Workload {wl}: kernel + initrd = {size:.1f} MiB\n")
        L.append("| loader | to kernel, wall s | to kernel, vCPU s | vCPU ratio to GRUB "
                 "| to last read, wall s | to last read, vCPU s | own, wall s | own, vCPU s "
                 "| reads |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for lo in loaders:
            if wl == "ext4" and lo not in EXT4_LOADERS:
                continue
            if (lo, wl) not in by:
                L.append(f"| {NAMES[lo]} | failed | | | | | | | |")
                continue
            L.append(f"| {NAMES[lo]} | {fmt(med(vals(lo, wl, 't_kernel')))} | "
                     f"{fmt(med(vals(lo, wl, 'c_kernel')))} | "
                     f"{fmt(ratio_to(lo, wl, 'c_kernel'))} | {fmt(med(vals(lo, wl, 't_io')))} | "
                     f"{fmt(med(vals(lo, wl, 'c_io')))} | {fmt(med(vals(lo, wl, 't_own')), 3)} | "
                     f"{fmt(med(vals(lo, wl, 'c_own')), 3)} | "
                     f"{fmt(med(vals(lo, wl, 'reads')), 0)} |")
    L.append("\n## Summary\n")
    big = "256" if "256" in wls else ([w for w in wls if w != "ext4"] or [None])[-1]
    big = None if big == "base" else big
    tp, tpc = {}, {}
    for lo in loaders:
        tp[lo] = throughput(lo, big, "t_own") if big else None
        tpc[lo] = throughput(lo, big, "c_own") if big else None
    if uefi:
        L.append("On OVMF:\n")
        L.append(f"| loader | EFI binary, bytes | load MiB/s (wall, {big} MiB vs base) "
                 f"| load MiB/s (vCPU) | ratio to GRUB | ratio to raw | menu ready, ms |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
    for lo in uefi:
        menu = med([r["menu_ms"] for r in ok if r["loader"] == lo and r["menu_ms"] is not None])
        L.append(f"| {NAMES[lo]} | {bin_size(bins, lo)[1]} | {fmt(tp[lo], 0)} | "
                 f"{fmt(tpc[lo], 0)} | {fmt(ratio(tp, lo, 'grub'))} | "
                 f"{fmt(ratio(tp, lo, 'raw'))} | {fmt(menu, 0) if lo == 'baton' else ''} |")
    if bios:
        L.append("\nOn SeaBIOS (boot code: sector 0's 440 bytes + what is in the BIOS boot "
                 "partition: baton's gap part and body, GRUB's core.img; *boot sector*: from "
                 "SeaBIOS's read of sector 0 to the boot code's first read, the gap part or "
                 "diskboot.img; *to menu*: from SeaBIOS's line to baton's menu line as it "
                 "arrived; *menu ready*: what baton prints, from the gap part's start):\n")
        L.append(f"| loader | boot code, bytes | load MiB/s (wall, {big} MiB vs base) "
                 "| load MiB/s (vCPU) | ratio to GRUB i386-pc | reads | boot sector, ms "
                 "| to menu, ms | menu ready, ms |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lo in bios:
        mine = [r for r in ok if r["loader"] == lo]
        menu = med([r["menu_ms"] for r in mine])
        tmenu = med([r.get("t_menu") for r in mine])
        st1 = med([r.get("t_stage1") for r in mine])
        L.append(f"| {NAMES[lo]} | {bin_size(bins, lo)[1]} | {fmt(tp[lo], 0)} | "
                 f"{fmt(tpc[lo], 0)} | {fmt(ratio(tp, lo, 'grub-bios'))} | "
                 f"{fmt(med(vals(lo, big, 'reads')), 0) if big else ''} | "
                 f"{fmt(st1 * 1000 if st1 is not None else None, 1)} | "
                 f"{fmt(tmenu * 1000 if tmenu is not None else None, 0)} | {fmt(menu, 0)} |")
    ext = [lo for lo in loaders if lo in EXT4_LOADERS]
    if "ext4" in wls and "base" in wls and ext:
        L.append("\nFrom ext4 (the ext4 workload against base, per round, of the own time):\n")
        L.append("| loader | load MiB/s (wall) | load MiB/s (vCPU) | ratio to GRUB | reads |")
        L.append("|---|---:|---:|---:|---:|")
        te = {lo: throughput(lo, "ext4", "t_own") for lo in ext}
        for lo in ext:
            L.append(f"| {NAMES[lo]} | {fmt(te[lo], 0)} | {fmt(throughput(lo, 'ext4', 'c_own'), 0)}"
                     f" | {fmt(ratio(te, lo, ref_of(lo)))} | "
                     f"{fmt(med(vals(lo, 'ext4', 'reads')), 0)} |")
    # The goals, checked on this run's own numbers.
    goals = []
    if big and tp.get("baton") and tp.get("raw"):
        f = tp["baton"] / tp["raw"]
        goals.append((f">= 80% of raw BlockIo throughput ({big} MiB)", f"{f * 100:.0f}%", f >= 0.8))
    if big and tp.get("baton") and tp.get("grub"):
        f = tp["baton"] / tp["grub"]
        goals.append(("throughput >= 5x GRUB's", f"{f:.1f}x", f >= 5))
    if big and "baton" in loaders:
        rd = med(vals("baton", big, "reads"))
        if rd is not None:
            goals.append((f"<= 100 block requests ({big} MiB workload)", f"{rd:.0f}", rd <= 100))
    if "base" in wls and "baton" in loaders:
        for k, what in (("c_own", "own time"), ("c_kernel", "to kernel, with the noise of "
                                                  "decompression: for information")):
            d = per_round("baton", "base", k, lambda rnd: next(
                (r.get(k) for r in by.get(("floor", "base"), []) if r["round"] == rnd), None))
            if d:
                diffs = sorted(a - b for a, b in d)
                c = med(diffs)
                spread = f" (rounds {diffs[0]:+.3f} to {diffs[-1]:+.3f})" if len(diffs) > 1 else ""
                goals.append((f"cost over the floor (base, vCPU s, {what}) <= 0.05",
                              f"{c:+.3f}{spread}", c <= 0.05 if k == "c_own" else None))
    size = os.path.getsize(bins["baton"])
    goals.append(("BOOTX64.EFI <= 128 KiB", f"{size} bytes", size <= 128 * 1024))
    f = ratio(tp, "baton-bios", "grub-bios") if big else None
    if f:
        goals.append((f"BIOS: throughput >= 3x GRUB i386-pc's ({big} MiB)", f"{f:.1f}x", f >= 3))
    L.append("\n## Goals\n")
    L.append("| goal | this run | met |")
    L.append("|---|---:|:---:|")
    for g, v, m in goals:
        L.append(f"| {g} | {v} | {'-' if m is None else 'yes' if m else 'NO'} |")
    fails = [r for r in results if r["error"]]
    if fails:
        L.append("\n## Failed boots\n")
        for r in fails:
            L.append(f"- round {r['round'] + 1}, {NAMES[r['loader']]}, {r['workload']}: {r['error']}")
    L.append("\n## Versions\n")
    for k, v in versions().items():
        L.append(f"- {k}: {v}")
    return "\n".join(L) + "\n", fails


def main():
    args = sys.argv[1:]
    rounds, wls, loaders, out, smoke = 5, ["base", "64", "256", "ext4"], list(LOADERS), "bench/results", False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--smoke":  # GRUB i386-pc left out: one BIOS boot keeps it short
            smoke, rounds, wls = True, 1, ["base"]
            loaders = [lo for lo in loaders if lo != "grub-bios"]
            i += 1
            continue
        if a in ("-h", "--help") or i + 1 >= len(args):
            sys.exit(__doc__)
        v = args[i + 1]
        if a == "--rounds":
            rounds = int(v)
        elif a == "--workloads":
            wls = v.split(",")
        elif a == "--loaders":
            loaders = v.split(",")
        elif a == "--out":
            out = v
        else:
            sys.exit(__doc__)
        i += 2
    started = datetime.datetime.utcnow()
    load0 = open("/proc/loadavg").read().split()[0]
    disks = make_workloads(wls, loaders)
    bins = make_loaders()
    results = []
    logs = os.path.join(W, "logs")
    os.makedirs(logs, exist_ok=True)
    for rnd in range(rounds):
        k = rnd % len(loaders)  # rotate: each loader takes each place in the order in turn
        rot = loaders[k:] + loaders[:k]
        for wl in wls:
            for lo in rot:
                if wl == "ext4" and lo not in EXT4_LOADERS:
                    continue
                t = time.time()
                log = os.path.join(logs, f"r{rnd + 1}-{lo}-{wl}.log")
                r = boot(lo, wl, disks, bins, verify=(rnd == 0), log=log)
                r["round"] = rnd
                results.append(r)
                msg = r["error"] or (f"to kernel {r['t_kernel']:.2f} s wall, {r['c_kernel']:.2f} s vCPU, "
                                     f"{r['reads']} reads")
                print(f"bench: round {rnd + 1}/{rounds} {lo:6} {wl:>4}: {msg} "
                      f"({time.time() - t:.0f} s)", flush=True)
    load1 = open("/proc/loadavg").read().split()[0]
    text, fails = report(results, disks, bins, rounds, wls, loaders, (load0, load1), started)
    if not smoke:  # the host side: baton's drivers reading a 1 GiB file per filesystem
        text += subprocess.run([sys.executable, "bench/fscat.py"], check=True, text=True,
                               stdout=subprocess.PIPE).stdout
    with open(os.path.join(W, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(text)
    if not smoke:
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, f"{started:%Y-%m-%d}.md")
        with open(path, "w") as f:
            f.write(text)
        print(f"bench: table saved as {path}")
    if smoke:  # one result per boot, in the form tests/run.sh counts
        for r in results:
            print(f"{'FAIL' if r['error'] else 'PASS'} bench {r['loader']} {r['workload']}"
                  + (f": {r['error']}" if r["error"] else ""))
        print(f"bench smoke: {len(results) - len(fails)} passed, {len(fails)} failed")
    if fails:
        print(f"bench: {len(fails)} boot(s) failed; logs in {logs}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
