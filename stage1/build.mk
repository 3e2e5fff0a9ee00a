# build.mk: build/stage1/mbr.bin (the BIOS boot sector; the installer writes bytes 0-439) and build/stage1/cdboot.bin (the CD boot image).
$(B)/stage1/mbr.o: stage1/mbr.S stage1/rm16.inc
	@mkdir -p $(dir $@)
	$(Q)gcc -m32 -Istage1 -c $< -o $@
$(B)/stage1/mbr.bin: $(B)/stage1/mbr.o stage1/stage1.ld
	$(Q)ld -m elf_i386 -T stage1/stage1.ld $< -o $(B)/stage1/mbr.elf
	$(Q)objcopy -O binary $(B)/stage1/mbr.elf $@
	@test "$$(stat -c %s $@)" = 512 || { echo "stage1: mbr.bin is not 512 bytes" >&2; exit 1; }
	@echo "built $@"

# build/stage1/cdboot.bin: the El Torito boot image (2048 bytes; baton mkiso appends bios.bin).
$(B)/stage1/cdboot.o: stage1/cdboot.S stage1/rm16.inc stage2/bios/gap.h
	@mkdir -p $(dir $@)
	$(Q)gcc -m32 -Istage1 -Istage2/bios -c $< -o $@
$(B)/stage1/cdboot.bin: $(B)/stage1/cdboot.o stage1/stage1.ld
	$(Q)ld -m elf_i386 -T stage1/stage1.ld $< -o $(B)/stage1/cdboot.elf
	$(Q)objcopy -O binary $(B)/stage1/cdboot.elf $@
	@test "$$(stat -c %s $@)" = 2048 || { echo "stage1: cdboot.bin is not 2048 bytes" >&2; exit 1; }
	@echo "built $@"

# What `baton mkiso` puts on an ISO, found next to build/baton: built by `make` with the tool.
all: $(B)/stage1/mbr.bin $(B)/stage1/cdboot.bin $(B)/bios.bin $(B)/bios-gap.bin
