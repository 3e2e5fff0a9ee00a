# build.mk: the linux64 conformance kernel (bzImage), its initrd maker and the checks' host selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.

L64_SRC := tests/kernels/linux64
KCOMMON := tests/kernels/common
L64_OUT := $(B)/kernels/linux64

# Freestanding, position independent: hidden visibility makes every reference RIP-relative,
# and the link below fails if anything still needs a run-time (dynamic) relocation.
L64_KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -m64 -fpie -fvisibility=hidden \
	-include $(KCOMMON)/kernel.h -mno-red-zone -mgeneral-regs-only -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-stack-check -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns -nostdlib -MMD -MP \
	-I$(L64_SRC) -I$(KCOMMON)
L64_KOBJS := $(L64_OUT)/entry.o $(L64_OUT)/main.o $(L64_OUT)/checks.o $(L64_OUT)/report.o \
	$(L64_OUT)/kstring.o
L64_HOSTCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -MMD -MP -I$(L64_SRC) -I$(KCOMMON)

$(L64_OUT)/%.o: $(L64_SRC)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(L64_KCFLAGS) -c $< -o $@
$(L64_OUT)/%.o: $(KCOMMON)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(L64_KCFLAGS) -c $< -o $@
$(L64_OUT)/entry.o: $(L64_SRC)/entry.S $(L64_SRC)/proto.h
	@mkdir -p $(dir $@)
	$(Q)gcc $(L64_KCFLAGS) -c $< -o $@
$(L64_OUT)/linux64.lds: $(L64_SRC)/linux64.lds.S $(L64_SRC)/proto.h
	@mkdir -p $(dir $@)
	$(Q)gcc -E -P -x c -I$(L64_SRC) $< -o $@

# The protected-mode part: linked as a PIE at 0, then flattened.
$(L64_OUT)/pm.elf: $(L64_KOBJS) $(L64_OUT)/linux64.lds
	$(Q)ld -m elf_x86_64 -pie --no-dynamic-linker -z noexecstack -z norelro --no-warn-rwx-segments \
		--hash-style=sysv \
		-T $(L64_OUT)/linux64.lds $(L64_KOBJS) -o $@.tmp
	$(Q)if readelf -rW $@.tmp | grep -q 'R_X86_64'; then \
		echo "error: $@ needs dynamic relocations (an absolute address in code or data):"; \
		readelf -rW $@.tmp | grep 'R_X86_64' | head; rm -f $@.tmp; exit 1; fi
	$(Q)if readelf -dW $@.tmp | grep -q 'TEXTREL'; then echo "error: $@ has TEXTREL"; exit 1; fi
	$(Q)mv $@.tmp $@
$(L64_OUT)/pm.bin: $(L64_OUT)/pm.elf
	$(Q)objcopy -O binary -j .head -j .text -j .rodata -j .data -j .trailer $< $@

# The bzImage: setup sectors with the header (header.S) followed by pm.bin.
$(L64_OUT)/header.o: $(L64_SRC)/header.S $(L64_SRC)/proto.h $(L64_OUT)/pm.bin
	$(Q)gcc -c -I$(L64_SRC) -DPM_BIN='"$(L64_OUT)/pm.bin"' $< -o $@
$(B)/kernels/linux64.bzImage: $(L64_OUT)/header.o
	$(Q)objcopy -O binary -j .text $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

$(B)/kernels/mkinitrd: $(L64_SRC)/mkinitrd.c $(KCOMMON)/util.h
	@mkdir -p $(dir $@)
	$(Q)gcc $(L64_HOSTCFLAGS) $< -o $@

# The same check code on the host, against synthetic machines built around the real bzImage.
$(B)/kernels/linux64-selftest: $(L64_SRC)/selftest.c $(L64_SRC)/checks.c $(KCOMMON)/report.c \
		$(B)/kernels/linux64.bzImage
	@mkdir -p $(dir $@)
	$(Q)gcc $(L64_HOSTCFLAGS) -DL64_IMAGE='"$(B)/kernels/linux64.bzImage"' $(filter %.c,$^) -o $@

.PHONY: linux64
linux64: $(B)/kernels/linux64.bzImage $(B)/kernels/mkinitrd $(B)/kernels/linux64-selftest
