# build.mk: the baton ELF protocol conformance kernels (elf32.elf, elf64.elf) and their host selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.

ELF_SRC := tests/kernels/elf
ELF_OUT := $(B)/kernels/elf
ELF_COMMON := tests/kernels/common

include $(ELF_COMMON)/kflags.mk
ELF_KCFLAGS := $(KFLAGS) -fno-pic -fno-pie -I$(ELF_SRC) -I$(ELF_COMMON)
ELF_CFLAGS_32 := $(ELF_KCFLAGS) -m32
# Higher half: -mcmodel=kernel puts every address in the top 2 GiB.
ELF_CFLAGS_64 := $(ELF_KCFLAGS) -m64 -mcmodel=kernel -mno-red-zone
ELF_HOSTCFLAGS := $(KHOSTFLAGS) -D_GNU_SOURCE -I$(ELF_SRC) -I$(ELF_COMMON)
ELF_LD_32 := -m elf_i386
ELF_LD_64 := -m elf_x86_64 -z max-page-size=4096
ELF_EXTRA_32 := udiv64.o

# Objects, linker script and link for one class ($(1): 32 or 64).
define ELF_CLASS
$(ELF_OUT)/$(1)/%.o: $(ELF_SRC)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(ELF_CFLAGS_$(1)) -c $$< -o $$@
$(ELF_OUT)/$(1)/%.o: $(ELF_COMMON)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(ELF_CFLAGS_$(1)) -c $$< -o $$@
$(ELF_OUT)/$(1)/%.o: $(ELF_COMMON)/%.S
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(ELF_CFLAGS_$(1)) -c $$< -o $$@
$(ELF_OUT)/$(1)/entry.o: $(ELF_SRC)/entry$(1).S $(ELF_SRC)/data.S $(ELF_SRC)/elf.h
	@mkdir -p $$(dir $$@)
	$(Q)gcc $(ELF_CFLAGS_$(1)) -c $$< -o $$@
$(ELF_OUT)/$(1)/elf.lds: $(ELF_SRC)/elf$(1).lds.S $(ELF_SRC)/elf.h
	@mkdir -p $$(dir $$@)
	$(Q)gcc -E -P -x c -D__ASSEMBLER__ -I$(ELF_SRC) $$< -o $$@
ELF_OBJS_$(1) := $$(addprefix $(ELF_OUT)/$(1)/,entry.o main.o checks.o ckutil.o report.o \
	kstring.o kmain.o ktables.o isr.o $(ELF_EXTRA_$(1)))
$(B)/kernels/elf$(1).elf: $$(ELF_OBJS_$(1)) $(ELF_OUT)/$(1)/elf.lds
	$(Q)ld $(ELF_LD_$(1)) -z noexecstack --no-warn-rwx-segments -T $(ELF_OUT)/$(1)/elf.lds \
		$$(ELF_OBJS_$(1)) -o $$@
	@echo "built $$@ ($$$$(stat -c %s $$@) bytes)"
endef
$(foreach c,32 64,$(eval $(call ELF_CLASS,$(c))))

# The same check code on the host, against synthetic boots; also reads both images' headers.
$(B)/kernels/elf-selftest: $(ELF_SRC)/selftest.c $(ELF_SRC)/checks.c $(ELF_COMMON)/ckutil.c \
		$(ELF_COMMON)/report.c $(ELF_COMMON)/selftest.c $(B)/kernels/elf32.elf \
		$(B)/kernels/elf64.elf
	@mkdir -p $(dir $@)
	$(Q)gcc $(ELF_HOSTCFLAGS) -DELF_DIR='"$(B)/kernels"' $(filter %.c,$^) -o $@

-include $(wildcard $(ELF_OUT)/*/*.d $(B)/kernels/elf-selftest.d)

KERNELS += $(B)/kernels/elf32.elf $(B)/kernels/elf64.elf $(B)/kernels/elf-selftest
.PHONY: elf
elf: $(B)/kernels/elf32.elf $(B)/kernels/elf64.elf $(B)/kernels/elf-selftest $(B)/kernels/mkinitrd
