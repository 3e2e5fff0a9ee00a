# build.mk: what the QEMU tests build besides the kernels: r16run (tests/qemu/r16run/).
include tests/qemu/r16run/build.mk
