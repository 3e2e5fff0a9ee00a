/* kasm.h: assembler macros for the conformance and smoke kernels' entry code (.S files only). */
#ifndef CONF_KASM_H
#define CONF_KASM_H

#include "serial.h"

/*
 * com1_puts str: the NUL-terminated string at str (%esi, or %rsi in 64-bit code) to COM1; no
 * stack needed. Clobbers EAX, EDX and str.
 */
.macro com1_puts str
.Lputs\@:
	movb	(\str), %al
	testb	%al, %al
	jz	.Lputs_done\@
	movw	$COM1_LSR, %dx
.Lputs_wait\@:
	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	.Lputs_wait\@
	movb	(\str), %al
	movw	$COM1, %dx
	outb	%al, %dx
	inc	\str
	jmp	.Lputs\@
.Lputs_done\@:
.endm

/* qemu_exit code: isa-debug-exit, QEMU ends with status (code << 1) | 1. */
.macro qemu_exit code
	movb	$\code, %al
	outb	%al, $DEBUG_EXIT_PORT
.endm

.macro halt_forever
.Lhalt\@:
	cli
	hlt
	jmp	.Lhalt\@
.endm

/* fail_exit32 msg: an entry that must not be taken reports the string at msg and fails. */
.macro fail_exit32 msg
	cli
	movl	$\msg, %esi
	com1_puts %esi
	qemu_exit DEBUG_EXIT_FAIL
	halt_forever
.endm

/* save_selectors32 at: CS DS ES FS GS SS as six 16-bit words at the absolute address at. */
.macro save_selectors32 at
	movw	%cs, \at + 0
	movw	%ds, \at + 2
	movw	%es, \at + 4
	movw	%fs, \at + 6
	movw	%gs, \at + 8
	movw	%ss, \at + 10
.endm

/*
 * bss_check_clear32 bad: the address of the first non-zero byte in [_bss_start, _bss_end) to
 * the absolute address bad (left alone when all are zero), then the bss zeroed. For code that
 * runs where it is linked; clobbers EAX ECX ESI EDI.
 */
.macro bss_check_clear32 bad
	cld
	movl	$_bss_start, %esi
.Lscan\@:
	cmpl	$_bss_end, %esi
	jae	.Lclear\@
	cmpb	$0, (%esi)
	jne	.Lfound\@
	incl	%esi
	jmp	.Lscan\@
.Lfound\@:
	movl	%esi, \bad
.Lclear\@:
	movl	$_bss_start, %edi
	movl	$_bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
.endm

#endif
