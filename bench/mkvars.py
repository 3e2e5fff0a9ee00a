#!/usr/bin/env python3
# mkvars.py: writes a Boot0001 load option (GPT partition + file + optional data) and BootOrder into a copy of an OVMF variable store file.
"""
usage: mkvars.py TEMPLATE_VARS OUT_VARS --disk DISK.img --part N --file '\\EFI\\Linux\\vmlinuz.efi'
                 --desc 'Linux EFI stub' --data 'initrd=\\EFI\\Linux\\initrd.img console=ttyS0 ...'
       mkvars.py --list VARS          (prints the variables of a store, state included)

The file is an edk2 firmware volume (EFI_FIRMWARE_VOLUME_HEADER, file system GUID
EFI_SYSTEM_NV_DATA_FV_GUID) that begins with the variable store: a VARIABLE_STORE_HEADER signed
with gEfiAuthenticatedVariableGuid, then variables one after the other, each an
AUTHENTICATED_VARIABLE_HEADER (60 bytes) + name (UTF-16, NUL terminated) + data, the next header at
the next 4-byte boundary; free space is 0xFF. After the store come the fault tolerant write
working block and its spare area, which must hold no pending write (it would be replayed over
the store at boot).

The load option's device path is a short-form hard-drive path (the firmware finds the partition by
its unique GUID): HD media node + file path node + end node. Both variables are written with
EFI_GLOBAL_VARIABLE and NV|BS|RT, as the variable driver itself would store them (state VAR_ADDED,
monotonic count, time stamp and public key index zero). Live copies of the same variables already
in the store are marked deleted first. Nothing else is changed.
"""
import os
import struct
import sys
import uuid

SYSTEM_NV_DATA_FV_GUID = uuid.UUID("fff12b8d-7696-4c8b-a985-2747075b4f50").bytes_le
AUTH_VARIABLE_GUID = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792").bytes_le
PLAIN_VARIABLE_GUID = uuid.UUID("ddcf3616-3275-4164-98b6-fe85707ffe7d").bytes_le
FTW_WORKING_BLOCK_GUID = uuid.UUID("9e58292b-7c68-497d-a0ce-6500fd9f1b95").bytes_le
GLOBAL_VARIABLE_GUID = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c").bytes_le

STORE_FORMATTED, STORE_HEALTHY = 0x5A, 0xFE
VARIABLE_DATA = 0x55AA
VAR_ADDED, VAR_DELETED, VAR_IN_DELETED_TRANSITION = 0x3F, 0xFD, 0xFE
AUTH_HEADER = struct.Struct("<HBBIQ16sIII16s")  # StartId State Reserved Attributes MonotonicCount TimeStamp PubKeyIndex NameSize DataSize VendorGuid
assert AUTH_HEADER.size == 60
NV_BS_RT = 0x1 | 0x2 | 0x4
LOAD_OPTION_ACTIVE = 0x1


class Refuse(Exception):
    pass


def align4(n):
    return (n + 3) & ~3


def utf16z(text):
    return text.encode("utf-16-le") + b"\0\0"


# ---- the firmware volume and its variable store ----

class Store:
    """The variable store inside an OVMF vars file (a bytearray), checked on the way."""

    def __init__(self, image):
        self.image = image
        if len(image) < 0x48 + 28:
            raise Refuse("file too small for a firmware volume")
        if image[0:16] != bytes(16):
            raise Refuse("firmware volume ZeroVector is not zero")
        if image[16:32] != SYSTEM_NV_DATA_FV_GUID:
            raise Refuse("firmware volume file system GUID is not EFI_SYSTEM_NV_DATA_FV_GUID")
        fv_length, sig, _attrs, hdr_len, _csum, ext_off, _rsvd, rev = struct.unpack_from("<Q4sIHHHBB", image, 32)
        if sig != b"_FVH":
            raise Refuse("no _FVH signature at offset 0x28")
        if rev != 2 or ext_off != 0 or hdr_len < 0x48 or hdr_len % 8:
            raise Refuse(f"unexpected firmware volume header (revision {rev}, ext header {ext_off:#x}, length {hdr_len:#x})")
        if fv_length != len(image):
            raise Refuse(f"firmware volume length {fv_length:#x} is not the file size {len(image):#x}")
        if sum(struct.unpack_from(f"<{hdr_len // 2}H", image, 0)) & 0xFFFF:
            raise Refuse("firmware volume header checksum is wrong")
        # Block map: (NumBlocks, Length) pairs ending with (0, 0), covering the whole volume.
        off, covered = 0x38, 0
        while True:
            n, size = struct.unpack_from("<II", image, off)
            off += 8
            if n == 0 and size == 0:
                break
            covered += n * size
            if off >= hdr_len:
                raise Refuse("firmware volume block map is not terminated")
        if off != hdr_len or covered != fv_length:
            raise Refuse("firmware volume block map does not match the header length / volume length")
        self.base = hdr_len  # the VARIABLE_STORE_HEADER
        sig, size, fmt, state = struct.unpack_from("<16sIBB", image, self.base)
        if sig == PLAIN_VARIABLE_GUID:
            raise Refuse("variable store uses plain (non-authenticated) variable headers; expected gEfiAuthenticatedVariableGuid")
        if sig != AUTH_VARIABLE_GUID:
            raise Refuse("variable store signature is not gEfiAuthenticatedVariableGuid")
        if fmt != STORE_FORMATTED or state != STORE_HEALTHY:
            raise Refuse(f"variable store not formatted/healthy (format {fmt:#x}, state {state:#x})")
        self.end = self.base + size
        if self.end > fv_length:
            raise Refuse("variable store runs past the firmware volume")
        self.first = align4(self.base + 28)
        self.vars = self._walk()
        self.free = align4(self.vars[-1]["end"]) if self.vars else self.first
        if any(b != 0xFF for b in image[self.free:self.end]):
            raise Refuse(f"variable store free space from {self.free:#x} is not all 0xFF")
        self._check_ftw()

    def _walk(self):
        out, off = [], self.first
        while off + AUTH_HEADER.size <= self.end:
            start_id, state, _r, attrs, _mc, _ts, _pk, name_size, data_size, guid = AUTH_HEADER.unpack_from(self.image, off)
            if start_id != VARIABLE_DATA:
                break
            name_off = off + AUTH_HEADER.size
            data_off = name_off + name_size
            end = data_off + data_size
            if name_size == 0xFFFFFFFF or data_size == 0xFFFFFFFF or end > self.end:
                raise Refuse(f"variable header at {off:#x} has sizes outside the store")
            name = bytes(self.image[name_off:data_off]).decode("utf-16-le", "replace").rstrip("\0")
            out.append({"off": off, "state": state, "attrs": attrs, "name": name, "guid": guid,
                        "data_off": data_off, "data": bytes(self.image[data_off:end]), "end": end})
            off = align4(end)
        return out

    def _check_ftw(self):
        # edk2's EFI_FAULT_TOLERANT_WORKING_BLOCK_HEADER: Signature, Crc, state byte, 3 reserved, WriteQueueSize;
        # the write queue that follows is all 0xFF when no write is pending.
        at = self.image.find(FTW_WORKING_BLOCK_GUID, self.end)
        if at < 0:
            raise Refuse("no fault tolerant write working block after the variable store")
        (queue,) = struct.unpack_from("<Q", self.image, at + 24)
        body = self.image[at + 32:at + 32 + queue]
        if len(body) != queue or any(b != 0xFF for b in body):
            raise Refuse(f"fault tolerant write working block at {at:#x} holds a pending write")
        self.ftw = at

    def live(self, name, guid):
        return [v for v in self.vars if v["name"] == name and v["guid"] == guid
                and v["state"] in (VAR_ADDED, VAR_ADDED & VAR_IN_DELETED_TRANSITION)]

    def set(self, name, guid, attrs, data):
        for v in self.live(name, guid):
            self.image[v["off"] + 2] = v["state"] & VAR_IN_DELETED_TRANSITION & VAR_DELETED  # 0x3C, as edk2 leaves it
        raw_name = utf16z(name)
        header = AUTH_HEADER.pack(VARIABLE_DATA, VAR_ADDED, 0, attrs, 0, bytes(16), 0, len(raw_name), len(data), guid)
        blob = header + raw_name + data
        off = self.free
        if off + len(blob) > self.end:
            raise Refuse(f"no room for {name} in the variable store")
        self.image[off:off + len(blob)] = blob  # padding up to the next header stays 0xFF
        self.free = align4(off + len(blob))
        self.vars.append({"off": off, "state": VAR_ADDED, "attrs": attrs, "name": name, "guid": guid,
                          "data_off": off + 60 + len(raw_name), "data": data, "end": off + len(blob)})
        return off


# ---- the disk's GPT and the load option ----

def gpt_partition(disk, number):
    """(start LBA, size in LBAs, unique partition GUID bytes) of partition NUMBER (1-based)."""
    with open(disk, "rb") as f:
        for sector in (512, 4096):
            f.seek(sector)
            hdr = f.read(92)
            if hdr[:8] == b"EFI PART":
                break
        else:
            raise Refuse(f"{disk}: no GPT header at LBA 1")
        entries_lba, count, entry_size = struct.unpack_from("<QII", hdr, 72)
        if not 1 <= number <= count or entry_size < 128:
            raise Refuse(f"{disk}: no partition {number} in a table of {count}")
        f.seek(entries_lba * sector + (number - 1) * entry_size)
        entry = f.read(128)
    type_guid, unique, first, last = struct.unpack_from("<16s16sQQ", entry, 0)
    if type_guid == bytes(16):
        raise Refuse(f"{disk}: partition {number} is unused")
    return first, last - first + 1, unique


def device_path(number, start, size, unique, path):
    path = "\\" + path.replace("/", "\\").lstrip("\\")
    hd = struct.pack("<BBHIQQ16sBB", 4, 1, 42, number, start, size, unique, 2, 2)  # MBR type 2: GPT; signature type 2: GUID
    name = utf16z(path)
    fp = struct.pack("<BBH", 4, 4, 4 + len(name)) + name
    end = struct.pack("<BBH", 0x7F, 0xFF, 4)
    return hd + fp + end


def load_option(desc, dp, optional):
    return struct.pack("<IH", LOAD_OPTION_ACTIVE, len(dp)) + utf16z(desc) + dp + optional


def parse_device_path(dp):
    out, off = [], 0
    while off + 4 <= len(dp):
        t, s, n = struct.unpack_from("<BBH", dp, off)
        body = dp[off + 4:off + n]
        if (t, s) == (4, 1):
            num, start, size, sig, mbr, st = struct.unpack("<IQQ16sBB", body)
            out.append(f"HD({num},GPT,{uuid.UUID(bytes_le=sig)},{start:#x},{size:#x})")
        elif (t, s) == (4, 4):
            out.append(body.decode("utf-16-le").rstrip("\0"))
        elif t == 0x7F:
            break
        else:
            out.append(f"({t},{s},{body.hex()})")
        if n < 4:
            break
        off += n
    return "/".join(out)


def describe(v):
    d = v["data"]
    if v["guid"] == GLOBAL_VARIABLE_GUID and v["name"].startswith("Boot") and len(v["name"]) == 8 and len(d) >= 6:
        attrs, dp_len = struct.unpack_from("<IH", d)
        i = 6
        while i + 1 < len(d) and d[i:i + 2] != b"\0\0":
            i += 2
        desc = d[6:i].decode("utf-16-le")
        dp = d[i + 2:i + 2 + dp_len]
        opt = d[i + 2 + dp_len:]
        text = opt.decode("utf-16-le", "replace") if len(opt) % 2 == 0 else opt.hex()
        return f"attr={attrs:#x} {desc!r} {parse_device_path(dp)} optional={text!r}"
    if v["name"] in ("BootOrder", "DriverOrder") and len(d) % 2 == 0:
        return " ".join(f"{x:04X}" for x in struct.unpack(f"<{len(d) // 2}H", d))
    return d[:32].hex() + ("..." if len(d) > 32 else "")


def list_vars(path):
    with open(path, "rb") as f:
        store = Store(bytearray(f.read()))
    names = {VAR_ADDED: "added", VAR_ADDED & VAR_IN_DELETED_TRANSITION & VAR_DELETED: "deleted",
             VAR_ADDED & VAR_DELETED: "deleted", VAR_ADDED & VAR_IN_DELETED_TRANSITION: "in-deletion"}
    for v in store.vars:
        state = names.get(v["state"], f"{v['state']:#x}")
        print(f"{v['off']:#07x} {state:11} {uuid.UUID(bytes_le=v['guid'])} {v['name']}: {describe(v)}")
    print(f"free space from {store.free:#x} to {store.end:#x}; FTW working block at {store.ftw:#x}")


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--list":
        list_vars(args[1])
        return
    opt = {"--disk": None, "--part": None, "--file": None, "--desc": None, "--data": ""}
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opt and i + 1 < len(args):
            opt[args[i]] = args[i + 1]
            i += 2
        elif args[i].startswith("--"):
            raise Refuse(f"unknown or incomplete option {args[i]}\n{__doc__.strip()}")
        else:
            pos.append(args[i])
            i += 1
    if len(pos) != 2 or None in opt.values():
        raise Refuse(__doc__.strip())
    template, out = pos
    with open(template, "rb") as f:
        image = bytearray(f.read())
    store = Store(image)
    start, size, unique = gpt_partition(opt["--disk"], int(opt["--part"]))
    dp = device_path(int(opt["--part"]), start, size, unique, opt["--file"])
    option = load_option(opt["--desc"], dp, utf16z(opt["--data"]))
    at_boot = store.set("Boot0001", GLOBAL_VARIABLE_GUID, NV_BS_RT, option)
    at_order = store.set("BootOrder", GLOBAL_VARIABLE_GUID, NV_BS_RT, struct.pack("<H", 0x0001))
    Store(image)  # re-read what was written, with the same checks
    with open(out + ".tmp", "wb") as f:
        f.write(image)
    os.replace(out + ".tmp", out)
    print(f"mkvars: {out}: Boot0001 at {at_boot:#x} ({len(option)} bytes: {parse_device_path(dp)}), "
          f"BootOrder at {at_order:#x}, partition {opt['--part']} GUID {uuid.UUID(bytes_le=unique)} "
          f"start {start} size {size}")


if __name__ == "__main__":
    try:
        main()
    except (Refuse, OSError, ValueError) as e:
        print(f"mkvars: {e}", file=sys.stderr)
        sys.exit(1)
