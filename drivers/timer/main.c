/*
 * The timer driver: PIT channel 0 ticking at 1 kHz through core's IO_PORT
 * and IRQ sessions (ISA IRQ 0, which PCs route to I/O APIC input 2), and
 * a Timer service for many clients: a monotonic
 * clock in microseconds and one timeout per session, one-shot or periodic,
 * delivered as the client's signal. A timeout never fires early: it fires
 * on the first tick at or after its deadline.
 */
#include <stdbool.h>

#include <base/io.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/io_port.h>
#include <session/irq.h>
#include <session/pd.h>
#include <session/timer.h>

#define PIT_HZ 1193182u
#define TICK_HZ 1000u
#define TICK_US (1000000u / TICK_HZ)
#define SESSIONS 32u

static struct session_slot slots[SESSIONS];
static struct session_table table = {"timer", 0, SESSIONS, slots};
static struct {
	uint64_t sigh;     /* the client's signal, or 0 */
	uint64_t deadline; /* microseconds, 0: none */
	uint64_t period;   /* 0: one-shot */
} sessions[SESSIONS];

static uint64_t ep, rcv, irq, now_us;

/*
 * Microseconds since start: whole ticks plus what the PIT has counted down
 * of the current one; never less than what it said before (a tick whose
 * interrupt is still pending would otherwise make time go back).
 */
static uint64_t
now(void)
{
	static uint64_t last;
	unsigned count;
	uint64_t t;

	outb(0x43, 0x00); /* latch channel 0 */
	count = inb(0x40);
	count |= (unsigned)inb(0x40) << 8;
	t = now_us + (uint64_t)(PIT_HZ / TICK_HZ - count) * 1000000 / PIT_HZ;
	if (t < last)
		t = last;
	return last = t;
}

static void
tick(void)
{
	now_us += TICK_US;
	rpc_call(irq, IRQ_ACK, 0, 0, 0, NULL);
	for (unsigned i = 0; i < SESSIONS; i++) {
		if (!slots[i].used || !sessions[i].deadline ||
		    sessions[i].deadline > now_us)
			continue;
		if (sessions[i].sigh)
			sys_sig_submit(sessions[i].sigh);
		sessions[i].deadline = sessions[i].period
		    ? sessions[i].deadline + sessions[i].period
		    : 0;
	}
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	int i;

	if (!badge && MSG_LABEL(info) == ROOT_CREATE) {
		if ((i = server_session_open(&table, ep,
			 RIGHT_SEND | RIGHT_GRANT, r)) < 0)
			return i;
		memset(&sessions[i], 0, sizeof(sessions[i]));
		return 0;
	}
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		if ((i = server_session_close(&table, w[0])) >= 0 &&
		    sessions[i].sigh) {
			sys_cap_delete(sessions[i].sigh);
			slot_free(sessions[i].sigh);
		}
		return 0;
	}
	if ((i = session_table_lookup(&table, badge)) < 0)
		return i;
	switch (MSG_LABEL(info)) {
	case TIMER_SIGH:
		if (MSG_NCAPS(info) != 1 || sessions[i].sigh ||
		    !(sessions[i].sigh = slot_alloc()))
			return -E_INVAL;
		return (int)sys_cap_derive(rcv, 0, sessions[i].sigh, RIGHT_SEND,
		    0);
	case TIMER_TRIGGER:
		/* It fires on the first tick at or after this: never early. */
		sessions[i].deadline = now() + (w[0] ? w[0] : 1);
		sessions[i].period = w[1] ? (w[0] ? w[0] : TICK_US) : 0;
		return 0;
	case TIMER_NOW:
		w[0] = now();
		r->words = 1;
		return 0;
	}
	return -E_NOSYS;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	if (MSG_LABEL(info) == SIGNAL_LABEL)
		tick();
	else
		r->error = call(badge, info, r);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t io, id, sig, copy = slot_alloc();
	uint16_t div = PIT_HZ / TICK_HZ;

	if (session_open_args("IO_PORT", "", "base=0x40 size=4", 0, &io, &id) ||
	    rpc_call(io, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL) ||
	    session_open_args("IRQ", "", "irq=2", 0, &irq, &id) ||
	    object_create(KOBJ_ENDPOINT, &ep) ||
	    object_create(KOBJ_SIGNAL, &sig) || sys_sig_bind(sig, ep) ||
	    !copy ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(irq, IRQ_SIGH, 0, copy, 0, NULL) ||
	    !(rcv = slot_alloc())) {
		log_printf("cannot get the PIT");
		return 1;
	}
	outb(0x43, 0x34); /* channel 0, rate generator */
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
	if (service_announce("Timer", ep)) {
		log_printf("cannot announce Timer");
		return 1;
	}
	server_loop(ep, rcv, handle);
}
