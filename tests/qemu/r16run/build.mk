# build.mk: r16run, a test-only BIOS body running baton's core (boot.c, exec.c, handoff.S) on
# SeaBIOS: build/r16run.bin and build/r16run-gap.bin (loaded by stage1 and stage2/bios's gap part).
R16_SRC := tests/qemu/r16run
R16_ZLIB := crc32 inflate inftrees inffast adler32 zutil
R16_OBJS := $(addprefix $(B)/bios/stage2/bios/,entry.o thunk.o disk.o mem.o) \
	$(addprefix $(B)/bios/,stage2/boot.o stage2/exec.o stage2/volumes.o stage2/paging.o \
	stage2/handoff.o lib/fmt.o lib/string.o lib/util.o $(patsubst %.c,%.o,$(filter-out \
	lib/%,$(CORE_SRCS)))) $(addprefix $(B)/bios/zlib/,$(addsuffix .o,$(R16_ZLIB))) \
	$(B)/r16run/main.o $(B)/r16run/plat.o
$(B)/r16run/%.o: $(R16_SRC)/%.c
	@mkdir -p $(dir $@)
	$(Q)gcc $(BIOS_CFLAGS) -MMD -MP -c $< -o $@
$(B)/r16run.bin $(B)/r16run-gap.bin &: $(R16_OBJS) $(B)/bios/gap.o stage2/bios/stage2.ld \
		stage2/bios/gap.ld mk/buildid.py
	$(Q)ld -m elf_x86_64 --no-warn-rwx-segments -T stage2/bios/stage2.ld $(R16_OBJS) \
		-o $(B)/r16run/body.elf
	$(Q)objcopy -O binary $(B)/r16run/body.elf $(B)/r16run/body.raw
	$(Q)ld -m elf_i386 -T stage2/bios/gap.ld $(B)/bios/gap.o -o $(B)/r16run/gap.elf
	$(Q)objcopy -O binary $(B)/r16run/gap.elf $(B)/r16run/gap.raw
	$(Q)python3 mk/buildid.py $(B)/r16run/body.raw $(B)/r16run/gap.raw $(B)/r16run.bin \
		$(B)/r16run-gap.bin
	@echo "built $(B)/r16run.bin ($$(stat -c %s $(B)/r16run.bin) bytes)"
-include $(wildcard $(B)/r16run/*.d)
KERNELS += $(B)/r16run.bin
