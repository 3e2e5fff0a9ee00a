/* efi_priv.h: what stage2/efi/ shares internally (the core never includes this). */
#ifndef BATON_EFI_PRIV_H
#define BATON_EFI_PRIV_H

#include <efi.h>
#include "lib.h"

extern EFI_HANDLE efi_image;
extern EFI_SYSTEM_TABLE *efi_st;
extern EFI_BOOT_SERVICES *efi_bs;

/* Our own GUID constants: libefi's globals would add ~50 KiB to the binary. */
extern EFI_GUID efi_guid_loaded_image, efi_guid_block_io, efi_guid_device_path, efi_guid_gop,
    efi_guid_global_var, efi_guid_acpi20, efi_guid_acpi10;

void efi_console_init(void);
void efi_time_init(void);
bool efi_guid_eq(const EFI_GUID *a, const EFI_GUID *b);
/* Length in bytes of a device path up to (not including) its end node. */
size_t efi_dp_len(const EFI_DEVICE_PATH *dp);
/* Bits per pixel of a GOP mode's linear framebuffer; 0 when it has none (PixelBltOnly). */
uint32_t efi_gop_bpp(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi);
/* "SECURITY_VIOLATION", ... for messages. */
const char *efi_status_str(EFI_STATUS st);
struct volume;
/* A volume's device path without its end node (allocated, 4 spare bytes); *len its bytes. */
EFI_DEVICE_PATH *efi_volume_dp(const struct volume *v, size_t *len);
#define EFI_DP_NEXT(n) ((EFI_DEVICE_PATH *)((uint8_t *)(n) + get16((n)->Length)))

#endif
