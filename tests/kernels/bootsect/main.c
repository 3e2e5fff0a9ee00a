/* main.c: the boot-sector kernel's body: reads the saved entry state, asks the BIOS, checks, exits.
 */
#include "checks.h"
#include "proto.h"
#include "rm16.h"
#include "serial.h"

extern const char bs_ip1_off[]; /* sector.S: the first call's label, from _start */

static void com1(void *ctx, char c)
{
	serial_putc(c);
}

static int peek(void *ctx, uint32_t lin, void *buf, uint32_t len)
{
	return rm_peek(lin, buf, len);
}

static int read_sector(void *ctx, uint8_t drive, uint32_t lba, uint8_t *buf)
{
	return rm_disk_read(drive, lba, buf);
}

static uint8_t save[S_SIZE];
static uint8_t params[0x42];

void bs_main(void);
void bs_main(void)
{
	struct report rep = {.putc = com1};
	struct bs_state st = {.peek = peek, .read = read_sector};
	uint8_t flags;

	rm_peek(BS_SAVE, save, S_SIZE);
	rm_peek(BS_ADDR + BS_FLAGS_OFF, &flags, 1);
	st.cs = ld16(save + S_CS);
	/* The first call pushed the IP of a label bs_ip1_off bytes into the sector. */
	st.ip = (uint16_t)(ld16(save + S_IP1) - (uint16_t)(uintptr_t)bs_ip1_off);
	st.flags = ld16(save + S_FLAGS);
	st.sp = ld16(save + S_SP), st.ss = ld16(save + S_SS);
	st.ds = ld16(save + S_DS), st.es = ld16(save + S_ES);
	st.fs = ld16(save + S_FS), st.gs = ld16(save + S_GS);
	st.eax = ld32(save + S_EAX), st.ebx = ld32(save + S_EBX), st.ecx = ld32(save + S_ECX);
	st.edx = ld32(save + S_EDX), st.esi = ld32(save + S_ESI), st.edi = ld32(save + S_EDI);
	st.ebp = ld32(save + S_EBP);
	st.own_lba = ld32(save + S_OWN);
	st.baton = flags & BS_F_BATON;
	st.msw = rm_msw();
	rm_sidt(&st.idt_base, &st.idt_limit);
	st.a20 = rm_a20();

	uint8_t drive = (uint8_t)st.edx;
	struct rmregs r = {.eax = 0x4100, .ebx = 0x55aa, .edx = drive};
	rm_int(0x13, &r);
	st.ext_cf = r.eflags & RM_CF, st.ext_bx = (uint16_t)r.ebx;
	/* AH=48h: the result buffer's size first (0x1a: EDD 1.1's fields, enough for the count). */
	st16(params, 0x1a);
	r = (struct rmregs){
	    .eax = 0x4800, .edx = drive, .ds = rm_ds(), .esi = (uint16_t)(uintptr_t)params};
	rm_int(0x13, &r);
	st.params_cf = r.eflags & RM_CF;
	st.sectors = ld64(params + 0x10);
	r = (struct rmregs){0};
	rm_int(0x12, &r);
	st.int12 = (uint16_t)r.eax;

	bs_run_checks(&st, &rep);
	debug_exit(rep.failed || !rep.passed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
}
