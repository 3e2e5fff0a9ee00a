# build.mk: smoke kernels for the Multiboot, plain ELF and relocator paths (one promise each).
SMK_SRC := tests/kernels/smoke
SMK_OUT := $(B)/kernels/smoke
SMK_INC := -Itests/kernels/common
SMK_DEPS := tests/kernels/common/kasm.h tests/kernels/common/serial.h

# mb1: virtual 0xC0000000 + phys; PHYS_BASE high in a 512 MiB guest, where OVMF keeps its own
# data until it is left, so the relocator moves it.
$(B)/kernels/smoke-mb1.elf: $(SMK_SRC)/mb1.S $(SMK_SRC)/common32.S $(SMK_DEPS)
	@mkdir -p $(SMK_OUT)
	$(Q)gcc -m32 -c $(SMK_INC) -DVIRT=0xC0000000 -DPHYS_BASE=0x1f000000 $< -o $(SMK_OUT)/mb1.o
	$(Q)ld -m elf_i386 -N --no-warn-rwx-segments -Ttext=0xC0000000 \
		--section-start=.data=0xC0001000 -e _start $(SMK_OUT)/mb1.o -o $@.tmp
	$(Q)objcopy --change-section-lma .text-0xA1000000 --change-section-lma .data-0xA1000000 \
		$@.tmp $@ && rm -f $@.tmp
$(B)/kernels/smoke-mb1.gz: $(B)/kernels/smoke-mb1.elf
	$(Q)gzip -9 -n -c $< >$@
$(B)/kernels/smoke-mb2.elf: $(SMK_SRC)/mb2.S $(SMK_SRC)/common32.S $(SMK_DEPS)
	@mkdir -p $(SMK_OUT)
	$(Q)gcc -m32 -c $(SMK_INC) $< -o $(SMK_OUT)/mb2.o
	$(Q)ld -m elf_i386 -N --no-warn-rwx-segments -Ttext=0x200000 -e _start $(SMK_OUT)/mb2.o -o $@
$(B)/kernels/smoke-mb2-efi.elf: $(SMK_SRC)/mb2.S $(SMK_SRC)/common32.S $(SMK_SRC)/common64.S \
		$(SMK_DEPS)
	@mkdir -p $(SMK_OUT)
	$(Q)gcc -m32 -DEFI_BS -c $(SMK_INC) $< -o $(SMK_OUT)/mb2-efi.o
	$(Q)ld -m elf_i386 -N --no-warn-rwx-segments -Ttext=0x300000 -e _start $(SMK_OUT)/mb2-efi.o -o $@
$(B)/kernels/smoke-elf64.elf: $(SMK_SRC)/elf64.S $(SMK_SRC)/common64.S $(SMK_DEPS)
	@mkdir -p $(SMK_OUT)
	$(Q)gcc -c $(SMK_INC) $< -o $(SMK_OUT)/elf64.o
	$(Q)ld -N --no-warn-rwx-segments -Ttext=0xffffffff80400000 -e _start $(SMK_OUT)/elf64.o -o $@.tmp
	$(Q)objcopy --change-section-lma .text-0xffffffff80000000 \
		--change-section-lma .data-0xffffffff80000000 $@.tmp $@ && rm -f $@.tmp

KERNELS += $(B)/kernels/smoke-mb1.elf $(B)/kernels/smoke-mb1.gz $(B)/kernels/smoke-mb2.elf \
	$(B)/kernels/smoke-mb2-efi.elf $(B)/kernels/smoke-elf64.elf
