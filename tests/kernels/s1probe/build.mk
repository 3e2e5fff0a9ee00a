# build.mk: build/kernels/s1probe.bin, the stand-in stage2 the stage1 QEMU tests load.
$(B)/kernels/s1probe/probe.o: tests/kernels/s1probe/probe.S
	@mkdir -p $(dir $@)
	$(Q)gcc -m32 -c $< -o $@
$(B)/kernels/s1probe.bin: $(B)/kernels/s1probe/probe.o stage1/stage1.ld
	$(Q)ld -m elf_i386 -Ttext=0x8000 -e _start $< -o $(B)/kernels/s1probe/probe.elf
	$(Q)objcopy -O binary -j .text $(B)/kernels/s1probe/probe.elf $@

KERNELS += $(B)/kernels/s1probe.bin $(B)/stage1/mbr.bin $(B)/bios.bin $(B)/bios-gap.bin
