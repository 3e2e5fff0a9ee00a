# build.mk: build/stage1/mbr.bin, the 512-byte BIOS boot sector (the installer writes bytes 0-439).
$(B)/stage1/mbr.o: stage1/mbr.S
	@mkdir -p $(dir $@)
	$(Q)gcc -m32 -c $< -o $@
$(B)/stage1/mbr.bin: $(B)/stage1/mbr.o stage1/stage1.ld
	$(Q)ld -m elf_i386 -T stage1/stage1.ld $< -o $(B)/stage1/mbr.elf
	$(Q)objcopy -O binary $(B)/stage1/mbr.elf $@
	@test "$$(stat -c %s $@)" = 512 || { echo "stage1: mbr.bin is not 512 bytes" >&2; exit 1; }
	@echo "built $@"
