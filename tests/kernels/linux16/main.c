/* main.c: the linux16 kernel's C entry: reads the saved entry state, asks the BIOS, checks, exits.
 */
#include "checks.h"
#include "proto.h"
#include "rm16.h"
#include "serial.h"

extern uint8_t l16_save[E_SIZE];     /* head.S */
extern const char l16_setup_sects[]; /* the linker script: an absolute symbol */

static void com1(void *ctx, char c)
{
	serial_putc(c);
}

static int peek(void *ctx, uint32_t lin, void *buf, uint32_t len)
{
	return rm_peek(lin, buf, len);
}

static struct l16_state st;

void l16_main(void);
void l16_main(void)
{
	struct report rep = {.putc = com1};
	struct rm_e820 map[L16_MAX_E820];

	st.base_seg = rm_ds();
	st.cs = ld16(l16_save + E_CS);
	/* The jump at 0x200 is offset 0x200 of the code's segment: from CS, IP was that less. */
	st.ip = (uint16_t)((st.base_seg - st.cs) * 16 + 0x200);
	st.flags = ld16(l16_save + E_FLAGS);
	st.sp = ld16(l16_save + E_SP), st.ss = ld16(l16_save + E_SS);
	st.ds = ld16(l16_save + E_DS), st.es = ld16(l16_save + E_ES);
	st.fs = ld16(l16_save + E_FS), st.gs = ld16(l16_save + E_GS);
	st.setup_sects = (uint32_t)(uintptr_t)l16_setup_sects;
	st.msw = rm_msw();
	rm_sidt(&st.idt_base, &st.idt_limit);
	st.a20 = rm_a20();
	struct rmregs r = {0};
	rm_int(0x12, &r);
	st.int12 = (uint16_t)r.eax;
	st.n_map = rm_e820_map(map, L16_MAX_E820);
	for (int i = 0; i < st.n_map; i++)
		st.map[i] = (struct l16_e820){map[i].base, map[i].len, map[i].type};
	st.peek = peek;

	l16_run_checks(&st, &rep);
	debug_exit(rep.failed || !rep.passed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}
