# build.mk: build/stage2-bios.bin, the BIOS stage2 (work in progress: real mode to long mode to C).
BIOS_CFLAGS := -m64 -Os -ffreestanding -fno-pie -fno-pic -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-builtin -nostdlib -Wall -Wextra \
	-Wno-unused-parameter -std=gnu11 $(INCS) -I$(ZLIB) -DZ_SOLO -DBATON_BIOS
BIOS_OBJS := $(B)/bios/stage2/bios/entry.o $(B)/bios/stage2/bios/thunk.o $(B)/bios/stage2/bios/main.o \
	$(B)/bios/stage2/bios/mem.o $(B)/bios/stage2/bios/disk.o $(B)/bios/lib/fmt.o \
	$(B)/bios/lib/string.o $(B)/bios/lib/util.o $(B)/bios/fs/blockdev.o $(B)/bios/fs/part.o \
	$(B)/bios/fs/fs.o $(B)/bios/fs/fat.o $(B)/bios/fs/ext4.o $(B)/bios/fs/iso9660.o \
	$(B)/bios/zlib/crc32.o
$(B)/bios/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -c $< -o $@
$(B)/bios/zlib/%.o: $(ZLIB)/.done
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -w -c $(ZLIB)/$*.c -o $@
$(B)/bios/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -c $< -o $@
$(B)/stage2-bios.bin: $(BIOS_OBJS) stage2/bios/stage2.ld
	$(Q)ld -m elf_x86_64 -T stage2/bios/stage2.ld $(BIOS_OBJS) -o $(B)/bios/stage2.elf
	$(Q)objcopy -O binary $(B)/bios/stage2.elf $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"
