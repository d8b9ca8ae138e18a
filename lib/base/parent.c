/*
 * A child's side of the parent protocol: its log, its exit, sessions and
 * announcements. Message strings are packed bytes after a length word.
 */
#include <base/env.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
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

int
parent_upgrade(uint64_t id, uint64_t quota)
{
	uint64_t *w = utcb_self()->msg;

	w[0] = id;
	w[1] = quota;
	return (int)rpc_call(CAP_PARENT, PARENT_UPGRADE, 2, 0, 0, NULL);
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

int
session_open_args(const char *service, const char *label, const char *args,
    uint64_t quota, uint64_t *cap, uint64_t *id)
{
	struct utcb *u = utcb_self();
	struct session_request r = {.quota = quota};
	uint64_t slot = slot_alloc();
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
		    session_request_put(u->msg, &r), 0, slot, NULL);
	}
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

int
session_close(uint64_t cap, uint64_t id)
{
	utcb_self()->msg[0] = id;
	long e = rpc_call(CAP_PARENT, PARENT_CLOSE, 1, 0, 0, NULL);

	sys_cap_delete(cap);
	slot_free(cap);
	return (int)e;
}

int
service_announce(const char *service, uint64_t ep)
{
	put_service(service);
	return (int)rpc_call(CAP_PARENT, PARENT_ANNOUNCE, 2, ep, 0, NULL);
}
