/* common64.S: serial output and QEMU exit for the 64-bit smoke kernel entries (included). */
	.code64
/* puts64: RSI = NUL-terminated string, clobbers EAX, EDX, RSI */
puts64:	com1_puts %rsi
	ret
pass64:	qemu_exit DEBUG_EXIT_PASS
fail64:	qemu_exit DEBUG_EXIT_FAIL
	hlt
