/*
 * A test server for init: announces "Hello" and answers each session with
 * the greeting from its config and the label init gave the session, so a
 * scenario can see which server a client reached and under which label.
 * A session labelled "... -> die" makes it exit with code 3 when asked to
 * speak, so a scenario can restart it under its clients; one labelled
 * "... -> keep" makes it spend all the RAM it can and never free it, so
 * the session's quota cannot all go back when it closes.
 *
 * For init's asynchronous session requests (run/init_async.run), its
 * config can make it a hostile server: answer="never" takes the first
 * session request and never answers it; chatty="yes" logs (a call to
 * init) while it answers each request and each close, which deadlocked
 * init while init called servers itself.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>

#include <session/pd.h>

#include "hello.h"

#define SESSIONS 8u

static char labels[SESSIONS][LABEL_MAX];
static uint64_t quotas[SESSIONS];
static struct session_slot slots[SESSIONS];
static struct session_table table = {"hello_server", 0, SESSIONS, slots};
static uint64_t ep;

static char greeting[64] = "hello";
static bool never, chatty;

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Allocate until the quota refuses, in halving steps; keep it all. */
static void
spend_all(void)
{
	uint64_t kept = 0, ds;
	void *p;

	for (size_t chunk = 1u << 20; chunk >= 4096; chunk /= 2)
		while (!ram_alloc(chunk, &p, &ds))
			kept += chunk;
	log_printf("keeping %lu KiB", kept / 1024);
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	struct utcb *u = utcb_self();
	int s;

	r->error = -E_NOSYS;
	if (badge == 0 && MSG_LABEL(info) == ROOT_CREATE) {
		struct session_request req;

		if (session_request_get(u->msg, MSG_NWORDS(info), &req)) {
			r->error = -E_INVAL;
			return;
		}
		if (never) {
			log_printf("taking '%s' and never answering",
			    req.label);
			sleep_forever();
		}
		if (chatty)
			log_printf("answering '%s'", req.label);
		if ((s = server_session_open(&table, ep,
			 RIGHT_SEND | RIGHT_GRANT, r)) < 0) {
			r->error = s;
			return;
		}
		fmt_snprintf(labels[s], LABEL_MAX, "%s", req.label);
		quotas[s] = req.quota;
		r->error = 0;
	} else if (badge == 0 && MSG_LABEL(info) == ROOT_CLOSE) {
		uint64_t id = u->msg[0];

		if (chatty)
			log_printf("closing session %lx", id);
		server_session_close(&table, id);
		r->error = 0;
	} else if (badge == 0 && MSG_LABEL(info) == ROOT_UPGRADE) {
		/* A session grows: take the larger quota, refuse a smaller. */
		if ((s = session_table_find(&table, u->msg[0])) < 0 ||
		    u->msg[1] < quotas[s]) {
			r->error = s < 0 ? s : -E_INVAL;
			return;
		}
		quotas[s] = u->msg[1];
		if (chatty)
			log_printf("session '%s' grows to %lu bytes", labels[s],
			    quotas[s]);
		r->error = 0;
	} else if (badge && (s = session_table_lookup(&table, badge)) < 0) {
		r->error = s;
	} else if (badge && MSG_LABEL(info) == HELLO_SAY) {
		char text[160];
		int n;

		if (ends_with(labels[s], "keep"))
			spend_all();
		if (ends_with(labels[s], "die")) {
			log_printf("exiting, as '%s' asked", labels[s]);
			component_exit(3);
		}
		rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL);
		log_printf("session for '%s', quota now %lu KiB", labels[s],
		    u->msg[0] / 1024);
		n = fmt_snprintf(text, sizeof(text), "%s, '%s'", greeting,
		    labels[s]);
		u->msg[0] = (uint64_t)n;
		memcpy(&u->msg[1], text, (size_t)n);
		*r = (struct reply){.words = 1 + (unsigned)(n + 7) / 8};
	}
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	uint64_t rcv = slot_alloc();
	char text[8];

	if (config_load(&cfg))
		return 1;
	config_attr_copy(config_root(&cfg), "greeting", greeting,
	    sizeof(greeting));
	config_attr_bool(config_root(&cfg), "chatty", false, &chatty);
	if (!config_attr_copy(config_root(&cfg), "answer", text, sizeof(text)))
		never = !strcmp(text, "never");
	if (!rcv || object_create(KOBJ_ENDPOINT, &ep) ||
	    service_announce("Hello", ep)) {
		log_printf("cannot announce Hello");
		return 1;
	}
	server_loop(ep, rcv, handle);
}
