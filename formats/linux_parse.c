/* linux_parse.c: for every Linux entry: the bzImage setup header checked, the initrds placed. */
#include "linux_hdr.h"
#include "loadplan.h"

int linux_parse(const uint8_t *head, size_t head_len, uint64_t file_size, struct linux_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (head_len < LX_VERSION + 2 || file_size < 1024)
		return err_set(E_FORMAT, "file too small to be a Linux kernel (%llu bytes)",
			       (unsigned long long)file_size);
	if (get16(head + LX_BOOT_FLAG) != 0xaa55)
		return err_set(E_FORMAT, "not a Linux bzImage (no \"HdrS\" setup header)");
	/* boot.rst: without "HdrS" the protocol is "old" (Image/zImage, real-mode code at
	 * 0x90000, no initrd): not supported, since nothing made in 20 years has it. */
	if (memcmp(head + LX_HEADER, "HdrS", 4))
		return err_set(E_UNSUPP,
			       "a Linux kernel older than boot protocol 2.00 (no \"HdrS\" "
			       "setup header: Image/zImage of 1996 or before) is not "
			       "supported");
	h->version = get16(head + LX_VERSION);
	/* boot.rst: protocol 2.00 (setup header with HdrS) is the oldest a loader may use. */
	if (h->version < 0x0200)
		return err_set(E_UNSUPP, "Linux boot protocol %u.%02u is too old", h->version >> 8,
			       h->version & 0xff);
	h->hdr_end = LX_JUMP + 2 + head[LX_JUMP + 1];
	if (h->hdr_end > LX_HDR_MAX_END)
		h->hdr_end = LX_HDR_MAX_END;
	if (head_len < h->hdr_end || head_len < LX_HDR_MAX_END)
		return err_set(E_FORMAT, "Linux setup header truncated");

	/* boot.rst "setup_sects": a value of 0 means 4. */
	h->setup_sects = head[LX_SETUP_SECTS] ? head[LX_SETUP_SECTS] : 4;
	h->kernel_off = (uint64_t)(h->setup_sects + 1) * 512;
	h->syssize_bytes = (uint64_t)get32(head + LX_SYSSIZE) * 16;
	if (h->kernel_off >= file_size)
		return err_set(E_FORMAT,
			       "truncated bzImage: file ends (%llu bytes) inside the setup code",
			       (unsigned long long)file_size);
	/*
	 * syssize counts the protected-mode code in 16-byte paragraphs, rounded up: a file may end
	 * up to 15 bytes short of it (memtest86+ does), the rest being zero-filled room. Signatures
	 * may follow the code, so load the rest of the file.
	 */
	if (h->version >= 0x0204 && h->kernel_off + h->syssize_bytes > file_size + 15)
		return err_set(
		    E_FORMAT,
		    "truncated bzImage: header says %llu bytes of kernel, the file has %llu",
		    (unsigned long long)h->syssize_bytes,
		    (unsigned long long)(file_size - h->kernel_off));
	h->kernel_len = file_size - h->kernel_off;

	h->loadflags = head[LX_LOADFLAGS];
	h->code32_start = get32(head + LX_CODE32_START);
	h->xloadflags = h->version >= 0x020c ? get16(head + LX_XLOADFLAGS) : 0;
	h->relocatable = h->version >= 0x0205 && head[LX_RELOCATABLE];
	h->kernel_alignment = h->version >= 0x0205 ? get32(head + LX_KERNEL_ALIGNMENT) : 0x100000;
	h->min_alignment = h->version >= 0x020a ? head[LX_MIN_ALIGNMENT] : 0;
	/* boot.rst "pref_address"/"init_size" (2.10+); before that the kernel ran at 1 MiB. */
	h->pref_address = h->version >= 0x020a ? get64(head + LX_PREF_ADDRESS) : 0x100000;
	h->init_size = h->version >= 0x020a ? get32(head + LX_INIT_SIZE) : 0;
	if (h->init_size < h->kernel_len)
		h->init_size = (uint32_t)MIN(h->kernel_len, 0xffffffffu);
	h->initrd_addr_max = h->version >= 0x0203 ? get32(head + LX_INITRD_ADDR_MAX) : 0x37ffffff;
	h->cmdline_size = h->version >= 0x0206 ? get32(head + LX_CMDLINE_SIZE) : 255;

	if (h->relocatable &&
	    (h->kernel_alignment == 0 || (h->kernel_alignment & (h->kernel_alignment - 1))))
		return err_set(E_FORMAT, "bad kernel_alignment 0x%x in the setup header",
			       h->kernel_alignment);
	return 0;
}

int linux_add_initrds(struct load_plan *p, const struct lp_input *in, uint32_t initrd_addr_max)
{
	int s = lp_add_initrds(p, in);

	if (s < 0)
		return s;
	struct lp_segment *rd = &p->seg[s];
	/* Page aligned, as high as allowed, above 1 MiB, as the kernel's own loaders place it. */
	rd->place = LP_ANYWHERE;
	rd->flags = LP_TOP_DOWN;
	rd->align = 4096;
	rd->min = 0x100000;
	/* boot.rst "initrd_addr_max": the highest address the ramdisk may occupy. */
	rd->max = (uint64_t)initrd_addr_max + 1;
	return s;
}
