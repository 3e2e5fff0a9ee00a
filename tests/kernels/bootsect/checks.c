/* checks.c: what a boot sector may count on from whoever jumps to it, checked (kernel, selftest).
 */
#include "checks.h"

#define EXTENDED(t) ((t) == 0x05 || (t) == 0x0f || (t) == 0x85)

/* Where the disk itself keeps this partition's entry: the MBR, or the EBR of a logical one. */
struct on_disk {
	bool found;
	uint32_t table_lba; /* the sector holding the entry */
	int slot;
	uint8_t table[512];
	uint32_t start; /* absolute */
};

static void find_entry(const struct bs_state *st, uint8_t drive, struct on_disk *d)
{
	uint8_t *t = d->table;

	d->found = false;
	if (st->read(st->ctx, drive, 0, t))
		return;
	uint32_t ext = 0;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = t + 0x1be + 16 * i;
		if (e[4] && !EXTENDED(e[4]) && ld32(e + 8) == st->own_lba) {
			*d = (struct on_disk){.found = true, .table_lba = 0, .slot = i};
			st->read(st->ctx, drive, 0, d->table);
			d->start = st->own_lba;
			return;
		}
		if (EXTENDED(e[4]) && !ext)
			ext = ld32(e + 8);
	}
	/* The logical partitions: EBR entries are relative to their EBR, links to the extended. */
	for (uint32_t ebr = ext, n = 0; ebr && n < 64; n++) {
		if (st->read(st->ctx, drive, ebr, t))
			return;
		if (t[4 + 0x1be] && ebr + ld32(t + 0x1be + 8) == st->own_lba) {
			d->found = true, d->table_lba = ebr, d->slot = 0, d->start = st->own_lba;
			return;
		}
		const uint8_t *link = t + 0x1ce;
		ebr = EXTENDED(link[4]) ? ext + ld32(link + 8) : 0;
	}
}

static void check_partition(const struct bs_state *st, struct report *r, uint8_t drive)
{
	uint16_t si = (uint16_t)st->esi;
	uint8_t e[16], low[512];
	struct on_disk d;

	bool at_table = st->ds == 0 && si >= 0x7be && si <= 0x7ee && !((si - 0x7be) & 15);
	rp_check(r, at_table,
		 "DS:SI points into the partition table at 0000:07BE (where an MS-DOS MBR's copy "
		 "of itself at 0000:0600 has it)",
		 "DS:SI %04x:%04x", st->ds, si);
	if (st->peek(st->ctx, (uint32_t)st->ds * 16 + si, e, 16)) {
		rp_fail(r, "the entry at DS:SI starts where this sector was read from",
			"unreadable");
		return;
	}
	rp_check(r, ld32(e + 8) == st->own_lba,
		 "the entry at DS:SI starts where this sector was read from (absolute LBA, also "
		 "for a logical partition)",
		 "entry LBA %u, this sector is LBA %u", ld32(e + 8), st->own_lba);
	find_entry(st, drive, &d);
	const uint8_t *de = d.table + 0x1be + 16 * d.slot;
	if (!rp_check(r, d.found && e[4] == de[4] && ld32(e + 12) == ld32(de + 12),
		      "the entry at DS:SI is the partition's own: type and size as the MBR (or its "
		      "EBR chain) has them",
		      d.found ? "type 0x%02x, %u sectors; on the disk type 0x%02x, %u sectors"
			      : "no partition of the disk starts at LBA %u",
		      d.found ? e[4] : st->own_lba, ld32(e + 12), de[4], ld32(de + 12)))
		return;
	rp_check(r, e[0] == 0x80 || e[0] == de[0],
		 "the entry's boot flag is 0x80 (active) or the disk's",
		 "0x%02x, the disk's 0x%02x", e[0], de[0]);
	if (!st->baton)
		return;
	rp_check(r, e[0] == 0x80,
		 "baton: the entry's boot flag is 0x80 (an MBR boots an active one)", "0x%02x",
		 e[0]);
	/* baton's copy: the sector holding the entry, with the entry's flag and LBA as a VBR wants.
	 */
	bool same = !st->peek(st->ctx, 0x600, low, 512);
	for (int i = 0; same && i < 512; i++) {
		int k = i - (0x1be + 16 * d.slot);
		if (k == 0 || (k >= 8 && k < 12))
			continue;
		if (low[i] != d.table[i]) {
			rp_fail(r,
				"baton: 0000:0600 holds the sector with the entry (the MBR, or a "
				"logical "
				"partition's EBR)",
				"byte 0x%x is 0x%02x, the disk's sector %u has 0x%02x", 0x600 + i,
				low[i], d.table_lba, d.table[i]);
			same = false;
			goto bp;
		}
	}
	rp_check(r, same,
		 "baton: 0000:0600 holds the sector with the entry (the MBR, or a logical "
		 "partition's EBR)",
		 "unreadable");
bp:
	rp_check(r, (uint16_t)st->ebp == si, "baton: BP = SI (Windows' VBRs read the entry there)",
		 "BP 0x%04x, SI 0x%04x", (uint16_t)st->ebp, si);
}

void bs_run_checks(const struct bs_state *st, struct report *r)
{
	uint8_t drive = (uint8_t)st->edx, buf[512], sec[512], bda[0x20], ivt[4];

	rp_printf(
	    r,
	    "\nbaton boot-sector conformance kernel: drive=0x%02x lba=%u, entered at %04x:%04x, "
	    "DS:SI %04x:%04x, ES:DI %04x:%04x, SS:SP %04x:%04x, BP %04x, FLAGS %04x\n",
	    drive, st->own_lba, st->cs, st->ip, st->ds, (uint16_t)st->esi, st->es,
	    (uint16_t)st->edi, st->ss, st->sp, (uint16_t)st->ebp, st->flags);
	rp_check(r, st->cs == 0 && st->ip == 0x7c00, "entered at 0000:7C00 (CS 0, IP 0x7C00)",
		 "CS:IP %04x:%04x", st->cs, st->ip);
	rp_check(r, !(st->msw & 1), "real mode: CR0.PE clear", "CR0 low word 0x%04x", st->msw);
	rp_check(r, st->idt_base == 0 && st->idt_limit == 0x3ff,
		 "IDTR holds the real-mode IVT: base 0, limit 0x3ff", "base 0x%x, limit 0x%x",
		 st->idt_base, st->idt_limit);
	rp_check(r, st->flags & 0x200,
		 "interrupts enabled at entry (FLAGS.IF set, as the BIOS's INT 19h boots)",
		 "FLAGS 0x%04x", st->flags);
	/* The BIOS is alive: its data area, its vectors, its disk services on DL. */
	bool bda_ok = !st->peek(st->ctx, 0x400, bda, sizeof(bda));
	rp_check(r, bda_ok && st->int12 && st->int12 <= 640 && st->int12 == ld16(bda + 0x13),
		 "BIOS data area intact: INT 12h's low memory is the word at 0x413", "%u KiB, 0x%x",
		 st->int12, bda_ok ? ld16(bda + 0x13) : 0);
	rp_check(r, !st->peek(st->ctx, 0x13 * 4, ivt, 4) && ld32(ivt),
		 "IVT: INT 13h's vector is set", "vector 0x13 is 0");
	rp_check(r, !st->ext_cf && st->ext_bx == 0xaa55,
		 "INT 13h works on DL: extensions present (AH=41h)", "CF %u, BX 0x%04x", st->ext_cf,
		 st->ext_bx);
	rp_check(r, !st->params_cf && st->sectors > st->own_lba,
		 "INT 13h works on DL: AH=48h describes a disk holding this sector",
		 "CF %u, %u sectors", st->params_cf, (unsigned)st->sectors);
	bool same = !st->peek(st->ctx, 0x7c00, sec, 512) &&
		    !st->read(st->ctx, drive, st->own_lba, buf) && c_memeq(buf, sec, 512);
	rp_check(r, same, "DL is the drive this sector was read from (these 512 bytes are on it)",
		 "LBA %u of drive 0x%02x differs or cannot be read", st->own_lba, drive);
	/* ES:DI: a PnP BIOS's "$PnP" installation check header (PnP BIOS 1.0A 2.4), or nothing. */
	uint8_t pnp[4] = {0};
	uint32_t esdi = (uint32_t)st->es * 16 + (uint16_t)st->edi;
	rp_check(r, !esdi || (!st->peek(st->ctx, esdi, pnp, 4) && c_memeq(pnp, "$PnP", 4)),
		 "ES:DI is 0 or points at a \"$PnP\" header",
		 "ES:DI %04x:%04x holds %02x %02x %02x %02x", st->es, (uint16_t)st->edi, pnp[0],
		 pnp[1], pnp[2], pnp[3]);
	if (st->own_lba)
		check_partition(st, r, drive);
	else if (st->baton)
		rp_check(r, !(uint16_t)st->esi,
			 "baton: a whole disk's MBR gets SI = 0 (no partition entry, as GRUB does)",
			 "SI 0x%04x", (uint16_t)st->esi);
	if (st->baton) {
		rp_check(r, st->ss == 0 && st->sp == 0x7c00,
			 "baton: SS:SP = 0000:7C00 (below the sector, as GRUB's chainloader)",
			 "SS:SP %04x:%04x", st->ss, st->sp);
		rp_check(r, !st->es && !(uint16_t)st->edi && !st->fs && !st->gs,
			 "baton: ES = FS = GS = 0, DI = 0 (no PnP BIOS claimed)",
			 "ES %04x FS %04x GS %04x DI %04x", st->es, st->fs, st->gs,
			 (uint16_t)st->edi);
		rp_check(r, st->a20, "baton: A20 enabled (left on)", "1 MiB wraps to 0");
		rp_check(r, !(st->flags & 0x400), "baton: FLAGS.DF clear", "FLAGS %04x", st->flags);
	}
	rp_summary(r, "bootsect");
}
