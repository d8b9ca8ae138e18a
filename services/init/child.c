/*
 * Starting and ending a child: its PD session comes from init's parent,
 * its program from a ROM, built by child_build (base/child.h); it gets
 * init's endpoint (badged with its index) as its parent.
 */
#include <base/child.h>
#include <base/error.h>
#include <base/log.h>
#include <base/tsc.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <session/pd.h>

#include "init.h"

#define STACK_DEFAULT (64u * 1024)

struct child children[CHILDREN];
static uint64_t instances;

/*
 * The child's "config" ROM: a copy of its <config> node in our RAM, or an
 * empty one, so that it never reads anybody else's.
 */
static int
config_rom(struct child *c, struct config_node start)
{
	struct config_node cfg;
	const char *raw = "";
	size_t len = 0;

	if (!config_child(start, "config", &cfg))
		config_node_raw(cfg, &raw, &len);
	return child_config_set(&c->cfg, raw, len);
}

/* A changed <config> reaches the running child as a new ROM version. */
int
child_config_update(unsigned idx, struct config_node start)
{
	return config_rom(&children[idx], start);
}

static void
load_failed(unsigned idx, const char *what, int e)
{
	struct child *c = &children[idx];

	log_printf("init: '%s': %s '%s' (error %d)", c->name, what, c->bin, -e);
	child_stop(idx, CHILD_FAULTED, -1);
}

/*
 * A child's binary is a ROM session of its own, routed by its <route>
 * with the binary's name as label like any ROM it asks for: from our
 * parent (core's boot modules), or from a child ROM server (installed
 * packages). Nothing is cached: every start fetches the ROM as it is
 * then, so an updated ROM is what the next start runs.
 */
static int
binary_request(unsigned idx)
{
	struct child *c = &children[idx];
	struct session_request r = {.service = "ROM"};
	uint64_t cap, id;
	bool pending;
	int e;

	fmt_snprintf(r.label, sizeof(r.label), "%s", c->bin);
	c->bin_session = CHILD_SESSIONS;
	if ((e = route_session(idx, &r, &cap, &id, &pending, true))) {
		/* Its server runs but has not announced: when it does. */
		if (e == -E_AGAIN)
			return 0;
		load_failed(idx, "no binary", e);
		return e;
	}
	c->bin_session = (unsigned)id;
	if (!pending)
		child_binary_session(idx);
	return 0;
}

/* A server announced: the children that wait for one ask again. */
void
child_binaries_retry(void)
{
	for (unsigned i = 0; i < CHILDREN; i++)
		if (children[i].running && children[i].state == CHILD_LOADING &&
		    children[i].bin_session == CHILD_SESSIONS)
			binary_request(i);
}

/*
 * The binary's session is there (or refused): a worker asks it for its
 * dataspace, since neither a child server nor what our parent routes to
 * is trusted to answer.
 */
void
child_binary_session(unsigned idx)
{
	struct child *c = &children[idx];
	struct child_session *s = &c->sessions[c->bin_session];
	uint64_t cap;
	bool pending;
	int e;

	if (!c->running || c->state != CHILD_LOADING)
		return;
	if (s->from != FROM_CHILD) {
		cap = s->cap;
	} else if ((e = route_result(idx, c->bin_session, &cap, &pending)) ||
	    pending) {
		if (e)
			load_failed(idx, "no binary", e);
		return;
	}
	struct server_job job = {.label = JOB_BINARY,
	    .server = s->from == FROM_CHILD ? s->server : SERVER_PARENT,
	    .service = s->service,
	    .instance = s->instance,
	    .session_cap = cap,
	    .client = idx,
	    .session = c->bin_session,
	    .client_instance = c->instance,
	    .slot = slot_alloc()};

	if (!job.slot || (e = server_queue(&job))) {
		if (job.slot)
			slot_free(job.slot);
		load_failed(idx, "cannot fetch binary",
		    job.slot ? e : -E_NOMEM);
	}
}

/*
 * The worker came back with the binary's dataspace. Core copies it
 * (PD_COPY) unless it is a boot module, so its server can neither change
 * nor free it while we read it. The child's pages get their own copy, so
 * the ROM session and the snapshot go once it is built.
 */
void
child_binary_fetched(const struct server_job *j)
{
	struct child *c = &children[j->client];
	uint64_t *w = utcb_self()->msg, snap = 0, prio, stack;
	const char *why = NULL;
	void *img = NULL;
	int e = j->result;

	if (!c->running || c->state != CHILD_LOADING ||
	    c->instance != j->client_instance) {
		sys_cap_delete(j->slot);
		slot_free(j->slot);
		return;
	}
	if (!e && sys_cap_info(j->slot) < 0)
		e = -E_CAP;
	if (!e && !(snap = slot_alloc()))
		e = -E_NOMEM;
	if (!e) {
		w[0] = j->server_id;
		e = (int)rpc_call(CAP_PD, PD_COPY, 1, j->slot, snap, NULL);
	}
	sys_cap_delete(j->slot);
	slot_free(j->slot);
	route_close(j->client, c->bin_session, NULL);
	if (!e)
		e = ds_attach(snap, j->server_id, 0, &img);
	if (e) {
		if (snap) {
			sys_cap_delete(snap);
			slot_free(snap);
		}
		load_failed(j->client, "cannot read binary", e);
		return;
	}
	config_attr_u64(c->start, "stack", STACK_DEFAULT, &stack);
	config_attr_u64(c->start, "priority", 2, &prio);
	struct child_image ci = {.pd = c->acct.pd,
	    .elf = img,
	    .elf_size = j->server_id,
	    .stack = stack,
	    .parent = init_ep,
	    .parent_badge = BADGE(K_CHILD, j->client),
	    .priority = prio,
	    .cpu = c->acct.cpu};

	e = child_build(&ci);
	why = ci.why;
	ds_detach(img);
	/* Our own copy is freed; a boot module is only let go. */
	rpc_call(CAP_PD, PD_FREE, 0, snap, 0, NULL);
	sys_cap_delete(snap);
	slot_free(snap);
	if (e) {
		log_printf("init: '%s': %s (error %d)", c->name,
		    why ? why : "cannot start", -e);
		child_stop(j->client, CHILD_FAULTED, -1);
		return;
	}
	c->state = CHILD_RUNNING;
}

int
child_start(unsigned idx, struct config_node start)
{
	struct child *c = &children[idx];
	uint64_t ram, cpu, caps;
	int e;

	unsigned restarts = c->used ? c->restarts : 0;

	memset(c, 0, sizeof(*c));
	c->t_start = rdtsc();
	c->restarts = restarts;
	c->start = start;
	/* config_check (check.c) refused every config these could fail on. */
	config_attr_copy(start, "name", c->name, sizeof(c->name));
	if (config_attr_copy(start, "binary", c->bin, sizeof(c->bin)))
		fmt_snprintf(c->bin, sizeof(c->bin), "%s", c->name);
	config_attr_u64(start, "ram", 1ul << 20, &ram);
	config_attr_u64(start, "cpu", 0, &cpu);
	config_attr_u64(start, "caps", CAPS_DEFAULT, &caps);
	c->used = true;
	c->state = CHILD_FAULTED; /* until it runs */
	c->exit_code = -1;
	c->instance = ++instances;
	c->acct.parent = "init";
	c->acct.name = c->name;
	if ((e = child_pd_open(&c->acct, ram, cpu, caps)))
		return e;
	c->running = true;
	/* Faults that core cannot resolve come as a signal, badged by child. */
	if ((e = (int)rpc_call(c->acct.pd, PD_FAULT_SIGH, 0,
		 init_signal(SIGNAL_FAULT(idx)), 0, NULL))) {
		log_printf("init: '%s': no fault signal (error %d)", c->name,
		    -e);
		goto fail;
	}
	/* Its config ROM is there before it runs. */
	if ((e = config_rom(c, start)))
		goto fail;
	c->state = CHILD_LOADING;
	return binary_request(idx);
fail:
	child_stop(idx, CHILD_FAULTED, -1);
	return e;
}

/* End a running child and close everything it held. */
void
child_stop(unsigned idx, enum child_state state, long code)
{
	struct child *c = &children[idx];

	if (!c->running)
		return;
	for (unsigned s = 0; s < CHILD_SESSIONS; s++)
		if (c->sessions[s].used)
			route_close(idx, s, NULL);
	for (unsigned s = 0; s < CHILD_SERVICES; s++) {
		if (c->services[s].used) {
			sys_cap_delete(c->services[s].root);
			slot_free(c->services[s].root);
			c->services[s].used = false;
		}
	}
	if (c->answer_sigh) {
		sys_cap_delete(c->answer_sigh);
		slot_free(c->answer_sigh);
		c->answer_sigh = 0;
	}
	child_config_free(&c->cfg);
	child_pd_close(&c->acct);
	c->running = false;
	c->announced = false;
	c->state = state;
	c->exit_code = code;
}
