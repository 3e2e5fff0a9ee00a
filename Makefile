# Makefile: baton's one entry point: `make`, `make run`, `make check`, `make bench`.
B       := build
CACHE   := cache
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

.PHONY: all deps fetch run check unit fuzz qemu bench clean format
# Keep intermediate objects (make would otherwise delete them and print it after the tests).
.SECONDARY:
all: deps $(B)/BOOTX64.EFI $(B)/baton $(B)/stage1/mbr.bin $(B)/bios.bin

# One idempotent dependency step (apt-get, skipped when everything is present).
deps:
	$(Q)bash mk/deps.sh
$(CACHE)/zlib/.done:
	$(Q)bash mk/fetch.sh zlib
$(CACHE)/linux/.done $(CACHE)/busybox/.done:
	$(Q)bash mk/fetch.sh linux
$(CACHE)/xen/.done:
	$(Q)bash mk/fetch.sh xen
$(CACHE)/memtest/.done:
	$(Q)bash mk/fetch.sh memtest
$(CACHE)/linux686/.done $(CACHE)/busybox386/.done:
	$(Q)bash mk/fetch.sh i386
$(CACHE)/gnumach/.done $(CACHE)/gnumach386/.done:
	$(Q)bash mk/fetch.sh gnumach
fetch: $(CACHE)/zlib/.done $(CACHE)/linux/.done $(CACHE)/xen/.done $(CACHE)/memtest/.done \
	$(CACHE)/linux686/.done $(CACHE)/gnumach/.done $(CACHE)/gnumach386/.done

# --- sources shared by stage2 and the host tool ---
CORE_SRCS := $(wildcard lib/fmt.c lib/util.c lib/utf8.c fs/*.c config/*.c formats/*.c)
INCS      := -Ilib -Ifs -Iformats -Iconfig -Istage2
# The menu's pure logic (the line editor, the navigation, terminal keys): stage2 code the unit
# tests build too.
UI_SRCS   := stage2/lineedit.c stage2/menunav.c stage2/termkeys.c

# --- host builds (the baton tool, unit tests) ---
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -MMD -MP $(INCS) $(EXTRA_CFLAGS)
HOST_LIB    := $(patsubst %.c,$(B)/host/%.o,$(CORE_SRCS) lib/host.c)

$(B)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

TOOL_SRCS := $(wildcard tools/*.c)
# The installer fills the BIOS gap part's header (stage2/bios/gap.h).
$(B)/host/tools/%.o: HOST_CFLAGS += -Istage2/bios
$(B)/baton: $(patsubst %.c,$(B)/host/%.o,$(TOOL_SRCS)) $(HOST_LIB)
	$(Q)$(HOST_CC) -o $@ $^ -lz -lelf

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRCS))
$(B)/unit/%: $(B)/host/tests/unit/%.o $(HOST_LIB) $(patsubst %.c,$(B)/host/%.o,$(UI_SRCS))
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -o $@ $^ -lcmocka -lz

# --- stage2 for UEFI (GNU-EFI, see ../notes on the toolchain) ---
EFIINC  := /usr/include/efi
GCCINC   = $(shell gcc -print-file-name=include)
ZLIB    := $(CACHE)/zlib
EFI_CFLAGS = -nostdinc -isystem $(GCCINC) $(INCS) -I$(EFIINC) -I$(EFIINC)/x86_64 -I$(ZLIB) \
	-std=gnu11 -Os -g -Wall -Wextra -Wno-unused-parameter -MMD -MP -fpic -fshort-wchar \
	-mno-red-zone -mgeneral-regs-only -ffreestanding -fno-stack-protector -fno-stack-check \
	-fno-strict-aliasing -fno-builtin -maccumulate-outgoing-args -fno-asynchronous-unwind-tables \
	-DGNU_EFI_USE_MS_ABI -DBATON_EFI -DZ_SOLO -fvisibility=hidden
# The shared object's sections that make a PE32+ EFI application (subsystem 10); no COFF symbol
# table (nothing reads it: debug with build/BOOTX64.so).
EFI_PE := objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .rel.* \
	-j .rela.* -j .reloc --strip-all --target efi-app-x86_64 --subsystem=10
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-T /usr/lib/elf_x86_64_efi.lds /usr/lib/crt0-efi-x86_64.o
ZLIB_SRCS := inflate.c inftrees.c inffast.c adler32.c crc32.c zutil.c
STAGE2_SRCS := $(wildcard stage2/*.c stage2/efi/*.c) lib/string.c $(CORE_SRCS)
STAGE2_ASM  := $(wildcard stage2/*.S stage2/efi/*.S)
EFI_OBJS := $(patsubst %.c,$(B)/efi/%.o,$(STAGE2_SRCS)) $(patsubst %.S,$(B)/efi/%.o,$(STAGE2_ASM)) \
	$(patsubst %.c,$(B)/efi/zlib/%.o,$(ZLIB_SRCS))

$(B)/efi/%.o: %.c $(ZLIB)/.done
	@mkdir -p $(dir $@)
	$(Q)gcc $(EFI_CFLAGS) -c $< -o $@
$(B)/efi/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)gcc $(EFI_CFLAGS) -c $< -o $@
$(B)/efi/zlib/%.o: $(ZLIB)/.done
	@mkdir -p $(dir $@)
	$(Q)gcc $(EFI_CFLAGS) -w -c $(ZLIB)/$*.c -o $@
$(B)/BOOTX64.so: $(EFI_OBJS)
	$(Q)ld $(EFI_LDFLAGS) $^ -o $@ -L/usr/lib -lgnuefi
$(B)/BOOTX64.EFI: $(B)/BOOTX64.so
	$(Q)$(EFI_PE) $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# --- tests ---
-include $(wildcard tests/kernels/*/build.mk)
-include stage1/build.mk
-include stage2/bios/build.mk
-include $(wildcard bench/*/build.mk)

# stage2/efi/mem.c and trap.c on fake boot services (GNU-EFI's headers, the firmware's calling convention).
$(B)/host/tests/unit/test_efimem.o $(B)/host/tests/unit/test_efitrap.o: HOST_CFLAGS += -I$(EFIINC) -I$(EFIINC)/x86_64 \
	-DGNU_EFI_USE_MS_ABI -DBATON_EFI
unit: deps all $(UNIT_BINS) fetch
	$(Q)for s in tests/unit/images*.sh; do bash $$s $(B)/test-images || exit 1; done
	$(Q)bash tests/unit/run.sh $(UNIT_BINS)

# libFuzzer targets: the core parsers compiled from source with the fuzzer's instrumentation.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
FUZZ_TIME ?= 60
$(B)/fuzz/%: tests/fuzz/%.c $(CORE_SRCS) $(UI_SRCS) lib/host.c $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(INCS) \
		$(filter %.c,$^) -o $@ -lz
# Every target for FUZZ_TIME seconds, then a table (executions, execs/s, coverage, crashes);
# a crash fails it and keeps its input (tests/fuzz/run.sh).
# The test kernels seed the format targets (tests/fuzz/seeds.sh).
FUZZ_SEEDS := $(addprefix $(B)/kernels/,linux64.bzImage linux32.bzImage linux32-k64.bzImage \
	linux16.bzImage efiapp.efi mb1.elf mb1-aout.bin mb1-video.elf elf32.elf elf64.elf pvh.elf \
	smoke-elf64.elf mb2.elf mb2-efi.elf smoke-mb2.elf smoke-mb2-efi.elf smoke-mb1.gz)
fuzz: deps $(FUZZ_BINS) $(FUZZ_SEEDS)
	$(Q)bash tests/fuzz/run.sh $(FUZZ_TIME) $(B)

KERNELS += $(B)/kernels/linux64.bzImage $(B)/kernels/mkinitrd $(B)/kernels/linux64-selftest
# `make bench`'s inputs: the raw reader, and GRUB and systemd-boot from Debian's archive.
# The stamp names the package list's version: a list that grew fetches again (the rest is kept).
$(CACHE)/bench/.done-2:
	$(Q)bash mk/fetch.sh bench && touch $@
BENCH := $(B)/bench/rawread.efi $(CACHE)/bench/.done-2
check: deps all fetch $(UNIT_BINS) $(FUZZ_BINS) $(KERNELS) $(BENCH)
	$(Q)bash tests/run.sh

run: deps all fetch $(KERNELS)
	$(Q)bash mk/demo.sh

# Everything the QEMU tests boot, without running them.
kernels: deps all fetch $(KERNELS)

# Rounds of every loader on every workload; the table goes to bench/results/DATE.md.
BENCH_ROUNDS ?= 5
bench: deps all fetch $(BENCH)
	$(Q)python3 bench/bench.py --rounds $(BENCH_ROUNDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
