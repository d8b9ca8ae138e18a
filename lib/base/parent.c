/*
 * A child's side of the parent protocol: its log, its exit, sessions and
 * announcements. Message strings are packed bytes after a length word.
 */
#include <stdbool.h>

#include <base/env.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <base/tsc.h>
#include <kernel/syscalls.h>

void
log_write(const char *s, size_t n)
{
	struct utcb *u = utcb_self();

	if (n > PARENT_LOG_MAX)
		n = PARENT_LOG_MAX;
	u->msg[0] = (uint64_t)n << 16;
	memcpy(&u->msg[1], s, n);
	rpc_call(CAP_PARENT, PARENT_LOG, 1 + (unsigned)(n + 7) / 8, 0, 0, NULL);
}

int
log_forward(const char *name, unsigned nwords)
{
	uint64_t *w = utcb_self()->msg;
	char buf[PARENT_LOG_MAX];
	struct parent_log log;
	unsigned n, nt;

	if (parent_log_parse(w, nwords, &log))
		return -E_INVAL;
	n = (unsigned)fmt_snprintf(buf, sizeof(buf),
	    log.nlabel ? "%s -> %.*s" : "%s%.*s", name, (int)log.nlabel,
	    log.label);
	if (n > PARENT_LOG_MAX)
		n = PARENT_LOG_MAX;
	nt = log.ntext < PARENT_LOG_MAX - n ? log.ntext : PARENT_LOG_MAX - n;
	memmove((char *)&w[1] + n, log.text, nt);
	memcpy(&w[1], buf, n);
	w[0] = (uint64_t)n | (uint64_t)nt << 16;
	rpc_call(CAP_PARENT, PARENT_LOG, 1 + (n + nt + 7) / 8, 0, 0, NULL);
	return 0;
}

void
component_exit(int code)
{
	for (;;) {
		utcb_self()->msg[0] = (uint64_t)code;
		rpc_call(CAP_PARENT, PARENT_EXIT, 1, 0, 0, NULL);
	}
}

static void answer_pause(void);

/*
 * PARENT_UPGRADE answers w0 1 while a child server has not agreed yet:
 * ask again after the answer signal, SESSION_ANSWER_MS at most.
 */
int
parent_upgrade(uint64_t id, uint64_t quota, uint64_t caps)
{
	uint64_t *w = utcb_self()->msg, info = 0, start = rdtsc();
	uint64_t khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	long e;

	for (;;) {
		w[0] = id;
		w[1] = quota;
		w[2] = caps;
		e = rpc_call(CAP_PARENT, PARENT_UPGRADE, 3, 0, 0, &info);
		if (e || MSG_NWORDS(info) < 1 || w[0] != 1)
			return (int)e;
		if (khz && (rdtsc() - start) / khz > SESSION_ANSWER_MS) {
			log_printf("no answer to an upgrade of session %lu in "
				   "%u ms",
			    id, SESSION_ANSWER_MS);
			return -E_TIMEOUT;
		}
		answer_pause();
	}
}

#define SESSION_TRIES 3000u /* about 30 s */

static uint64_t pause; /* a signal nobody submits: to wait a while */

static void
put_service(const char *service)
{
	struct utcb *u = utcb_self();

	u->msg[0] = u->msg[1] = 0;
	msg_put_str(u->msg, 0, service, SERVICE_NAME_MAX - 1);
}

/*
 * Our signal for answers to pending requests, registered with the parent
 * at the first one. A parent that knows no pending requests (libc's)
 * refuses it: then we look every 10 ms.
 */
static uint64_t answer_sig;
static volatile int answer_state; /* 0: none, 1: being made, 2: there */

static uint64_t
answer_signal(void)
{
	int none = 0;

	if (__atomic_compare_exchange_n(&answer_state, &none, 1, false,
		__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (!object_create(KOBJ_SIGNAL, &answer_sig))
			rpc_call(CAP_PARENT, PARENT_SESSION_SIGH, 0, answer_sig,
			    0, NULL);
		__atomic_store_n(&answer_state, 2, __ATOMIC_RELEASE);
	}
	return __atomic_load_n(&answer_state, __ATOMIC_ACQUIRE) == 2
	    ? answer_sig
	    : 0;
}

/* Until the next answer comes, or 10 ms. */
static void
answer_pause(void)
{
	uint64_t sig = answer_signal();

	if (sig)
		sys_sig_wait_for(sig, 10000, NULL);
	else if (pause || !object_create(KOBJ_SIGNAL, &pause))
		sys_sig_wait_for(pause, 10000, NULL);
}

/*
 * The parent took our request (w0: its id) to a server that answers
 * later: wait for the answer, SESSION_ANSWER_MS at most, then give the
 * request up (a server that never answers holds up only its own
 * clients). PARENT_SESSION_RESULT answers a session with its capability
 * (into slot) and a finished close with E_NOENT.
 */
static long
answer_wait(const char *service, const char *label, uint64_t slot)
{
	uint64_t *w = utcb_self()->msg, id = w[0], start = rdtsc(), info;
	uint64_t khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	long e;

	for (;;) {
		answer_pause();
		w[0] = id;
		e = rpc_call(CAP_PARENT, PARENT_SESSION_RESULT, 1, 0, slot,
		    &info);
		if (e || MSG_NWORDS(info) < 2 || w[1] != 1)
			return e;
		if (khz && (rdtsc() - start) / khz > SESSION_ANSWER_MS)
			break;
	}
	log_printf("no answer to the '%s' request '%s' in %u ms: given up",
	    service, label, SESSION_ANSWER_MS);
	if (slot) {
		w[0] = id;
		rpc_call(CAP_PARENT, PARENT_CLOSE, 1, 0, 0, NULL);
	}
	return -E_TIMEOUT;
}

int
session_open_args(const char *service, const char *label, const char *args,
    uint64_t quota, uint64_t *cap, uint64_t *id)
{
	struct utcb *u = utcb_self();
	struct session_request r = {.quota = quota};
	uint64_t slot = slot_alloc(), info = 0;
	long e = -E_AGAIN;

	if (!slot)
		return -E_NOMEM;
	fmt_snprintf(r.service, sizeof(r.service), "%s", service);
	fmt_snprintf(r.label, sizeof(r.label), "%s", label);
	fmt_snprintf(r.args, sizeof(r.args), "%s", args);
	/*
	 * E_AGAIN: the server has not announced itself yet. Ask again at
	 * once a few times, then every 10 ms: a client that asks
	 * without pause keeps its parent too busy for the server to start.
	 */
	for (unsigned tries = 0; tries < SESSION_TRIES && e == -E_AGAIN;
	     tries++) {
		if (tries > 0 && tries < 16)
			sys_thread_yield();
		else if (tries &&
		    (pause || !object_create(KOBJ_SIGNAL, &pause)))
			sys_sig_wait_for(pause, 10000, NULL);
		e = rpc_call(CAP_PARENT, PARENT_SESSION,
		    session_request_put(u->msg, &r), 0, slot, &info);
	}
	/* A parent that never has pending requests answers one word. */
	if (!e && MSG_NWORDS(info) >= 2 && u->msg[1] == 1)
		e = answer_wait(r.service, r.label, slot);
	if (!e && sys_cap_info(slot) < 0)
		e = -E_ABORT; /* the reply came without the capability */
	if (e) {
		slot_free(slot);
		return (int)e;
	}
	*cap = slot;
	*id = u->msg[0];
	return 0;
}

int
session_open(const char *service, const char *label, uint64_t quota,
    uint64_t *cap, uint64_t *id)
{
	return session_open_args(service, label, "", quota, cap, id);
}

/*
 * A close the parent passed on to a server answers later: our quota is
 * back once it has, so we wait for it as for a session.
 */
int
session_close(uint64_t cap, uint64_t id)
{
	uint64_t *w = utcb_self()->msg, info = 0;
	long e;

	sys_cap_delete(cap);
	slot_free(cap);
	w[0] = id;
	e = rpc_call(CAP_PARENT, PARENT_CLOSE, 1, 0, 0, &info);
	if (e || MSG_NWORDS(info) < 1 || w[0] != 1)
		return (int)e;
	w[0] = id;
	e = answer_wait("close", "", 0);
	return e == -E_NOENT ? 0 : (int)e;
}

int
service_announce(const char *service, uint64_t ep)
{
	put_service(service);
	return (int)rpc_call(CAP_PARENT, PARENT_ANNOUNCE, 2, ep, 0, NULL);
}

int
parent_resource(uint64_t bytes, uint64_t caps)
{
	struct utcb *u = utcb_self(), keep = *u;
	long e;

	u->msg[0] = bytes;
	u->msg[1] = caps;
	e = rpc_call(CAP_PARENT, PARENT_RESOURCE, 2, 0, 0, NULL);
	*u = keep;
	return (int)e;
}
