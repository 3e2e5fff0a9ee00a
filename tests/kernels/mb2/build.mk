# build.mk: the Multiboot 2 conformance kernels (mb2.elf, mb2-efi.elf), their sealing tool and the checks' host selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.

MB2_SRC := tests/kernels/mb2
MB2_OUT := $(B)/kernels/mb2
KCOMMON := tests/kernels/common

# Freestanding; -fpie with hidden visibility so mb2.elf runs wherever the loader relocates it
# (checked below: two links at different addresses must give the same loaded bytes).
include $(KCOMMON)/kflags.mk
MB2_KFLAGS := $(KFLAGS) -fpie -fvisibility=hidden -include $(KCOMMON)/kernel.h -I$(MB2_SRC) \
	-I$(KCOMMON)
MB2_KFLAGS_32 := $(MB2_KFLAGS) -m32
MB2_KFLAGS_64 := $(MB2_KFLAGS) -m64 -mno-red-zone -DMB2_EFI
MB2_HOSTCFLAGS := $(KHOSTFLAGS) -I$(MB2_SRC) -I$(KCOMMON)
MB2_LDFLAGS := -z noexecstack --no-warn-rwx-segments
MB2_BINSECS := -j .mbhead -j .text -j .rodata -j .got -j .data

# Objects and linker scripts of one variant ($(1): 32 or 64).
define MB2_VARIANT
$(MB2_OUT)/$(1)/%.o: $(MB2_SRC)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB2_KFLAGS_$(1)) -c $$< -o $$@
$(MB2_OUT)/$(1)/%.o: $(MB2_SRC)/%.S
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB2_KFLAGS_$(1)) -c $$< -o $$@
$(MB2_OUT)/$(1)/%.o: $(KCOMMON)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB2_KFLAGS_$(1)) -c $$< -o $$@
$(MB2_OUT)/$(1)/%.o: $(KCOMMON)/%.S
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB2_KFLAGS_$(1)) -c $$< -o $$@
$(MB2_OUT)/$(1)/mb2.lds: $(MB2_SRC)/mb2.lds.S $(MB2_SRC)/mb2.h
	@mkdir -p $$(dir $$@)
	$(Q)gcc -E -P -x c -D__ASSEMBLER__ -I$(MB2_SRC) $(if $(filter 64,$(1)),-DMB2_EFI) $$< -o $$@
endef
$(foreach v,32 64,$(eval $(call MB2_VARIANT,$(v))))

$(MB2_OUT)/32/mb2-moved.lds: $(MB2_SRC)/mb2.lds.S $(MB2_SRC)/mb2.h
	@mkdir -p $(dir $@)
	$(Q)gcc -E -P -x c -D__ASSEMBLER__ -DLINK_AT=0x1200000 -I$(MB2_SRC) $< -o $@

MB2_OBJS_32 := $(addprefix $(MB2_OUT)/32/,entry.o main.o checks.o report.o kstring.o udiv64.o \
	kmain.o ktables.o isr.o)
MB2_OBJS_64 := $(addprefix $(MB2_OUT)/64/,entry.o main.o checks.o report.o kstring.o kmain.o)

# The sealing tool (image size, FNV-1a, ELF section facts written into the image).
$(B)/kernels/mb2seal: $(MB2_SRC)/mb2seal.c $(MB2_SRC)/checks.c $(KCOMMON)/report.c $(MB2_SRC)/mb2.h
	@mkdir -p $(dir $@)
	$(Q)gcc $(MB2_HOSTCFLAGS) $(filter %.c,$^) -o $@

$(B)/kernels/mb2.elf: $(MB2_OBJS_32) $(MB2_OUT)/32/mb2.lds $(MB2_OUT)/32/mb2-moved.lds $(B)/kernels/mb2seal
	$(Q)ld -m elf_i386 $(MB2_LDFLAGS) -T $(MB2_OUT)/32/mb2.lds $(MB2_OBJS_32) -o $@.tmp
	$(Q)ld -m elf_i386 $(MB2_LDFLAGS) -T $(MB2_OUT)/32/mb2-moved.lds $(MB2_OBJS_32) -o $(MB2_OUT)/moved.elf
	$(Q)objcopy -O binary $(MB2_BINSECS) $@.tmp $(MB2_OUT)/at-link.bin
	$(Q)objcopy -O binary $(MB2_BINSECS) $(MB2_OUT)/moved.elf $(MB2_OUT)/moved.bin
	$(Q)cmp -s $(MB2_OUT)/at-link.bin $(MB2_OUT)/moved.bin || { echo "error: mb2.elf is not \
		position independent (its bytes depend on the link address):"; \
		cmp -l $(MB2_OUT)/at-link.bin $(MB2_OUT)/moved.bin | head; rm -f $@.tmp; exit 1; }
	$(Q)$(B)/kernels/mb2seal $@.tmp && mv $@.tmp $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"
$(B)/kernels/mb2-efi.elf: $(MB2_OBJS_64) $(MB2_OUT)/64/mb2.lds $(B)/kernels/mb2seal
	$(Q)ld -m elf_x86_64 $(MB2_LDFLAGS) -T $(MB2_OUT)/64/mb2.lds $(MB2_OBJS_64) -o $@.tmp
	$(Q)$(B)/kernels/mb2seal $@.tmp && mv $@.tmp $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The same check code on the host, against synthetic boots around the real kernels.
$(B)/kernels/mb2-selftest: $(MB2_SRC)/selftest.c $(MB2_SRC)/checks.c $(KCOMMON)/report.c \
		$(KCOMMON)/selftest.c $(B)/kernels/mb2.elf $(B)/kernels/mb2-efi.elf
	@mkdir -p $(dir $@)
	$(Q)gcc $(MB2_HOSTCFLAGS) -DMB2_IMAGE='"$(B)/kernels/mb2.elf"' \
		-DMB2_EFI_IMAGE='"$(B)/kernels/mb2-efi.elf"' $(filter %.c,$^) -o $@

-include $(wildcard $(MB2_OUT)/*/*.d $(B)/kernels/mb2*.d)

KERNELS += $(B)/kernels/mb2.elf $(B)/kernels/mb2-efi.elf $(B)/kernels/mb2-selftest
.PHONY: mb2
mb2: $(B)/kernels/mb2.elf $(B)/kernels/mb2-efi.elf $(B)/kernels/mb2-selftest $(B)/kernels/mkinitrd
