/* exec.c: executes a load plan: places segments, reads files into them, hands off. */
#include "core.h"
#include "platform.h"
#include "handoff.h"
#include "gzip.h"

int exec_file_read(struct exec_file *x, uint64_t off, uint64_t len, void *buf)
{
	if (x->raw)
		return vol_read(x->raw, off, len, buf);
	return x->gz ? gz_read(x->gz, off, len, buf) : fs_read(x->f, off, len, buf);
}

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

/* A fixed segment may start inside a page (ELF p_paddr): it takes the pages around it. */
static uint64_t seg_off(const struct lp_segment *s)
{
	return s->place == LP_FIXED ? s->addr % PAGE : 0;
}

static uint64_t seg_pages(const struct lp_segment *s)
{
	return ALIGN_UP(seg_off(s) + (s->memsz ? s->memsz : 1), PAGE) / PAGE;
}

/* Does [a, a + len) meet the destination of a segment the relocator will move? */
static bool hits_reloc(const struct load_plan *p, uint64_t a, uint64_t len)
{
	for (int i = 0; i < p->n_segs; i++) {
		const struct lp_segment *s = &p->seg[i];
		if (s->reloc && a < s->placed + s->memsz && s->placed < a + len)
			return true;
	}
	return false;
}

/*
 * Pages anywhere in [min, max) that no relocated segment's destination touches: the firmware
 * may hand out the free part of such a destination, which the relocator will overwrite.
 */
static int alloc_clear(const struct load_plan *p, uint64_t *a, uint64_t pages, uint64_t min,
		       uint64_t max, uint64_t align, bool top_down, bool code)
{
	uint64_t held[8], n_held = 0;
	int r;

	for (;;) {
		r = plat_alloc_pages(a, pages, ALLOC_ANY, min, max, align, top_down, code);
		if (r || !hits_reloc(p, *a, pages * PAGE) || n_held == ARRAY_SIZE(held))
			break;
		held[n_held++] = *a; /* keep it taken, so the next try lands elsewhere */
	}
	if (!r && hits_reloc(p, *a, pages * PAGE)) {
		plat_free_pages(*a, pages);
		r = E_NOMEM;
	}
	while (n_held)
		plat_free_pages(held[--n_held], pages);
	return r;
}

/* Pages of RAM the OS could use, for "bigger than memory" messages; set by exec_plan. */
static uint64_t ram_pages;

static int place(struct load_plan *p, struct lp_segment *s)
{
	uint64_t pages = seg_pages(s);
	bool code = s->flags & LP_EXEC;
	uint64_t a = s->addr;

	if (s->place == LP_SERVED)
		return 0;
	if (pages > ram_pages)
		return err_set(
		    E_NOMEM, "%s needs %llu MiB, more than the %llu MiB of memory this machine has",
		    s->name, (unsigned long long)((pages + 255) >> 8),
		    (unsigned long long)(ram_pages >> 8));
	if (s->place == LP_FIXED) {
		a = s->addr - seg_off(s);
		if (!plat_alloc_pages(&a, pages, ALLOC_AT, 0, 0, 0, false, code)) {
			s->placed = s->addr;
			s->ptr = (void *)(uintptr_t)s->addr; /* UEFI identity-maps memory */
			return 0;
		}
		/*
		 * Busy now, but maybe only until the firmware is gone (boot services memory): load
		 * it elsewhere and let the trampoline move it into place (the relocator).
		 */
		uint64_t bad;
		if (!plat_mem_reclaimable(s->addr, s->memsz ? s->memsz : 1, &bad))
			return err_set(E_NOMEM,
				       "%s needs %llu KiB at 0x%llx, but 0x%llx is %s, which the "
				       "firmware keeps",
				       s->name, (unsigned long long)(pages * 4),
				       (unsigned long long)s->addr, (unsigned long long)bad,
				       plat_mem_owner(bad));
		s->reloc = true;
		s->placed = s->addr;
		if (alloc_clear(p, &a, pages, 0x100000, UINT64_MAX, PAGE, true, code)) {
			s->reloc = false;
			return err_set(E_NOMEM, "not enough memory to stage %s (%llu KiB)", s->name,
				       (unsigned long long)(pages * 4));
		}
		s->ptr = (void *)(uintptr_t)(a + seg_off(s));
		return 0;
	}
	uint64_t align = s->align ? s->align : PAGE;
	/* The preferred address first, when it is allowed (boot.rst pref_address). */
	bool ok = a && !(a % align) && a >= s->min && a + pages * PAGE <= s->max &&
		  !hits_reloc(p, a, pages * PAGE) &&
		  !plat_alloc_pages(&a, pages, ALLOC_AT, 0, 0, 0, false, code);
	if (!ok && alloc_clear(p, &a, pages, s->min, s->max, align, s->flags & LP_TOP_DOWN, code))
		return err_set(E_NOMEM,
			       "not enough free memory for %s (%llu MiB, aligned to 0x%llx, "
			       "below 0x%llx)",
			       s->name, (unsigned long long)((pages * PAGE + (1 << 20) - 1) >> 20),
			       (unsigned long long)align, (unsigned long long)s->max);
	s->placed = a;
	s->ptr = (void *)(uintptr_t)a;
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
			int r =
			    exec_file_read(&files[pc->file], pc->off, pc->len, dst + pc->dst_off);
			if (r) {
				char tmp[ERR_MSG_MAX];
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
		int r = exec_file_read(&sv->files[pc->file], pc->off + (a - pc->dst_off), b - a,
				       dst + (a - off));
		if (r) {
			char tmp[ERR_MSG_MAX];
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
	bool is_linux = !strcmp(p->format, "linux");
	bli_exec_time();
	int r = plat_start_image(im->ptr, im->memsz, p->options, sv.s ? &initrd : NULL,
				 is_linux ? "Starting the kernel's EFI stub\n"
					  : "Starting the EFI application\n",
				 files[0].vol, files[0].vpath);
	/* An application that returns is done (a tool, a shell): back to the menu. A kernel's
	 * stub that returns never started its kernel. */
	if (!r && is_linux)
		r = err_set(E_IO, "the kernel's EFI stub returned without starting the kernel");
	return r;
}

/* A GDT descriptor (Intel SDM vol. 3, 3.4.5): base, limit (bytes, or pages with G), type byte
 * (P, DPL, S, type), flags nibble (G, D/B, L). */
static uint64_t desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (limit & 0xffffull) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
	       (uint64_t)(limit >> 16 & 15) << 48 | (uint64_t)(flags & 15) << 52 |
	       (uint64_t)(base >> 24) << 56;
}

/* The descriptors the plan's selectors name (boot.rst, Multiboot 3.2: flat 4 GiB). */
static void build_gdt(const struct load_plan *p, uint64_t *gdt, uint64_t tramp)
{
	memset(gdt, 0, 8 * sizeof(uint64_t));
	if (p->mode == LP_MODE_REAL16) {
		/* The way down to real mode (SDM 9.9.2): compatibility mode in flat 32-bit code,
		 * then 16-bit code and data (64 KiB, byte granular) based on the trampoline page.
		 */
		gdt[T_SEL32_CS >> 3] = desc(0, 0xfffff, 0x9a, 0xc);
		gdt[T_SEL16_CS >> 3] = desc((uint32_t)tramp, 0xffff, 0x9a, 0);
		gdt[T_SEL16_DS >> 3] = desc((uint32_t)tramp, 0xffff, 0x92, 0);
		return;
	}
	/* code: present, DPL0, execute/read, G=1; L=1 for 64-bit, else D=1 (32-bit). */
	gdt[p->cs >> 3] = p->mode == LP_MODE_LONG64 ? 0x00af9a000000ffffull : 0x00cf9a000000ffffull;
	gdt[p->ds >> 3] = 0x00cf92000000ffffull; /* data: present, DPL0, read/write, 4 GiB */
	if (p->tr)
		gdt[p->tr >> 3] = 0x0000890000000067ull; /* 32-bit TSS, available, base 0 */
}

/* Multiboot 2 with boot services (3.2 "EFI amd64 machine state"): a call-like stack. */
static __attribute__((noreturn)) void enter_efi64(uint64_t entry, uint64_t rax, uint64_t rbx,
						  uint64_t handle, uint64_t systab)
{
	__asm__ volatile("andq $-16, %%rsp\n\t"
			 "subq $8, %%rsp\n\t"
			 "jmp *%0"
			 :
			 : "r"(entry), "a"(rax), "b"(rbx), "c"(handle), "d"(systab)
			 : "memory");
	__builtin_unreachable();
}

/* LP_MODE_EFI64_BS: the boot information from the current map, then the jump. */
static int exec_efi64_bs(struct load_plan *p)
{
	struct bootenv env;
	int r;

	for (int i = 0; i < p->n_segs; i++)
		if (p->seg[i].reloc)
			return err_set(E_NOMEM,
				       "%s needs 0x%llx, which holds %s now; with boot services "
				       "kept running it cannot be moved there",
				       p->seg[i].name, (unsigned long long)p->seg[i].placed,
				       plat_mem_owner(p->seg[i].placed));
	/* The kernel's display mode, before the framebuffer is reported. */
	r = plat_set_video(&p->video);
	if (r)
		return r;
	memset(&env, 0, sizeof(env));
	plat_fill_bootenv(&env);
	r = plat_firmware_map(&env);
	if (r)
		return r;
	uint64_t entry = lp_entry(p);
	con_printf("Starting the kernel at 0x%llx (64-bit, boot services running)\n",
		   (unsigned long long)entry);
	bli_exec_time();
	if (p->finish)
		p->finish(p, &env);
	plat_traps(false);
	enter_efi64(entry, lp_reg_value(p, LP_RAX), lp_reg_value(p, LP_RBX), env.efi_image,
		    env.efi_systab);
}

/*
 * LP_MODE_REAL16 before anything is placed: only a BIOS can take it, and nothing may land on
 * the IVT and the BIOS data area (0-0x4ff) the entry and its BIOS calls need.
 */
static int check_real16(const struct load_plan *p)
{
	if (!plat_bios()) {
		err_set(E_UNSUPP,
			"needs BIOS: the %s enters in 16-bit real mode and calls the BIOS, which "
			"UEFI firmware does not have%s",
			p->entry_kind,
			strcmp(p->format, "linux") ? ""
						   : " (use protocol linux, linux32 or linux64)");
		return E_UNSUPP; /* a constant: the UEFI build drops the real-mode paths below */
	}
	if (p->r16.base_seg >= p->n_segs ||
	    (p->r16.base_seg >= 0 && p->seg[p->r16.base_seg].place == LP_SERVED))
		return err_set(E_INVAL, "bad load plan: real-mode base segment %d",
			       p->r16.base_seg);
	for (int i = 0; i < p->n_segs; i++) {
		const struct lp_segment *s = &p->seg[i];
		if (s->place == LP_SERVED || (s->place == LP_FIXED && s->addr < 0x500) ||
		    (s->place == LP_ANYWHERE && s->min < 0x500))
			return err_set(E_INVAL,
				       "bad load plan: %s would cover the IVT or the BIOS "
				       "data area",
				       s->name);
	}
	for (int i = 0; i < LP_NREGS; i++)
		if (p->reg[i].used && p->reg[i].seg < 0 && p->reg[i].value >> 32)
			return err_set(E_INVAL, "bad load plan: register %d is wider than 32 bits",
				       i);
	return 0;
}

/* LP_MODE_REAL16 once placed: real-mode values for every segment register, SP and register. */
static int fill_real16(const struct load_plan *p, uint8_t *t, uint64_t tramp)
{
	const struct lp_real16 *r = &p->r16;
	const uint16_t v[] = {r->ip, r->cs, r->ds, r->es, r->fs, r->gs, r->ss, r->sp};
	uint64_t base = r->base_seg >= 0 ? p->seg[r->base_seg].placed : 0;

	if (base & 15 || base >= 0x100000)
		return err_set(E_RANGE, "%s landed at 0x%llx: no real-mode segment reaches it",
			       p->seg[r->base_seg].name, (unsigned long long)base);
	for (int i = 0; i < 8; i++) {
		uint32_t x = i == 0 || i == 7 ? v[i] : lp_r16_seg(p, v[i]); /* IP, SP: offsets */
		if (x > 0xffff)
			return err_set(E_RANGE, "real-mode segment 0x%x is past 1 MiB", x);
		put16(t + T_R16_IP + 2 * i, (uint16_t)x);
	}
	for (int i = 0; i < LP_NREGS; i++)
		if (p->reg[i].used && lp_reg_value(p, (enum lp_regname)i) >> 32)
			return err_set(E_RANGE, "register %d is wider than 32 bits in real mode",
				       i);
	put16(t + T_R16_STI, r->sti);
	put16(t + T_R16_JMP, (uint16_t)(T_CODE + (tramp_real16 - tramp_start)));
	put16(t + T_R16_JMP + 2, (uint16_t)(tramp >> 4));
	put16(t + T_R16_IDTR, 0x3ff); /* SDM 9.9.2 step 5: the IVT at 0, 256 vectors of 4 bytes */
	put32(t + T_R16_IDTR + 2, 0);
	return 0;
}

/* How many bytes of file f the plan's pieces read, served segments' too. */
static uint64_t plan_reads(const struct load_plan *p, int f)
{
	uint64_t n = 0;

	for (int i = 0; i < p->n_segs; i++)
		for (int j = 0; j < p->seg[i].n_pieces; j++)
			if (p->seg[i].piece[j].file == f)
				n += p->seg[i].piece[j].len;
	return n;
}

int exec_plan(struct load_plan *p, struct exec_file *files, int n_files)
{
	int r = 0;
	uint64_t bytes = 0, top = 1ull << 32, tramp = 0, tables = 0, n_tables = 0;
	uint64_t t0 = plat_time_us(), reads0 = reads_total();
	bool real = p->mode == LP_MODE_REAL16;

	for (int i = 0; i < p->n_segs; i++)
		p->seg[i].placed = 0, p->seg[i].ptr = NULL, p->seg[i].reloc = false;
	if (real && (r = check_real16(p)) != 0)
		return r;
	if (p->mode != LP_MODE_EFI_IMAGE && p->mode != LP_MODE_EFI64_BS && !real) {
		if (p->mode != LP_MODE_LONG64 && p->mode != LP_MODE_PROT32)
			return err_set(E_UNSUPP, "%s: unknown entry mode %d", p->format, p->mode);
		if ((p->cs >> 3) >= 8 || (p->ds >> 3) >= 8 || p->cs < 8 || p->ds < 8 ||
		    p->cs == p->ds || (p->cs & 7) || (p->ds & 7) ||
		    (p->tr && ((p->tr >> 3) >= 8 || (p->tr & 7) || p->tr == p->cs ||
			       p->tr == p->ds || p->mode != LP_MODE_PROT32)))
			return err_set(E_INVAL, "bad load plan: selectors 0x%x/0x%x", p->cs, p->ds);
	}
	/*
	 * A file or a kernel bigger than memory is named as such, before anything is read, not
	 * as a busy address or a failed allocation. A served segment (an initrd the EFI stub
	 * asks for) takes memory too, the stub's. What counts is what the plan reads of a file:
	 * all of an initrd, a bzImage or an EFI image, but only the segments of an ELF file,
	 * which may be far bigger than memory (debug info: an unstripped vmlinux, xen-syms).
	 */
	uint64_t need = 0;
	ram_pages = plat_mem_total() / PAGE;
	for (int i = 0; i < n_files; i++) {
		if (plan_reads(p, i) <= ram_pages * PAGE)
			continue;
		uint64_t size = files[i].f ? files[i].f->size : 0;
		if (files[i].gz)
			size = gz_size(files[i].gz); /* inflated: what is read */
		return err_set(E_NOMEM,
			       "%s %s is %llu MiB, more than the %llu MiB of memory this "
			       "machine has",
			       i ? "initrd" : "kernel", files[i].path,
			       (unsigned long long)((size + (1 << 20) - 1) >> 20),
			       (unsigned long long)(ram_pages >> 8));
	}
	for (int i = 0; i < p->n_segs; i++)
		need += seg_pages(&p->seg[i]);
	if (need > ram_pages)
		return err_set(
		    E_NOMEM,
		    "the kernel and its modules need %llu MiB, more than the %llu MiB of "
		    "memory this machine has",
		    (unsigned long long)((need + 255) >> 8), (unsigned long long)(ram_pages >> 8));
	/* Fixed destinations first, so every other allocation can keep clear of them. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < p->n_segs; i++)
			if ((p->seg[i].place == LP_FIXED) == !pass) {
				r = place(p, &p->seg[i]);
				if (r)
					goto fail;
			}
	for (int i = 0; i < p->n_segs; i++) {
		r = fill(&p->seg[i], files, n_files, &bytes);
		if (r)
			goto fail;
		if (p->seg[i].place != LP_SERVED)
			top = MAX(top, MAX(p->seg[i].placed, (uint64_t)(uintptr_t)p->seg[i].ptr) +
					   p->seg[i].memsz);
	}
	/* A gzip'd file is checked whole (CRC-32, size) before anything runs. */
	for (int i = 0; i < n_files; i++)
		if (files[i].gz && (r = gz_finish(files[i].gz)) != 0)
			goto fail;
	uint64_t us = plat_time_us() - t0;
	con_printf("loaded %llu KiB in %llu ms (%llu MiB/s), %llu device reads\n",
		   (unsigned long long)(bytes >> 10), (unsigned long long)(us / 1000),
		   (unsigned long long)(us ? (bytes * 1000000 / us) >> 20 : 0),
		   (unsigned long long)(reads_total() - reads0));
	if (p->mode == LP_MODE_EFI_IMAGE) {
		r = exec_efi_image(p, files, n_files);
		goto fail; /* it returned: the image failed or exited */
	}
	if (p->mode == LP_MODE_EFI64_BS) {
		r = exec_efi64_bs(p);
		goto fail;
	}

	/*
	 * Our own identity map (the firmware's may mark loader data non-executable or code
	 * read-only) and the trampoline page, below 4 GiB where 32-bit code reaches them, clear of
	 * every destination the relocator writes. A real-mode entry needs the page below 1 MiB,
	 * where a real-mode segment reaches it, and above the IVT and BIOS data area.
	 */
	n_tables = paging_pages(top, p->vmap, p->n_vmap);
	if (alloc_clear(p, &tables, n_tables, 0x100000, 1ull << 32, PAGE, true, false) ||
	    alloc_clear(p, &tramp, 1, real ? 0x1000 : 0x100000, real ? 0xa0000 : 1ull << 32, PAGE,
			true, true)) {
		r = err_set(E_NOMEM, real ? "out of memory for page tables, or no free page below "
					    "640 KiB for the way back to real mode"
					  : "out of memory for page tables");
		goto fail;
	}
	r = paging_identity(top, tables, p->vmap, p->n_vmap);
	if (r)
		goto fail;
	uint8_t *t = (uint8_t *)(uintptr_t)tramp;
	memset(t, 0, PAGE);
	memcpy(t + T_CODE, tramp_start, (size_t)(tramp_end - tramp_start));
	build_gdt(p, (uint64_t *)(t + T_GDT), tramp);
	put16(t + T_GDTR, 8 * 8 - 1);
	put64(t + T_GDTR + 2, tramp + T_GDT);
	put64(t + T_CR3, tables);
	put64(t + T_MODE, p->mode == LP_MODE_PROT32 ? 1 : real ? 2 : 0);
	put64(t + T_CS, real ? T_SEL32_CS : p->cs);
	put64(t + T_DS, p->ds);
	put16(t + T_TR, p->tr);
	if (real && (r = fill_real16(p, t, tramp)) != 0)
		goto fail;
	for (int i = 0; i < LP_NREGS; i++)
		put64(t + T_REGS + 8 * i, p->reg[i].used ? lp_reg_value(p, (enum lp_regname)i) : 0);
	uint64_t entry = lp_entry(p);
	if (p->mode == LP_MODE_PROT32 && entry >> 32) {
		r = err_set(E_RANGE, "32-bit entry point 0x%llx is above 4 GiB",
			    (unsigned long long)entry);
		goto fail;
	}
	put64(t + T_ENTRY, entry);
	uint64_t n = 0;
	for (int i = 0; i < p->n_segs; i++) {
		const struct lp_segment *s = &p->seg[i];
		if (!s->reloc)
			continue;
		if (n == T_MAXCOPY) {
			r = err_set(E_RANGE, "too many segments to relocate");
			goto fail;
		}
		put64(t + T_COPY + 24 * n, s->placed);
		put64(t + T_COPY + 24 * n + 8, (uint64_t)(uintptr_t)s->ptr);
		put64(t + T_COPY + 24 * n + 16, s->memsz);
		n++;
		con_printf("%s: loaded at 0x%llx, moves to 0x%llx after the firmware is gone\n",
			   s->name, (unsigned long long)(uintptr_t)s->ptr,
			   (unsigned long long)s->placed);
	}
	put64(t + T_NCOPY, n);

	/* The kernel's display mode, as late as can still fail: the framebuffer reported next is
	 * the new mode. */
	r = plat_set_video(&p->video);
	if (r)
		goto fail;
	struct bootenv env;
	memset(&env, 0, sizeof(env));
	plat_fill_bootenv(&env);
	if (real)
		con_printf("Starting the kernel at %04x:%04x (16-bit real mode)\n",
			   get16(t + T_R16_CS), get16(t + T_R16_IP));
	else
		con_printf("Starting the kernel at 0x%llx (%s)\n", (unsigned long long)entry,
			   p->mode == LP_MODE_LONG64 ? "64-bit" : "32-bit protected mode");
	bli_exec_time();
	r = plat_exit_firmware(&env);
	if (r)
		goto fail;
	/* Firmware gone: nothing below may fail or allocate. */
	if (p->finish)
		p->finish(p, &env);
	((void (*)(uint64_t))(uintptr_t)(tramp + T_CODE))(tramp);
	__builtin_unreachable();

fail:
	for (int i = 0; i < p->n_segs; i++) {
		struct lp_segment *s = &p->seg[i];
		if (s->ptr && s->place != LP_SERVED)
			plat_free_pages((uint64_t)(uintptr_t)s->ptr - seg_off(s), seg_pages(s));
		s->ptr = NULL;
	}
	if (tables)
		plat_free_pages(tables, n_tables);
	if (tramp)
		plat_free_pages(tramp, 1);
	return r;
}
