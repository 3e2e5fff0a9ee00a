# build.mk: the BIOS stage2: build/bios-gap.bin (the gap part) and build/bios.bin (the body file), with one build id.
BIOS_CFLAGS := -m64 -Os -ffunction-sections -fdata-sections --param=min-pagesize=0 -ffreestanding -fno-pie -fno-pic -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-builtin -nostdlib -Wall -Wextra \
	-Wno-unused-parameter -std=gnu11 $(INCS) -Istage2/bios -I$(ZLIB) -DZ_SOLO -DBATON_BIOS
# The core, formats, filesystems and config are the UEFI build's sources, compiled for BIOS.
BIOS_SRCS := stage2/bios/entry.S stage2/bios/thunk.S stage2/bios/main.c stage2/bios/mem.c \
	stage2/bios/disk.c stage2/bios/console.c stage2/bios/time.c stage2/bios/firmware.c \
	stage2/com1.c stage2/trap.c stage2/trapstub.S stage2/bios/trap.c \
	stage2/main.c stage2/saved.c stage2/menu.c $(UI_SRCS) stage2/boot.c stage2/exec.c stage2/paging.c \
	stage2/volumes.c \
	stage2/handoff.S lib/string.c $(CORE_SRCS)
BIOS_OBJS := $(patsubst %,$(B)/bios/%.o,$(basename $(BIOS_SRCS))) \
	$(patsubst %.c,$(B)/bios/zlib/%.o,$(ZLIB_SRCS))
$(B)/bios/%.o: %.c $(ZLIB)/.done
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -MMD -MP -c $< -o $@
$(B)/bios/zlib/%.o: $(ZLIB)/.done
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -w -c $(ZLIB)/$*.c -o $@
$(B)/bios/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -MMD -MP -c $< -o $@
$(B)/bios/gap.o: stage2/bios/gap.S stage2/bios/gap.h stage1/rm16.inc
	@mkdir -p $(dir $@)
	$(Q)gcc -m32 -Istage1 -Istage2/bios -c $< -o $@
# The body and the gap part get the same build id: the body's SHA-256 (id field zero), 8 bytes.
$(B)/bios.bin $(B)/bios-gap.bin &: $(BIOS_OBJS) $(B)/bios/gap.o stage2/bios/stage2.ld stage2/bios/gap.ld mk/buildid.py
	$(Q)ld -m elf_x86_64 --no-warn-rwx-segments --gc-sections -T stage2/bios/stage2.ld $(BIOS_OBJS) -o $(B)/bios/body.elf
	$(Q)objcopy -O binary $(B)/bios/body.elf $(B)/bios/body.raw
	$(Q)ld -m elf_i386 -T stage2/bios/gap.ld $(B)/bios/gap.o -o $(B)/bios/gap.elf
	$(Q)objcopy -O binary $(B)/bios/gap.elf $(B)/bios/gap.raw
	$(Q)python3 mk/buildid.py $(B)/bios/body.raw $(B)/bios/gap.raw $(B)/bios.bin $(B)/bios-gap.bin
	@echo "built $(B)/bios-gap.bin ($$(stat -c %s $(B)/bios-gap.bin) bytes) and $(B)/bios.bin ($$(stat -c %s $(B)/bios.bin) bytes)"
-include $(patsubst %.o,%.d,$(filter-out $(B)/bios/zlib/%,$(BIOS_OBJS)))
