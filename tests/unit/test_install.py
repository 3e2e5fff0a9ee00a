#!/usr/bin/env python3
"""test_install.py: `baton install` and `baton uninstall` on disk layouts made by the real tools.

One counted test per layout (sfdisk, sgdisk, fdisk, mkfs.vfat, mke2fs build them). For an
install that must work: every byte outside what baton may change (sector 0's bytes 0-439, the
gap or BIOS boot partition, the filesystems it writes files to; computed here from the tools'
own view of the layout) is the same before and after; the tables verify as before (sfdisk
--verify, sgdisk -v); fsck.fat -n and e2fsck -fn are clean; the files read back through
`baton cat` are build/bios.bin and build/BOOTX64.EFI; the gap part's block list, read here
as the boot code reads it, gives the stage2 file with its CRC-32; reinstalling changes nothing;
uninstall restores the image bit for bit. A refusal must exit 1 with the expected message and
leave the image bit for bit as it was. Prints PASS/FAIL/SKIP per layout and
"install: N passed, M failed". usage: test_install.py [NAME-FILTER]   (B=build by default)
"""
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zlib

B = os.path.abspath(os.environ.get('B', 'build'))
BATON = f'{B}/baton'
OUT = f'{B}/test-install'
BODY = open(f'{B}/bios.bin', 'rb').read()
EFI = open(f'{B}/BOOTX64.EFI', 'rb').read()
ENV = dict(os.environ, MTOOLS_SKIP_CHECK='1', LC_ALL='C')
MIB = 1 << 20


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def sh(*cmd, check=True, inp=None):
    r = subprocess.run(cmd, input=inp, capture_output=True, text=True, env=ENV)
    if check and r.returncode:
        raise Fail(f'{" ".join(cmd)}: exit {r.returncode}: {(r.stderr or r.stdout).strip()[:300]}')
    return r


@contextlib.contextmanager
def loop_mount(img, start, sectors, mnt):
    """The partition at sector START, SECTORS long, of IMG loop-mounted at MNT (Skip if it cannot be)."""
    if os.geteuid() or not shutil.which('losetup'):
        raise Skip('needs root and losetup')
    r = sh('losetup', '-f', '--show', '-o', str(start * 512), '--sizelimit', str(sectors * 512),
           img, check=False)
    if r.returncode:
        raise Skip(f'losetup: {r.stderr.strip()}')
    loop = r.stdout.strip()
    os.makedirs(mnt, exist_ok=True)
    try:
        if sh('mount', loop, mnt, check=False).returncode:
            raise Skip(f'cannot mount {loop} here')
        try:
            yield mnt
        finally:
            sh('umount', mnt, check=False)
    finally:
        sh('losetup', '-d', loop, check=False)


def baton(*args):
    return subprocess.run([BATON, *args], capture_output=True, text=True, env=ENV)


def sha(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def blank(path, size):
    if os.path.exists(path):
        os.unlink(path)
    with open(path, 'wb') as f:
        f.truncate(size)


def sfdisk(img, script):
    sh('sfdisk', '-q', img, inp=script)


def table(img):
    """The partitions as sfdisk sees them: [(number, start, size, type)]."""
    t = json.loads(sh('sfdisk', '--json', img).stdout)['partitiontable']
    return t['label'], [(int(re.search(r'(\d+)$', p['node']).group(1)), p['start'], p['size'],
                         p['type'].lower()) for p in t['partitions']]


def mkfat(img, start, sectors, *args, ss=512):
    """A FAT filesystem at sector start (of ss bytes), sectors long."""
    sh('mkfs.vfat', *args, '--offset', str(start * ss // 512 if ss == 512 else start), img,
       str(sectors * ss // 1024))


def mkext(img, start, sectors, *args):
    sh('mke2fs', '-q', '-F', '-t', 'ext4', *args, '-E', f'offset={start * 512}', img,
       f'{sectors // 2}k')


def verify_table(img, label):
    if label == 'gpt':
        return sh('sgdisk', '-v', img, check=False).stdout
    r = sh('sfdisk', '--verify', img, check=False)
    return r.stdout + str(r.returncode)


def fsck(img, start, size, kind, ss=512):
    """fsck of one filesystem of the image (FAT from a copy: fsck.fat has no offset option)."""
    if kind == 'ext':
        r = sh('e2fsck', '-fn', f'{img}?offset={start * ss}', check=False)
    else:
        part = f'{img}.part'
        with open(img, 'rb') as f, open(part, 'wb') as o:
            f.seek(start * ss)
            left = size * ss
            while left:
                b = f.read(min(left, 4 * MIB))
                o.write(b)
                left -= len(b)
        r = sh('fsck.fat', '-n', part, check=False)
        os.unlink(part)
    if r.returncode:
        raise Fail(f'fsck of the {kind} filesystem at sector {start}: {r.stdout.strip()[-300:]}')


def compare_outside(a, b, allowed):
    """Every byte of a and b outside the allowed [start, end) ranges is equal."""
    allowed = sorted(allowed)
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        size = os.fstat(fa.fileno()).st_size
        if os.fstat(fb.fileno()).st_size != size:
            raise Fail('the image changed size')
        pos = 0
        for lo, hi in allowed + [(size, size)]:
            while pos < lo:
                n = min(lo - pos, 4 * MIB)
                fa.seek(pos)
                fb.seek(pos)
                x, y = fa.read(n), fb.read(n)
                if x != y:
                    i = next(k for k in range(n) if x[k] != y[k])
                    raise Fail(f'byte {pos + i} changed, outside what baton may write')
                pos += n
            pos = max(pos, hi)


def check_gap(img, ss):
    """Reads the stage2 file as stage1 and the gap part do: patch block, header, block list."""
    with open(img, 'rb') as f:
        s0 = f.read(512)
        if s0[4:8] != b'BTN1':
            raise Fail('no BTN1 patch block in sector 0')
        lba, count = struct.unpack_from('<QH', s0, 8)
        f.seek(lba * ss)
        g = f.read(count * ss)
        if g[4:8] != b'BTN2' or g[8:12] != b'BTNG':
            raise Fail(f'no gap part at sector {lba}')
        size, crc, boot_lba, n_ext, _, sector, ext_off = struct.unpack_from('<IIQHHHH', g, 24)
        if sector != ss or not 1 <= n_ext <= 128:
            raise Fail(f'gap header: sector size {sector}, {n_ext} extents')
        data = b''
        for i in range(n_ext):
            elba, ecount = struct.unpack_from('<QI', g, ext_off + 16 * i)
            f.seek(elba * ss)
            data += f.read(ecount * ss)
        data = data[:size]
        if len(data) != size or zlib.crc32(data) != crc or data != want_body:
            raise Fail('the block list does not give the stage2 file (or its CRC-32 is wrong)')
        return boot_lba


want_body = BODY


class Layout:
    """One test: build() makes the image; the checks run on it."""
    def __init__(self, name):
        self.name = name
        self.img = f'{OUT}/{name}.img'
        self.ss = 512
        self.fs = []       # (start, size, kind) of the filesystems baton may write to
        self.gap = None    # (start, end) sectors of the gap or BIOS boot partition
        self.label = None

    def parts(self):
        self.label, p = table(self.img)
        return p


def allowed(L):
    a = [(0, 440)]
    if L.gap:
        a.append((L.gap[0] * L.ss, L.gap[1] * L.ss))
    for start, size, _ in L.fs:
        a.append((start * L.ss, (start + size) * L.ss))
    return a


def refuse(L, args, pattern, extra=()):
    """The install must fail with pattern in its message and change nothing."""
    before = sha(L.img)
    for a in [args, *extra]:
        r = baton('install', *a, L.img)
        if r.returncode != 1 or not re.search(pattern, r.stderr, re.S):
            raise Fail(f'install {" ".join(a)}: exit {r.returncode}, expected a refusal '
                       f'matching {pattern!r}; stderr: {r.stderr.strip()[:400]}')
        if sha(L.img) != before:
            raise Fail(f'install {" ".join(a)} refused but changed the image')
        if os.path.exists(L.img + '.baton-undo'):
            raise Fail('a refused install left undo data behind')
    return r


def install_ok(L, args=(), expect=(), uefi=None, body_path=None, reinstall=True, after=None):
    """Install, check everything, reinstall (no change), uninstall (bit for bit)."""
    orig = L.img + '.orig'
    shutil.copyfile(L.img, orig)
    ver0 = verify_table(L.img, L.label)
    r = baton('install', *args, L.img)
    if r.returncode:
        raise Fail(f'install {" ".join(args)}: exit {r.returncode}: {r.stderr.strip()[:500]}')
    for e in expect:
        if not re.search(e, r.stdout):
            raise Fail(f'install output lacks {e!r}: {r.stdout.strip()[:600]}')
    compare_outside(orig, L.img, allowed(L))
    if verify_table(L.img, L.label) != ver0:
        raise Fail('the partition table no longer verifies as before')
    for start, size, kind in L.fs:
        fsck(L.img, start, size, kind, L.ss)
    bios = '--uefi' not in args and body_path
    if bios:
        boot_lba = check_gap(L.img, L.ss)
        part = next((n for n, s, _, _ in L.parts_list if s == boot_lba), None)
        data = subprocess.run([BATON, 'cat', f'{L.img}:{part}', body_path],
                              capture_output=True).stdout
        if data != want_body:
            raise Fail(f'baton cat {body_path} from partition {part} is not build/bios.bin')
    if uefi:
        for p in ('/EFI/BOOT/BOOTX64.EFI', '/EFI/baton/BOOTX64.EFI'):
            data = subprocess.run([BATON, 'cat', f'{L.img}:{uefi}', p], capture_output=True).stdout
            if data != EFI:
                raise Fail(f'baton cat {p} is not build/BOOTX64.EFI')
    if after:
        after()
    if reinstall:
        now = sha(L.img)
        r = baton('install', *args, L.img)
        if r.returncode or sha(L.img) != now:
            raise Fail(f'reinstall: exit {r.returncode}, image changed: {sha(L.img) != now}; '
                       f'{r.stderr.strip()[:300]}')
    r = baton('uninstall', L.img)
    if r.returncode:
        raise Fail(f'uninstall: exit {r.returncode}: {r.stderr.strip()[:400]}')
    if sha(L.img) != sha(orig):
        raise Fail('uninstall did not restore the image bit for bit')
    if os.path.exists(L.img + '.baton-undo'):
        raise Fail('uninstall left its undo data')
    os.unlink(orig)


def mbr_gap(L):
    """The MBR gap: sector 1 to the first partition."""
    L.parts_list = L.parts()
    first = min(s for _, s, _, _ in L.parts_list)
    L.gap = (1, first)


def gpt_bios_boot(L):
    L.parts_list = L.parts()
    bb = [p for p in L.parts_list if p[3] == '21686148-6449-6e6f-744e-656564454649']
    L.gap = (bb[0][1], bb[0][1] + bb[0][2]) if bb else None


# --- the layouts ---

def t_mbr_1m(L):
    """MBR, first partition at 1 MiB (FAT32): BIOS only, the stage2 file on it."""
    blank(L.img, 64 * MIB)
    sfdisk(L.img, 'label: dos\nlabel-id: 0x0badcafe\nstart=2048, type=c\n')
    mkfat(L.img, 2048, 131072 - 2048, '-F', '32', '-s', '1')
    mbr_gap(L)
    L.fs = [(2048, 131072 - 2048, 'fat')]
    install_ok(L, expect=[r'UEFI part skipped: .*no EFI system partition',
                          r'gap part in the MBR gap .* at sector 1',
                          r'stage2 file /boot/baton/bios.bin on \(hd0,msdos1\) \(fat'],
               body_path='/boot/baton/bios.bin')


def t_mbr63_ext4(L):
    """MBR, first partition at sector 63 (a 31 KiB gap), ext4: the stage2 file on it."""
    blank(L.img, 64 * MIB)
    sfdisk(L.img, 'label: dos\nstart=63, size=40897, type=83\nstart=40960, type=6\n')
    mkext(L.img, 63, 40897)
    mkfat(L.img, 40960, 131072 - 40960)
    mbr_gap(L)
    L.fs = [(63, 40897, 'ext')]
    install_ok(L, expect=[r'MBR gap \(sectors 1-62 free\)',
                          r'/boot/baton/bios.bin on \(hd0,msdos1\) \(ext4'],
               body_path='/boot/baton/bios.bin')


def t_mbr63_fat(L):
    """MBR, first partition at sector 63, FAT16."""
    blank(L.img, 32 * MIB)
    sfdisk(L.img, 'label: dos\nstart=63, type=6\n')
    mkfat(L.img, 63, 65536 - 63, '-F', '16')
    mbr_gap(L)
    L.fs = [(63, 65536 - 63, 'fat')]
    install_ok(L, expect=[r'MBR gap \(sectors 1-62 free\)', r'on \(hd0,msdos1\) \(fat'],
               body_path='/boot/baton/bios.bin')


def t_mbr_nogap(L):
    """MBR whose first partition starts at sector 2 (and 1): no room for the gap part."""
    for start in (2, 1):
        blank(L.img, 16 * MIB)
        sfdisk(L.img, f'label: dos\nstart={start}, type=6\n')
        mkfat(L.img, start, 32768 - start, '-F', '16')
        refuse(L, [], rf'no room for the gap part: it needs \d+ sectors after sector 0, and the '
               rf'first partition of .* starts at sector {start}', extra=[['--bios'], ['--force']])


def t_logical(L):
    """MBR with an extended partition: the stage2 file on the first logical one (ext4)."""
    blank(L.img, 64 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, size=16384, type=82\nstart=18432, type=5\n'
           'start=20480, size=40960, type=83\nstart=63488, type=6\n')
    mkext(L.img, 20480, 40960)
    mkfat(L.img, 63488, 131072 - 63488, '-F', '16')
    mbr_gap(L)
    L.fs = [(20480, 40960, 'ext')]
    install_ok(L, expect=[r'/boot/baton/bios.bin on \(hd0,msdos5\) \(ext4'],
               body_path='/boot/baton/bios.bin')


def gpt_disk(L, size=64 * MIB, bios_boot=True, esp=True, ext=True):
    blank(L.img, size)
    args = []
    if bios_boot:
        args += ['-a', '1', '-n', '1:34:2047', '-t', '1:ef02', '-a', '2048']
    if esp:
        args += ['-n', '2:2048:+24M', '-t', '2:ef00']
    if ext:
        args += ['-n', '3:0:0', '-t', '3:8300']
    sh('sgdisk', *args, L.img)
    L.parts_list = L.parts()
    L.fs = []
    for n, s, sz, t in L.parts_list:
        if n == 2:
            mkfat(L.img, s, sz, '-F', '16')
            L.fs.append((s, sz, 'fat'))
        if n == 3:
            mkext(L.img, s, sz)
    gpt_bios_boot(L)


def t_gpt_both(L):
    """GPT with a BIOS boot partition and an ESP: both firmwares, one disk."""
    gpt_disk(L)
    install_ok(L, expect=[r'gap part in the BIOS boot partition \(hd0,gpt1\) at sector 34',
                          r'/EFI/baton/bios.bin on \(hd0,gpt2\) \(fat, chosen as the EFI system',
                          r'UEFI: .*BOOTX64.EFI .* on \(hd0,gpt2\)'],
               uefi=2, body_path='/EFI/baton/bios.bin')


def t_gpt_no_bios_boot(L):
    """GPT without a BIOS boot partition: refused, naming the sgdisk command; which then works."""
    gpt_disk(L, bios_boot=False, esp=False)
    r = refuse(L, [], r'GPT disk without a BIOS boot partition.*sgdisk -a 1 -n 0:34:2047 '
               r'-t 0:ef02 ', extra=[['--bios'], ['--force']])
    cmd = re.search(r'(sgdisk -a 1 -n \S+ -t 0:ef02) ', r.stderr).group(1).split()
    sh(*cmd, L.img)
    L.fs = [(s, sz, 'ext') for n, s, sz, t in L.parts() if n == 3]
    gpt_bios_boot(L)
    install_ok(L, expect=[r'BIOS boot partition \(hd0,gpt1\) at sector 34',
                          r'/boot/baton/bios.bin on \(hd0,gpt3\) \(ext4'],
               body_path='/boot/baton/bios.bin')


def t_gpt_hybrid(L):
    """A hybrid MBR (sgdisk -h): its MBR entries survive; both firmwares."""
    gpt_disk(L)
    sh('sgdisk', '-h', '2:3', L.img)
    install_ok(L, expect=[r'BIOS boot partition \(hd0,gpt1\)', r'on \(hd0,gpt2\) \(fat'],
               uefi=2, body_path='/EFI/baton/bios.bin')


def t_esp_existing(L):
    """An ESP with a tree and another loader's fallback BOOTX64.EFI and a config: both kept safe."""
    gpt_disk(L)
    tree = f'{OUT}/{L.name}-tree'
    shutil.rmtree(tree, ignore_errors=True)
    rnd = random.Random(3)
    files = {'EFI/BOOT/BOOTX64.EFI': rnd.randbytes(70000), 'EFI/BOOT/baton.cfg': b'timeout 3\n',
             'EFI/debian/grubx64.efi': rnd.randbytes(150000), 'loader/entries/a.conf': b'x' * 9,
             'deep/a/b/c/d/Long File Name.txt': rnd.randbytes(5000)}
    for p, d in files.items():
        os.makedirs(os.path.dirname(f'{tree}/{p}'), exist_ok=True)
        open(f'{tree}/{p}', 'wb').write(d)
    esp = [x for x in L.parts_list if x[0] == 2][0]
    sh('mcopy', '-s', '-i', f'{L.img}@@{esp[1] * 512}', *[f'{tree}/{x}' for x in os.listdir(tree)],
       '::/')
    shutil.rmtree(tree)
    install_ok(L, expect=[r'replacing /EFI/BOOT/BOOTX64.EFI on \(hd0,gpt2\)'], uefi=2,
               body_path='/EFI/baton/bios.bin')
    for p, d in files.items():
        got = subprocess.run([BATON, 'cat', f'{L.img}:2', '/' + p], capture_output=True).stdout
        if got != d:
            raise Fail(f'/{p} changed')
    r = baton('install', L.img)
    if 'config:' in r.stdout or r.returncode:
        raise Fail(f'a starter config was written beside /EFI/BOOT/baton.cfg: {r.stdout}')
    sh(BATON, 'uninstall', L.img)


def t_esp_dir(L):
    """--esp DIR (a mounted ESP elsewhere): UEFI files there, BIOS on the disk; both undone."""
    blank(L.img, 32 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=83\n')
    mkext(L.img, 2048, 65536 - 2048)
    mbr_gap(L)
    L.fs = [(2048, 65536 - 2048, 'ext')]
    esp = f'{OUT}/{L.name}-esp'
    shutil.rmtree(esp, ignore_errors=True)
    os.makedirs(f'{esp}/EFI/BOOT')
    open(f'{esp}/EFI/BOOT/BOOTX64.EFI', 'wb').write(b'old loader')
    def efi_files():
        for p in ('EFI/BOOT/BOOTX64.EFI', 'EFI/baton/BOOTX64.EFI'):
            if open(f'{esp}/{p}', 'rb').read() != EFI:
                raise Fail(f'{esp}/{p} is not build/BOOTX64.EFI')
        if not os.path.exists(f'{esp}/EFI/baton/baton.cfg'):
            raise Fail('no starter config in the --esp directory')
    install_ok(L, args=['--esp', esp], expect=[r'UEFI: .* on /'], body_path='/boot/baton/bios.bin',
               after=efi_files)
    if open(f'{esp}/EFI/BOOT/BOOTX64.EFI', 'rb').read() != b'old loader' or \
            os.path.exists(f'{esp}/EFI/baton'):
        raise Fail('uninstall did not put the --esp directory back')
    shutil.rmtree(esp)


def t_superfloppy(L):
    """FAT on the whole disk: refused, and --force cannot help (no place outside it)."""
    blank(L.img, 16 * MIB)
    sh('mkfs.vfat', '-F', '16', L.img)
    refuse(L, [], r'superfloppy.*--force cannot help', extra=[['--force'], ['--bios', '--force']])
    blank(L.img, 16 * MIB)
    mkext(L.img, 0, 32768)
    refuse(L, ['--force'], r'holds a filesystem \(ext4\) starting at sector 0')


def t_stale_vbr(L):
    """A partition table behind a FAT boot sector's bytes 0-439: refused; --force installs."""
    blank(L.img, 32 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=6\n')
    mkfat(L.img, 2048, 65536 - 2048, '-F', '16')
    with open(L.img, 'r+b') as f:          # the partition's own boot sector, copied to sector 0
        f.seek(2048 * 512)
        vbr = f.read(440)
        f.seek(0)
        f.write(vbr)
    mbr_gap(L)
    L.fs = [(2048, 65536 - 2048, 'fat')]
    refuse(L, [], r'looks like a FAT boot sector.*--force installs anyway')
    install_ok(L, args=['--force'], expect=[r'partition table is used \(--force\)'],
               body_path='/boot/baton/bios.bin')


def t_foreign_gap(L):
    """Another loader's bytes in the MBR gap: refused; --force overwrites; uninstall restores them."""
    blank(L.img, 32 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=6\n')
    mkfat(L.img, 2048, 65536 - 2048, '-F', '16')
    rnd = random.Random(7)
    with open(L.img, 'r+b') as f:
        f.seek(512)
        f.write(b'\x52\xe8\x28\x01GRUB ' + bytes(rnd.getrandbits(8) for _ in range(60 * 512)))
    mbr_gap(L)
    L.fs = [(2048, 65536 - 2048, 'fat')]
    refuse(L, [], r'MBR gap .* holds another program.s data.*--force overwrites',
           extra=[['--bios']])
    install_ok(L, args=['--force'], body_path='/boot/baton/bios.bin')


def t_esp_only(L):
    """GPT with only an ESP: --bios refused with its reason; the default installs UEFI only."""
    gpt_disk(L, bios_boot=False, ext=False)
    refuse(L, ['--bios'], r'BIOS: .*without a BIOS boot partition.*sgdisk')
    install_ok(L, expect=[r'BIOS part skipped: .*without a BIOS boot partition',
                          r'UEFI: .* on \(hd0,gpt2\)'], uefi=2)
    install_ok(L, args=['--uefi'], uefi=2)


def t_tiny(L):
    """A 2 MiB disk: MBR, one FAT12 partition of type 0xEF (an ESP): both parts fit."""
    blank(L.img, 2 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=ef\n')
    mkfat(L.img, 2048, 2048, '-F', '12')
    mbr_gap(L)
    L.fs = [(2048, 2048, 'fat')]
    install_ok(L, expect=[r'/EFI/baton/bios.bin on \(hd0,msdos1\) \(fat, chosen as the EFI'],
               uefi=1, body_path='/EFI/baton/bios.bin')


def t_sector_4k(L):
    """A 4 KiB-sector GPT image (fdisk -b 4096; sfdisk and sgdisk cannot make one)."""
    blank(L.img, 64 * MIB)
    sh('fdisk', '-b', '4096', L.img,
       inp='g\nn\n1\n256\n511\nt\n4\nn\n2\n512\n8703\nt\n2\n1\nw\n')
    L.ss = 4096
    mkfat(L.img, 512, 8192, '-S', '4096', ss=4096)
    L.label = 'gpt'
    L.gap = (256, 512)
    L.fs = [(512, 8192, 'fat')]
    L.parts_list = [(1, 256, 256, 'bios'), (2, 512, 8192, 'esp')]
    install_ok(L, expect=[r'BIOS boot partition \(hd0,gpt1\) at sector 256 \(1 sector\)'],
               uefi=2, body_path='/EFI/baton/bios.bin')


def t_no_room(L):
    """A FAT partition too full for the stage2 file: refused, nothing changed."""
    blank(L.img, 4 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, size=1024, type=1\n')
    mkfat(L.img, 2048, 1024, '-F', '12')
    filler = f'{OUT}/filler'
    with open(filler, 'wb') as f:
        f.write(bytes(470 * 1024))
    sh('mcopy', '-i', f'{L.img}@@{2048 * 512}', filler, '::/filler')
    refuse(L, ['--bios'], r'no room for /boot/baton/bios.bin .* on \(hd0,msdos1\)')


def restamped(name, body):
    """A build directory whose body is `body` (ids restamped by mk/buildid.py)."""
    d = f'{OUT}/{name}-from'
    os.makedirs(f'{d}/stage1', exist_ok=True)
    shutil.copyfile(f'{B}/stage1/mbr.bin', f'{d}/stage1/mbr.bin')
    shutil.copyfile(f'{B}/BOOTX64.EFI', f'{d}/BOOTX64.EFI')
    open(f'{d}/body.raw', 'wb').write(body)
    shutil.copyfile(f'{B}/bios-gap.bin', f'{d}/gap.raw')
    sh('python3', 'mk/buildid.py', f'{d}/body.raw', f'{d}/gap.raw', f'{d}/bios.bin',
       f'{d}/bios-gap.bin')
    return d, open(f'{d}/bios.bin', 'rb').read()


def t_ext_zero_blocks(L):
    """A stage2 file with all-zero 1 KiB blocks on ext4: no holes (debugfs would make them)."""
    global want_body
    d, want_body = restamped(L.name, BODY + bytes(9000) + b'end' + bytes(3000))
    blank(L.img, 32 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=83\n')
    mkext(L.img, 2048, 65536 - 2048, '-b', '1024')
    mbr_gap(L)
    L.fs = [(2048, 65536 - 2048, 'ext')]
    try:
        install_ok(L, args=['--from', d], body_path='/boot/baton/bios.bin', reinstall=False)
    finally:
        want_body = BODY


def t_fragmented(L):
    """Free space in one-cluster pieces: a stage2 file in over 128 pieces is refused."""
    d, _ = restamped(L.name, BODY + bytes(range(256)) * 400)
    blank(L.img, 2 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=1\n')
    mkfat(L.img, 2048, 2048, '-F', '12', '-s', '1')
    many = f'{OUT}/{L.name}-many'
    shutil.rmtree(many, ignore_errors=True)
    os.makedirs(many)
    for i in range(1800):                  # one cluster each: nearly all of the filesystem
        open(f'{many}/F{i:04}', 'wb').write(b'x' * 512)
    img = f'{L.img}@@{2048 * 512}'
    sh('mcopy', '-s', '-i', img, many, '::/D')
    sh('mdel', '-i', img, *[f'::/D/F{i:04}' for i in range(0, 1800, 2)])
    shutil.rmtree(many)
    refuse(L, ['--bios', '--from', d], r'in \d+ pieces; the gap part follows at most 128')


def t_changed_since(L):
    """A file added after the install: uninstall refuses (nothing changed); --force restores."""
    blank(L.img, 32 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=6\n')
    mkfat(L.img, 2048, 65536 - 2048, '-F', '16')
    sh(BATON, 'install', L.img)
    one = f'{OUT}/note'
    open(one, 'w').write('added later\n')
    sh('mcopy', '-i', f'{L.img}@@{2048 * 512}', one, '::/note.txt')
    before = sha(L.img)
    r = baton('uninstall', L.img)
    if r.returncode != 1 or 'changed since baton was installed' not in r.stderr:
        raise Fail(f'uninstall after a change: exit {r.returncode}: {r.stderr.strip()[:300]}')
    if sha(L.img) != before:
        raise Fail('a refused uninstall changed the image')
    r = baton('uninstall', '--force', L.img)
    if r.returncode:
        raise Fail(f'uninstall --force: {r.stderr.strip()[:300]}')
    fsck(L.img, 2048, 65536 - 2048, 'fat')
    with open(L.img, 'rb') as f:
        if f.read(8)[4:8] == b'BTN1':
            raise Fail('uninstall --force left baton in sector 0')


def t_reinstall_new(L):
    """Reinstall with another build: uninstall still goes back to before the first install."""
    global want_body
    gpt_disk(L)
    orig = L.img + '.first'
    shutil.copyfile(L.img, orig)
    sh(BATON, 'install', L.img)
    d, want_body = restamped(L.name, BODY + b'a newer build' * 3000)
    try:
        r = baton('install', '--from', d, L.img)
        if r.returncode:
            raise Fail(f'reinstall: {r.stderr.strip()[:300]}')
        check_gap(L.img, 512)
        data = subprocess.run([BATON, 'cat', f'{L.img}:2', '/EFI/baton/bios.bin'],
                              capture_output=True).stdout
        if data != want_body:
            raise Fail('the reinstalled stage2 file is not the new build')
    finally:
        want_body = BODY
    r = baton('uninstall', L.img)
    if r.returncode or sha(L.img) != sha(orig):
        raise Fail(f'uninstall after a reinstall did not restore the image: {r.stderr[:300]}')


def t_mounted(L):
    """The ext4 partition mounted (a loop device): files go through the mount."""
    if os.geteuid() or not shutil.which('losetup'):
        raise Skip('needs root and losetup')
    blank(L.img, 64 * MIB)
    sfdisk(L.img, 'label: dos\nstart=2048, type=83\n')
    mkext(L.img, 2048, 131072 - 2048)
    mbr_gap(L)
    L.fs = [(2048, 131072 - 2048, 'ext')]
    orig = L.img + '.orig'
    shutil.copyfile(L.img, orig)
    mnt = f'{OUT}/mnt'
    with loop_mount(L.img, 2048, 131072 - 2048, mnt):
        r = baton('install', L.img)
        if r.returncode or 'through its mount' not in r.stdout:
            raise Fail(f'install: {r.stdout.strip()[:300]} {r.stderr.strip()[:300]}')
        if open(f'{mnt}/boot/baton/bios.bin', 'rb').read() != BODY:
            raise Fail('bios.bin in the mount is not build/bios.bin')
        compare_outside(orig, L.img, allowed(L))
        check_gap(L.img, 512)
        r = baton('uninstall', L.img)
        if r.returncode or os.path.exists(f'{mnt}/boot'):
            raise Fail(f'uninstall: {r.stderr.strip()[:300]}; /boot left: '
                       f'{os.path.exists(mnt + "/boot")}')
    compare_outside(orig, L.img, [(2048 * 512, 131072 * 512)])
    fsck(L.img, 2048, 131072 - 2048, 'ext')


def t_blockdev(L):
    """The target a block device (a loop device over the image): the same install."""
    if os.geteuid() or not shutil.which('losetup'):
        raise Skip('needs root and losetup')
    gpt_disk(L)
    orig = L.img + '.orig'
    shutil.copyfile(L.img, orig)
    r = sh('losetup', '-f', '--show', L.img, check=False)
    if r.returncode:
        raise Skip(f'losetup: {r.stderr.strip()}')
    loop = r.stdout.strip()
    undo = f'{OUT}/{L.name}.undo'
    try:
        r = baton('install', '--undo', undo, loop)
        if r.returncode or 'UEFI:' not in r.stdout:
            raise Fail(f'install on {loop}: {r.stderr.strip()[:300]}')
        compare_outside(orig, L.img, allowed(L))
        check_gap(L.img, 512)
        r = baton('uninstall', '--undo', undo, loop)
        if r.returncode:
            raise Fail(f'uninstall on {loop}: {r.stderr.strip()[:300]}')
    finally:
        sh('losetup', '-d', loop, check=False)
    if sha(L.img) != sha(orig):
        raise Fail('uninstall on the block device did not restore it bit for bit')


TESTS = [t_mbr_1m, t_mbr63_ext4, t_mbr63_fat, t_mbr_nogap, t_logical, t_gpt_both,
         t_gpt_no_bios_boot, t_gpt_hybrid, t_esp_existing, t_esp_dir, t_superfloppy, t_stale_vbr, t_foreign_gap, t_esp_only,
         t_tiny, t_sector_4k, t_no_room, t_ext_zero_blocks, t_fragmented, t_changed_since,
         t_reinstall_new, t_mounted, t_blockdev]


def main():
    filt = sys.argv[1] if len(sys.argv) > 1 else ''
    os.makedirs(OUT, exist_ok=True)
    passed = failed = 0
    for t in TESTS:
        name = t.__name__[2:]
        if filt not in name:
            continue
        L = Layout(name)
        for f in os.listdir(OUT):
            if f.startswith(name + '.'):
                os.unlink(f'{OUT}/{f}')
        try:
            t(L)
            print(f'PASS install_{name}')
            passed += 1
            for f in os.listdir(OUT):
                if f.startswith(name + '.'):
                    os.unlink(f'{OUT}/{f}')
        except Skip as e:
            print(f'SKIP install_{name}: {e}')
        except Fail as e:
            print(f'FAIL install_{name}: {e} (image {L.img})')
            failed += 1
    if not failed:
        shutil.rmtree(OUT, ignore_errors=True)
    print(f'install: {passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
