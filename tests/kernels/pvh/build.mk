# build.mk: the PVH conformance kernel (pvh.elf) and the checks' host selftest (pvh-selftest).
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.
# The checks share common/ckutil.c (tokens, BTNI, RSDP, descriptors) with the elf kernels.

PVH_SRC := tests/kernels/pvh
PVH_OUT := $(B)/kernels/pvh
PVH_COMMON := tests/kernels/common

# 32-bit freestanding code linked at its physical address (paging is off at the PVH entry).
include $(PVH_COMMON)/kflags.mk
PVH_KCFLAGS := $(KFLAGS) -m32 -fno-pic -fno-pie -I$(PVH_SRC) -I$(PVH_COMMON)
PVH_HOSTCFLAGS := $(KHOSTFLAGS) -D_GNU_SOURCE -I$(PVH_SRC) -I$(PVH_COMMON)
PVH_OBJS := $(addprefix $(PVH_OUT)/,entry.o main.o checks.o ckutil.o udiv64.o report.o kstring.o \
	kmain.o ktables.o isr.o)

$(PVH_OUT)/%.o: $(PVH_SRC)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(PVH_KCFLAGS) -c $< -o $@
$(PVH_OUT)/%.o: $(PVH_SRC)/%.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(PVH_KCFLAGS) -c $< -o $@
$(PVH_OUT)/%.o: $(PVH_COMMON)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(PVH_KCFLAGS) -c $< -o $@
$(PVH_OUT)/%.o: $(PVH_COMMON)/%.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(PVH_KCFLAGS) -c $< -o $@

# Linked as ELF32 at 0x200000, then made an ELF64 like vmlinux: EM_X86_64, p_vaddr = p_paddr +
# 0xffffffff80000000 (a loader must load by p_paddr and enter through the note).
$(PVH_OUT)/pvh32.elf: $(PVH_OBJS) $(PVH_SRC)/pvh.lds
	$(Q)ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T $(PVH_SRC)/pvh.lds \
		$(PVH_OBJS) -o $@
$(B)/kernels/pvh.elf: $(PVH_OUT)/pvh32.elf
	$(Q)objcopy -O elf64-x86-64 --change-section-vma '*+0xffffffff80000000' \
		--change-start 0xffffffff80000000 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The same check code on the host, against synthetic boots; also reads pvh.elf's headers.
$(B)/kernels/pvh-selftest: $(PVH_SRC)/selftest.c $(PVH_SRC)/checks.c $(PVH_COMMON)/ckutil.c \
		$(PVH_COMMON)/report.c $(PVH_COMMON)/selftest.c $(B)/kernels/pvh.elf
	@mkdir -p $(dir $@)
	$(Q)gcc $(PVH_HOSTCFLAGS) -DPVH_IMAGE='"$(B)/kernels/pvh.elf"' $(filter %.c,$^) -o $@

-include $(wildcard $(PVH_OUT)/*.d $(B)/kernels/pvh-selftest.d)

KERNELS += $(B)/kernels/pvh.elf $(B)/kernels/pvh-selftest
.PHONY: pvh
pvh: $(B)/kernels/pvh.elf $(B)/kernels/pvh-selftest $(B)/kernels/mkinitrd
