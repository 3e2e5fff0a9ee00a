/* gap.h: the BIOS gap part's header and the body's header, shared by gap.S, the body and the installer. */
#ifndef BATON_GAP_H
#define BATON_GAP_H

/*
 * stage1 loads gap.bin (at most GAP_MAX bytes, in the MBR gap or a GPT BIOS boot partition) to
 * 0000:8000. gap.bin reads the body file (bios.bin, in a filesystem) by the block list the
 * installer wrote in its header, to BODY_ADDR, checks its CRC-32 and build id, and jumps to it in
 * real mode with DL = the boot drive and SI = this header. The CD boot image passes a header of
 * the same layout (boot_lba 0, sector_size 2048).
 */
#define GAP_ADDR	 0x8000
#define GAP_HDR_OFF	 8
#define GAP_MAX		 4096
#define GAP_MAX_EXT	 128
#define BODY_ADDR	 0x9000
#define BODY_END	 0x60000 /* the bounce buffer starts here: body and .bss stay below */
#define GAP_HDR_MAGIC	 0x474e5442 /* "BTNG" */
#define BODY_MAGIC	 0x334e5442 /* "BTN3" at body + 4 */
#define BODY_BUILDID_OFF 8

/* Offsets in struct gap_hdr, for gap.S. */
#define GH_MAGIC     0
#define GH_VERSION   4
#define GH_BUILD_ID  8
#define GH_BODY_SIZE 16
#define GH_BODY_CRC  20
#define GH_BOOT_LBA  24
#define GH_N_EXT     32
#define GH_MAX_EXT   34
#define GH_SECTOR    36
#define GH_EXT_OFF   38
#define GH_DRIVE     40
#define GH_FLAGS     41
#define GH_TSC	     48 /* the TSC when the gap part started: the start of baton's clock */
#define GH_SIZE	     64

#ifndef __ASSEMBLER__
#include <stdint.h>

struct gap_hdr {
	uint32_t magic;	      /* GAP_HDR_MAGIC */
	uint32_t version;     /* 1 */
	uint64_t build_id;    /* the body's, from the same build (make writes both) */
	uint32_t body_size;   /* bytes of the body file (installer) */
	uint32_t body_crc;    /* zlib CRC-32 of those bytes (installer) */
	uint64_t boot_lba;    /* first sector of the volume holding the body and the config */
	uint16_t n_ext;	      /* extents used (installer) */
	uint16_t max_ext;     /* GAP_MAX_EXT */
	uint16_t sector_size; /* bytes per sector of the extents' LBAs (installer) */
	uint16_t ext_off;     /* offset of struct gap_ext[max_ext] in gap.bin */
	uint8_t drive;	      /* run time: the BIOS drive the body came from */
	uint8_t flags;
	uint8_t reserved[6];
	uint64_t tsc; /* run time: the TSC as the gap part started (0: unknown) */
	uint8_t reserved2[8];
} __attribute__((packed));

struct gap_ext {
	uint64_t lba;
	uint32_t count; /* sectors */
	uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct gap_hdr) == GH_SIZE, "gap_hdr layout");
#endif

#endif
