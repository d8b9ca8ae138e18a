/*
 * init: starts the children its config names, routes their session
 * requests, forwards their log lines with their label, serves each child's
 * "config" ROM, and ends children that exit or fault, reclaiming all they
 * held. See README.md for the configuration.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/rom.h>

#include "init.h"

struct config config;
uint64_t init_ep;
static uint64_t rcv_slot;

/* Forward a child's log line to our parent, its name before its label. */
static int
forward_log(struct child *c, uint64_t nwords)
{
	uint64_t *w = utcb_main()->msg;
	char buf[PARENT_LOG_MAX];
	struct parent_log log;
	unsigned n, nt;

	if (parent_log_parse(w, (unsigned)nwords, &log))
		return -E_INVAL;
	n = (unsigned)fmt_snprintf(buf, sizeof(buf),
	    log.nlabel ? "%s -> %.*s" : "%s%.*s", c->name, (int)log.nlabel,
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

static int
announce(struct child *c, uint64_t info)
{
	char name[SERVICE_NAME_MAX];

	if (MSG_NCAPS(info) != 1)
		return -E_INVAL;
	msg_get_str(utcb_main()->msg, MSG_NWORDS(info), 0, SERVICE_NAME_MAX,
	    name, sizeof(name));
	for (unsigned s = 0; s < CHILD_SERVICES; s++) {
		struct child_service *svc = &c->services[s];

		if (svc->used)
			continue;
		if (!(svc->root = slot_alloc()) ||
		    sys_cap_derive(rcv_slot, 0, svc->root, RIGHT_SEND, 0))
			return -E_NOMEM;
		svc->used = true;
		c->announced = true;
		fmt_snprintf(svc->name, sizeof(svc->name), "%s", name);
		return 0;
	}
	return -E_NOMEM;
}

/* Handle a call; a capability to send back goes to *out. */
static int
child_call(unsigned idx, uint64_t info, uint64_t *out)
{
	struct child *c = &children[idx];
	uint64_t *w = utcb_main()->msg;
	char service[SERVICE_NAME_MAX], label[LABEL_MAX];
	int e;

	switch (MSG_LABEL(info)) {
	case PARENT_LOG:
		return forward_log(c, MSG_NWORDS(info));
	case PARENT_EXIT:
		log_printf("init: '%s' exited with code %ld", c->name,
		    (long)w[0]);
		child_destroy(idx, NULL);
		return -E_ABORT;
	case PARENT_SESSION: {
		uint64_t quota = w[2], id;

		msg_get_str(w, MSG_NWORDS(info), 0, SERVICE_NAME_MAX, service,
		    sizeof(service));
		msg_get_str(w, MSG_NWORDS(info), 4, w[3], label, sizeof(label));
		if ((e = route_session(idx, service, label, quota, out, &id)))
			return e;
		w[0] = id;
		return 0;
	}
	case PARENT_CLOSE:
		return route_close(idx, w[0]);
	case PARENT_ANNOUNCE:
		return announce(c, info);
	}
	return -E_NOSYS;
}

static int
dispatch(uint64_t badge, uint64_t info, uint64_t *out, unsigned *words)
{
	unsigned idx = BADGE_IDX(badge);
	uint64_t *w = utcb_main()->msg;

	if (idx >= CHILDREN || !children[idx].used)
		return -E_CAP;
	if (MSG_LABEL(info) == FAULT_LABEL) {
		char why[96];

		fmt_snprintf(why, sizeof(why),
		    "faulted (kind %lu) at %lx, ip %lx", w[FAULT_W_KIND],
		    w[FAULT_W_ADDR], w[FAULT_W_IP]);
		child_destroy(idx, why);
		return -E_ABORT;
	}
	if (BADGE_KIND(badge) == K_ROM) {
		if (MSG_LABEL(info) != ROM_DATASPACE)
			return -E_NOSYS;
		*out = children[idx].config_ds;
		w[0] = children[idx].config_len;
		*words = 1;
		return 0;
	}
	int e = child_call(idx, info, out);

	if (!e && MSG_LABEL(info) == PARENT_SESSION)
		*words = 1;
	return e;
}

static _Noreturn void
serve(void)
{
	struct utcb *u = utcb_main();
	uint64_t info, badge, reply = MSG_INFO(0, 0, 0);

	for (;;) {
		uint64_t out = 0;
		unsigned words = 0;

		u->rcv_caps[0] = (uint32_t)rcv_slot;
		sys_ipc_reply_wait(init_ep, reply, &info, &badge);
		int e = dispatch(badge, info, &out, &words);

		sys_cap_delete(rcv_slot);
		if (e == -E_ABORT) {
			/* The caller is gone: no reply. */
			reply = MSG_INFO(0, 0, 0);
			continue;
		}
		u->snd_caps[0] = (uint32_t)out;
		reply =
		    MSG_INFO(e < 0 ? -e : 0, e ? 0 : words, !e && out ? 1 : 0);
	}
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config_error err;
	struct config_node start;
	const void *data;
	size_t size;
	char msg[160];
	unsigned n = 0;

	if (object_create(KOBJ_ENDPOINT, &init_ep) ||
	    !(rcv_slot = slot_alloc())) {
		log_printf("init: cannot create its endpoint");
		return 1;
	}
	if (rom_attach("config", &data, &size)) {
		log_printf("init: no config");
		return 1;
	}
	if (config_parse(&config, data, size, &err)) {
		config_error_format(msg, sizeof(msg), "config", &err);
		log_printf("init: %s", msg);
		return 1;
	}
	for (int e = config_child(config_root(&config), "start", &start); !e;
	     e = config_next(start, "start", &start)) {
		if (n == CHILDREN) {
			log_printf("init: more than %u children", CHILDREN);
			break;
		}
		if (!child_start(n, start))
			n++;
	}
	log_printf("init: started %u children", n);
	serve();
}
