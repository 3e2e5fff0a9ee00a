# build.mk: build/bench/rawread.efi, the benchmark's raw BlockIo reader (rawread.o + libgnuefi only).
# Its own compile rule: $(B)/efi/%.o would wait for zlib, which this program does not use.
$(B)/bench/rawread.o: bench/rawread/rawread.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(EFI_CFLAGS) -c $< -o $@
$(B)/bench/rawread.so: $(B)/bench/rawread.o
	$(Q)ld $(EFI_LDFLAGS) $^ -o $@ -L/usr/lib -lgnuefi
$(B)/bench/rawread.efi: $(B)/bench/rawread.so
	$(Q)$(EFI_PE) $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"
