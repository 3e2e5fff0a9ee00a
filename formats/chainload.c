/* chainload.c: protocol chainload: a BIOS boot sector at 0000:7C00 (under UEFI: an EFI image). */
#include "loadplan.h"
#include "blockdev.h"

#define BOOT_ADDR  0x7c00 /* where INT 19h loads a boot sector and jumps (BIOS Boot Spec 1.01) */
#define TABLE_ADDR 0x600  /* the sector holding the entry, where an MS-DOS MBR moves itself */
#define ENTRIES	   0x1be  /* the partition table's offset in an MBR or EBR */

enum { SEG_SECTOR, SEG_TABLE };

struct chain_priv {
	uint8_t table[512]; /* what lands at 0000:0600 */
};

/* Never detected: a boot sector's only mark, 0x55AA at 510, is on every bzImage too. */
static bool chain_detect(const struct lp_file *k)
{
	return false;
}

void lp_bootsect_from(struct lp_bootsect *b, const struct volume *v, const uint8_t *table)
{
	memset(b, 0, sizeof(*b));
	b->name = v->name;
	b->partition = v->scheme != PART_NONE && v->index;
	b->gpt = v->scheme == PART_GPT;
	b->table = v->scheme == PART_MBR ? table : NULL;
	b->slot = v->table_slot;
	b->start = v->start;
	b->blocks = v->blocks;
	b->type = v->mbr_type;
}

#ifndef BATON_EFI /* the UEFI build has no boot sectors to start: see chain_plan */
/*
 * DS:SI for a partition's boot sector (VBR). An MS-DOS MBR copies itself to 0000:0600, so the
 * entry of the partition it boots is at 0000:07BE + 16 * slot, and jumps to the VBR with DS:SI
 * (and BP, which Windows' VBRs read) pointing at it; GRUB's chainloader puts the partition table
 * at the same 0000:07BE. baton copies the whole sector that holds the entry (the MBR, or for a
 * logical partition its EBR) to 0000:0600, so 07BE-07FD is that table, and makes the entry
 * describe the partition as a VBR expects: its start LBA absolute (an EBR's is relative to the
 * EBR, which VBRs such as SYSLINUX's would take for absolute) and its boot flag 0x80 (an MBR only
 * boots an active one). A GPT partition has no MBR entry: one is made up at 07BE, type 0xED as
 * the hybrid "!GPT" handover marks it, CHS 0xFE/0xFF/0xFF (use the LBA), start and size clamped
 * to 32 bits.
 */
static void make_table(const struct lp_bootsect *b, uint8_t *t)
{
	int slot = b->table ? b->slot : 0;
	uint8_t *e = t + ENTRIES + 16 * slot;

	if (b->table) {
		memcpy(t, b->table, 512);
	} else {
		memset(t, 0, 512);
		e[4] = 0xed;
		e[1] = e[5] = 0xfe; /* CHS beyond 1024 cylinders: the LBA fields are what counts */
		e[2] = e[3] = e[6] = e[7] = 0xff;
		t[510] = 0x55, t[511] = 0xaa;
	}
	e[0] = 0x80;
	put32(e + 8, (uint32_t)MIN(b->start, 0xffffffffull));
	put32(e + 12, (uint32_t)MIN(b->blocks, 0xffffffffull));
}

static int boot_sector_plan(const struct lp_input *in, struct load_plan *p)
{
	const struct lp_bootsect *b = in->bootsect;
	int s;

	if (in->kernel.size < 512 || in->kernel.head_len < 512)
		return err_set(E_FORMAT, "%s: %llu bytes, less than a 512-byte boot sector",
			       in->kernel.path, (unsigned long long)in->kernel.size);
	/* A BIOS only boots a sector ending in 0x55 0xAA (BIOS Boot Spec 1.01); nor does baton. */
	if (in->kernel.head[510] != 0x55 || in->kernel.head[511] != 0xaa)
		return err_set(E_FORMAT,
			       "%s: not a boot sector (bytes 510-511 are %02x %02x, not the 55 AA "
			       "signature)",
			       in->kernel.path, in->kernel.head[510], in->kernel.head[511]);
	if (!in->bios_drive)
		return err_set(E_UNSUPP, "%s: the BIOS drive number of %s is not known",
			       in->kernel.path, b ? b->name : "its disk");
	p->format = "chainload";
	p->entry_kind = b && b->partition ? "boot sector (VBR) at 0000:7C00, DS:SI = its "
					    "partition entry"
					  : "boot sector at 0000:7C00";
	p->bootinfo_kind = "DL = BIOS drive number; DS:SI and BP = partition entry (0 without)";
	s = lp_add_seg(p, "bootsector");
	p->seg[s] = (struct lp_segment){.name = "bootsector",
					.place = LP_FIXED,
					.addr = BOOT_ADDR,
					.flags = LP_EXEC,
					.memsz = 512};
	p->seg[s].piece[p->seg[s].n_pieces++] = (struct lp_piece){.file = 0, .len = 512};

	uint32_t entry = 0;
	if (b && b->partition) {
		struct chain_priv *cp = mem_zalloc(sizeof(*cp));
		if (!cp)
			return err_set(E_NOMEM, "out of memory");
		p->priv = cp;
		make_table(b, cp->table);
		s = lp_add_seg(p, "ptable");
		p->seg[s] = (struct lp_segment){
		    .name = "ptable", .place = LP_FIXED, .addr = TABLE_ADDR, .memsz = 512};
		p->seg[s].piece[p->seg[s].n_pieces++] =
		    (struct lp_piece){.file = -1, .mem = cp->table, .len = 512};
		entry = TABLE_ADDR + ENTRIES + 16 * (b->table ? b->slot : 0);
	}
	/*
	 * The state a BIOS's INT 19h gives a boot sector (BIOS Boot Spec 1.01; SeaBIOS, the
	 * reference, jumps with IF set): CS:IP = 0000:7C00, DL = the drive, interrupts enabled, the
	 * IVT and BDA intact. DS = ES = SS = 0, SP = 7C00 (the stack below the sector, as GRUB's
	 * chainloader sets it); ES:DI would point at a PnP BIOS's "$PnP" header (PnP BIOS Spec
	 * 1.0A 2.4): baton gives 0, claiming no PnP BIOS.
	 */
	p->mode = LP_MODE_REAL16;
	p->r16 = (struct lp_real16){.base_seg = -1, .ip = BOOT_ADDR, .sp = BOOT_ADDR, .sti = true};
	p->entry_seg = SEG_SECTOR;
	p->entry_off = 0;
	for (int r = 0; r < LP_NREGS; r++)
		lp_set_reg(p, (enum lp_regname)r, -1, 0);
	lp_set_reg(p, LP_RDX, -1, in->bios_drive);
	lp_set_reg(p, LP_RSI, -1, entry);
	lp_set_reg(p, LP_RBP, -1, entry);
	return 0;
}
#endif

static int chain_plan(const struct lp_input *in, struct load_plan *p)
{
	extern const struct format format_efi;

	/* Under UEFI chainload is what it always meant there: another EFI application. */
	if (!in->bios) {
		int r = format_efi.plan(in, p);
		p->format = "chainload";
		return r;
	}
#ifdef BATON_EFI
	return err_set(E_UNSUPP, "needs BIOS: a boot sector");
#else
	return boot_sector_plan(in, p);
#endif
}

const struct format format_chainload = {
    .name = "chainload",
    .detect = chain_detect,
    .plan = chain_plan,
};
