# bzimage.mk: make template for a conformance bzImage: a PIE protected-mode part behind bzheader.S.
# Included by the kernels' build.mk files (which the main Makefile includes; it defines B and Q).
ifndef BZIMAGE_MK
BZIMAGE_MK := 1

BZ_COMMON := tests/kernels/common
# Freestanding, position independent: hidden visibility (kernel.h) makes every reference PC- or
# GOT-relative, and the link fails if anything still needs a run-time (dynamic) relocation.
BZ_KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -fpie -fvisibility=hidden \
	-include $(BZ_COMMON)/kernel.h -mgeneral-regs-only -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-stack-check -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns -nostdlib -MMD -MP
BZ_HOSTCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -MMD -MP -I$(BZ_COMMON)

# $(call BZIMAGE,NAME,SRC-DIR,CFLAGS,OBJECTS,LD-EMULATION): $(B)/kernels/NAME.bzImage from
# SRC-DIR's and common/'s sources (OBJECTS: basenames, entry.o from SRC-DIR/entry.S), built in
# $(B)/kernels/NAME/ with the kernel CFLAGS plus CFLAGS (the CPU mode, -I SRC-DIR, defines).
define BZIMAGE
$(B)/kernels/$(1)/%.o: $(2)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(BZ_KCFLAGS) $(3) -c $$< -o $$@
$(B)/kernels/$(1)/%.o: $(BZ_COMMON)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(BZ_KCFLAGS) $(3) -c $$< -o $$@
$(B)/kernels/$(1)/entry.o: $(2)/entry.S $(2)/proto.h $(BZ_COMMON)/bzimage.h
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(BZ_KCFLAGS) $(3) -c $$< -o $$@
$(B)/kernels/$(1)/bzimage.lds: $(BZ_COMMON)/bzimage.lds.S $(2)/proto.h $(BZ_COMMON)/bzimage.h
	@mkdir -p $$(dir $$@)
	$(Q)gcc -E -P -x c -undef -D__ASSEMBLER__ $(3) $$< -o $$@
# The protected-mode part: linked as a PIE at 0, then flattened.
$(B)/kernels/$(1)/pm.elf: $(addprefix $(B)/kernels/$(1)/,$(4)) $(B)/kernels/$(1)/bzimage.lds
	$(Q)ld -m $(5) -pie --no-dynamic-linker -z noexecstack -z norelro --no-warn-rwx-segments \
		--hash-style=sysv -T $(B)/kernels/$(1)/bzimage.lds \
		$(addprefix $(B)/kernels/$(1)/,$(4)) -o $$@.tmp
	$(Q)if readelf -rW $$@.tmp | grep -qE 'R_X86_64|R_386'; then \
		echo "error: $$@ needs dynamic relocations (an absolute address in code or data):"; \
		readelf -rW $$@.tmp | grep -E 'R_X86_64|R_386' | head; rm -f $$@.tmp; exit 1; fi
	$(Q)if readelf -dW $$@.tmp | grep -q 'TEXTREL'; then echo "error: $$@ has TEXTREL"; exit 1; fi
	$(Q)mv $$@.tmp $$@
$(B)/kernels/$(1)/pm.bin: $(B)/kernels/$(1)/pm.elf
	$(Q)objcopy -O binary -j .head -j .text -j .rodata -j .data -j .trailer $$< $$@
# The bzImage: setup sectors with the header (bzheader.S) followed by pm.bin.
$(B)/kernels/$(1)/bzheader.o: $(BZ_COMMON)/bzheader.S $(2)/proto.h $(BZ_COMMON)/bzimage.h \
		$(B)/kernels/$(1)/pm.bin
	$(Q)gcc -c $(3) -DPM_BIN='"$(B)/kernels/$(1)/pm.bin"' $$< -o $$@
$(B)/kernels/$(1).bzImage: $(B)/kernels/$(1)/bzheader.o
	$(Q)objcopy -O binary -j .text $$< $$@
	@echo "built $$@ ($$$$(stat -c %s $$@) bytes)"
-include $(wildcard $(B)/kernels/$(1)/*.d)
endef

endif
