/* platform.h: what the core needs from firmware; implemented by stage2/efi/ and stage2/bios/. */
#ifndef BATON_PLATFORM_H
#define BATON_PLATFORM_H

#include "lib.h"
#include "blockdev.h"
#include "bootenv.h"
#include "config.h"

/* --- console: screen and serial, one stream, never doubled --- */
void plat_puts(const char *s);
void plat_clear(void);
void plat_goto(int col, int row);
void plat_highlight(bool on);
void plat_console_size(int *cols, int *rows);

/*
 * The config's `serial` and `console` (struct config: port -1 off, 0 the platform's default;
 * baud 0 115200), applied as soon as the config is parsed; before that, and with a config
 * that has neither, the platform's defaults. What each means on each firmware: README.md,
 * "The config file", serial and console.
 */
void plat_console_setup(int serial_port, int serial_baud, enum cfg_console console);

/* A key: a Unicode code point (a character typed), or one of these. */
enum key {
	KEY_NONE = 0,	   /* timeout */
	KEY_UP = 0x110000, /* above every code point, so no character is taken for a key */
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_PGUP,
	KEY_PGDN,
	KEY_DELETE,
	KEY_F10,
	KEY_ESC = 27,
	KEY_ENTER = '\r',
	KEY_BACKSPACE = 8,
};
/* Waits up to timeout_ms (or forever when < 0); KEY_NONE on timeout. */
int plat_getkey(int timeout_ms);

/* --- time --- */
uint64_t plat_time_us(void);  /* monotonic microseconds */
uint64_t plat_start_us(void); /* plat_time_us() when the firmware started baton */

/* --- memory --- */
enum alloc_kind {
	ALLOC_ANY, /* anywhere in [min, max) */
	ALLOC_AT,  /* exactly at *addr */
};
/* Allocates pages of loaded-image memory; code=true when it will run as code. */
int plat_alloc_pages(uint64_t *addr, uint64_t pages, enum alloc_kind kind, uint64_t min,
		     uint64_t max, uint64_t align, bool top_down, bool code);
void plat_free_pages(uint64_t addr, uint64_t pages);
/* true when [addr, addr + len) is RAM that is free once the firmware is left (UEFI: loader and
 * boot services memory too), so a segment may be moved there at the last moment. Else *bad is
 * the first address that is not. */
bool plat_mem_reclaimable(uint64_t addr, uint64_t len, uint64_t *bad);
/* Bytes of RAM an OS could use once the firmware is left, to tell "bigger than memory" apart. */
uint64_t plat_mem_total(void);
/* Who holds addr now, for messages: "firmware data", "baton's data", "ACPI tables", ... */
const char *plat_mem_owner(uint64_t addr);

/* --- block devices --- */
/* All disks the firmware offers (whole disks, not partitions). */
int plat_disks(struct blockdev ***list);
/*
 * Asks the firmware to start the drivers of every device, once, for disks it did not connect
 * at boot; the new ones are appended to plat_disks()' list. Returns how many appeared.
 */
int plat_connect_disks(void);
/* The volume baton was started from, if it can tell: disk and starting block. */
int plat_boot_volume(struct blockdev **dev, uint64_t *start_block);

/* --- firmware facts for boot information --- */
void plat_fill_bootenv(struct bootenv *env); /* systab, RSDP, framebuffer */

/*
 * Sets the display mode a kernel asks for (the plan's video request; the mode chosen with
 * video_choose()) and says on the console what the kernel gets. Called just before
 * plat_fill_bootenv(), so the framebuffer reported is the new mode. Fails (E_UNSUPP, with a
 * message) only when the request is required and no console it accepts can be given.
 */
struct lp_video;
int plat_set_video(const struct lp_video *req);

/*
 * Leaves the firmware: takes the final memory map (into env) and ends boot services with the
 * retry loop the spec requires. Buffers for the map come from plat_reserve_map() before.
 * After this only plat_serial_puts() and plat_handoff() may be called.
 */
int plat_exit_firmware(struct bootenv *env);
void plat_serial_puts(const char *s); /* works after plat_exit_firmware() */
/* The memory map now, without leaving the firmware (a kernel that keeps boot services). */
int plat_firmware_map(struct bootenv *env);

/*
 * systemd's Boot Loader Interface: sets a variable (LoaderTimeInitUSec, ...) the booted system
 * reads, a NUL-terminated string. Nothing on firmware without EFI variables.
 */
void plat_bli_set(const char *name, const char *value);
/* The same with n strings, each NUL-terminated, back to back (LoaderEntries). */
void plat_bli_set_list(const char *name, const char *const *items, int n);
/* The same with raw bytes (LoaderFeatures: a 64-bit little-endian number). */
void plat_bli_set_bin(const char *name, const void *data, size_t len);
/*
 * Reads a string variable the OS may have set (LoaderEntryOneShot, LoaderEntryDefault, ...)
 * into buf as UTF-8: its length, or E_NOENT when there is none (always without EFI variables),
 * E_FORMAT when it is there but cannot be read (too big): a ...OneShot one is then deleted.
 */
int plat_bli_get(const char *name, char *buf, size_t size);
/* Deletes one (the one-shot variables, once read, as the Boot Loader Interface says). */
void plat_bli_del(const char *name);

/*
 * true on a PC BIOS (stage2/bios/): the BIOS stays usable until the hand-off (leaving the
 * firmware only takes the E820 map), so 16-bit real-mode entries (LP_MODE_REAL16: Linux's 16-bit
 * entry, boot sectors) can run; false under UEFI.
 */
#ifdef BATON_EFI
/* Known when BOOTX64.EFI is built: the compiler drops the real-mode paths from it. */
static inline bool plat_bios(void)
{
	return false;
}
#else
bool plat_bios(void);
#endif

/* --- starting EFI images (UEFI only) --- */
/* Bytes produced on request: read(ctx, off, len, buf) fills buf with [off, off + len). */
struct plat_source {
	uint64_t size;
	int (*read)(void *ctx, uint64_t off, uint64_t len, void *buf);
	void *ctx;
};
/* true when plat_start_image() can work (UEFI boot services). */
bool plat_can_start_images(void);
/*
 * Loads the PE image in memory and starts it with options (UTF-8, converted to the UTF-16 load
 * options) and, when initrd is not NULL, a LoadFile2 protocol on the LINUX_EFI_INITRD_MEDIA_GUID
 * device path serving its bytes. The image's device path names path on vol (NULL: none), so it
 * can find its own files. Prints banner once the image is loaded, as it starts. Returns 0 when
 * the image ran and returned EFI_SUCCESS, else an error with err_msg() set.
 */
int plat_start_image(const void *image, uint64_t size, const char *options,
		     const struct plat_source *initrd, const char *banner, const struct volume *vol,
		     const char *path);

/* Reboot or power off after a fatal error (before leaving the firmware). */
void plat_reboot(void);

/*
 * baton's CPU exception handlers (stage2/trap.c: a register dump, then back to the firmware or a
 * reset) on or off. On from the platform's start; off, with the firmware's tables back, before
 * anything else runs: an EFI image, a kernel, the firmware after ExitBootServices.
 */
void plat_traps(bool on);

#endif
