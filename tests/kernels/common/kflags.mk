# kflags.mk: the compiler flags of the conformance kernels and their host tools (build.mk includes).
# Freestanding: no libc, no builtins gcc could turn into calls, no stack protector, no unwind
# tables, no SSE; each kernel adds its mode (-m32/-m64) and code model.
KFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -mgeneral-regs-only \
	-ffreestanding -fno-builtin -fno-stack-protector -fno-stack-check \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none \
	-fno-delete-null-pointer-checks -fno-tree-loop-distribute-patterns -nostdlib -MMD -MP
KHOSTFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -MMD -MP
