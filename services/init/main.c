/*
 * init: starts the children its config names, routes their session
 * requests, forwards their log lines with their label, serves each child's
 * "config" ROM, ends children that exit or fault (restarting them if their
 * policy says so), and applies a changed config while it runs. See
 * README.md for the configuration and the exact semantics of a change.
 */
#include <stdarg.h>

#include <base/error.h>
#include <base/log.h>
#include <base/tsc.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/pd.h>
#include <session/rom.h>
#include <session/timer.h>

#include "init.h"

#define HEARTBEAT_MISSES 3u

struct config config;
uint64_t init_ep;
static uint64_t rcv_slot;
static struct rom config_rom;
static void *config_buf; /* our copy of the current config */
static uint64_t config_ds;
static struct report state;
static bool reporting;
/*
 * Reports are coalesced: a change only marks the state dirty and submits
 * our own signal, which arrives once no call waits, so the report's RPCs
 * never run between a request and its reply. With interval_ms, a Timer
 * session holds the next report back until the interval has passed.
 */
static bool report_dirty, report_armed;
static uint64_t report_sig, report_timer, report_interval_us;
static uint64_t report_last;   /* TSC of the last report */
static uint64_t report_hash;   /* of the last report's text */
static uint64_t configs;       /* configs applied, reported as state/@config */
static uint64_t rejected;      /* malformed ones, state/@rejected */
static uint64_t init_sig;      /* bound to init_ep; badges tell the source */
static uint64_t timer, beats;  /* <heartbeat>: Timer session, periods */
static uint64_t announced_sig; /* SIGNAL_ANNOUNCED */

/* Forward a child's log line to our parent, its name before its label. */
static int
forward_log(struct child *c, uint64_t nwords)
{
	if (log_forward(c->name, (unsigned)nwords))
		return -E_INVAL;
	if (!c->logged) {
		/* <config bench="yes">: how long from build to first word. */
		bool bench = false;
		uint64_t now = rdtsc(),
			 khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);

		c->logged = true;
		config_attr_bool(config_root(&config), "bench", false, &bench);
		if (bench && khz)
			log_printf("bench: component_start_us %lu us",
			    (now - c->t_start) * 1000 / khz);
	}
	return 0;
}

static int
announce(struct child *c, uint64_t info)
{
	char name[SERVICE_NAME_MAX];

	if (MSG_NCAPS(info) != 1)
		return -E_INVAL;
	msg_get_str(utcb_self()->msg, MSG_NWORDS(info), 0, SERVICE_NAME_MAX,
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
		/* Children waiting for a binary from it ask once we replied. */
		sys_sig_submit(announced_sig);
		return 0;
	}
	return -E_NOMEM;
}

/* Restart per the start node's policy, within its budget. */
static void
ended(unsigned idx, enum child_state how, long code, const char *why)
{
	struct child *c = &children[idx];
	char policy[16];
	uint64_t budget = 3;

	log_printf("init: '%s' %s", c->name, why);
	child_stop(idx, how, code);
	if (config_attr_copy(c->start, "restart", policy, sizeof(policy)))
		fmt_snprintf(policy, sizeof(policy), "never");
	config_attr_u64(c->start, "restart_budget", 3, &budget);
	if (!strcmp(policy, "never") ||
	    (!strcmp(policy, "on-failure") && how == CHILD_EXITED && !code))
		return;
	if (c->restarts >= budget) {
		log_printf(
		    "init: '%s' not restarted: its budget of %lu restarts "
		    "is spent",
		    c->name, budget);
		return;
	}
	c->restarts++;
	if (!timer) {
		log_printf("init: restarting '%s' (%u of %lu)", c->name,
		    c->restarts, budget);
		child_start(idx, c->start);
		return;
	}
	/* With a timer, restarts back off: 1, 2, 4 ... heartbeat periods. */
	c->restart_at =
	    beats + (1ul << (c->restarts < 7 ? c->restarts - 1 : 6));
	log_printf("init: restarting '%s' (%u of %lu) in %lu period(s)",
	    c->name, c->restarts, budget, c->restart_at - beats);
}

/*
 * A label goes into servers' policies and log lines: like config text, it
 * must be UTF-8 without control characters.
 */
static bool
is_text(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return false;
	return config_utf8_valid(s, n);
}

/* Handle a call; a capability to send back goes to *out. */
static int
child_call(unsigned idx, uint64_t info, uint64_t *out)
{
	struct child *c = &children[idx];
	uint64_t *w = utcb_self()->msg, id;
	bool pending;
	char why[48];
	int e;

	switch (MSG_LABEL(info)) {
	case PARENT_LOG:
		return forward_log(c, MSG_NWORDS(info));
	case PARENT_EXIT:
		fmt_snprintf(why, sizeof(why), "exited with code %ld",
		    (long)w[0]);
		ended(idx, CHILD_EXITED, (long)w[0], why);
		return -E_ABORT;
	case PARENT_SESSION: {
		struct session_request r;

		if (session_request_get(w, MSG_NWORDS(info), &r))
			return -E_INVAL;
		if (!is_text(r.service) || !is_text(r.label)) {
			log_printf("init: '%s' asked for a session with a "
				   "service or label that is not UTF-8 text: "
				   "refused",
			    c->name);
			return -E_INVAL;
		}
		if ((e = route_session(idx, &r, out, &id, &pending, false)))
			return e;
		if (pending)
			*out = 0;
		w[0] = id;
		w[1] = pending;
		return 0;
	}
	case PARENT_SESSION_RESULT:
		id = w[0];
		if ((e = route_result(idx, id, out, &pending)))
			return e;
		w[0] = id;
		w[1] = pending;
		return 0;
	case PARENT_SESSION_SIGH:
		if (MSG_NCAPS(info) != 1 || c->answer_sigh ||
		    !(c->answer_sigh = slot_alloc()))
			return -E_INVAL;
		return (int)sys_cap_derive(rcv_slot, 0, c->answer_sigh,
		    RIGHT_SEND, 0);
	case PARENT_CLOSE:
		if ((e = route_close(idx, w[0], &pending)))
			return e;
		w[0] = pending;
		return 0;
	case PARENT_ANNOUNCE:
		return announce(c, info);
	case PARENT_HEARTBEAT:
		c->beat = beats;
		return 0;
	case PARENT_UPGRADE:
		if (w[0] >= CHILD_SESSIONS || !c->sessions[w[0]].used ||
		    c->sessions[w[0]].from == FROM_INIT)
			return -E_NOSYS;
		if ((e = route_upgrade(idx, w[0], w[1],
			 MSG_NWORDS(info) > 2 ? w[2] : 0, &pending)))
			return e;
		w[0] = pending;
		return 0;
	}
	return -E_NOSYS;
}

static int
dispatch(uint64_t badge, uint64_t info, struct reply *r)
{
	unsigned idx = BADGE_IDX(badge);

	if (idx >= CHILDREN || !children[idx].running)
		return -E_CAP;
	if (BADGE_KIND(badge) == K_ROM)
		return child_config_call(&children[idx].cfg, info, rcv_slot, r);
	int e = child_call(idx, info, &r->cap);

	if (!e &&
	    (MSG_LABEL(info) == PARENT_SESSION ||
		MSG_LABEL(info) == PARENT_SESSION_RESULT))
		r->words = 2;
	if (!e &&
	    (MSG_LABEL(info) == PARENT_CLOSE ||
		MSG_LABEL(info) == PARENT_UPGRADE))
		r->words = 1;
	return e;
}

/* Two nodes (or their absence) are the same when their text is. */
static bool
same_node(struct config_node a, struct config_node b, const char *type)
{
	struct config_node x, y;
	const char *pa, *pb;
	size_t la, lb;
	bool ha = !config_child(a, type, &x), hb = !config_child(b, type, &y);

	if (ha != hb)
		return false;
	if (!ha)
		return true;
	config_node_raw(x, &pa, &la);
	config_node_raw(y, &pb, &lb);
	return la == lb && !memcmp(pa, pb, la);
}

static bool
same_attr(struct config_node a, struct config_node b, const char *name)
{
	char x[LABEL_MAX] = "", y[LABEL_MAX] = "";

	config_attr_copy(a, name, x, sizeof(x));
	config_attr_copy(b, name, y, sizeof(y));
	return !strcmp(x, y);
}

static int
find_start(const char *name, struct config_node *out)
{
	char n[NAME_MAX];

	for (int e = config_child(config_root(&config), "start", out); !e;
	     e = config_next(*out, "start", out))
		if (!config_attr_copy(*out, "name", n, sizeof(n)) &&
		    !strcmp(n, name))
			return 0;
	return -E_NOENT;
}

/* Bring one child in line with its new start node s. */
static void
apply_child(unsigned idx, struct config_node s)
{
	struct child *c = &children[idx];
	uint64_t ram, caps;

	if (!same_attr(c->start, s, "binary") ||
	    !same_attr(c->start, s, "priority") ||
	    !same_attr(c->start, s, "cpu") ||
	    !same_node(c->start, s, "route")) {
		log_printf(
		    "init: '%s' restarted: its binary, priority or route "
		    "changed",
		    c->name);
		child_stop(idx, CHILD_EXITED, 0);
		child_start(idx, s);
		return;
	}
	config_attr_u64(s, "ram", 1ul << 20, &ram);
	if (c->running && ram != c->acct.ram) {
		uint64_t was = c->acct.ram;
		int e = child_account_set(&c->acct, ram, c->acct.paid,
		    c->acct.earned);

		log_printf("init: '%s' RAM quota %s from %lu to %lu KiB%s",
		    c->name, ram > was ? "raised" : "lowered", was / 1024,
		    ram / 1024, e ? " refused" : "");
	}
	config_attr_u64(s, "caps", CAPS_DEFAULT, &caps);
	if (c->running && caps != c->acct.caps) {
		uint64_t was = c->acct.caps;
		int e = child_caps_set(&c->acct, caps, c->acct.caps_given);

		log_printf("init: '%s' capability quota %s from %lu to %lu%s",
		    c->name, caps > was ? "raised" : "lowered", was, caps,
		    e ? " refused" : "");
	}
	if (c->running && !same_node(c->start, s, "config")) {
		c->start = s;
		child_config_update(idx, s);
		log_printf("init: '%s' has a new config", c->name);
	}
	c->start = s;
}

/* <report/>: a Report session, our own signal, and a timer for an interval. */
static void
report_open_state(struct config_node r)
{
	uint64_t ms, id;
	int e;

	if (config_attr_u64(r, "interval_ms", 0, &ms) || ms > 3600000) {
		log_printf("init: malformed report/@interval_ms: no report");
		return;
	}
	if ((e = report_open(&state, "state", 16 * 1024)) ||
	    !(report_sig = init_signal(SIGNAL_REPORT))) {
		log_printf("init: no state report (error %d)", -e);
		return;
	}
	reporting = true;
	if (!ms)
		return;
	if ((e = session_open("Timer", "report", 0, &report_timer, &id)) ||
	    (e = (int)rpc_call(report_timer, TIMER_SIGH, 0,
		 init_signal(SIGNAL_REPORT), 0, NULL))) {
		log_printf("init: no timer for report/@interval_ms (error %d): "
			   "reports are not held back",
		    -e);
		report_timer = 0;
		return;
	}
	report_interval_us = ms * 1000;
}

/* <report/> and <heartbeat>: from the first config that asks on. */
static void
report_setup(void)
{
	struct config_node r;
	uint64_t id, rate, *w = utcb_self()->msg;

	if (!reporting && !config_child(config_root(&config), "report", &r))
		report_open_state(r);
	if (!timer && !config_child(config_root(&config), "heartbeat", &r)) {
		config_attr_u64(r, "rate_ms", 1000, &rate);
		int e = session_open("Timer", "heartbeat", 0, &timer, &id);

		if (e ||
		    (e = (int)rpc_call(timer, TIMER_SIGH, 0,
			 init_signal(SIGNAL_TIMER), 0, NULL))) {
			log_printf(
			    "init: no timer for heartbeats (error %d, %s)", -e,
			    timer ? "signal" : "session");
			timer = 0;
			return;
		}
		w[0] = rate * 1000;
		w[1] = 1;
		rpc_call(timer, TIMER_TRIGGER, 2, 0, 0, NULL);
	}
}

/*
 * A heartbeat period passed: a child with heartbeat="yes" that has not
 * sent one for HEARTBEAT_MISSES periods is taken as hung.
 */
static void
heartbeat_check(void)
{
	bool watched;

	beats++;
	for (unsigned i = 0; i < CHILDREN; i++) {
		struct child *c = &children[i];

		if (c->used && !c->running && c->restart_at &&
		    beats >= c->restart_at) {
			c->restart_at = 0;
			child_start(i, c->start);
			continue;
		}
		if (!c->running ||
		    config_attr_bool(c->start, "heartbeat", false, &watched) ||
		    !watched)
			continue;
		if (beats - c->beat > HEARTBEAT_MISSES)
			ended(i, CHILD_FAULTED, -1,
			    "stopped sending heartbeats");
	}
}

/* A config parsed and checked whole, or why not in msg. */
static int
config_take(struct config *doc, const void *data, size_t size, char *msg,
    size_t n)
{
	struct config_error err;

	if (config_parse(doc, data, size, &err)) {
		config_error_format(msg, n, "config", &err);
		return -E_INVAL;
	}
	return config_check(doc, msg, n);
}

/* The config ROM changed: check the new version whole, then apply it. */
static void
reconfigure(void)
{
	struct config next;
	struct config_error err;
	struct config_node s;
	void *buf;
	uint64_t ds;
	char msg[160];

	if (rom_update(&config_rom) || !config_rom.size)
		return;
	if (config_take(&next, config_rom.data, config_rom.size, msg,
		sizeof(msg))) {
		log_printf(
		    "init: %s: rejected, the running system stays as it is",
		    msg);
		rejected++;
		return;
	}
	if (ram_alloc(config_rom.size, &buf, &ds)) {
		log_printf("init: no RAM for the new config");
		return;
	}
	memcpy(buf, config_rom.data, config_rom.size);
	config_parse(&config, buf, config_rom.size, &err);
	for (unsigned i = 0; i < CHILDREN; i++) {
		struct child *c = &children[i];

		if (!c->used)
			continue;
		if (find_start(c->name, &s)) {
			log_printf("init: '%s' removed", c->name);
			child_stop(i, CHILD_EXITED, 0);
			c->used = false;
		} else {
			apply_child(i, s);
		}
	}
	for (int e = config_child(config_root(&config), "start", &s); !e;
	     e = config_next(s, "start", &s)) {
		char name[NAME_MAX] = "";
		unsigned i, free = CHILDREN;

		config_attr_copy(s, "name", name, sizeof(name));
		for (i = 0; i < CHILDREN; i++) {
			if (children[i].used && !strcmp(children[i].name, name))
				break;
			if (!children[i].used && free == CHILDREN)
				free = i;
		}
		if (i == CHILDREN && free < CHILDREN) {
			log_printf("init: '%s' added", name);
			child_start(free, s);
		}
	}
	if (config_buf)
		ram_free(config_buf, config_ds);
	config_buf = buf;
	config_ds = ds;
	configs++;
	report_setup();
}

/* Something a report shows changed: report once the calls are answered. */
static void
state_changed(void)
{
	if (!reporting || report_dirty)
		return;
	report_dirty = true;
	sys_sig_submit(report_sig);
}

/* The state report as far as it is written; len may pass size (cut). */
struct state_text {
	char *p;
	size_t size, len;
};

static void
state_put(struct state_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= t->size)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(t->p + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	t->len += n < 0 ? t->size : (size_t)n;
}

/* s as an attribute value: labels come from children, names from a
 * config; neither may add to the report. */
static void
state_put_value(struct state_text *t, const char *name, const char *s)
{
	state_put(t, " %s=\"", name);
	if (t->len < t->size)
		t->len += config_escape(t->p + t->len, t->size - t->len, s,
		    strlen(s));
	state_put(t, "\"");
}

/* <report/>: publish our children's state as the report "state". */
static void
state_report(void)
{
	struct state_text t = {state.buf, state.size, 0};
	uint64_t hash = 14695981039346656037ul;
	static bool cut_logged;

	if (!reporting)
		return;
	state_put(&t, "<state config=\"%lu\" rejected=\"%lu\">\n", configs,
	    rejected);
	for (unsigned i = 0; i < CHILDREN; i++) {
		struct child *c = &children[i];
		static const char *const names[] = {"running", "exited",
		    "faulted", "loading"};
		uint64_t *w = utcb_self()->msg, used = 0, caps_used = 0;

		if (!c->used)
			continue;
		if (c->running &&
		    !rpc_call(c->acct.pd, PD_QUOTA, 0, 0, 0, NULL)) {
			used = w[1];
			caps_used = w[3];
		}
		state_put(&t, " <child");
		state_put_value(&t, "name", c->name);
		state_put(&t,
		    " instance=\"%lu\" state=\"%s\" ram=\"%lu\" "
		    "ram_used=\"%lu\" caps=\"%lu\" caps_given=\"%lu\" "
		    "caps_used=\"%lu\" restarts=\"%u\"",
		    c->instance, names[c->state], c->acct.ram, used,
		    c->acct.caps, c->acct.caps_given, caps_used, c->restarts);
		if (c->state == CHILD_EXITED)
			state_put(&t, " exit_code=\"%ld\"", c->exit_code);
		if (server_waiting(i))
			state_put(&t, " requests_waiting=\"%u\"",
			    server_waiting(i));
		state_put(&t, ">\n");
		for (unsigned k = 0; k < CHILD_SESSIONS; k++) {
			struct child_session *s = &c->sessions[k];
			static const char *const from[] = {"parent", "child",
			    "init"};

			if (!s->used)
				continue;
			state_put(&t, "  <session");
			state_put_value(&t, "service", s->name);
			state_put_value(&t, "label", s->label);
			state_put(&t, " from=\"%s\"", from[s->from]);
			if (s->from == FROM_CHILD)
				state_put_value(&t, "server",
				    children[s->server].name);
			if (s->phase == SESSION_PENDING)
				state_put(&t, " pending=\"yes\"");
			if (s->phase == SESSION_CLOSING)
				state_put(&t, " closing=\"yes\"");
			state_put(&t, "/>\n");
		}
		state_put(&t, " </child>\n");
	}
	state_put(&t, "</state>\n");
	if (t.len >= t.size) {
		/* Half a report would not parse: say that it is cut. */
		t.len = 0;
		state_put(&t,
		    "<state config=\"%lu\" rejected=\"%lu\" cut=\"yes\"/>\n",
		    configs, rejected);
		if (!cut_logged)
			log_printf(
			    "init: state report is larger than %lu bytes, "
			    "reported as cut",
			    (unsigned long)t.size);
		cut_logged = true;
	}
	/* Only a report that differs from the last one is sent (FNV-1a). */
	for (size_t i = 0; i < t.len; i++)
		hash = (hash ^ (uint8_t)t.p[i]) * 1099511628211ul;
	if (hash == report_hash)
		return;
	report_hash = hash;
	report_submit(&state, t.len);
}

/*
 * Our report signal fired: report, unless the last one was less than the
 * interval ago; then the timer's one-shot (the same signal) brings us back.
 * While dirty, only the timer submits the signal, so an armed timer that
 * fires means the report is due, whatever the TSC says.
 */
static void
report_due(void)
{
	uint64_t khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ), now = rdtsc(),
		 *w = utcb_self()->msg, d = now - report_last, since;

	if (!report_dirty)
		return;
	since = khz ? d / khz * 1000 + d % khz * 1000 / khz : ~0ul;
	if (!report_armed && report_timer && report_last &&
	    since < report_interval_us) {
		w[0] = report_interval_us - since;
		w[1] = 0;
		if (!rpc_call(report_timer, TIMER_TRIGGER, 2, 0, 0, NULL)) {
			report_armed = true;
			return;
		}
	}
	report_dirty = false;
	report_armed = false;
	report_last = now;
	state_report();
}

/* Core could not resolve a fault of the child: end it. */
static void
faulted(unsigned idx)
{
	char why[96];

	if (child_fault(&children[idx].acct, why, sizeof(why)))
		ended(idx, CHILD_FAULTED, -1, why);
}

/* One message: a signal (config, heartbeat, fault) or a child's call. */
static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	if (MSG_LABEL(info) == SIGNAL_LABEL) {
		if (badge & SIGNAL_CONFIG)
			reconfigure();
		if (badge & SIGNAL_TIMER)
			heartbeat_check();
		if (badge & SIGNAL_WORKER)
			server_answers();
		if (badge & SIGNAL_ANNOUNCED)
			child_binaries_retry();
		for (unsigned i = 0; i < CHILDREN; i++)
			if ((badge & SIGNAL_FAULT(i)) && children[i].running)
				faulted(i);
		if (badge & ~SIGNAL_REPORT)
			state_changed();
		if (badge & SIGNAL_REPORT)
			report_due();
		return;
	}
	/*
	 * E_ABORT: the caller is gone, the reply goes nowhere. Nothing may
	 * call out between here and the reply, which is in our UTCB.
	 */
	r->error = dispatch(badge, info, r);
	r->rights = RIGHT_SEND | RIGHT_GRANT;
	if (MSG_LABEL(info) != PARENT_LOG)
		state_changed();
}

/* A capability to init's signal that marks its submits with badge. */
uint64_t
init_signal(uint64_t badge)
{
	uint64_t slot = slot_alloc();

	if (slot &&
	    sys_cap_derive(init_sig, 0, slot, RIGHT_SEND | RIGHT_GRANT,
		badge)) {
		slot_free(slot);
		slot = 0;
	}
	return slot;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config_error err;
	struct config_node start;
	char msg[160];
	unsigned n = 0;

	if (object_create(KOBJ_ENDPOINT, &init_ep) ||
	    !(rcv_slot = slot_alloc()) ||
	    object_create(KOBJ_SIGNAL, &init_sig) ||
	    sys_sig_bind(init_sig, init_ep)) {
		log_printf("init: cannot create its endpoint");
		return 1;
	}
	if (!(announced_sig = init_signal(SIGNAL_ANNOUNCED))) {
		log_printf("init: cannot create its signals");
		return 1;
	}
	if (rom_open(&config_rom, "config")) {
		log_printf("init: no config");
		return 1;
	}
	rom_sigh(&config_rom, init_signal(SIGNAL_CONFIG));
	if (!config_rom.size) {
		log_printf("init: waiting for a config");
		config_parse(&config, "<config/>", 9, &err);
	} else if (config_take(&config, config_rom.data, config_rom.size, msg,
		       sizeof(msg))) {
		log_printf("init: %s: waiting for a better one", msg);
		config_parse(&config, "<config/>", 9, &err);
	} else if (!ram_alloc(config_rom.size, &config_buf, &config_ds)) {
		memcpy(config_buf, config_rom.data, config_rom.size);
		config_parse(&config, config_buf, config_rom.size, &err);
		configs = 1;
	}
	report_setup();
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
	state_changed();
	server_loop(init_ep, rcv_slot, handle);
}
