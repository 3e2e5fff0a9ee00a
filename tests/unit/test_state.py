#!/usr/bin/env python3
"""test_state.py: `baton set-default`, `baton oneshot` and `baton state` on images and directories.

Each test makes a disk with the real tools (sgdisk, sfdisk, mkfs.vfat, mke2fs, mtools) and
`baton install` or `baton mkiso`, changes the state file with the host tool, and reads it back
two ways: `baton state`, and this file's own reading of the format (config/state.h: two 2 KiB
slots, magic, version, sequence, CRC-32). Every byte outside the state file's sectors must be
as it was (the sectors from `baton map`), fsck must stay clean, a refusal must leave the image
bit for bit as it was, and uninstall must still restore the image bit for bit.
Prints PASS/FAIL/SKIP per test and "state: N passed, M failed". usage: test_state.py [FILTER]
The helpers it shares with test_install.py (commands, images, fsck, comparisons) are that file's.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

from test_install import (B, BATON, ENV, MIB, Fail, Skip, blank, compare_outside, fsck, sfdisk,
                          sh, sha)
import test_install

OUT = f'{B}/test-state'
CFG = ('timeout 3\ndefault @saved\nentry Alpha\n  kernel /k\nentry Beta two\n  id beta\n  kernel /k\n'
       'entry Gamma\n  kernel /k\n')


def baton(*args, ok=True):
    """test_install.baton, and a failure unless ok is False."""
    r = test_install.baton(*args)
    if ok and r.returncode:
        raise Fail(f'baton {" ".join(args)}: exit {r.returncode}: {r.stderr.strip()[:400]}')
    return r


def parse(data):
    """The state file by its documented format; (seq, saved, oneshot) of the newest valid slot."""
    if len(data) != 4096:
        raise Fail(f'the state file is {len(data)} bytes')
    best = None
    for i in range(2):
        s = data[i * 2048:(i + 1) * 2048]
        if s[:8] != b'BTNSTATE':
            continue
        version, flags, seq, crc = struct.unpack_from('<IIQI', s, 8)
        if zlib.crc32(s[:24] + b'\0' * 4 + s[28:]) != crc or version != 1 or flags or not seq:
            continue
        names = []
        for off in (32, 288):
            f = s[off:off + 256]
            n = f.index(b'\0')
            if any(f[n:]):
                raise Fail(f'slot {i}: bytes after a name')
            names.append(f[:n].decode())
        if best is None or seq > best[0]:
            best = (seq, names[0], names[1])
    if best is None:
        raise Fail('no valid slot in the state file')
    return best


class Disk:
    def __init__(self, name):
        self.name = name
        self.img = f'{OUT}/{name}.img'
        self.part = 1          # the partition holding the state file
        self.path = '/EFI/baton/state'
        self.fs = 'fat'
        self.start = 2048
        self.end = 0           # the partition's last sector; 0: to the end of the image

    def spec(self):
        return f'{self.img}:{self.part}'

    def pieces(self):
        """The state file's bytes in the image: [(offset, length)], from `baton map`."""
        out = baton('map', self.spec(), self.path).stdout
        part_off = self.start * 512
        return [(part_off + int(v), int(n)) for _, v, n in
                (l.split() for l in out.splitlines() if l.strip() and l.split()[0].isdigit())]

    def file(self):
        return subprocess.run([BATON, 'cat', self.spec(), self.path], capture_output=True).stdout

    def fsck(self):
        end = self.end + 1 if self.end else os.path.getsize(self.img) // 512
        fsck(self.img, self.start, end - self.start, self.fs)


def gpt_esp(name, cfg=CFG, size=64):
    """mk/mkdisk.sh's layout: GPT, a BIOS boot partition, a FAT32 ESP with the config."""
    d = Disk(name)
    tree = f'{OUT}/{name}-tree'
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(f'{tree}/EFI/BOOT')
    if cfg is not None:
        open(f'{tree}/EFI/BOOT/baton.cfg', 'w').write(cfg)
    sh('bash', 'mk/mkdisk.sh', d.img, str(size), tree)
    shutil.rmtree(tree)
    for ext in ('.baton-undo',):
        if os.path.exists(d.img + ext):
            os.unlink(d.img + ext)
    return d


def outside_same(before, d, pieces):
    """Every byte of d.img outside pieces [(offset, length)] is what the file before held."""
    compare_outside(before, d.img, [(off, off + n) for off, n in pieces])


def change(d, args, want, seq=None):
    """Runs a set-default/oneshot, then checks the state file two ways and nothing else moved."""
    before = f'{OUT}/{d.name}.before'
    shutil.copyfile(d.img, before)
    pieces = d.pieces()
    baton(*args)
    got = parse(d.file())
    if got[1:] != want:
        raise Fail(f'after {args}: the file says {got[1:]}, not {want}')
    if seq is not None and got[0] != seq:
        raise Fail(f'after {args}: sequence {got[0]}, not {seq}')
    shown = baton('state', '--image', d.img).stdout
    for name, what in zip(want, ('saved', 'one-shot')):
        text = f"{what} entry '{name}'" if name else f'{what} entry none'
        if text not in shown:
            raise Fail(f'baton state does not say {text!r}: {shown}')
    outside_same(before, d, pieces)
    if d.pieces() != pieces:
        raise Fail('the state file moved')
    os.unlink(before)
    return got


def refused(d, args, msg, status=1):
    before = sha(d.img)
    r = baton(*args, ok=False)
    if r.returncode != status or not re.search(msg, r.stderr):
        raise Fail(f'baton {" ".join(args)}: exit {r.returncode}, {r.stderr.strip()[:300]!r}; '
                   f'wanted {msg!r}')
    if sha(d.img) != before:
        raise Fail(f'a refused baton {args[0]} changed the image')
    return r


# --- the tests ---

def t_gpt_esp(name):
    """GPT + ESP: install makes the file; set-default and oneshot by title, number, glob."""
    d = gpt_esp(name)
    orig = f'{OUT}/{name}.orig'
    shutil.copyfile(d.img, orig)
    out = baton('install', d.img).stdout
    if 'state: /EFI/baton/state on (hd0,gpt1)' not in out:
        raise Fail(f'install did not say it made the state file: {out}')
    if parse(d.file()) != (1, '', ''):
        raise Fail('a new state file is not empty with sequence 1')
    if len(d.pieces()) < 1:
        raise Fail('no pieces')
    change(d, ['set-default', 'Beta two', '--image', d.img], ('beta', ''), 2)  # its id
    change(d, ['oneshot', '3', '--image', d.img], ('beta', 'gamma'), 3)  # the id made of the title
    change(d, ['oneshot', 'Al*', '--image', d.img], ('beta', 'Al*'), 4)
    change(d, ['oneshot', 'BETA.conf', '--image', d.img], ('beta', 'beta'), 5)
    change(d, ['oneshot', '--clear', '--image', f'{d.img}:1'], ('beta', ''), 6)
    change(d, ['set-default', '--clear', '--image', d.img], ('', ''), 7)
    r = baton('set-default', 'Alpha', '--image', d.img)
    r = baton('set-default', 'Alpha', '--image', d.img)
    if 'already alpha' not in r.stdout or parse(d.file())[0] != 8:
        raise Fail(f'setting the same entry again wrote: {r.stdout}')
    d.fsck()
    # Reinstalling keeps the saved entry; uninstall still restores the image bit for bit.
    baton('install', d.img)
    if parse(d.file())[1] != 'alpha':
        raise Fail('a reinstall reset the state file')
    baton('uninstall', d.img)
    if sha(d.img) != sha(orig):
        raise Fail('uninstall after set-default did not restore the image')
    os.unlink(orig)


def t_refusals(name):
    """Unknown entries (the list is shown), no state file, a damaged one: exit 1, no change."""
    d = gpt_esp(name)
    refused(d, ['set-default', 'Alpha', '--image', d.img],
            r'no volume of .* holds a baton state file .*run baton install again')
    baton('install', d.img)
    r = refused(d, ['set-default', 'Delta', '--image', d.img],
                r"no entry 'Delta' in .*EFI/BOOT/baton.cfg")
    for e in ('alpha  (Alpha)', 'beta  (Beta two)', 'gamma  (Gamma)'):
        if f'  {e}\n' not in r.stderr:
            raise Fail(f'the refusal does not list {e}: {r.stderr}')
    refused(d, ['oneshot', '9', '--image', d.img], r"no entry '9'")
    refused(d, ['oneshot', 'a' * 300, '--image', d.img, '--force'], r'too long')
    refused(d, ['oneshot', '--image', d.img], r'usage', 2)
    refused(d, ['oneshot', 'Alpha', '--clear', '--image', d.img], r'usage', 2)
    refused(d, ['oneshot', 'Alpha', '--image', f'{d.img}:2'], r'partition 2 holds no baton state')
    # --force stores a name the config does not have (entries may come from elsewhere).
    change(d, ['oneshot', 'Delta', '--force', '--image', d.img], ('', 'Delta'))
    # Damaged: both slots' magic gone.
    off = d.pieces()[0][0]
    with open(d.img, 'r+b') as f:
        f.seek(off)
        f.write(b'\0' * 512)
        f.seek(off + 2048)
        f.write(b'\0' * 512)
    refused(d, ['set-default', 'Alpha', '--image', d.img],
            r'EFI/baton/state: no valid copy in it .*run baton install again')
    out = baton('install', d.img).stdout
    if 'state: /EFI/baton/state' not in out or parse(d.file()) != (1, '', ''):
        raise Fail(f'install did not make a new state file for a damaged one: {out}')
    # Short: not 4096 bytes.
    sh('mdel', '-i', f'{d.img}@@1M', '::/EFI/baton/state')
    open(f'{OUT}/short', 'wb').write(b'x' * 100)
    sh('mcopy', '-i', f'{d.img}@@1M', f'{OUT}/short', '::/EFI/baton/state')
    refused(d, ['oneshot', 'Alpha', '--image', d.img], r'it is 100 bytes, not 4096')


def t_bls_ids(name):
    """BLS entries on the ESP: their ids (file names), with or without .conf, any case."""
    d = gpt_esp(name, cfg=None)
    tree = f'{OUT}/{name}-bls'
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(f'{tree}/loader/entries')
    open(f'{tree}/loader/entries/debian-6.1.0-13-amd64.conf', 'w').write(
        'title Debian GNU/Linux 12\nversion 6.1.0-13-amd64\nlinux /debian/linux\n')
    open(f'{tree}/loader/entries/other.conf', 'w').write('title Other\nefi /EFI/x.efi\n')
    sh('mcopy', '-s', '-i', f'{d.img}@@1M', f'{tree}/loader', '::/')
    shutil.rmtree(tree)
    baton('install', '--uefi', d.img)
    # install wrote a starter config (all comments): the entries are the BLS ones.
    change(d, ['oneshot', 'Debian-6.1.0-13-AMD64.conf', '--image', d.img],
           ('', 'debian-6.1.0-13-amd64'))
    change(d, ['set-default', 'other', '--image', d.img], ('other', 'debian-6.1.0-13-amd64'))
    r = refused(d, ['set-default', 'nope', '--image', d.img], r"no entry 'nope'")
    if 'debian-6.1.0-13-amd64  (Debian GNU/Linux 12)' not in r.stderr:
        raise Fail(f'the list does not show the BLS id and title: {r.stderr}')
    d.fsck()


def ext4_disk(name):
    """MBR + ext4 (1 KiB blocks) with the config in /boot/baton, for a BIOS install."""
    d = Disk(name)
    d.fs, d.path, d.end = 'ext', '/boot/baton/state', 65535
    blank(d.img, 32 * MIB)
    sfdisk(d.img, 'label: dos\nstart=2048, type=83\n')
    tmp = f'{OUT}/{name}.fs'
    blank(tmp, (65536 - 2048) * 512)
    tree = f'{OUT}/{name}-tree'
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(f'{tree}/boot/baton')
    open(f'{tree}/boot/baton/baton.cfg', 'w').write(CFG)
    sh('mke2fs', '-q', '-t', 'ext4', '-b', '1024', '-d', tree, tmp)
    with open(tmp, 'rb') as f, open(d.img, 'r+b') as o:
        o.seek(2048 * 512)
        o.write(f.read())
    os.unlink(tmp)
    shutil.rmtree(tree)
    if os.path.exists(d.img + '.baton-undo'):
        os.unlink(d.img + '.baton-undo')
    return d


def t_ext4(name):
    """MBR + ext4, BIOS only: /boot/baton/state beside the stage2 file, written in place."""
    d = ext4_disk(name)
    orig = f'{OUT}/{name}.orig'
    shutil.copyfile(d.img, orig)
    out = baton('install', '--bios', d.img).stdout
    if 'state: /boot/baton/state on (hd0,msdos1)' not in out:
        raise Fail(f'install: {out}')
    change(d, ['set-default', 'Gamma', '--image', d.img], ('gamma', ''), 2)
    change(d, ['oneshot', 'Alpha', '--image', d.img], ('gamma', 'alpha'), 3)
    d.fsck()
    baton('uninstall', d.img)
    if sha(d.img) != sha(orig):
        raise Fail('uninstall did not restore the image')
    os.unlink(orig)


def t_esp_dir(name):
    """--esp DIR: a mounted ESP elsewhere (a directory here): the file through the kernel."""
    d = gpt_esp(name)
    esp = f'{OUT}/{name}-esp'
    shutil.rmtree(esp, ignore_errors=True)
    os.makedirs(f'{esp}/EFI/BOOT')
    open(f'{esp}/EFI/BOOT/baton.cfg', 'w').write(CFG)
    r = baton('set-default', 'Alpha', '--esp', esp, ok=False)
    if r.returncode != 1 or 'holds no baton state file' not in r.stderr:
        raise Fail(f'no state file: {r.stderr}')
    baton('install', '--uefi', '--esp', esp, d.img)
    st = f'{esp}/EFI/baton/state'
    ino = os.stat(st).st_ino
    baton('set-default', 'Gamma', '--esp', esp)
    baton('oneshot', '2', '--esp', esp)
    if parse(open(st, 'rb').read()) != (3, 'gamma', 'beta'):
        raise Fail(f'the file says {parse(open(st, "rb").read())}')
    if os.stat(st).st_ino != ino or os.path.getsize(st) != 4096:
        raise Fail('the file was replaced, not rewritten in place')
    baton('uninstall', d.img)
    if os.path.exists(f'{esp}/EFI/baton'):
        raise Fail('uninstall left the state file in the --esp directory')
    shutil.rmtree(esp)


def t_iso(name):
    """baton mkiso: a state file on the ISO and one on its ESP; both are set."""
    d = Disk(name)
    d.img = f'{OUT}/{name}.iso'
    d.start, d.end, d.part, d.path = 0, 0, 0, '/boot/baton/state'
    tree = f'{OUT}/{name}-tree'
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(f'{tree}/k')
    open(f'{tree}/k/vmlinuz', 'w').write('x')
    open(f'{OUT}/{name}.cfg', 'w').write('timeout 3\nentry One\n  kernel /k/vmlinuz\n'
                                          'entry Two\n  kernel /k/vmlinuz\n')
    sh(BATON, 'mkiso', d.img, '--config', f'{OUT}/{name}.cfg', f'k={tree}/k')
    shutil.rmtree(tree)
    before = f'{OUT}/{name}.before'
    shutil.copyfile(d.img, before)
    iso_pieces = [(v, n) for v, n in
                  ((int(l.split()[1]), int(l.split()[2]))
                   for l in baton('map', d.img, d.path).stdout.splitlines()
                   if l.strip() and l.split()[0].isdigit())]
    baton('oneshot', 'Two', '--image', d.img)
    shown = baton('state', '--image', d.img).stdout
    if shown.count("one-shot entry 'two'") != 2:
        raise Fail(f'not both state files hold the one-shot entry: {shown}')
    iso_state = subprocess.run([BATON, 'cat', d.img, d.path], capture_output=True).stdout
    esp_state = subprocess.run([BATON, 'cat', f'{d.img}:2', '/EFI/baton/state'],
                               capture_output=True).stdout
    if parse(iso_state)[2] != 'two' or parse(esp_state)[2] != 'two':
        raise Fail('the files do not say two')
    # Only the two files' sectors changed, some in each.
    esp_start = int(re.search(r'\(hd0,msdos2\) start (\d+)', baton('ls', d.img).stdout).group(1))
    esp_pieces = [(esp_start * 512 + v, n) for v, n in
                  ((int(l.split()[1]), int(l.split()[2]))
                   for l in baton('map', f'{d.img}:2', '/EFI/baton/state').stdout.splitlines()
                   if l.strip() and l.split()[0].isdigit())]
    outside_same(before, d, iso_pieces + esp_pieces)
    a, b = open(before, 'rb').read(), open(d.img, 'rb').read()
    for o, n in iso_pieces + esp_pieces:
        if a[o:o + n] == b[o:o + n]:
            raise Fail(f'the state file at byte {o} did not change')
    os.unlink(before)


def t_mounted(name):
    """The partition loop-mounted: --image goes through the mount; with no option, it is found."""
    if os.geteuid() or not shutil.which('losetup'):
        raise Skip('needs root and losetup')
    d = ext4_disk(name)
    baton('install', '--bios', d.img)
    mnt = f'{OUT}/{name}-mnt'
    with test_install.loop_mount(d.img, 2048, 65536 - 2048, mnt):
        st = f'{mnt}/boot/baton/state'
        ino = os.stat(st).st_ino
        r = baton('set-default', 'Gamma', '--image', d.img)
        if 'mounted at' not in r.stdout:
            raise Fail(f'--image did not go through the mount: {r.stdout}')
        r = baton('oneshot', 'Alpha')
        if mnt not in r.stdout:
            raise Fail(f'the running system\'s mount was not found: {r.stdout}')
        if parse(open(st, 'rb').read())[1:] != ('gamma', 'alpha'):
            raise Fail('the mounted file does not say gamma, alpha')
        if os.stat(st).st_ino != ino:
            raise Fail('the file was replaced, not rewritten')
    if parse(d.file())[1:] != ('gamma', 'alpha'):
        raise Fail('after unmounting, the image does not say gamma, alpha')
    d.fsck()  # (mounting changed the superblock: uninstall would rightly refuse now)


def t_read_only(name):
    """`baton state` only reads: it lists an image it may not write (chmod 444); set-default
    is refused without a change. As root the permission bits bind only without
    CAP_DAC_OVERRIDE: the commands then run without it (setpriv)."""
    d = gpt_esp(name)
    baton('install', d.img)
    baton('set-default', 'Beta two', '--image', d.img)
    drop = []
    if os.geteuid() == 0:
        if not shutil.which('setpriv'):
            raise Skip('root, and no setpriv to drop CAP_DAC_OVERRIDE')
        drop = ['setpriv', '--inh-caps=-all', '--bounding-set=-dac_override,-dac_read_search']
    os.chmod(d.img, 0o444)
    try:
        before = sha(d.img)
        r = subprocess.run([*drop, BATON, 'state', '--image', d.img], capture_output=True,
                           text=True, env=ENV)
        if r.returncode or "saved entry 'beta'" not in r.stdout:
            raise Fail(f'baton state on a read-only image: exit {r.returncode}: '
                       f'{(r.stderr or r.stdout).strip()[:300]}')
        r = subprocess.run([*drop, BATON, 'set-default', 'Alpha', '--image', d.img],
                           capture_output=True, text=True, env=ENV)
        if r.returncode != 1 or 'Permission denied' not in r.stderr:
            raise Fail(f'set-default on a read-only image: exit {r.returncode}: {r.stderr!r}')
        if sha(d.img) != before:
            raise Fail('the read-only image changed')
    finally:
        os.chmod(d.img, 0o644)


TESTS = [t_gpt_esp, t_refusals, t_bls_ids, t_ext4, t_esp_dir, t_iso, t_mounted, t_read_only]


def main():
    filt = sys.argv[1] if len(sys.argv) > 1 else ''
    os.makedirs(OUT, exist_ok=True)
    passed = failed = 0
    for t in TESTS:
        name = t.__name__[2:]
        if filt not in name:
            continue
        try:
            t(name)
            print(f'PASS {name}')
            passed += 1
        except Skip as e:
            print(f'SKIP {name}: {e}')
        except Fail as e:
            print(f'FAIL {name}: {e}')
            failed += 1
    print(f'state: {passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
