# build.mk: build/kernels/efiapp.efi, the EFI application that checks what a chainload promises.
# GNU-EFI's crt0 and libgnuefi only, like bench/rawread (stage2's object rule would wait for zlib).
$(B)/kernels/efiapp/efiapp.o: tests/kernels/efiapp/efiapp.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(EFI_CFLAGS) -c $< -o $@
$(B)/kernels/efiapp/efiapp.so: $(B)/kernels/efiapp/efiapp.o
	$(Q)ld $(EFI_LDFLAGS) $^ -o $@ -L/usr/lib -lgnuefi
$(B)/kernels/efiapp.efi: $(B)/kernels/efiapp/efiapp.so
	$(Q)$(EFI_PE) $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

KERNELS += $(B)/kernels/efiapp.efi
