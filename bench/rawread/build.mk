# build.mk: the benchmark's raw BlockIo reader (an EFI application of its own, no baton code).
$(B)/bench/rawread.so: $(B)/efi/bench/rawread/rawread.o
	@mkdir -p $(dir $@)
	$(Q)ld $(EFI_LDFLAGS) $^ -o $@ -L/usr/lib -lgnuefi
$(B)/bench/rawread.efi: $(B)/bench/rawread.so
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .rel.* \
		-j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@
