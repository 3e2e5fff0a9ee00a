/* common32.S: serial output and QEMU exit for the 32-bit smoke kernels (included). */
	.code32
/* puts32: ESI = NUL-terminated string (physical), clobbers EAX, EDX, ESI */
puts32:	movb	(%esi), %al
	testb	%al, %al
	jz	2f
	movw	$0x3fd, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	movb	(%esi), %al
	movw	$0x3f8, %dx
	outb	%al, %dx
	incl	%esi
	jmp	puts32
2:	ret
pass32:	movb	$0x10, %al	/* isa-debug-exit: QEMU exits with status 33 */
	outb	%al, $0xf4
fail32:	movb	$0x11, %al
	outb	%al, $0xf4
	hlt
