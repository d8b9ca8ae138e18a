/*
 * The kernel tests' root task. It stands where core stands, links core's
 * library, builds children from the ktchild module and checks, test by test
 * (kernel command line "test=NAME"), what the kernel promises: IPC with
 * badges and capability transfer, isolation of faults, rights and revoke,
 * survival of a system-call fuzzer, scheduling, and the IPC benchmark.
 * It prints "ktest: NAME passed" or "ktest: NAME failed: WHY" and powers off.
 */
#include <base/env.h>
#include <base/io.h>
#include <base/log.h>
#include <base/tsc.h>
#include <base/parent.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#include "core.h"
#include "ktest.h"

#define CHILDREN 12u
#define CHILD_QUOTA (4ul << 20)
/* Its first slots and all that core may keep for it. */
#define CHILD_CAPS (PDS_CAPS_MIN + PDS_THREADS + PDS_OBJECTS)
#define PIT_HZ 1193182u
#define TIMER_HZ 100u

static const struct boot_info *bi;
static const struct boot_module *ktchild;
static struct kobj_ref parent_ep, timer_sig, timer_irq;
static struct pd_session *kids[CHILDREN];
static struct {
	bool exited, faulted;
	int code;
	uint64_t fault[FAULT_WORDS];
} status[CHILDREN];
static struct shared *sh;
static struct dataspace *shared_ds;

static const char *const fault_kind[] = {"", "page fault", "divide error",
    "protection fault", "invalid instruction", "breakpoint", "exception"};

static _Noreturn void
verdict(const char *test, const char *why)
{
	if (why)
		log_printf("ktest: %s failed: %s", test, why);
	else
		log_printf("ktest: %s passed", test);
	power_off(why ? 1 : 0);
}

/* Create child idx; it shares the page at SHARED_VA. */
static void
spawn(unsigned idx)
{
	char name[16];

	memset(&status[idx], 0, sizeof(status[idx]));
	fmt_snprintf(name, sizeof(name), "kt%u", idx);
	if (!(kids[idx] =
		    pds_create(name, CHILD_QUOTA, QUOTA_FULL, CHILD_CAPS)) ||
	    pds_map(kids[idx], shared_ds, SHARED_VA, MAP_W) ||
	    pds_give(kids[idx], parent_ep.slot, CAP_PARENT,
		RIGHT_SEND | RIGHT_GRANT, idx + 1))
		verdict("spawn", "cannot create a child");
}

/* Child idx's main thread, in role with arg_idx as its index. */
static void
start_as(unsigned idx, unsigned role, unsigned arg_idx, unsigned prio,
    unsigned quota)
{
	struct thread_args a = {.arg = ARG(role, arg_idx),
	    .prio = prio,
	    .quota = quota,
	    .fault_ep = parent_ep.slot,
	    .badge = idx + 1};
	uint64_t id;
	int e;

	if ((e = pds_start_main(kids[idx], ktchild, &a, &id))) {
		log_printf("ktest: starting kt%u: error %d", idx, -e);
		verdict("spawn", "cannot start a child");
	}
}

static void
start(unsigned idx, unsigned role, unsigned prio, unsigned quota)
{
	start_as(idx, role, idx, prio, quota);
}

/* Give child idx a copy of one of ktest's capabilities at slot. */
static void
give(unsigned idx, uint64_t cap, uint64_t slot, unsigned rights, uint64_t badge)
{
	if (pds_give(kids[idx], cap, slot, rights, badge))
		verdict("give", "cannot derive a capability into a child");
}

/*
 * Serve children's log, exit and fault messages until done() holds. A
 * child that exits or faults is stopped, which drops its pending reply.
 */
static void
serve(bool (*done)(void))
{
	struct utcb *u = utcb_self();
	uint64_t info, badge, reply = MSG_INFO(0, 0, 0);

	while (!done()) {
		if (sys_ipc_reply_wait(parent_ep.slot, reply, &info, &badge))
			verdict("serve", "reply_wait failed");
		reply = MSG_INFO(0, 0, 0);
		unsigned i = (unsigned)badge - 1;
		struct parent_log log;

		if (i >= CHILDREN)
			continue;
		switch (MSG_LABEL(info)) {
		case PARENT_LOG:
			if (!parent_log_parse(u->msg, MSG_NWORDS(info), &log))
				log_printf("[%s] %.*s", kids[i]->label,
				    (int)log.ntext, log.text);
			break;
		case PARENT_EXIT:
			status[i].exited = true;
			status[i].code = (int)u->msg[0];
			pds_stop(kids[i], 0);
			break;
		case FAULT_LABEL:
			status[i].faulted = true;
			memcpy(status[i].fault, u->msg,
			    sizeof(status[i].fault));
			log_printf("ktest: %s: %s at %lx, ip %lx",
			    kids[i]->label,
			    fault_kind[u->msg[FAULT_W_KIND] < 7
				    ? u->msg[FAULT_W_KIND]
				    : 0],
			    u->msg[FAULT_W_ADDR], u->msg[FAULT_W_IP]);
			pds_stop(kids[i], 0);
			break;
		default:
			reply = MSG_INFO(E_NOSYS, 0, 0);
			break;
		}
	}
}

static unsigned wait_for;
static bool
child_gone(void)
{
	return status[wait_for].exited || status[wait_for].faulted;
}

static void
wait_child(unsigned idx)
{
	wait_for = idx;
	serve(child_gone);
}

/* Sleep on the PIT's interrupt, which ktest drives at TIMER_HZ. */
static void
sleep_ticks(unsigned n)
{
	while (n--) {
		sys_sig_wait(timer_sig.slot, NULL);
		sys_irq_ack(timer_irq.slot);
	}
}

static void
timer_init(void)
{
	uint16_t div = PIT_HZ / TIMER_HZ;

	if (sys_pd_io(CAP_SELF_PD, 0x40, 4, 1, 0) ||
	    kobj_new(KOBJ_SIGNAL, 0, 0, &timer_sig) ||
	    /* ISA IRQ 0 reaches the I/O APIC at input 2 on PCs. */
	    kobj_new(KOBJ_IRQ, 2, timer_sig.slot, &timer_irq))
		verdict("timer", "cannot set up the PIT");
	outb(0x43, 0x34);
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
}

static void
check(bool ok, const char *test, const char *why)
{
	if (!ok)
		verdict(test, why);
}

static struct kobj_ref
object(unsigned type)
{
	struct kobj_ref o;

	if (kobj_new(type, 0, 0, &o))
		verdict("object", "cannot create a kernel object");
	return o;
}

static void
destroy(unsigned from, unsigned to)
{
	for (unsigned i = from; i <= to; i++)
		pds_destroy(kids[i]);
}

static bool
ipc_clients_done(void)
{
	for (unsigned i = 1; i <= 3; i++)
		if (!status[i].exited && !status[i].faulted)
			return false;
	return true;
}

/* One server, three clients told apart by badge; each sends a capability. */
static void
test_ipc(void)
{
	struct kobj_ref ep = object(KOBJ_ENDPOINT), sig = object(KOBJ_SIGNAL);
	uint64_t badges;

	spawn(0);
	give(0, ep.slot, SLOT_A, RIGHT_RECV, 0);
	start(0, ROLE_IPC_SERVER, 5, 100);
	for (unsigned i = 1; i <= 3; i++) {
		spawn(i);
		give(i, ep.slot, SLOT_A, RIGHT_SEND, 100 + i);
		give(i, sig.slot, SLOT_B, RIGHT_SEND | RIGHT_GRANT,
		    1u << (i - 1));
		start(i, ROLE_IPC_CLIENT, 5, 100);
	}
	serve(ipc_clients_done);
	for (unsigned i = 1; i <= 3; i++) {
		check(status[i].exited && status[i].code == 0, "ipc",
		    "a client saw a wrong reply or failed");
		log_printf("ipc: server counted %lu calls with badge %u",
		    sh->calls_by_badge[i], 100 + i);
		check(sh->calls_by_badge[i] == IPC_CALLS + 1, "ipc",
		    "the server miscounted a badge");
	}
	long n = sys_sig_poll(sig.slot, &badges);

	log_printf("ipc: transferred signals submitted %ld times, badges %lx",
	    n, badges);
	check(n == 3 && badges == 7, "ipc", "capability transfer");
	destroy(0, 3);
}

struct fault_case {
	unsigned role, kind;
	uint64_t addr; /* 0: do not check */
};

/*
 * The page below the canonical boundary cannot be mapped: a syscall at its
 * end would make sysretq return to a non-canonical address, which faults
 * in ring 0 on Intel CPUs. A syscall at the end of the highest page that
 * can be mapped returns to the unmapped page and faults there, in user mode.
 */
static void
fault_last_page(void)
{
	static const uint64_t last = 0x800000000000ul - PAGE;
	struct dataspace *code;
	uint64_t id;
	uint8_t *p;

	spawn(1);
	check(!pds_alloc(NULL, PAGE, &code) &&
		(p = core_attach(code->pa, 1)) != NULL,
	    "fault", "cannot make a code page");
	memset(p, 0xcc, PAGE);
	p[PAGE - 2] = 0x0f; /* syscall */
	p[PAGE - 1] = 0x05;
	check(pd_map(kids[1]->pd, last, code->pa, MAP_X, kids[1]) == -E_INVAL,
	    "fault", "the kernel mapped the last user page");
	check(pd_map(kids[1]->pd, last - PAGE, code->pa, MAP_X, kids[1]) == 0,
	    "fault", "cannot map the page below the last");

	struct thread_args a = {.entry = last - 2,
	    .utcb = 0x30000000ul,
	    .prio = 3,
	    .quota = 50,
	    .fault_ep = parent_ep.slot,
	    .badge = 2};

	check(pds_thread(kids[1], &a, &id) == 0, "fault",
	    "cannot start a thread");
	wait_child(1);
	log_printf("fault: the last user page is refused; a syscall at %lx "
		   "faults at %lx",
	    last - 2, status[1].fault[FAULT_W_ADDR]);
	check(status[1].faulted &&
		status[1].fault[FAULT_W_KIND] == FAULT_PAGE &&
		status[1].fault[FAULT_W_ADDR] == last,
	    "fault", "a syscall at the top of user memory");
	pds_destroy(kids[1]);
}

/* Each kind of fault reaches the pager while a heartbeat keeps going. */
static void
test_fault(void)
{
	static const struct fault_case cases[] = {
	    {ROLE_FAULT_READ, FAULT_PAGE, 0x12345678000ul},
	    {ROLE_FAULT_KERNEL, FAULT_PAGE, 0xffffffff80100000ul},
	    {ROLE_FAULT_PRIV, FAULT_PRIVILEGED, 0},
	    {ROLE_FAULT_IO, FAULT_PRIVILEGED, 0},
	    {ROLE_FAULT_DIV, FAULT_DIVIDE, 0},
	    {ROLE_FAULT_JUMP, FAULT_PAGE, 0xbadbeef0000ul},
	    {ROLE_FAULT_NX, FAULT_PAGE, 0},
	    {ROLE_FAULT_GARBAGE, FAULT_INVALID, 0},
	};

	spawn(0);
	start(0, ROLE_HEARTBEAT, 0, 0);
	for (unsigned j = 0; j < sizeof(cases) / sizeof(cases[0]); j++) {
		uint64_t hb = sh->count[0];

		spawn(1);
		start(1, cases[j].role, 3, 50);
		wait_child(1);
		check(status[1].faulted, "fault",
		    "a faulting child was not reported");
		check(status[1].fault[FAULT_W_KIND] == cases[j].kind, "fault",
		    "wrong fault kind");
		check(!cases[j].addr ||
			status[1].fault[FAULT_W_ADDR] == cases[j].addr,
		    "fault", "wrong fault address");
		pds_destroy(kids[1]);
		sleep_ticks(2);
		log_printf("fault: heartbeat %lu -> %lu", hb, sh->count[0]);
		check(sh->count[0] > hb, "fault", "the heartbeat stopped");
	}
	fault_last_page();
	destroy(0, 0);
}

static uint64_t
derive(uint64_t src, unsigned rights)
{
	uint64_t slot = cap_alloc();

	check(sys_cap_derive(src, 0, slot, rights, 0) == 0, "rights", "derive");
	return slot;
}

/* Missing rights, invalid indices and revoked capabilities fail. */
static void
test_rights(void)
{
	struct kobj_ref ep = object(KOBJ_ENDPOINT), sig = object(KOBJ_SIGNAL);
	uint64_t recv_only = derive(ep.slot, RIGHT_RECV);
	uint64_t send_only = derive(sig.slot, RIGHT_SEND);
	uint64_t c = derive(ep.slot, RIGHT_SEND), d = derive(c, RIGHT_SEND);
	uint64_t up = derive(send_only, RIGHT_ALL);
	uint64_t info, badge;

	check(sys_ipc_call(recv_only, 0, NULL, NULL) == -E_RIGHTS, "rights",
	    "call without the send right");
	check(sys_sig_wait(send_only, NULL) == -E_RIGHTS, "rights",
	    "wait without the receive right");
	check(sys_cap_info(up) == (KOBJ_SIGNAL | RIGHT_SEND << 8), "rights",
	    "a derived capability gained rights");
	check(sys_ipc_call(0, 0, NULL, NULL) == -E_CAP &&
		sys_ipc_call(100000, 0, NULL, NULL) == -E_CAP &&
		sys_ipc_call(~0ul, 0, NULL, NULL) == -E_CAP &&
		sys_ipc_call(sig.slot, 0, NULL, NULL) == -E_CAP,
	    "rights", "an invalid index or type was accepted");
	check(sys_cap_revoke(ep.slot) == 0, "rights", "revoke");
	check(sys_cap_info(c) == -E_CAP && sys_cap_info(d) == -E_CAP &&
		sys_ipc_call(d, 0, NULL, NULL) == -E_CAP &&
		sys_cap_info(recv_only) == -E_CAP,
	    "rights", "a copy survived revoke");
	check(sys_cap_info(ep.slot) == (KOBJ_ENDPOINT | RIGHT_ALL << 8),
	    "rights", "revoke removed the original");
	log_printf(
	    "rights: missing rights, bad indices and revoked copies refused");

	/* Kernel labels cannot be forged; a bound signal arrives as one. */
	struct kobj_ref ep2 = object(KOBJ_ENDPOINT), sig2 = object(KOBJ_SIGNAL);
	uint64_t sig2_badged = cap_alloc();

	check(sys_ipc_call(ep2.slot, MSG_INFO(FAULT_LABEL, 0, 0), NULL, NULL) ==
		-E_INVAL,
	    "rights", "a thread sent a kernel label");
	check(sys_sig_bind(sig2.slot, ep2.slot) == 0 &&
		sys_sig_bind(sig2.slot, ep2.slot) == -E_BUSY &&
		sys_cap_derive(sig2.slot, 0, sig2_badged, RIGHT_SEND, 0x40) ==
		    0 &&
		sys_sig_submit(sig2_badged) == 0 &&
		sys_ipc_reply_wait(ep2.slot, 0, &info, &badge) == 0 &&
		MSG_LABEL(info) == SIGNAL_LABEL && badge == 0x40 &&
		utcb_self()->msg[0] == 1,
	    "rights", "a bound signal did not arrive as a message");
	log_printf("rights: kernel labels refused; a bound signal arrives as a "
		   "message");

	/* A timed wait ends with E_TIMEOUT once its time has passed, and not
	 * before; with a submit pending it returns at once. */
	struct kobj_ref sig3 = object(KOBJ_SIGNAL);
	uint64_t t0 = (uint64_t)sys_kinfo(KINFO_TICKS), ticks, n = 0;
	long r = sys_sig_wait_for(sig3.slot, 5000, NULL);

	ticks = (uint64_t)sys_kinfo(KINFO_TICKS) - t0;
	check(r == -E_TIMEOUT &&
		ticks * (uint64_t)sys_kinfo(KINFO_TICK_US) >= 5000,
	    "rights", "a timed wait did not time out after its time");
	sys_sig_submit(sig3.slot);
	check(sys_sig_wait_for(sig3.slot, 5000, &n) == 1 &&
		sys_sig_wait_for(sig3.slot, 0, NULL) == -E_INVAL,
	    "rights", "a timed wait with a submit pending");
	log_printf("rights: a timed wait of 5000 us ended with E_TIMEOUT after "
		   "%lu ticks",
	    ticks);

	/* A child calls through a copy until ktest revokes it. */
	spawn(0);
	give(0, ep.slot, SLOT_A, RIGHT_SEND, 1);
	start(0, ROLE_RIGHTS, 3, 100);
	for (unsigned i = 0; i < 10; i++) {
		if (i)
			sys_ipc_reply(0);
		check(sys_ipc_reply_wait(ep.slot, 0, &info, &badge) == 0,
		    "rights", "receive");
	}
	sys_cap_revoke(ep.slot);
	sys_ipc_reply(0);
	wait_child(0);
	check(status[0].exited && status[0].code == E_CAP, "rights",
	    "the child's call after revoke did not fail with E_CAP");
	destroy(0, 0);

	/* Capability transfer stops at the first capability that cannot go
	 * and says how many went: none lands in a slot offered for another. */
	struct kobj_ref ep4 = object(KOBJ_ENDPOINT), s1 = object(KOBJ_SIGNAL),
			s2 = object(KOBJ_SIGNAL);
	struct utcb *u = utcb_self();

	spawn(0);
	give(0, ep4.slot, SLOT_A, RIGHT_SEND, 0);
	give(0, s1.slot, SLOT_B, RIGHT_SEND | RIGHT_GRANT, 0);
	give(0, s2.slot, SLOT_C, RIGHT_SEND | RIGHT_GRANT, 0);
	start(0, ROLE_CAPS_SEND, 3, 100);
	for (unsigned i = 0; i < 3; i++)
		u->rcv_caps[i] = (uint32_t)cap_alloc();
	check(sys_ipc_reply_wait(ep4.slot, 0, &info, &badge) == 0, "rights",
	    "receive");
	log_printf("rights: 3 capabilities sent, the second invalid: %u "
		   "arrived",
	    MSG_NCAPS(info));
	check(MSG_NCAPS(info) == 1 &&
		sys_cap_same(u->rcv_caps[0], s1.slot) == 1 &&
		sys_cap_info(u->rcv_caps[1]) == -E_CAP &&
		sys_cap_info(u->rcv_caps[2]) == -E_CAP,
	    "rights",
	    "capability transfer went on past a capability it could "
	    "not transfer");
	sys_ipc_reply(0);
	wait_child(0);
	check(status[0].exited && status[0].code == 0, "rights",
	    "the sender's call failed");
	destroy(0, 0);
}

static bool
fuzzer_done(void)
{
	return status[1].exited || status[1].faulted;
}

/* A million random system calls; then every frame comes back. */
static void
test_fuzz(void)
{
	uint64_t before = frame_free_count();
	struct kobj_ref ep = object(KOBJ_ENDPOINT), sig = object(KOBJ_SIGNAL);

	spawn(0);
	start(0, ROLE_HEARTBEAT, 0, 0);
	for (unsigned i = 1; i <= 3; i++) {
		spawn(i);
		give(i, ep.slot, SLOT_A, RIGHT_ALL, 0);
		give(i, sig.slot, SLOT_B, RIGHT_ALL, 0);
	}
	start(2, ROLE_FUZZ_SERVER, 2, 100);
	start(3, ROLE_FUZZ_WAKER, 1, 50);
	start(1, ROLE_FUZZ, 2, 300);
	serve(fuzzer_done);
	check(status[1].exited && sh->fuzz_done == FUZZ_CALLS, "fuzz",
	    "the fuzzer did not finish");
	for (unsigned e = 0; e < 16; e++)
		if (sh->fuzz_errors[e])
			log_printf("fuzz: %lu calls returned error %u",
			    sh->fuzz_errors[e], e);
	log_printf("fuzz: %lu system calls survived, heartbeat at %lu",
	    sh->fuzz_done, sh->count[0]);
	check(sh->count[0] > 0, "fuzz", "the heartbeat did not run");
	destroy(0, 3);
	kobj_free(&ep);
	kobj_free(&sig);
	log_printf("fuzz: free frames before %lu, after %lu", before,
	    frame_free_count());
	check(frame_free_count() == before, "fuzz", "memory was not reclaimed");
}

static bool
child3_gone(void)
{
	return status[3].exited || status[3].faulted;
}

static void
test_sched(void)
{
	uint64_t khz = bi->tsc_khz, quantum;
	struct kobj_ref sig = object(KOBJ_SIGNAL);

	/* Two spinners of equal priority share the CPU. */
	spawn(0);
	spawn(1);
	start(0, ROLE_SPIN, 3, 200);
	start(1, ROLE_SPIN, 3, 200);
	sleep_ticks(TIMER_HZ);
	uint64_t a = sh->count[0], b = sh->count[1];

	log_printf("sched: equal priority spinners counted %lu and %lu", a, b);
	check(a && b && (a < b ? a * 2 > b : b * 2 > a), "sched",
	    "equal priorities did not share the CPU");
	destroy(0, 1);

	/* A woken higher-priority thread runs within a quantum. */
	spawn(2);
	spawn(3);
	give(2, sig.slot, SLOT_B, RIGHT_RECV, 0);
	give(3, sig.slot, SLOT_B, RIGHT_SEND, 0);
	start(2, ROLE_LATENCY_HI, 12, 100);
	start(3, ROLE_LATENCY_LO, 1, 0);
	serve(child3_gone);
	quantum = khz * 10 * sys_kinfo(KINFO_QUANTUM) *
	    sys_kinfo(KINFO_TICK_US) / 10000;
	log_printf("sched: %lu wake-ups, longest %lu us (a quantum is %lu us)",
	    sh->rounds, sh->max_latency * 1000 / khz, quantum * 1000 / khz);
	check(sh->rounds == LATENCY_ROUNDS && sh->max_latency < quantum,
	    "sched", "a higher-priority thread waited longer than a quantum");
	destroy(2, 3);

	/* A high-priority spinner takes only its quota from a lower one. */
	spawn(4);
	spawn(5);
	start(4, ROLE_SPIN, 10, 200);
	start(5, ROLE_SPIN, 1, 0);
	uint64_t t0 = rdtsc();

	sleep_ticks(TIMER_HZ);
	uint64_t ms = (rdtsc() - t0) / khz, hi = sh->count[4],
		 lo = sh->count[5];

	log_printf("sched: timer slept %lu ms for %u ms while spinners ran", ms,
	    1000);
	/* The quota is its claim by priority; the rest is shared. */
	log_printf("sched: 20%% quota at priority 10 counted %lu, priority 1 "
		   "counted %lu (%lu%%)",
	    hi, lo, lo * 100 / (hi + lo));
	check(lo * 100 / (hi + lo) >= 30, "sched",
	    "a quota-bound spinner starved a lower one");
	destroy(4, 5);
	kobj_free(&sig);

	/* Each thread's SSE registers survive the switches between them. */
	memset((void *)sh->count, 0, sizeof(sh->count));
	spawn(0);
	spawn(1);
	start(0, ROLE_FPU, 3, 0);
	start(1, ROLE_FPU, 3, 0);
	sleep_ticks(TIMER_HZ);
	log_printf("sched: SSE rounds %lu and %lu, values lost %lu and %lu",
	    sh->count[0], sh->count[1], sh->count[8], sh->count[9]);
	check(sh->count[0] > 10 && sh->count[1] > 10 && !sh->count[8] &&
		!sh->count[9],
	    "sched", "FPU state was lost or not switched");
	destroy(0, 1);
}

static void
bench_pair(unsigned first, unsigned role_a, unsigned role_b, const char *fig)
{
	const char *unit = cmdline_has(bi, "icount") ? "insns" : "ticks";

	sh->bench_rounds = 0;
	start(first + 1, role_b, 5, 0);
	start(first, role_a, 5, 0);
	wait_child(first);
	check(sh->bench_rounds == BENCH_ROUNDS, "bench_ipc", "no figure");
	log_printf("bench: %s_%s %lu %s", fig, unit,
	    sh->bench_ticks / sh->bench_rounds, unit);
}

/* Round trips between two PDs: IPC call and reply, and two signals. */
static void
test_bench_ipc(void)
{
	const char *unit = cmdline_has(bi, "icount") ? "insns" : "ticks";
	uint64_t t0 = rdtsc();

	for (unsigned i = 0; i < BENCH_ROUNDS; i++)
		sys_kinfo(KINFO_TICKS);
	log_printf("bench: syscall_%s %lu %s", unit,
	    (rdtsc() - t0) / BENCH_ROUNDS, unit);

	struct kobj_ref ep = object(KOBJ_ENDPOINT);
	struct kobj_ref s1 = object(KOBJ_SIGNAL), s2 = object(KOBJ_SIGNAL);

	spawn(0);
	spawn(1);
	give(0, ep.slot, SLOT_A, RIGHT_SEND, 1);
	give(1, ep.slot, SLOT_A, RIGHT_RECV, 0);
	bench_pair(0, ROLE_BENCH_CLIENT, ROLE_BENCH_SERVER, "ipc_rtt");
	destroy(0, 1);
	spawn(2);
	spawn(3);
	give(2, s1.slot, SLOT_B, RIGHT_SEND, 0);
	give(2, s2.slot, SLOT_C, RIGHT_RECV, 0);
	give(3, s1.slot, SLOT_B, RIGHT_RECV, 0);
	give(3, s2.slot, SLOT_C, RIGHT_SEND, 0);
	bench_pair(2, ROLE_BENCH_SIG_A, ROLE_BENCH_SIG_B, "signal_rtt");
	destroy(2, 3);
}

/*
 * Thread n (n > 0) of child idx, in the PD its main thread runs in: its
 * own stack and UTCB, entering ktchild's _start with its role.
 */
static void
start_thread(unsigned idx, unsigned n, unsigned role, unsigned arg_idx)
{
	struct dataspace *stack;
	uint64_t id, top = 0x40000000ul + (uint64_t)n * 0x10000;
	struct thread_args a = {.arg = ARG(role, arg_idx),
	    .sp = top,
	    .utcb = 0x30000000ul + (uint64_t)n * PAGE,
	    .prio = 5,
	    .quota = 0,
	    .fault_ep = parent_ep.slot,
	    .badge = idx + 1};

	memcpy(&a.entry, module_data(ktchild) + 24, sizeof(a.entry));
	if (pds_alloc(kids[idx], 4 * PAGE, &stack) ||
	    pds_map(kids[idx], stack, top - 4 * PAGE, MAP_W) ||
	    pds_thread(kids[idx], &a, &id))
		verdict("spawn", "cannot start a second thread");
}

/* Poll the shared page until *v reaches want, for at most about 20 s. */
static bool
await(volatile uint64_t *v, uint64_t want)
{
	for (unsigned i = 0; i < 20 * TIMER_HZ && *v < want; i++)
		sleep_ticks(1);
	return *v >= want;
}

/* ktest as the server: it takes one call on ep and parks it in a slot. */
static uint64_t
park_one(uint64_t ep, const char *why)
{
	uint64_t info, badge, slot = cap_alloc();

	check(sys_ipc_reply_wait(ep, 0, &info, &badge) == 0 &&
		sys_ipc_defer(slot) == 0,
	    "deferred", why);
	return slot;
}

/*
 * A server parks 32 clients and a second thread of its answers them out
 * of order; then the attacks: a reply capability copied or sent to
 * another PD, answered twice, answered after its caller died or stopped,
 * deleted unanswered; and a server that dies with callers parked.
 */
static void
test_deferred(void)
{
	struct kobj_ref ep = object(KOBJ_ENDPOINT), go = object(KOBJ_SIGNAL),
			never = object(KOBJ_SIGNAL),
			ep2 = object(KOBJ_ENDPOINT);
	uint64_t before = frame_free_count(), r;

	spawn(0);
	give(0, ep.slot, SLOT_A, RIGHT_RECV, 0);
	give(0, go.slot, SLOT_B, RIGHT_ALL, 0);
	start(0, ROLE_DEFER_SERVER, 5, 0);
	start_thread(0, 1, ROLE_DEFER_ANSWER, 0);
	spawn(1);
	give(1, ep.slot, SLOT_A, RIGHT_SEND, 1);
	give(1, never.slot, SLOT_C, RIGHT_RECV, 0);
	start_as(1, ROLE_DEFER_CLIENT, 0, 5, 0);
	for (unsigned k = 1; k < DEFER_CLIENTS; k++)
		start_thread(1, k, ROLE_DEFER_CLIENT, k);
	check(await(&sh->defer_done, DEFER_CLIENTS), "deferred",
	    "not every parked client got an answer");
	unsigned own = 0;

	for (unsigned k = 0; k < DEFER_CLIENTS; k++) {
		bool ok = sh->defer_err[k] == 0 && sh->defer_got[k] == 1;

		own += ok;
		if (!ok)
			log_printf("deferred: client %u: result %ld, answer %s",
			    k, (long)sh->defer_err[k],
			    sh->defer_got[k] == 2 ? "wrong" : "none");
	}
	log_printf("deferred: %lu calls parked, %lu answered out of order by "
		   "a second thread, %u clients got their own answer",
	    sh->defer_parked, sh->defer_answered, own);
	check(own == DEFER_CLIENTS, "deferred",
	    "a client got an error or another client's answer");
	log_printf("deferred: server-side attacks failed: %s (mask %lx); "
		   "capabilities sent with an answer: %lu",
	    sh->defer_bad ? "no" : "yes", sh->defer_bad, sh->defer_ncaps);
	check(!sh->defer_bad && !sh->defer_ncaps, "deferred",
	    "a full slot, a copy, a second answer or a sent reply capability "
	    "was accepted");

	/* The server dies with 4 more callers parked: they get E_ABORT. */
	sh->defer_done = 0;
	spawn(2);
	give(2, ep.slot, SLOT_A, RIGHT_SEND, 2);
	give(2, never.slot, SLOT_C, RIGHT_RECV, 0);
	start_as(2, ROLE_DEFER_CLIENT, 0, 5, 0);
	for (unsigned k = 1; k < 4; k++)
		start_thread(2, k, ROLE_DEFER_CLIENT, k);
	check(await(&sh->defer_parked, DEFER_CLIENTS + 4), "deferred",
	    "the server did not park 4 more calls");
	pds_destroy(kids[0]);
	check(await(&sh->defer_done, 4), "deferred",
	    "callers parked in a dead server still wait");
	for (unsigned k = 0; k < 4; k++)
		check(sh->defer_err[k] == -E_ABORT, "deferred",
		    "a caller parked in a dead server did not get E_ABORT");
	log_printf("deferred: the server died with 4 calls parked: each "
		   "caller got E_ABORT");

	/* ktest parks a client, which then dies: the reply reaches nothing. */
	sh->defer_done = 0;
	spawn(3);
	give(3, ep2.slot, SLOT_A, RIGHT_SEND, 3);
	give(3, never.slot, SLOT_C, RIGHT_RECV, 0);
	start_as(3, ROLE_DEFER_CLIENT, 0, 5, 0);
	r = park_one(ep2.slot, "cannot park a call");
	check(sys_cap_derive(r, kids[2]->pd, 200, RIGHT_SEND, 0) == -E_RIGHTS &&
		sys_cap_derive(r, 0, cap_alloc(), RIGHT_SEND, 0) == -E_RIGHTS,
	    "deferred", "a reply capability was copied");
	pds_destroy(kids[3]);
	check(sys_cap_info(r) == -E_CAP &&
		sys_ipc_answer(r, MSG_INFO(0, 0, 0)) == -E_CAP,
	    "deferred", "a reply to a dead caller was accepted");

	/* A stopped caller, too, leaves nothing to answer. */
	spawn(3);
	give(3, ep2.slot, SLOT_A, RIGHT_SEND, 3);
	give(3, never.slot, SLOT_C, RIGHT_RECV, 0);
	start_as(3, ROLE_DEFER_CLIENT, 0, 5, 0);
	r = park_one(ep2.slot, "cannot park a call");
	pds_stop(kids[3], 0);
	check(sys_ipc_answer(r, MSG_INFO(0, 0, 0)) == -E_CAP, "deferred",
	    "a reply to a stopped caller was accepted");
	pds_destroy(kids[3]);

	/* Deleting a parked reply unanswered ends the call with E_ABORT. */
	spawn(3);
	give(3, ep2.slot, SLOT_A, RIGHT_SEND, 3);
	give(3, never.slot, SLOT_C, RIGHT_RECV, 0);
	start_as(3, ROLE_DEFER_CLIENT, 0, 5, 0);
	r = park_one(ep2.slot, "cannot park a call");
	check(sys_ipc_defer(cap_alloc()) == -E_NOENT && sys_cap_delete(r) == 0,
	    "deferred", "defer without a call, or delete");
	check(await(&sh->defer_done, 1) && sh->defer_err[0] == -E_ABORT,
	    "deferred", "a deleted reply left its caller waiting");
	log_printf("deferred: a reply capability cannot be copied or granted; "
		   "a dead or stopped caller's reply reaches nothing; a "
		   "deleted one ends the call with E_ABORT");
	destroy(1, 3);
	kobj_free(&ep);
	kobj_free(&ep2);
	kobj_free(&go);
	kobj_free(&never);
	log_printf("deferred: free frames before %lu, after %lu (4 objects "
		   "freed)",
	    before, frame_free_count());
	check(frame_free_count() == before + 4, "deferred",
	    "memory was not reclaimed");
}

#define SOURCES 300u

/* The badge source i's submitters use: all 64 bits are the source's. */
static uint64_t
source_badge(unsigned i)
{
	return 0x8000000000000000ul | ((uint64_t)i << 32) | (i * 2654435761u);
}

/* Take one bound signal from ep; false if it is not a signal message. */
static bool
take_signal(uint64_t ep, uint64_t *badge, uint64_t *count)
{
	uint64_t info;

	if (sys_ipc_reply_wait(ep, 0, &info, badge) ||
	    MSG_LABEL(info) != SIGNAL_LABEL || MSG_NWORDS(info) != 1)
		return false;
	*count = utcb_self()->msg[0];
	return true;
}

/*
 * 300 signals bound to one endpoint, fired in a pattern: each arrives once,
 * in the order it first fired, as its own message with its own badge and
 * count. Then the attacks: binding twice, binding to an endpoint or with a
 * signal capability without the receive right, a signal deleted while
 * queued, an endpoint deleted with signals queued on it.
 */
static void
test_signals(void)
{
	static struct kobj_ref sig[SOURCES];
	static uint64_t send[SOURCES];
	static bool seen[SOURCES];
	struct kobj_ref ep = object(KOBJ_ENDPOINT), end = object(KOBJ_SIGNAL);
	uint64_t badge = 1, count = 0, n = 0, order_ok = 1, first = 0;

	for (unsigned i = 0; i < SOURCES; i++) {
		sig[i] = object(KOBJ_SIGNAL);
		send[i] = cap_alloc();
		check(sys_cap_derive(sig[i].slot, 0, send[i], RIGHT_SEND,
			  source_badge(i)) == 0 &&
			sys_sig_bind(sig[i].slot, ep.slot) == 0,
		    "signals", "cannot bind 300 signals to one endpoint");
	}
	check(sys_sig_bind(end.slot, ep.slot) == 0, "signals", "bind");
	/* Round r submits every source that fires more than r times, in a
	 * scattered order; source i fires i % 7 + 1 times. */
	for (unsigned r = 0; r < 7; r++)
		for (unsigned j = 0; j < SOURCES; j++) {
			unsigned i = (j * 97 + 11) % SOURCES;

			if (r < i % 7 + 1)
				sys_sig_submit(send[i]);
		}
	sys_sig_submit(end.slot);
	while (take_signal(ep.slot, &badge, &count) && badge) {
		unsigned i = (unsigned)(badge >> 32) & 0x7fffffff;

		if (i >= SOURCES || badge != source_badge(i) || seen[i] ||
		    count != i % 7 + 1)
			verdict("signals",
			    "a source came with a wrong badge or "
			    "count, or twice");
		seen[i] = true;
		order_ok &= i == (first * 97 + 11) % SOURCES;
		first++;
		n++;
	}
	check(badge == 0 && count == 1, "signals", "the last message");
	log_printf("signals: %lu of %u sources reported once each with their "
		   "own badge and count, in the order they first fired: %s",
	    n, SOURCES, order_ok ? "yes" : "no");
	check(n == SOURCES && order_ok, "signals",
	    "a source was lost or reported out of order");

	/* Binding twice, also elsewhere, and binding without rights fail. */
	struct kobj_ref ep2 = object(KOBJ_ENDPOINT);
	uint64_t ep2_send = derive(ep2.slot, RIGHT_SEND),
		 sig_send = derive(sig[0].slot, RIGHT_SEND);

	check(sys_sig_bind(sig[0].slot, ep.slot) == -E_BUSY &&
		sys_sig_bind(sig[0].slot, ep2.slot) == -E_BUSY &&
		sys_sig_bind(end.slot, ep2_send) == -E_RIGHTS &&
		sys_sig_bind(sig_send, ep2.slot) == -E_RIGHTS &&
		sys_sig_bind(ep2.slot, ep.slot) == -E_CAP,
	    "signals", "a second binding or one without rights was accepted");

	/* A signal deleted, one taken directly and one unbound while queued
	 * never arrive; the others come in order. */
	sys_sig_submit(send[1]);
	sys_sig_submit(send[2]);
	sys_sig_submit(send[3]);
	sys_sig_submit(send[4]);
	sys_sig_submit(send[5]);
	kobj_free(&sig[2]);
	sys_cap_delete(send[2]);
	check(sys_sig_poll(sig[3].slot, &badge) == 1 &&
		badge == source_badge(3) && sys_sig_bind(sig[4].slot, 0) == 0,
	    "signals", "poll or unbind of a queued signal");
	sys_sig_submit(end.slot);
	check(take_signal(ep.slot, &badge, &count) &&
		badge == source_badge(1) &&
		take_signal(ep.slot, &badge, &count) &&
		badge == source_badge(5) &&
		take_signal(ep.slot, &badge, &count) && badge == 0,
	    "signals",
	    "a deleted, polled or unbound signal arrived, or one was lost");
	check(sys_sig_poll(sig[4].slot, &badge) == 1, "signals",
	    "an unbound signal lost its count");

	/* The endpoint dies with signals queued: they stay usable. */
	sys_sig_submit(send[6]);
	sys_sig_submit(send[7]);
	kobj_free(&ep);
	struct kobj_ref ep3 = object(KOBJ_ENDPOINT);

	check(sys_sig_bind(end.slot, ep3.slot) == 0 &&
		sys_sig_bind(sig[6].slot, ep3.slot) == 0,
	    "signals", "a signal of a dead endpoint cannot be bound again");
	sys_sig_submit(end.slot);
	check(take_signal(ep3.slot, &badge, &count) &&
		badge == source_badge(6) && count == 1 &&
		take_signal(ep3.slot, &badge, &count) && badge == 0 &&
		sys_sig_poll(sig[7].slot, &badge) == 1,
	    "signals", "signals of a dead endpoint");
	log_printf("signals: binding twice or without rights refused; a "
		   "deleted, polled or unbound signal never arrives; an "
		   "endpoint's death leaves its signals usable");
}

static const struct {
	const char *name;
	void (*run)(void);
} tests[] = {
    {"signals", test_signals},
    {"deferred", test_deferred},
    {"ipc", test_ipc},
    {"fault", test_fault},
    {"rights", test_rights},
    {"fuzz", test_fuzz},
    {"sched", test_sched},
    {"bench_ipc", test_bench_ipc},
};

int main(const struct boot_info *info);

int
main(const struct boot_info *info)
{
	const char *name = NULL;

	bi = info;
	core_init(bi);
	for (const char *p = bi->cmdline; *p; p++)
		if (!strncmp(p, "test=", 5))
			name = p + 5;
	if (!name)
		verdict("ktest", "no test= on the command line");
	if (!(ktchild = module_find(bi, "ktchild")))
		verdict("ktest", "no ktchild module");
	if (kobj_new(KOBJ_ENDPOINT, 0, 0, &parent_ep) ||
	    pds_alloc(NULL, PAGE, &shared_ds) ||
	    !(sh = core_attach(shared_ds->pa, 1)))
		verdict("ktest", "cannot set up");
	timer_init();
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		size_t n = strlen(tests[i].name);

		if (!strncmp(name, tests[i].name, n) &&
		    (name[n] == ' ' || !name[n])) {
			tests[i].run();
			verdict(tests[i].name, NULL);
		}
	}
	verdict("ktest", "unknown test");
}

void
component_exit(int code)
{
	power_off((unsigned)code);
}
