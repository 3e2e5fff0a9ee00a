# build.mk: the linux32 conformance kernels (linux32, linux32-k64 bzImages) and their selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.
include tests/kernels/common/bzimage.mk

L32_SRC := tests/kernels/linux32
L32_OBJS := entry.o main.o checks.o zeropage.o trap.o report.o kstring.o udiv64.o
L32_CFLAGS := -m32 -I$(L32_SRC) -I$(BZ_COMMON)
# The same code twice: the i386 kernel, and one that also declares a 64-bit entry (-DL32_K64).
$(eval $(call BZIMAGE,linux32,$(L32_SRC),$(L32_CFLAGS),$(L32_OBJS),elf_i386))
$(eval $(call BZIMAGE,linux32-k64,$(L32_SRC),$(L32_CFLAGS) -DL32_K64,$(L32_OBJS),elf_i386))

# The checks on the host, against synthetic machines built around both real bzImages.
$(B)/kernels/linux32-selftest: $(L32_SRC)/selftest.c $(L32_SRC)/checks.c $(BZ_COMMON)/zeropage.c \
		$(BZ_COMMON)/zpfake.c $(BZ_COMMON)/report.c $(B)/kernels/linux32.bzImage \
		$(B)/kernels/linux32-k64.bzImage
	@mkdir -p $(dir $@)
	$(Q)gcc $(BZ_HOSTCFLAGS) -I$(L32_SRC) -DL32_DIR='"$(B)/kernels"' $(filter %.c,$^) -o $@
-include $(B)/kernels/linux32-selftest.d

KERNELS += $(B)/kernels/linux32.bzImage $(B)/kernels/linux32-k64.bzImage \
	$(B)/kernels/linux32-selftest
.PHONY: linux32
linux32: $(B)/kernels/linux32.bzImage $(B)/kernels/linux32-k64.bzImage \
	$(B)/kernels/linux32-selftest $(B)/kernels/mkinitrd
