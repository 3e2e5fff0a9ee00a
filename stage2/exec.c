/* exec.c: executes a load plan: places segments, reads files into them, hands off. */
#include "core.h"
#include "platform.h"

#define PAGE 4096ull

static uint64_t reads_total(void)
{
	struct blockdev **d;
	int n = plat_disks(&d);
	uint64_t t = 0;

	for (int i = 0; i < n; i++)
		t += d[i]->read_calls;
	return t;
}

static int place(struct lp_segment *s)
{
	if (s->place == LP_SERVED)
		return 0;
	uint64_t pages = ALIGN_UP(s->memsz ? s->memsz : 1, PAGE) / PAGE;
	bool code = s->flags & LP_EXEC;
	uint64_t a = s->addr;

	if (s->place == LP_FIXED) {
		if (plat_alloc_pages(&a, pages, ALLOC_AT, 0, 0, 0, false, code))
			return err_set(
			    E_NOMEM, "%s needs %llu KiB at 0x%llx, which is not free memory",
			    s->name, (unsigned long long)(pages * 4), (unsigned long long)s->addr);
	} else {
		uint64_t align = s->align ? s->align : PAGE;
		/* The preferred address first, when it is allowed (boot.rst pref_address). */
		bool ok = a && !(a % align) && a >= s->min && a + pages * PAGE <= s->max &&
			  !plat_alloc_pages(&a, pages, ALLOC_AT, 0, 0, 0, false, code);
		if (!ok && plat_alloc_pages(&a, pages, ALLOC_ANY, s->min, s->max, align,
					    s->flags & LP_TOP_DOWN, code))
			return err_set(
			    E_NOMEM,
			    "not enough free memory for %s (%llu MiB, aligned to 0x%llx, "
			    "below 0x%llx)",
			    s->name, (unsigned long long)((pages * PAGE + (1 << 20) - 1) >> 20),
			    (unsigned long long)align, (unsigned long long)s->max);
	}
	s->placed = a;
	s->ptr = (void *)(uintptr_t)a; /* UEFI identity-maps memory */
	return 0;
}

static int fill(struct lp_segment *s, struct exec_file *files, int n_files, uint64_t *bytes)
{
	uint8_t *dst = s->ptr;
	uint64_t at = 0;

	if (s->place == LP_SERVED)
		return 0;
	for (int i = 0; i < s->n_pieces; i++) {
		const struct lp_piece *pc = &s->piece[i];
		if (pc->dst_off < at || pc->dst_off + pc->len > s->memsz)
			return err_set(E_INVAL, "bad load plan: %s piece %d out of order", s->name,
				       i);
		if (!(s->flags & LP_NOZERO))
			memset(dst + at, 0, pc->dst_off - at);
		if (pc->file < 0) {
			memcpy(dst + pc->dst_off, pc->mem, pc->len);
		} else {
			if (pc->file >= n_files)
				return err_set(E_INVAL, "bad load plan: file %d", pc->file);
			/* One call for the whole piece: the filesystem turns it into few large
			 * reads. */
			int r = fs_read(files[pc->file].f, pc->off, pc->len, dst + pc->dst_off);
			if (r) {
				char tmp[200];
				strlcpy_b(tmp, err_msg(), sizeof(tmp));
				return err_set(r, "reading %s: %s", files[pc->file].path, tmp);
			}
			*bytes += pc->len;
		}
		at = pc->dst_off + pc->len;
	}
	if (!(s->flags & LP_NOZERO))
		memset(dst + at, 0, s->memsz - at);
	return 0;
}

struct __attribute__((packed)) gdtr {
	uint16_t limit;
	uint64_t base;
};

/* boot.rst 64-bit protocol: 4G flat __BOOT_CS (execute/read, here 64-bit) and __BOOT_DS
 * (read/write). */
static uint64_t gdt[8] __attribute__((aligned(16)));
static struct gdtr gdtr;
static uint64_t regs[LP_NREGS];

/* A LP_SERVED segment's bytes, read when the started image asks for them. */
struct served {
	const struct lp_segment *s;
	struct exec_file *files;
	int n_files;
};

static int serve(void *ctx, uint64_t off, uint64_t len, void *buf)
{
	const struct served *sv = ctx;
	const struct lp_segment *s = sv->s;
	uint8_t *dst = buf;
	uint64_t at = off, end = off + len; /* at: bytes before it are done */

	if (off > s->memsz || len > s->memsz - off)
		return err_set(E_RANGE, "%s: read past its end", s->name);
	for (int i = 0; i < s->n_pieces && at < end; i++) {
		const struct lp_piece *pc = &s->piece[i];
		uint64_t a = MAX(at, pc->dst_off), b = MIN(end, pc->dst_off + pc->len);
		if (a >= b)
			continue;
		if (pc->file < 0 || pc->file >= sv->n_files)
			return err_set(E_INVAL, "bad load plan: %s piece %d", s->name, i);
		/* Only the alignment gaps between files are zeroed: a memset of the whole buffer
		 * would cost as much as reading it. */
		memset(dst + (at - off), 0, a - at);
		int r = fs_read(sv->files[pc->file].f, pc->off + (a - pc->dst_off), b - a,
				dst + (a - off));
		if (r) {
			char tmp[200];
			strlcpy_b(tmp, err_msg(), sizeof(tmp));
			return err_set(r, "reading %s: %s", sv->files[pc->file].path, tmp);
		}
		at = b;
	}
	memset(dst + (at - off), 0, end - at);
	return 0;
}

static void bli_exec_time(void)
{
	char stamp[24];

	snfmt(stamp, sizeof(stamp), "%llu", (unsigned long long)plat_time_us());
	plat_bli_set("LoaderTimeExecUSec", stamp); /* Boot Loader Interface: the loader's end */
}

/* LP_MODE_EFI_IMAGE, once the image is in memory: the firmware loads and starts it. */
static int exec_efi_image(struct load_plan *p, struct exec_file *files, int n_files)
{
	struct served sv = {NULL, files, n_files};
	struct plat_source initrd = {0};
	const struct lp_segment *im = &p->seg[p->entry_seg];

	for (int i = 0; i < p->n_segs; i++)
		if (p->seg[i].place == LP_SERVED)
			sv.s = &p->seg[i];
	if (sv.s)
		initrd = (struct plat_source){.size = sv.s->memsz, .read = serve, .ctx = &sv};
	bli_exec_time();
	return plat_start_image(im->ptr, im->memsz, p->options, sv.s ? &initrd : NULL,
				strcmp(p->format, "linux") ? "Starting the EFI application\n"
							   : "Starting the kernel's EFI stub\n");
}

int exec_plan(struct load_plan *p, struct exec_file *files, int n_files)
{
	int r = 0, placed = 0;
	uint64_t bytes = 0, top = 1ull << 32;
	uint64_t t0 = plat_time_us(), reads0 = reads_total();

	if (p->mode == LP_MODE_EFI_IMAGE)
		goto load;
	if (p->mode != LP_MODE_LONG64)
		return err_set(E_UNSUPP, "%s: only the 64-bit hand-off exists so far", p->format);
	if ((p->cs >> 3) >= ARRAY_SIZE(gdt) || (p->ds >> 3) >= ARRAY_SIZE(gdt) || p->cs < 8 ||
	    p->ds < 8 || p->cs == p->ds)
		return err_set(E_INVAL, "bad load plan: selectors 0x%x/0x%x", p->cs, p->ds);
load:
	for (; placed < p->n_segs; placed++) {
		r = place(&p->seg[placed]);
		if (r)
			goto fail;
	}
	for (int i = 0; i < p->n_segs; i++) {
		r = fill(&p->seg[i], files, n_files, &bytes);
		if (r)
			goto fail;
		top = MAX(top, p->seg[i].placed + p->seg[i].memsz);
	}
	uint64_t us = plat_time_us() - t0;
	con_printf("loaded %llu KiB in %llu ms (%llu MiB/s), %llu device reads\n",
		   (unsigned long long)(bytes >> 10), (unsigned long long)(us / 1000),
		   (unsigned long long)(us ? (bytes * 1000000 / us) >> 20 : 0),
		   (unsigned long long)(reads_total() - reads0));
	if (p->mode == LP_MODE_EFI_IMAGE) {
		r = exec_efi_image(p, files, n_files);
		goto fail; /* it returned: the image failed or exited */
	}

	/* Our own identity map: the firmware's may mark loader data non-executable. */
	uint64_t cr3;
	r = paging_identity(ALIGN_UP(top, 1ull << 30), &cr3);
	if (r)
		goto fail;
	memset(gdt, 0, sizeof(gdt));
	gdt[p->cs >> 3] = 0x00af9a000000ffffull; /* code: present, DPL0, exec/read, L=1, G=1 */
	gdt[p->ds >> 3] = 0x00cf92000000ffffull; /* data: present, DPL0, read/write, 4 GiB, G=1 */
	gdtr.limit = sizeof(gdt) - 1;
	gdtr.base = (uint64_t)(uintptr_t)gdt;
	for (int i = 0; i < LP_NREGS; i++)
		regs[i] = p->reg[i].used ? lp_reg_value(p, (enum lp_regname)i) : 0;
	uint64_t entry = lp_entry(p);

	struct bootenv env;
	memset(&env, 0, sizeof(env));
	plat_fill_bootenv(&env);
	con_printf("Starting the kernel at 0x%llx\n", (unsigned long long)entry);
	bli_exec_time();
	r = plat_exit_firmware(&env);
	if (r)
		goto fail;
	/* Firmware gone: nothing below may fail or allocate. */
	if (p->finish)
		p->finish(p, &env);
	handoff64(cr3, &gdtr, entry, regs, p->cs, p->ds);

fail:
	for (int i = 0; i < placed; i++)
		if (p->seg[i].place != LP_SERVED)
			plat_free_pages(p->seg[i].placed,
					ALIGN_UP(p->seg[i].memsz ? p->seg[i].memsz : 1, PAGE) /
					    PAGE);
	return r;
}
