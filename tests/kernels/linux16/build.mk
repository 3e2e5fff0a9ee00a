# build.mk: the linux16 conformance kernel (a bzImage whose real-mode setup code is the test) and its selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.
L16_SRC := tests/kernels/linux16
L16_OUT := $(B)/kernels/linux16
L16_COMMON := tests/kernels/common

include $(L16_COMMON)/kflags.mk
# Real mode (gcc -m16), linked at 0: every address an offset in the real-mode code's segment.
L16_KCFLAGS := $(KFLAGS) -m16 -march=i386 -fno-pic -fno-pie -I$(L16_SRC) -I$(L16_COMMON)
L16_OBJS := $(addprefix $(L16_OUT)/,head.o main.o checks.o ckutil.o report.o rm16.o rm16s.o \
	udiv64.o kstring.o)

$(L16_OUT)/%.o: $(L16_SRC)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(L16_KCFLAGS) -c $< -o $@
$(L16_OUT)/%.o: $(L16_SRC)/%.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(L16_KCFLAGS) -c $< -o $@
$(L16_OUT)/%.o: $(L16_COMMON)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(L16_KCFLAGS) -c $< -o $@
$(L16_OUT)/rm16s.o: $(L16_COMMON)/rm16.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(L16_KCFLAGS) -c $< -o $@
# The protected-mode part is data: one BTNI file, whose every byte the setup code checks.
$(L16_OUT)/pm.bin: $(B)/kernels/mkinitrd $(L16_SRC)/proto.h
	@mkdir -p $(dir $@)
	$(Q)$(B)/kernels/mkinitrd $@ $$(sed -n 's/^#define L16_PM_SEED[^0-9]*\([0-9]*\).*/\1/p' \
		$(L16_SRC)/proto.h) $$(sed -n 's/^#define L16_PM_LEN[^0-9]*\([0-9]*\).*/\1/p' \
		$(L16_SRC)/proto.h)
$(B)/kernels/linux16.bzImage: $(L16_OBJS) $(L16_SRC)/l16.lds $(L16_OUT)/pm.bin
	$(Q)ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T $(L16_SRC)/l16.lds \
		$(L16_OBJS) -o $(L16_OUT)/setup.elf
	$(Q)objcopy -O binary -j .setup $(L16_OUT)/setup.elf $(L16_OUT)/setup.bin
	$(Q)cat $(L16_OUT)/setup.bin $(L16_OUT)/pm.bin >$@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The checks on the host, against synthetic boots (good ones, and one broken per promise).
$(B)/kernels/linux16-selftest: $(L16_SRC)/selftest.c $(L16_SRC)/checks.c \
		$(L16_COMMON)/ckutil.c $(L16_COMMON)/report.c $(L16_COMMON)/selftest.c \
		$(B)/kernels/linux16.bzImage
	@mkdir -p $(dir $@)
	$(Q)gcc $(KHOSTFLAGS) -I$(L16_SRC) -I$(L16_COMMON) -DL16_IMAGE='"$(B)/kernels/linux16.bzImage"' \
		$(filter %.c,$^) -o $@
-include $(wildcard $(L16_OUT)/*.d) $(B)/kernels/linux16-selftest.d

KERNELS += $(B)/kernels/linux16.bzImage $(B)/kernels/linux16-selftest
.PHONY: linux16
linux16: $(B)/kernels/linux16.bzImage $(B)/kernels/linux16-selftest
