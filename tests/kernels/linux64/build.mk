# build.mk: the linux64 conformance kernel (bzImage), its initrd maker and the checks' host selftest.
# Included by the main Makefile (which defines B and Q); everything builds under $(B)/kernels/.
include tests/kernels/common/bzimage.mk

L64_SRC := tests/kernels/linux64
$(eval $(call BZIMAGE,linux64,$(L64_SRC),-m64 -mno-red-zone -I$(L64_SRC) -I$(BZ_COMMON),\
	entry.o main.o checks.o zeropage.o trap.o report.o kstring.o,elf_x86_64))

$(B)/kernels/mkinitrd: $(L64_SRC)/mkinitrd.c $(BZ_COMMON)/util.h
	@mkdir -p $(dir $@)
	$(Q)gcc $(BZ_HOSTCFLAGS) $< -o $@

# The same check code on the host, against synthetic machines built around the real bzImage.
$(B)/kernels/linux64-selftest: $(L64_SRC)/selftest.c $(L64_SRC)/checks.c $(BZ_COMMON)/zeropage.c \
		$(BZ_COMMON)/zpfake.c $(BZ_COMMON)/report.c $(B)/kernels/linux64.bzImage
	@mkdir -p $(dir $@)
	$(Q)gcc $(BZ_HOSTCFLAGS) -I$(L64_SRC) -DL64_IMAGE='"$(B)/kernels/linux64.bzImage"' \
		$(filter %.c,$^) -o $@
-include $(B)/kernels/linux64-selftest.d

.PHONY: linux64
linux64: $(B)/kernels/linux64.bzImage $(B)/kernels/mkinitrd $(B)/kernels/linux64-selftest
