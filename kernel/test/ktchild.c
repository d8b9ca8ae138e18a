/*
 * The children of the kernel tests: one program that plays the role its
 * parent gives it as the start argument (see ktest.h). Each role exercises
 * one kernel mechanism from an unprivileged PD.
 */
#include <stdbool.h>

#include <base/env.h>
#include <base/error.h>
#include <base/log.h>
#include <base/server.h>
#include <base/tsc.h>
#include <kernel/syscalls.h>

#include "ktest.h"

static struct shared *const sh = (struct shared *)SHARED_VA;

static _Noreturn void
spin(unsigned idx)
{
	for (;;)
		sh->count[idx]++;
}

/*
 * Keep a value in SSE registers across a long loop, so that the kernel
 * switches threads in between, and count rounds and corruptions.
 */
static _Noreturn void
fpu(unsigned idx)
{
	for (uint64_t v = 0x0101010101010101ul * (idx + 1);; v++) {
		uint64_t a, b;

		__asm__ volatile("movq %2, %%xmm0\n movq %2, %%xmm15\n"
				 "mov $3000000, %%ecx\n"
				 "1: dec %%ecx\n jnz 1b\n"
				 "movq %%xmm0, %0\n movq %%xmm15, %1"
				 : "=r"(a), "=r"(b)
				 : "r"(v)
				 : "rcx");
		if (a != v || b != v)
			sh->count[8 + idx]++;
		sh->count[idx]++;
	}
}

static int
ipc_server(void)
{
	struct utcb *u = utcb_self();
	uint64_t info = MSG_INFO(0, 0, 0), badge;

	for (;;) {
		u->rcv_caps[0] = SLOT_B;
		if (sys_ipc_reply_wait(SLOT_A, info, &info, &badge))
			return 1;
		if (badge >= 100 && badge < 116)
			sh->calls_by_badge[badge - 100]++;
		if (MSG_NCAPS(info) == 1) {
			/* The client sent its signal: use it, then drop it. */
			sys_sig_submit(SLOT_B);
			sys_cap_delete(SLOT_B);
		}
		u->msg[0] = u->msg[0] * 2 + badge;
		u->msg[1] = u->msg[1] + u->msg[2] + u->msg[3];
		info = MSG_INFO(LABEL_ECHO, 2, 0);
	}
}

static int
ipc_client(unsigned idx)
{
	struct utcb *u = utcb_self();
	uint64_t info, badge, bad = 0;

	for (uint64_t k = 0; k < IPC_CALLS; k++) {
		u->msg[0] = k;
		u->msg[1] = idx;
		u->msg[2] = k * 3;
		u->msg[3] = 7;
		long e = sys_ipc_call(SLOT_A, MSG_INFO(LABEL_ECHO, 4, 0), &info,
		    &badge);

		if (e || MSG_LABEL(info) != LABEL_ECHO ||
		    MSG_NWORDS(info) != 2 || u->msg[0] != k * 2 + 100 + idx ||
		    u->msg[1] != idx + k * 3 + 7)
			bad++;
	}
	u->snd_caps[0] = SLOT_B;
	long e =
	    sys_ipc_call(SLOT_A, MSG_INFO(LABEL_ECHO, 4, 1), &info, &badge);

	log_printf("client %u: %u calls, %lu wrong replies, cap transfer %s",
	    idx, IPC_CALLS, bad, e ? "failed" : "done");
	return bad || e ? 1 : 0;
}

/*
 * The deferring server: its handler parks every call in a slot of its own
 * (server_defer) and returns at once; once DEFER_CLIENTS are parked, it
 * wakes the second thread, which answers them. The handler also plays the
 * attacker against its own reply capabilities.
 */
static uint64_t parked_key[DEFER_MAX], parked_secret[DEFER_MAX];
static unsigned parked;

static uint64_t
defer_secret(uint64_t k)
{
	return k * 7919 + 13;
}

static void
defer_handle(uint64_t badge, uint64_t info, struct reply *r)
{
	struct utcb *u = utcb_self();
	unsigned k = parked;

	(void)badge;
	(void)info;
	if (k >= DEFER_MAX) {
		r->error = -E_BUSY;
		return;
	}
	parked_key[k] = u->msg[0];
	parked_secret[k] = u->msg[1];
	/* A full slot is refused, and the call stays ours to park. */
	if (k == 0 && server_defer(SLOT_A) != -E_EXISTS)
		sh->defer_bad |= 1;
	if (server_defer(DEFER_SLOT + k)) {
		sh->defer_bad |= 2;
		r->error = -E_INVAL;
		return;
	}
	if (k == 0) {
		/* Parked once: there is no call left to park, and the reply
		 * capability is one-shot, so it cannot be copied. */
		if (server_defer(DEFER_SLOT + DEFER_MAX) != -E_NOENT)
			sh->defer_bad |= 4;
		if (sys_cap_derive(DEFER_SLOT, 0, DEFER_SLOT + DEFER_MAX,
			RIGHT_SEND, 0) != -E_RIGHTS ||
		    sys_cap_info(DEFER_SLOT + DEFER_MAX) != -E_CAP)
			sh->defer_bad |= 8;
		if (sys_cap_info(DEFER_SLOT) != (KOBJ_REPLY | RIGHT_SEND << 8))
			sh->defer_bad |= 16;
	}
	parked = k + 1;
	sh->defer_parked = parked;
	if (parked == DEFER_CLIENTS)
		sys_sig_submit(SLOT_B);
}

static _Noreturn void
defer_server(void)
{
	server_loop(SLOT_A, SLOT_C, defer_handle);
}

/* The second thread: answers in an order unlike the order of arrival. */
static _Noreturn void
defer_answer(void)
{
	struct utcb *u = utcb_self();

	sys_sig_wait(SLOT_B, NULL);
	for (unsigned j = 0; j < DEFER_CLIENTS; j++) {
		unsigned k = (j * 7 + 3) % DEFER_CLIENTS;

		u->msg[0] = parked_key[k];
		u->msg[1] = parked_secret[k] * 3 + 1;
		if (j == 0) {
			/* Sending another parked reply with the answer: it has
			 * no grant right, so nothing goes with the answer and
			 * the reply stays parked here. */
			u->snd_caps[0] = DEFER_SLOT + (k + 7) % DEFER_CLIENTS;
			if (sys_ipc_answer(DEFER_SLOT + k, MSG_INFO(0, 2, 1)) ||
			    sys_cap_info(u->snd_caps[0]) !=
				(KOBJ_REPLY | RIGHT_SEND << 8))
				sh->defer_bad |= 128;
		} else if (server_answer(DEFER_SLOT + k, 0, 2)) {
			sh->defer_bad |= 32;
		}
		/* A second answer finds nothing: the slot emptied. */
		if (server_answer(DEFER_SLOT + k, 0, 2) != -E_CAP ||
		    sys_cap_info(DEFER_SLOT + k) != -E_CAP)
			sh->defer_bad |= 64;
		sh->defer_answered++;
	}
	for (;;)
		sys_sig_wait(SLOT_B, NULL);
}

/* Client k calls once and checks that the answer is its own. */
static _Noreturn void
defer_client(unsigned k)
{
	struct utcb *u = utcb_self();
	uint64_t info, badge;
	long e;

	u->msg[0] = k;
	u->msg[1] = defer_secret(k);
	u->rcv_caps[0] = 100 + k;
	e = sys_ipc_call(SLOT_A, MSG_INFO(LABEL_ECHO, 2, 0), &info, &badge);
	sh->defer_err[k] = e;
	if (!e) {
		sh->defer_got[k] = MSG_LABEL(info) == 0 &&
			MSG_NWORDS(info) == 2 && u->msg[0] == k &&
			u->msg[1] == defer_secret(k) * 3 + 1
		    ? 1
		    : 2;
		sh->defer_ncaps += MSG_NCAPS(info);
	}
	__atomic_fetch_add(&sh->defer_done, 1, __ATOMIC_SEQ_CST);
	for (;;)
		sys_sig_wait(SLOT_C, NULL);
}

static int
fault(unsigned role)
{
	static const uint8_t data[16] = {0xc3};
	volatile uint64_t *p;

	switch (role) {
	case ROLE_FAULT_READ:
		p = (volatile uint64_t *)0x12345678000ul;
		return (int)*p;
	case ROLE_FAULT_KERNEL:
		p = (volatile uint64_t *)0xffffffff80100000ul;
		*p = 1;
		break;
	case ROLE_FAULT_PRIV:
		__asm__ volatile("cli; hlt");
		break;
	case ROLE_FAULT_IO:
		__asm__ volatile("outb %%al, $0x80" : : "a"(0));
		break;
	case ROLE_FAULT_DIV:
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx"
				 :
				 :
				 : "eax", "ecx", "edx");
		break;
	case ROLE_FAULT_JUMP:
		((void (*)(void))0x00000badbeef0000ul)();
		break;
	case ROLE_FAULT_NX:
		((void (*)(void))(uintptr_t)data)();
		break;
	case ROLE_FAULT_GARBAGE:
		__asm__ volatile(".byte 0xff, 0xff, 0xff, 0xff");
		break;
	}
	return 0;
}

/* Call until the capability is revoked; the exit code is the error. */
static int
rights(void)
{
	long m = sys_map(CAP_SELF_PD, 0x1000000, 0x200000, 0);
	long o = sys_obj_create(KOBJ_SIGNAL, SLOT_C, 0x200000, 0, 0, 0);
	long e;

	while (!(e = sys_ipc_call(SLOT_A, MSG_INFO(1, 0, 0), NULL, NULL)))
		;
	log_printf(
	    "map and obj_create from an unprivileged PD: errors %ld, %ld", -m,
	    -o);
	if (m != -E_PERM || o != -E_PERM)
		return 100;
	log_printf("call after revoke: error %ld", -e);
	return (int)-e;
}

/* Three capabilities in one message, the second of which does not exist. */
static int
caps_send(void)
{
	struct utcb *u = utcb_self();

	u->snd_caps[0] = SLOT_B;
	u->snd_caps[1] = 1000;
	u->snd_caps[2] = SLOT_C;
	return (int)-sys_ipc_call(SLOT_A, MSG_INFO(1, 0, 3), NULL, NULL);
}

static uint64_t seed = 0x9e3779b97f4a7c15ul;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* A value: small numbers and slots most, but every kind of address. */
static uint64_t
fuzz_value(uint64_t r)
{
	switch (r % 8) {
	case 0:
	case 1:
	case 2:
		return (r >> 8) % 16;
	case 3:
		return rnd();
	case 4:
		return 0xffffffff80000000ul + (rnd() % (1ul << 30));
	case 5:
		return 0xffff800000000000ul + (rnd() % (1ul << 32));
	case 6:
		return rnd() & 0x00007ffffffff000ul;
	default:
		return (r >> 8) % 64;
	}
}

static uint64_t
fuzz_arg(void)
{
	uint64_t a = fuzz_value(rnd());

	/* The parent's endpoint is how the fuzzer reports; spare it. */
	return a == CAP_PARENT ? SLOT_A : a;
}

static int
fuzz(void)
{
	struct utcb *u = utcb_self();

	for (uint64_t i = 0; i < FUZZ_CALLS; i++) {
		uint64_t a[6], nr = rnd() % 32;

		for (unsigned k = 0; k < 6; k++)
			a[k] = fuzz_arg();
		if (!(i % 16))
			for (unsigned k = 0; k < MSG_CAPS_MAX; k++) {
				u->snd_caps[k] = (uint32_t)fuzz_arg();
				u->rcv_caps[k] = (uint32_t)fuzz_arg();
			}
		register uint64_t r10 __asm__("r10") = a[3];
		register uint64_t r8 __asm__("r8") = a[4];
		register uint64_t r9 __asm__("r9") = a[5];
		long ret = (long)nr;

		__asm__ volatile("syscall"
				 : "+a"(ret), "+D"(a[0]), "+S"(a[1]),
				 "+d"(a[2]), "+r"(r10), "+r"(r8), "+r"(r9)
				 :
				 : "rcx", "r11", "memory");
		if (ret < 0 && -ret < 16)
			sh->fuzz_errors[-ret]++;
		sh->fuzz_done = i + 1;
	}
	return 0;
}

static _Noreturn void
fuzz_server(void)
{
	for (;;)
		sys_ipc_reply_wait(SLOT_A, MSG_INFO(0, 0, 0), NULL, NULL);
}

static _Noreturn void
fuzz_waker(void)
{
	for (;;) {
		sys_sig_submit(SLOT_B);
		sys_ipc_send(SLOT_A, MSG_INFO(0, 0, 0));
		sys_thread_yield();
	}
}

static int
latency_hi(void)
{
	for (;;) {
		if (sys_sig_wait(SLOT_B, NULL) < 0)
			return 1;
		uint64_t d = rdtsc() - sh->t_submit;

		if (d > sh->max_latency)
			sh->max_latency = d;
		sh->rounds++;
	}
}

static int
latency_lo(void)
{
	for (uint64_t r = 0; r < LATENCY_ROUNDS; r++) {
		/* Busy for a while, so that the waker is a spinning thread. */
		for (uint64_t t = rdtsc(); rdtsc() - t < 100000;)
			;
		sh->t_submit = rdtsc();
		sys_sig_submit(SLOT_B);
		while (sh->rounds <= r)
			;
	}
	return 0;
}

static _Noreturn void
bench_server(void)
{
	for (;;)
		sys_ipc_reply_wait(SLOT_A, MSG_INFO(0, 0, 0), NULL, NULL);
}

static int
bench_client(void)
{
	for (unsigned i = 0; i < 100; i++)
		sys_ipc_call(SLOT_A, MSG_INFO(0, 0, 0), NULL, NULL);
	uint64_t t0 = rdtsc();

	for (unsigned i = 0; i < BENCH_ROUNDS; i++)
		sys_ipc_call(SLOT_A, MSG_INFO(0, 0, 0), NULL, NULL);
	sh->bench_ticks = rdtsc() - t0;
	sh->bench_rounds = BENCH_ROUNDS;
	return 0;
}

static int
bench_sig(bool a)
{
	for (unsigned i = 0; i < 100 + BENCH_ROUNDS; i++) {
		uint64_t t0 = i == 100 && a ? rdtsc() : 0;

		if (a) {
			if (i == 100)
				sh->t_submit = t0;
			sys_sig_submit(SLOT_B);
			sys_sig_wait(SLOT_C, NULL);
		} else {
			sys_sig_wait(SLOT_B, NULL);
			sys_sig_submit(SLOT_C);
		}
	}
	if (a) {
		sh->bench_ticks = rdtsc() - sh->t_submit;
		sh->bench_rounds = BENCH_ROUNDS;
	}
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	unsigned idx = ARG_IDX(arg);

	switch (ARG_ROLE(arg)) {
	case ROLE_HEARTBEAT:
	case ROLE_SPIN:
		spin(idx);
	case ROLE_FPU:
		fpu(idx);
	case ROLE_IPC_SERVER:
		return ipc_server();
	case ROLE_IPC_CLIENT:
		return ipc_client(idx);
	case ROLE_RIGHTS:
		return rights();
	case ROLE_CAPS_SEND:
		return caps_send();
	case ROLE_FUZZ:
		return fuzz();
	case ROLE_FUZZ_SERVER:
		fuzz_server();
	case ROLE_FUZZ_WAKER:
		fuzz_waker();
	case ROLE_LATENCY_HI:
		return latency_hi();
	case ROLE_LATENCY_LO:
		return latency_lo();
	case ROLE_BENCH_SERVER:
		bench_server();
	case ROLE_BENCH_CLIENT:
		return bench_client();
	case ROLE_BENCH_SIG_A:
		return bench_sig(true);
	case ROLE_DEFER_SERVER:
		defer_server();
	case ROLE_DEFER_ANSWER:
		defer_answer();
	case ROLE_DEFER_CLIENT:
		defer_client(idx);
	case ROLE_BENCH_SIG_B:
		return bench_sig(false);
	default:
		return fault(ARG_ROLE(arg));
	}
}
