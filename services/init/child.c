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

#define BINARIES 16u

struct child children[CHILDREN];
static uint64_t instances;

static struct {
	char name[NAME_MAX];
	const void *data;
	size_t size;
} binaries[BINARIES];

static int
binary(const char *name, const void **data, size_t *size)
{
	unsigned i;
	int e;

	for (i = 0; i < BINARIES && binaries[i].data; i++) {
		if (!strcmp(binaries[i].name, name)) {
			*data = binaries[i].data;
			*size = binaries[i].size;
			return 0;
		}
	}
	if (i == BINARIES)
		return -E_NOMEM;
	if ((e = rom_attach(name, data, size)))
		return e;
	fmt_snprintf(binaries[i].name, NAME_MAX, "%s", name);
	binaries[i].data = *data;
	binaries[i].size = *size;
	return 0;
}

static void
version_free(struct config_version *v)
{
	if (v->ds)
		ram_free(v->ptr, v->ds);
	memset(v, 0, sizeof(*v));
}

/*
 * The child's "config" ROM: a copy of its <config> node in our RAM, or an
 * empty one, so that it never reads anybody else's. The version it holds
 * stays mapped; one it never fetched goes at once.
 */
static int
config_rom(struct child *c, struct config_node start)
{
	struct config_node cfg;
	struct config_version v;
	const char *raw = "";
	size_t len = 0;
	int e;

	if (!config_child(start, "config", &cfg))
		config_node_raw(cfg, &raw, &len);
	if ((e = ram_alloc(len ? len : 1, &v.ptr, &v.ds)))
		return e;
	memcpy(v.ptr, raw, len);
	v.len = len;
	if (c->config_cur.ds != c->config_held.ds)
		version_free(&c->config_cur);
	c->config_cur = v;
	return 0;
}

/* The child fetches its current config: the one it held can go. */
uint64_t
child_config_fetch(unsigned idx)
{
	struct child *c = &children[idx];

	if (c->config_held.ds != c->config_cur.ds)
		version_free(&c->config_held);
	c->config_held = c->config_cur;
	return c->config_cur.ds;
}

/* A changed <config> reaches the running child as a new ROM version. */
int
child_config_update(unsigned idx, struct config_node start)
{
	struct child *c = &children[idx];
	int e = config_rom(c, start);

	if (!e && c->config_sigh)
		sys_sig_submit(c->config_sigh);
	return e;
}

int
child_start(unsigned idx, struct config_node start)
{
	struct child *c = &children[idx];
	char bin[NAME_MAX];
	uint64_t prio, stack;
	char args[32];
	const void *img;
	size_t size;
	int e;

	unsigned restarts = c->used ? c->restarts : 0;

	memset(c, 0, sizeof(*c));
	c->t_start = rdtsc();
	c->restarts = restarts;
	c->start = start;
	/* config_check (check.c) refused every config these could fail on. */
	config_attr_copy(start, "name", c->name, sizeof(c->name));
	if (config_attr_copy(start, "binary", bin, sizeof(bin)))
		fmt_snprintf(bin, sizeof(bin), "%s", c->name);
	config_attr_u64(start, "stack", STACK_DEFAULT, &stack);
	config_attr_u64(start, "ram", 1ul << 20, &c->ram);
	config_attr_u64(start, "priority", 2, &prio);
	config_attr_u64(start, "cpu", 0, &c->cpu);
	config_attr_u64(start, "caps", CAPS_DEFAULT, &c->caps);
	c->used = true;
	c->state = CHILD_FAULTED; /* until it runs */
	c->exit_code = -1;
	fmt_snprintf(args, sizeof(args), "cpu=%lu caps=%lu", c->cpu, c->caps);
	if ((e = session_open_args("PD", c->name, args, c->ram, &c->pd,
		 &c->pd_id))) {
		log_printf("init: '%s': no PD session (error %d)", c->name, -e);
		return e;
	}
	c->running = true;
	/* Faults that core cannot resolve come as a signal, badged by child. */
	if ((e = (int)rpc_call(c->pd, PD_FAULT_SIGH, 0,
		 init_signal(SIGNAL_FAULT(idx)), 0, NULL))) {
		log_printf("init: '%s': no fault signal (error %d)", c->name,
		    -e);
		goto fail;
	}
	if ((e = binary(bin, &img, &size))) {
		log_printf("init: '%s': no binary '%s' (error %d)", c->name,
		    bin, -e);
		goto fail;
	}
	/* Its config ROM is there before it runs. */
	if ((e = config_rom(c, start)))
		goto fail;
	struct child_image ci = {.pd = c->pd,
	    .elf = img,
	    .elf_size = size,
	    .stack = stack,
	    .parent = init_ep,
	    .parent_badge = BADGE(K_CHILD, idx),
	    .priority = prio,
	    .cpu = c->cpu};

	if ((e = child_build(&ci))) {
		log_printf("init: '%s': %s (error %d)", c->name,
		    ci.why ? ci.why : "cannot start", -e);
		goto fail;
	}
	c->state = CHILD_RUNNING;
	c->instance = ++instances;
	return 0;
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
	if (c->config_sigh) {
		sys_cap_delete(c->config_sigh);
		slot_free(c->config_sigh);
		c->config_sigh = 0;
	}
	if (c->answer_sigh) {
		sys_cap_delete(c->answer_sigh);
		slot_free(c->answer_sigh);
		c->answer_sigh = 0;
	}
	if (c->config_held.ds != c->config_cur.ds)
		version_free(&c->config_held);
	version_free(&c->config_cur);
	memset(&c->config_held, 0, sizeof(c->config_held));
	session_close(c->pd, c->pd_id);
	c->running = false;
	c->announced = false;
	c->state = state;
	c->exit_code = code;
}
