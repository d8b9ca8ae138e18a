/*
 * test_irq: a driver of QEMU's edu device's interrupt, for run/irq.run
 * and run/irq_q35.run. It takes the interrupt the platform driver gives
 * it (an MSI, or the INTx line where its policy says msi="no"), makes
 * the device raise it again and again, and serves what arrives: an
 * interrupt with its device's status bit set is its own (cleared at the
 * device), one without is another device's on a shared line; a level
 * line is acknowledged either way. Each of its own must arrive within
 * two seconds. Once it has counted `count` of its own (and, with
 * shared="yes", at least one of another device; with shared="no", none)
 * it logs the result and goes on raising and serving, so the drivers
 * it shares the line with see it too. Drivers sharing a line pause for
 * different times between interrupts, so that one's arrives while the
 * other waits.
 *
 * <config count="50" shared="yes|no" pause_ms="5"/>
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/tsc.h>
#include <kernel/syscalls.h>
#include <session/irq.h>
#include <session/platform.h>

#include "edu.h"

#define WAIT_US 2000000u

static volatile uint8_t *regs;
static uint64_t irq, sig;

/*
 * Waits up to us for the interrupt and serves it: 0 and *mine set if it
 * was its device's (cleared there), 0 and not set if another device's
 * on the line, E_TIMEOUT if none came. A level line is acknowledged.
 */
static long
serve(bool *mine, uint64_t us)
{
	uint32_t status;
	long e;

	if ((e = sys_sig_wait_for(sig, us, NULL)) < 0)
		return e;
	status = edu_rd32(regs, EDU_IRQ_STATUS);
	if (status)
		edu_wr32(regs, EDU_IRQ_ACK, status);
	if (mine)
		*mine = status != 0;
	rpc_call(irq, IRQ_ACK, 0, 0, 0, NULL);
	return status ? 1 : 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *w = utcb_self()->msg, pf, id, copy = slot_alloc(), kind,
		 number, count = 50, own = 0, others = 0, pause_ms = 5,
		 tsc_khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	struct config cfg;
	bool shared = false, done = false, warned = false;

	if (!config_load(&cfg)) {
		config_attr_u64(config_root(&cfg), "count", 50, &count);
		config_attr_bool(config_root(&cfg), "shared", false, &shared);
		config_attr_u64(config_root(&cfg), "pause_ms", 5, &pause_ms);
	}
	irq = slot_alloc();
	if (!irq || !copy || session_open("Platform", "", 4096, &pf, &id) ||
	    !(regs = edu_map(pf, "irq")))
		return 1;
	w[0] = 0;
	if (rpc_call(pf, PLATFORM_IRQ, 1, 0, irq, NULL)) {
		log_printf("irq: no interrupt for the device");
		return 1;
	}
	kind = w[0];
	number = w[1];
	if (object_create(KOBJ_SIGNAL, &sig) ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(irq, IRQ_SIGH, 0, copy, 0, NULL)) {
		log_printf("irq: cannot bind the interrupt");
		return 1;
	}
	log_printf("irq: %s %lu",
	    kind == PLATFORM_IRQ_MSI ? "MSI vector" : "INTx at input", number);
	for (;;) {
		edu_wr32(regs, EDU_IRQ_RAISE, 1);
		/* Its own interrupt, then the line served for pause_ms. */
		for (bool mine = false; !mine; others += !mine)
			if (serve(&mine, WAIT_US) < 0) {
				log_printf("irq: interrupt %lu lost", own + 1);
				return 1;
			}
		own++;
		for (uint64_t end = rdtsc() + pause_ms * tsc_khz;
		     rdtsc() < end;)
			if (!serve(NULL, pause_ms * 1000))
				others++;
		if (!done && own >= count && (shared ? others > 0 : true)) {
			done = true;
			log_printf(
			    "irq: %lu of its own interrupts arrived, %lu "
			    "were another device's",
			    own, others);
		}
		if (!shared && others && !warned) {
			warned = true;
			log_printf("irq: an interrupt NOT its own");
		}
	}
}
