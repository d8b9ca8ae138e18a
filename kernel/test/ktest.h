/*
 * Shared between the kernel-test root task (ktest) and its children
 * (ktchild): the roles a child can play and the page they share.
 */
#pragma once

#include <stdint.h>

enum role {
	ROLE_HEARTBEAT = 1, /* count forever in shared->count[idx] */
	ROLE_IPC_SERVER,    /* serve slot 8, count calls per badge */
	ROLE_IPC_CLIENT,    /* call slot 8, check replies, send slot 9 */
	ROLE_FAULT_READ,    /* read unmapped memory */
	ROLE_FAULT_KERNEL,  /* write kernel memory */
	ROLE_FAULT_PRIV,    /* execute a privileged instruction */
	ROLE_FAULT_IO,      /* use an I/O port it was not given */
	ROLE_FAULT_DIV,     /* divide by zero */
	ROLE_FAULT_JUMP,    /* jump into garbage */
	ROLE_FAULT_NX,      /* execute a data page */
	ROLE_FAULT_GARBAGE, /* execute bytes that are no instruction */
	ROLE_RIGHTS,        /* call slot 8 until it is revoked */
	ROLE_CAPS_SEND,     /* call slot 8 sending slots 9, 1000, 10 */
	ROLE_FUZZ,          /* random system calls */
	ROLE_FUZZ_SERVER,   /* reply to anything on slot 8 */
	ROLE_FUZZ_WAKER,    /* submit slot 9, send on slot 8 */
	ROLE_SPIN,
	ROLE_FPU,
	/* keep values in SSE registers, count losses */ /* count in
							    shared->count[idx]
							  */
	ROLE_LATENCY_HI,   /* wait on slot 9, note the wake-up time */
	ROLE_LATENCY_LO,   /* note the time, submit slot 9 */
	ROLE_BENCH_SERVER, /* reply_wait on slot 8 */
	ROLE_BENCH_CLIENT, /* time calls on slot 8 */
	ROLE_BENCH_SIG_A,  /* submit 9, wait 10; timed */
	ROLE_BENCH_SIG_B,  /* wait 9, submit 10 */
	ROLE_DEFER_SERVER, /* serve slot 8, park every call; submit 9 at 32 */
	ROLE_DEFER_ANSWER, /* wait 9, answer the 32 parked calls out of order */
	ROLE_DEFER_CLIENT, /* call slot 8 once, check its answer, wait on 10 */
};

#define ARG(role, idx) ((uint64_t)(role) | ((uint64_t)(idx) << 16))
#define ARG_ROLE(arg) ((unsigned)((arg)&0xffff))
#define ARG_IDX(arg) ((unsigned)((arg) >> 16))

#define SHARED_VA 0x20000000ul
#define IPC_CALLS 1000u
#define FUZZ_CALLS 1000000u
#define LATENCY_ROUNDS 100u
#define BENCH_ROUNDS 10000u
#define DEFER_CLIENTS 32u /* parked and answered out of order */
#define DEFER_MAX 64u     /* clients the deferring server can park */
#define DEFER_SLOT 32u    /* the server parks call k in DEFER_SLOT + k */

struct shared {
	volatile uint64_t count[16];
	volatile uint64_t calls_by_badge[16];
	volatile uint64_t t_submit, t_wake, max_latency, rounds;
	volatile uint64_t bench_ticks, bench_rounds;
	volatile uint64_t fuzz_done, fuzz_errors[16];
	/* The deferred-reply test: per client, the call's result and whether
	 * the answer was its own (1) or not (2). */
	volatile int64_t defer_err[DEFER_MAX];
	volatile uint64_t defer_got[DEFER_MAX];
	volatile uint64_t defer_done, defer_parked, defer_answered;
	volatile uint64_t defer_bad;   /* bits: hostile checks that failed */
	volatile uint64_t defer_ncaps; /* caps a client got with its answer */
};

/* Slots the root fills in a child. */
#define SLOT_A 8u
#define SLOT_B 9u
#define SLOT_C 10u

/* A message label the IPC test server and its clients use. */
#define LABEL_ECHO 0x10u
