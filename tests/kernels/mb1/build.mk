# build.mk: the Multiboot 1 conformance kernels (mb1-elf, mb1-video, mb1-aout), their sealing tool and the checks' host selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.

MB1_SRC := tests/kernels/mb1
MB1_OUT := $(B)/kernels/mb1
KCOMMON := tests/kernels/common

# 32-bit freestanding code linked at fixed physical addresses (no paging): gcc -m32 needs no
# multilib for this; common/udiv64.c stands in for the 32-bit libgcc.
include $(KCOMMON)/kflags.mk
MB1_KCFLAGS := $(KFLAGS) -m32 -fno-pic -fno-pie -I$(MB1_SRC) -I$(KCOMMON)
MB1_HOSTCFLAGS := $(KHOSTFLAGS) -D_GNU_SOURCE -I$(MB1_SRC) -I$(KCOMMON)
MB1_VARIANTS := elf video aout
MB1_DEFS_elf :=
MB1_DEFS_video := -DMB1_VIDEO
MB1_DEFS_aout := -DMB1_AOUT

# Objects, linker script and link for one variant ($(1): elf, video, aout).
define MB1_VARIANT
$(MB1_OUT)/$(1)/%.o: $(MB1_SRC)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB1_KCFLAGS) $(MB1_DEFS_$(1)) -c $$< -o $$@
$(MB1_OUT)/$(1)/%.o: $(MB1_SRC)/%.S
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB1_KCFLAGS) $(MB1_DEFS_$(1)) -c $$< -o $$@
$(MB1_OUT)/$(1)/%.o: $(KCOMMON)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB1_KCFLAGS) -c $$< -o $$@
$(MB1_OUT)/$(1)/%.o: $(KCOMMON)/%.S
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(MB1_KCFLAGS) -c $$< -o $$@
$(MB1_OUT)/$(1)/mb1.lds: $(MB1_SRC)/mb1.lds.S $(MB1_SRC)/layout.h
	@mkdir -p $$(dir $$@)
	$(Q)gcc -E -P -x c -I$(MB1_SRC) $(MB1_DEFS_$(1)) $$< -o $$@
MB1_OBJS_$(1) := $(addprefix $(MB1_OUT)/$(1)/,entry.o main.o checks.o report.o kstring.o udiv64.o \
	kmain.o ktables.o isr.o)
$(MB1_OUT)/$(1)/kernel.elf: $$(MB1_OBJS_$(1)) $(MB1_OUT)/$(1)/mb1.lds
	$(Q)ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T $(MB1_OUT)/$(1)/mb1.lds \
		$$(MB1_OBJS_$(1)) -o $$@
endef
$(foreach v,$(MB1_VARIANTS),$(eval $(call MB1_VARIANT,$(v))))

# The tool that seals an image (loaded ranges and their FNV-1a, ELF section facts).
$(B)/kernels/mb1tool: $(MB1_SRC)/mb1tool.c $(MB1_SRC)/checks.c $(KCOMMON)/report.c $(MB1_SRC)/mb1.h
	@mkdir -p $(dir $@)
	$(Q)gcc $(MB1_HOSTCFLAGS) $(filter %.c,$^) -o $@

$(B)/kernels/mb1.elf: $(MB1_OUT)/elf/kernel.elf $(B)/kernels/mb1tool
	$(Q)cp $< $@.tmp && $(B)/kernels/mb1tool $@.tmp && mv $@.tmp $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"
$(B)/kernels/mb1-video.elf: $(MB1_OUT)/video/kernel.elf $(B)/kernels/mb1tool
	$(Q)cp $< $@.tmp && $(B)/kernels/mb1tool $@.tmp && mv $@.tmp $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"
# Flat: the header at offset 0, loaded up to load_end_addr; 4 KiB of 0xA5 after it must not be.
$(B)/kernels/mb1-aout.bin: $(MB1_OUT)/aout/kernel.elf $(B)/kernels/mb1tool
	$(Q)objcopy -O binary -j .boot -j .text -j .rodata -j .data $< $@.tmp
	$(Q)$(B)/kernels/mb1tool $@.tmp 4096 && mv $@.tmp $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The same check code on the host, against synthetic boots around the real mb1.elf.
$(B)/kernels/mb1-selftest: $(MB1_SRC)/selftest.c $(MB1_SRC)/checks.c $(KCOMMON)/report.c \
		$(KCOMMON)/selftest.c $(B)/kernels/mb1.elf
	@mkdir -p $(dir $@)
	$(Q)gcc $(MB1_HOSTCFLAGS) -DMB1_IMAGE='"$(B)/kernels/mb1.elf"' $(filter %.c,$^) -o $@

-include $(wildcard $(MB1_OUT)/*/*.d $(B)/kernels/mb1*.d)

KERNELS += $(B)/kernels/mb1.elf $(B)/kernels/mb1-video.elf $(B)/kernels/mb1-aout.bin \
	$(B)/kernels/mb1-selftest
.PHONY: mb1
mb1: $(B)/kernels/mb1.elf $(B)/kernels/mb1-video.elf $(B)/kernels/mb1-aout.bin \
	$(B)/kernels/mb1-selftest $(B)/kernels/mkinitrd
