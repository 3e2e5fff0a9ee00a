# build.mk: the boot-sector conformance kernel (bootsect.bin: a sector and its body) and its selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.
BS_SRC := tests/kernels/bootsect
BS_OUT := $(B)/kernels/bootsect
BS_COMMON := tests/kernels/common

include $(BS_COMMON)/kflags.mk
# Real mode: gcc -m16 emits 32-bit code with the prefixes 16-bit segments need; every address is
# an offset in the first 64 KiB (DS = SS = 0).
BS_KCFLAGS := $(KFLAGS) -m16 -march=i386 -fno-pic -fno-pie -I$(BS_SRC) -I$(BS_COMMON)
BS_OBJS := $(addprefix $(BS_OUT)/,sector.o body.o main.o checks.o report.o rm16.o rm16s.o \
	udiv64.o kstring.o)

$(BS_OUT)/%.o: $(BS_SRC)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(BS_KCFLAGS) -c $< -o $@
$(BS_OUT)/%.o: $(BS_SRC)/%.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(BS_KCFLAGS) -c $< -o $@
$(BS_OUT)/%.o: $(BS_COMMON)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(BS_KCFLAGS) -c $< -o $@
$(BS_OUT)/rm16s.o: $(BS_COMMON)/rm16.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(BS_KCFLAGS) -c $< -o $@
$(B)/kernels/bootsect.bin: $(BS_OBJS) $(BS_SRC)/bootsect.lds
	$(Q)ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T $(BS_SRC)/bootsect.lds \
		$(BS_OBJS) -o $(BS_OUT)/bootsect.elf
	$(Q)objcopy -O binary -j .sector -j .body $(BS_OUT)/bootsect.elf $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The checks on the host, against synthetic boots (good ones, and one broken per promise).
$(B)/kernels/bootsect-selftest: $(BS_SRC)/selftest.c $(BS_SRC)/checks.c $(BS_COMMON)/report.c \
		$(BS_COMMON)/selftest.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(KHOSTFLAGS) -I$(BS_SRC) -I$(BS_COMMON) $(filter %.c,$^) -o $@
-include $(wildcard $(BS_OUT)/*.d) $(B)/kernels/bootsect-selftest.d

KERNELS += $(B)/kernels/bootsect.bin $(B)/kernels/bootsect-selftest
.PHONY: bootsect
bootsect: $(B)/kernels/bootsect.bin $(B)/kernels/bootsect-selftest
