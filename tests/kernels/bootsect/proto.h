/* proto.h: the boot-sector conformance kernel's layout, shared by sector.S, the C body and the
 * selftest. */
#ifndef BS_PROTO_H
#define BS_PROTO_H

#define BS_ADDR	  0x7c00 /* where a boot sector is loaded and entered */
#define BS_BODY	  0x7e00 /* the body: the sectors after this one on the same disk */
#define BS_STACK  0x7000 /* our stack top once the entry state is saved */
#define BS_BUF	  0x1000 /* a sector buffer for the stage's own reads */
#define BS_MAXSEC 64	 /* body sectors one INT 13h call loads below 64 KiB */

/* The expectation block at the sector's offset 2 (inside the 440 bytes an MBR's code may use). */
#define BS_MAGIC_OFF 2 /* "BTNB" */
#define BS_FLAGS_OFF 6 /* bit 0: check baton's promises too (a test clears it for SeaBIOS) */
#define BS_COUNT_OFF 8 /* body sectors (the linker fills it) */
#define BS_F_BATON   1

/* The entry state, saved by sector.S at BS_SAVE before anything else is touched. */
#define BS_SAVE 0x7800
#define S_IP1	0 /* IP of the label after the first call, as the loader's CS sees it */
#define S_CS	2
#define S_FLAGS 4
#define S_SP	6
#define S_SS	8
#define S_DS	10
#define S_ES	12
#define S_FS	14
#define S_GS	16
#define S_EAX	20
#define S_EBX	24
#define S_ECX	28
#define S_EDX	32
#define S_ESI	36
#define S_EDI	40
#define S_EBP	44
#define S_OWN	48 /* the LBA this sector was found at on drive DL */
#define S_DAP	64 /* INT 13h AH=42h disk address packet (16 bytes) */
#define S_SIZE	80

#endif
