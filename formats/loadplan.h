/* loadplan.h: the load plan, the one interface between kernel format handlers and platforms. */
#ifndef BATON_LOADPLAN_H
#define BATON_LOADPLAN_H

#include "lib.h"
#include "bootenv.h"

#define LP_MAX_SEGS   16
#define LP_MAX_PIECES 17 /* initrds concatenated into one segment */
#define LP_MAX_FILES  17 /* the kernel + up to 16 initrds or modules */

/* An input file: its size and its first bytes (enough to detect the format and parse headers). */
struct lp_file {
	const char *path;
	uint64_t size;
	const uint8_t *head;
	size_t head_len;
	/* Bytes past the head (ELF notes and section headers): reads [off, off + len) into buf.
	 * NULL when the head is all there is to read. */
	int (*read)(const struct lp_file *f, uint64_t off, uint64_t len, void *buf);
	void *ctx;
	const char *args; /* a module's arguments (config `module PATH ARGS`), or NULL */
};

/* Reads any bytes of f, from the head when they are there; E_FORMAT past the end. */
int lp_read(const struct lp_file *f, uint64_t off, uint64_t len, void *buf);

/* What a format handler is given. */
struct lp_input {
	struct lp_file kernel;
	struct lp_file mods[LP_MAX_FILES - 1];
	int n_mods;
	const char *cmdline;
	const char *loader_name; /* "baton 0.1" */
	const char *protocol;	 /* the entry's forced protocol, or NULL (detected) */
	bool efi;		 /* the platform can start EFI images (UEFI boot services) */
	bool bios;		 /* the platform is a PC BIOS: 16-bit real-mode entries can run */
	uint8_t bios_drive; /* BIOS: the drive number of the kernel's disk (0x80...), 0 = none */
	/* BIOS: the kernel's partition on that disk, numbered from 0 as Multiboot's boot device
	 * counts them (a logical MBR partition is 4 and up); -1 for a whole disk or a CD. */
	int bios_part;
	/* Chainload: the volume the boot sector belongs to (the one named, or the one holding the
	 * file), or NULL when it is not known (host probe of a bare file). */
	const struct lp_bootsect *bootsect;
};

/* The volume a chainloaded boot sector belongs to, as the caller found it (formats/chainload.c). */
struct lp_bootsect {
	const char *name;	/* "hd0,msdos1", "hd1": for messages */
	bool partition;		/* a partition; else a whole disk (an MBR is chainloaded) */
	bool gpt;		/* a GPT partition: no MBR entry exists, one is made up */
	const uint8_t *table;	/* MBR partitions: the 512-byte MBR or EBR holding its entry */
	int slot;		/* its entry in table: 0-3 */
	uint64_t start, blocks; /* the partition on its disk, in the disk's sectors */
	uint8_t type;		/* the MBR type byte (GPT: 0) */
};

/* Where a piece of a segment comes from: a range of an input file, or bytes in memory. */
struct lp_piece {
	int file;	  /* 0 = kernel, 1.. = mods[file-1]; -1: mem */
	const void *mem;  /* when file < 0 */
	uint64_t off;	  /* offset in the file */
	uint64_t len;	  /* bytes to copy */
	uint64_t dst_off; /* offset inside the segment */
};

enum lp_place {
	LP_FIXED,    /* exactly at addr */
	LP_ANYWHERE, /* anywhere in [min, max) aligned to align; addr (if non-zero) is tried first
		      */
	LP_SERVED,   /* not placed: the platform serves its bytes on request (EFI LoadFile2) */
};

enum lp_seg_flags {
	LP_EXEC = 1,	 /* holds code (allocated as loader code) */
	LP_TOP_DOWN = 2, /* prefer the highest fitting address (initrds, as other loaders do) */
	LP_NOZERO = 4,	 /* bytes past the pieces are room the kernel clears itself: don't zero */
};

struct lp_segment {
	const char *name; /* "kernel", "initrd", "boot_params", "cmdline" */
	enum lp_place place;
	uint64_t addr, min, max, align;
	unsigned flags;
	uint64_t memsz; /* bytes reserved; whatever no piece covers is zero-filled */
	struct lp_piece piece[LP_MAX_PIECES];
	int n_pieces;
	/* Filled by the executor: */
	uint64_t placed; /* the physical address it occupies when the kernel runs */
	void *ptr;	 /* where its bytes are in the loader's address space now */
	bool reloc;	 /* ptr != placed: the relocator moves it after leaving the firmware */
};

enum lp_mode {
	LP_MODE_LONG64, /* 64-bit long mode, paging on, identity map */
	LP_MODE_PROT32, /* 32-bit protected mode, paging off */
	/* seg[entry_seg] is a PE image the firmware loads and starts (LoadImage/StartImage), with
	 * options as its load options and a LP_SERVED segment, if any, as its LoadFile2 initrd. */
	LP_MODE_EFI_IMAGE,
	/* 64-bit, firmware still running (Multiboot 2 EFI boot services tag): entered with the
	 * firmware's page tables, GDT and stack, RCX = image handle, RDX = system table. */
	LP_MODE_EFI64_BS,
	/*
	 * 16-bit real mode, BIOS only (Linux's 16-bit entry, boot sectors): the BIOS's IVT in the
	 * IDTR (base 0, limit 0x3ff), A20 on, CR0 = ET only; entered at r16.cs:r16.ip with r16's
	 * segment registers, SP and flag, and reg[]'s values (32 bits each).
	 */
	LP_MODE_REAL16,
};

/*
 * LP_MODE_REAL16's entry state. With base_seg >= 0 every segment value is relative to the
 * paragraph where seg[base_seg] landed (placed >> 4), so a handler need not know where that is.
 */
struct lp_real16 {
	int base_seg; /* -1: the values are absolute */
	uint16_t cs, ip, ds, es, fs, gs, ss, sp;
	bool sti; /* EFLAGS.IF set at entry (the BIOS's own boot convention), else clear */
};

/* Consoles a kernel can use (Multiboot 2 3.1.9 and 3.1.10 name these two). */
enum lp_console {
	LP_CON_FB = 1,	 /* a linear framebuffer */
	LP_CON_TEXT = 2, /* EGA text mode (80x25 cells at 0xB8000) */
};

/*
 * A kernel's wish for the display (Multiboot 1 header flag 2, Multiboot 2 header tags 4 and 5).
 * The platform sets a mode for it just before it builds the boot information (plat_set_video),
 * choosing among the firmware's modes with video_choose() (video.h).
 */
struct lp_video {
	unsigned prefer;	       /* LP_CON_FB or LP_CON_TEXT; 0: no wish, the mode stays */
	unsigned accept;	       /* every console the kernel can use (LP_CON_*) */
	uint32_t width, height, depth; /* the preferred mode, 0 = no preference (text: cells) */
	bool required;		       /* no console in accept: the load fails */
	const char *source;	       /* what asks, for messages: "Multiboot header flag 2" */
};

/* A register value: a constant, or a placed segment's address plus an offset. */
struct lp_reg {
	bool used;
	int seg; /* -1: value is absolute */
	uint64_t value;
};

/* A virtual range the 64-bit page tables map to physical memory (besides the 1:1 map). */
struct lp_vmap {
	uint64_t va, pa, len;
};
#define LP_MAX_VMAPS 12

enum lp_regname { LP_RAX, LP_RBX, LP_RCX, LP_RDX, LP_RSI, LP_RDI, LP_RBP, LP_NREGS };

struct load_plan {
	const char *format;	/* "linux" */
	const char *entry_kind; /* "64-bit entry (boot.rst 64-bit boot protocol)" */
	struct lp_segment seg[LP_MAX_SEGS];
	int n_segs;
	enum lp_mode mode;
	int entry_seg; /* entry = seg[entry_seg].placed + entry_off (entry_seg -1: absolute) */
	uint64_t entry_off;
	struct lp_reg reg[LP_NREGS];
	/* GDT selectors the kernel expects in CS and in DS/ES/SS (and FS/GS). */
	uint16_t cs, ds;
	/* 32-bit entry: a selector for an active 32-bit TSS at base 0, limit 0x67 in TR (PVH). */
	uint16_t tr;
	/* The page tables must identity-map at least these placed segments (bit i = seg[i]). */
	uint32_t idmap_segs;
	/* LP_MODE_LONG64: virtual mappings on top of the identity map (ELF64 p_vaddr). */
	struct lp_vmap vmap[LP_MAX_VMAPS];
	int n_vmap;
	const char *bootinfo_kind; /* "boot_params (zero page)" */
	const char *options;	   /* LP_MODE_EFI_IMAGE: the load options (command line) */
	struct lp_video video;	   /* the display mode the kernel asks for, if any */
	struct lp_real16 r16;	   /* LP_MODE_REAL16: segment registers, SP, IF */
	/*
	 * Builds the boot information once the final memory map is known, writing through the
	 * segments' ptr. Runs after the firmware is gone: it must not fail or allocate.
	 */
	void (*finish)(struct load_plan *p, const struct bootenv *env);
	void *priv;		       /* handler's own state for finish() */
	void (*free_priv)(void *priv); /* frees what priv points to (not priv itself), or NULL */
};

/* A format handler: pure, touches no firmware. */
struct format {
	const char *name;
	/* Returns true when the bytes look like this format (used for detection). */
	bool (*detect)(const struct lp_file *k);
	/*
	 * Optional: when detect() said no, is this the format's signature, broken (a Multiboot
	 * header's bad checksum, an ELF of an unknown class)? Then an error (err_set) naming the
	 * damage, so a damaged kernel is not taken for another format; else 0.
	 */
	int (*damaged)(const struct lp_file *k);
	/* Builds the plan; errors are E_FORMAT/E_RANGE/E_UNSUPP with err_set(). */
	int (*plan)(const struct lp_input *in, struct load_plan *out);
};

/* Finds the handler: by name when forced (protocol), else by detection in a documented order. */
const struct format *format_find(const struct lp_file *k, const char *forced);
/* How many bytes of a kernel's head the handlers need for detection and planning. */
#define LP_HEAD_BYTES (64 * 1024)

int lp_add_seg(struct load_plan *p, const char *name);
/* The initrd segment: in->mods concatenated at 4-byte aligned offsets; its index or an error. */
int lp_add_initrds(struct load_plan *p, const struct lp_input *in);
/* A segment page aligned anywhere in [lo, 4 GiB) (32-bit protocols' modules, boot information). */
int lp_add_below4g(struct load_plan *p, const char *name, uint64_t lo, uint64_t memsz);
/*
 * One such segment per module, holding its bytes, with room left for the boot information's
 * segment after them: the first module's segment index, or an error.
 */
int lp_add_modules(struct load_plan *p, const struct lp_input *in, uint64_t lo);
void lp_set_reg(struct load_plan *p, enum lp_regname r, int seg, uint64_t value);
uint64_t lp_reg_value(const struct load_plan *p, enum lp_regname r);
uint64_t lp_entry(const struct load_plan *p);
/* LP_MODE_REAL16: a segment register's value once base_seg is placed (may exceed 0xffff: an
 * error the executor reports). */
uint32_t lp_r16_seg(const struct load_plan *p, uint16_t v);
/* Fills b from a volume's facts; table: the MBR/EBR sector read by the caller (see part.h). */
struct volume;
void lp_bootsect_from(struct lp_bootsect *b, const struct volume *v, const uint8_t *table);
void lp_free(struct load_plan *p);

#endif
