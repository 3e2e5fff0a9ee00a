/* disk.c: UEFI block devices: whole disks by BlockIo, and the boot volume found by device path. */
#include "efi_priv.h"
#include "platform.h"

struct efi_disk {
	struct blockdev dev;
	EFI_BLOCK_IO *bio;
	EFI_DEVICE_PATH *dp;
	size_t dp_len;
};

static struct blockdev **disks;
static int n_disks = -1, n_cds;

static int efi_read(struct blockdev *dev, uint64_t lba, uint64_t count, void *buf)
{
	struct efi_disk *d = dev->priv;
	EFI_BLOCK_IO *bio = d->bio;
	uint32_t align = bio->Media->IoAlign;
	EFI_STATUS st;

	if (align > 1 && ((uintptr_t)buf & (align - 1))) {
		/*
		 * The firmware wants an aligned buffer: go through an aligned bounce in chunks of
		 * up to 64 KiB. Only small metadata reads land here; file data goes to page-aligned
		 * destinations and takes the direct path.
		 */
		uint64_t chunk = MAX(1, 65536 / dev->block_size);
		uint8_t *raw = mem_alloc(chunk * dev->block_size + align);
		if (!raw)
			return err_set(E_NOMEM, "out of memory");
		uint8_t *b = (uint8_t *)ALIGN_UP((uintptr_t)raw, align);
		st = EFI_SUCCESS;
		for (uint64_t i = 0; i < count && st == EFI_SUCCESS; i += chunk) {
			uint64_t n = MIN(chunk, count - i);
			st = bio->ReadBlocks(bio, bio->Media->MediaId, lba + i, n * dev->block_size,
					     b);
			if (st == EFI_SUCCESS)
				memcpy((uint8_t *)buf + i * dev->block_size, b,
				       n * dev->block_size);
		}
		mem_free(raw);
	} else {
		st = bio->ReadBlocks(bio, bio->Media->MediaId, lba, count * dev->block_size, buf);
	}
	if (st != EFI_SUCCESS)
		return err_set(E_IO, "%s: read of %llu blocks at %llu failed (status 0x%llx)",
			       dev->name, (unsigned long long)count, (unsigned long long)lba,
			       (unsigned long long)st);
	return 0;
}

/*
 * Only the state file's sectors are ever written (fs_rewrite). UEFI 13.9 EFI_BLOCK_IO_PROTOCOL:
 * WriteBlocks, then FlushBlocks so the bytes are on the medium before a kernel starts; the
 * buffer honours IoAlign through a bounce, as reads do.
 */
static int efi_write(struct blockdev *dev, uint64_t lba, uint64_t count, const void *buf)
{
	struct efi_disk *d = dev->priv;
	EFI_BLOCK_IO *bio = d->bio;
	uint32_t align = bio->Media->IoAlign;
	UINTN bytes = count * dev->block_size;
	uint8_t *raw = NULL;
	const void *src = buf;
	EFI_STATUS st;

	if (align > 1 && ((uintptr_t)buf & (align - 1))) {
		raw = mem_alloc(bytes + align);
		if (!raw)
			return err_set(E_NOMEM, "out of memory");
		src = (void *)ALIGN_UP((uintptr_t)raw, align);
		memcpy((void *)src, buf, bytes);
	}
	st = bio->WriteBlocks(bio, bio->Media->MediaId, lba, bytes, (void *)src);
	if (st == EFI_SUCCESS)
		st = bio->FlushBlocks(bio);
	mem_free(raw);
	if (st != EFI_SUCCESS)
		return err_set(E_IO, "%s: write of %llu blocks at %llu failed (%s)", dev->name,
			       (unsigned long long)count, (unsigned long long)lba,
			       efi_status_str(st));
	return 0;
}

static bool known(EFI_BLOCK_IO *bio)
{
	for (int i = 0; i < n_disks; i++)
		if (((struct efi_disk *)disks[i]->priv)->bio == bio)
			return true;
	return false;
}

/* Appends the whole disks that have a BlockIo and are not in the list yet; returns how many. */
static int add_disks(void)
{
	EFI_HANDLE *h = NULL;
	UINTN n = 0;
	int added = 0;

	if (efi_bs->LocateHandleBuffer(ByProtocol, &efi_guid_block_io, NULL, &n, &h) != EFI_SUCCESS)
		return 0;
	struct blockdev **grown = mem_zalloc(sizeof(*grown) * (n_disks + n));
	if (!grown) {
		efi_bs->FreePool(h);
		return 0;
	}
	if (n_disks)
		memcpy(grown, disks, sizeof(*grown) * n_disks);
	mem_free(disks);
	disks = grown;
	for (UINTN i = 0; i < n; i++) {
		EFI_BLOCK_IO *bio;
		EFI_DEVICE_PATH *dp;
		if (efi_bs->HandleProtocol(h[i], &efi_guid_block_io, (void **)&bio) ||
		    efi_bs->HandleProtocol(h[i], &efi_guid_device_path, (void **)&dp))
			continue;
		/* Whole disks only: partitions are found by baton's own scanner. */
		if (bio->Media->LogicalPartition || !bio->Media->MediaPresent || known(bio))
			continue;
		struct efi_disk *d = mem_zalloc(sizeof(*d));
		if (!d)
			break;
		d->bio = bio;
		d->dp = dp;
		d->dp_len = efi_dp_len(dp);
		d->dev.block_size = bio->Media->BlockSize;
		d->dev.num_blocks = bio->Media->LastBlock + 1;
		d->dev.read = efi_read;
		d->dev.write = bio->Media->ReadOnly ? NULL : efi_write;
		d->dev.priv = d;
		/* Optical media (2 KiB read-only blocks) are cd0, cd1... as GRUB names them. */
		bool cd = bio->Media->BlockSize == 2048 && bio->Media->ReadOnly;
		snfmt(d->dev.name, sizeof(d->dev.name), "%s%d", cd ? "cd" : "hd",
		      cd ? n_cds++ : n_disks - n_cds);
		disks[n_disks++] = &d->dev;
		added++;
	}
	efi_bs->FreePool(h);
	return added;
}

int plat_disks(struct blockdev ***list)
{
	if (n_disks < 0) {
		n_disks = 0;
		add_disks();
	}
	*list = disks;
	return n_disks;
}

/*
 * Firmware that boots fast (and OVMF given a boot order) connects drivers only to the boot
 * device, so another disk or a CD has no BlockIo yet. Connecting every controller, as the
 * shell's `connect -r` does (UEFI spec 7.3, ConnectController), makes them appear. It costs
 * tenths of a second under emulation, so it is done only when a path names a volume that is
 * not there, and once.
 */
int plat_connect_disks(void)
{
	static bool done;
	EFI_HANDLE *h = NULL;
	UINTN n = 0;

	if (done)
		return 0;
	done = true;
	if (n_disks < 0)
		plat_disks(&(struct blockdev **){NULL});
	if (efi_bs->LocateHandleBuffer(AllHandles, NULL, NULL, &n, &h) != EFI_SUCCESS)
		return 0;
	for (UINTN i = 0; i < n; i++)
		efi_bs->ConnectController(h[i], NULL, NULL, TRUE);
	efi_bs->FreePool(h);
	return add_disks();
}

int plat_boot_volume(struct blockdev **dev, uint64_t *start_block)
{
	EFI_LOADED_IMAGE *li;
	EFI_DEVICE_PATH *bdp;
	struct blockdev **list;
	int n = plat_disks(&list);

	if (efi_bs->HandleProtocol(efi_image, &efi_guid_loaded_image, (void **)&li) ||
	    efi_bs->HandleProtocol(li->DeviceHandle, &efi_guid_device_path, (void **)&bdp))
		return err_set(E_NOENT, "the firmware does not say which device baton came from");
	size_t blen = efi_dp_len(bdp);

	/* The whole disk is the one whose device path is a prefix of the boot partition's. */
	for (int i = 0; i < n; i++) {
		struct efi_disk *d = list[i]->priv;
		if (d->dp_len > blen || memcmp(d->dp, bdp, d->dp_len))
			continue;
		*dev = list[i];
		*start_block = 0;
		/*
		 * The node after the prefix: a hard drive media node gives the partition's start.
		 * A CD-ROM media node (El Torito's boot image, UEFI 10.3.5.2) leaves 0: the whole
		 * medium, whose ISO 9660 filesystem holds the config and kernels (baton mkiso).
		 */
		EFI_DEVICE_PATH *rest = (EFI_DEVICE_PATH *)((uint8_t *)bdp + d->dp_len);
		if (d->dp_len < blen && rest->Type == MEDIA_DEVICE_PATH &&
		    rest->SubType == MEDIA_HARDDRIVE_DP)
			*start_block =
			    get64((uint8_t *)rest + 8); /* HARDDRIVE_DEVICE_PATH.PartitionStart */
		list[i]->boot = true;
		return 0;
	}
	return err_set(E_NOENT, "baton's boot disk was not found among the block devices");
}

/* UEFI spec 10.3.5.1 "Hard Drive Media Device Path": names a partition by number and extent. */
static bool hd_node_matches(const EFI_DEVICE_PATH *n, const struct volume *v)
{
	const uint8_t *b = (const uint8_t *)n;

	return n->Type == MEDIA_DEVICE_PATH && n->SubType == MEDIA_HARDDRIVE_DP &&
	       get16(n->Length) >= 42 && get64(b + 8) == v->start && get64(b + 16) == v->blocks;
}

EFI_DEVICE_PATH *efi_volume_dp(const struct volume *v, size_t *len)
{
	struct efi_disk *d = v->dev->priv;
	EFI_DEVICE_PATH *found = NULL, *dp;
	EFI_HANDLE *h = NULL;
	UINTN n = 0;
	uint8_t *out;

	if (!v->index) { /* the whole disk */
		*len = d->dp_len;
		out = mem_alloc(d->dp_len + 4);
		if (out)
			memcpy(out, d->dp, d->dp_len);
		return (EFI_DEVICE_PATH *)out;
	}
	/* The firmware's own partition handle, when it made one: its path is the canonical one. */
	if (efi_bs->LocateHandleBuffer(ByProtocol, &efi_guid_block_io, NULL, &n, &h) ==
	    EFI_SUCCESS) {
		for (UINTN i = 0; i < n && !found; i++) {
			if (efi_bs->HandleProtocol(h[i], &efi_guid_device_path, (void **)&dp))
				continue;
			size_t l = efi_dp_len(dp);
			if (l > d->dp_len && !memcmp(dp, d->dp, d->dp_len) &&
			    hd_node_matches((EFI_DEVICE_PATH *)((uint8_t *)dp + d->dp_len), v))
				found = dp;
		}
		efi_bs->FreePool(h);
	}
	if (found) {
		*len = efi_dp_len(found);
		out = mem_alloc(*len + 4);
		if (out)
			memcpy(out, found, *len);
		return (EFI_DEVICE_PATH *)out;
	}
	/* None (a logical partition the firmware skipped, say): the disk's path + our own node. */
	*len = d->dp_len + 42;
	out = mem_zalloc(*len + 4);
	if (!out)
		return NULL;
	memcpy(out, d->dp, d->dp_len);
	uint8_t *hd = out + d->dp_len;
	hd[0] = MEDIA_DEVICE_PATH, hd[1] = MEDIA_HARDDRIVE_DP, put16(hd + 2, 42);
	put32(hd + 4, (uint32_t)v->index);
	put64(hd + 8, v->start);
	put64(hd + 16, v->blocks);
	if (v->scheme == PART_GPT) {
		memcpy(hd + 24, v->part_guid, 16);
		hd[40] = MBR_TYPE_EFI_PARTITION_TABLE_HEADER, hd[41] = SIGNATURE_TYPE_GUID;
	} else {
		/* The MBR's disk signature (offset 440) names the disk. */
		uint8_t *s0 = mem_alloc(v->dev->block_size);
		if (s0 && !v->dev->read(v->dev, 0, 1, s0)) {
			memcpy(hd + 24, s0 + 440, 4);
			hd[41] = SIGNATURE_TYPE_MBR;
		}
		mem_free(s0);
		hd[40] = MBR_TYPE_PCAT;
	}
	return (EFI_DEVICE_PATH *)out;
}
