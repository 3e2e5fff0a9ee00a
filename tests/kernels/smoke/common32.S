/* common32.S: serial output and QEMU exit for the 32-bit smoke kernels (included). */
	.code32
/* puts32: ESI = NUL-terminated string (physical), clobbers EAX, EDX, ESI */
puts32:	com1_puts %esi
	ret
pass32:	qemu_exit DEBUG_EXIT_PASS
fail32:	qemu_exit DEBUG_EXIT_FAIL
	hlt
