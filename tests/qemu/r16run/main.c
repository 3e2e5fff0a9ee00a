/* main.c: r16run, a test-only BIOS body: boots baton.cfg's first entry through baton's own core. */
/*
 * Not the BIOS platform (stage2/bios/ is being written): a stand-in with just enough of
 * platform.h for stage2/boot.c, exec.c and handoff.S to run on SeaBIOS, so the real-mode entries
 * (LP_MODE_REAL16: linux16, chainload) are checked end to end now. It is stage2/bios's entry.S,
 * thunk.S, disk.c and mem.c with this main and plat.c: stage1 and the gap part load it as they
 * load the body. It reads baton.cfg from the FAT volume labelled R16RUN, boots its first entry,
 * and reports an error (and exits QEMU with failure) if that returns.
 */
#include "bios.h"
#include "core.h"
#include "platform.h"

void bios_heap_init(void *base, size_t size);
void r16_plat_init(uint32_t drive);
void bios_main(uint32_t drive, uint32_t patch);

void bios_main(uint32_t drive, uint32_t patch)
{
	struct fs_file *f = NULL;
	struct bvol *bv;
	const char *path;
	struct config cfg;
	char *text = NULL;
	int r;

	bios_heap_init((void *)0x1000000, 64u << 20); /* 16-80 MiB, as stage2/bios's main */
	r16_plat_init(drive);
	con_printf("r16run: baton's core on SeaBIOS, drive 0x%02x\n", drive);
	volumes_scan();
	memset(&cfg, 0, sizeof(cfg));
	r = volumes_open("label:R16RUN/baton.cfg", NULL, &f, &bv, &path);
	if (!r && !(text = mem_alloc(f->size + 1)))
		r = err_set(E_NOMEM, "out of memory");
	if (!r)
		r = fs_read(f, 0, f->size, text);
	if (!r)
		r = config_parse(text, (size_t)f->size, "baton.cfg", &cfg);
	for (int i = 0; i < cfg.n_errors; i++)
		con_printf("%s\n", cfg.errors[i]);
	if (!r && !cfg.n_entries)
		r = err_set(E_INVAL, "baton.cfg has no entry");
	if (!r) {
		con_printf("r16run: booting '%s'\n", cfg.entries[0].title);
		r = boot_entry(&cfg.entries[0], bv);
	}
	con_printf("r16run: error: %s\n", err_msg());
	__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x11), "Nd"((uint16_t)0xf4));
	for (;;)
		__asm__ volatile("cli; hlt");
}
