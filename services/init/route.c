/*
 * Routing a child's session request: by its start node's <route> (or the
 * config's <default-route>), to init's parent, to a child that announced
 * the service, or, for a child's "config" ROM, to init itself. Each hop
 * prefixes the label with the child's name, so servers see who asks and
 * no child can claim to be another.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>

#include "init.h"

extern struct config config;

static bool
label_matches(struct config_node svc, const char *label)
{
	char want[LABEL_MAX];
	size_t n = strlen(label), k;

	if (!config_attr_copy(svc, "label", want, sizeof(want)) &&
	    strcmp(want, label))
		return false;
	if (!config_attr_copy(svc, "label_prefix", want, sizeof(want)) &&
	    strncmp(want, label, strlen(want)))
		return false;
	if (!config_attr_copy(svc, "label_suffix", want, sizeof(want)) &&
	    ((k = strlen(want)) > n || strcmp(want, label + n - k)))
		return false;
	return true;
}

/* The <service> or <any-service> node that routes (service, label). */
static int
find_route(struct config_node start, const char *service, const char *label,
    struct config_node *out)
{
	struct config_node routes, r;
	char name[SERVICE_NAME_MAX];

	if (config_child(start, "route", &routes) &&
	    config_child(config_root(&config), "default-route", &routes))
		return -E_NOENT;
	for (int e = config_child(routes, NULL, &r); !e;
	     e = config_next(r, NULL, &r)) {
		if (config_type_is(r, "any-service") ||
		    (config_type_is(r, "service") &&
			!config_attr_copy(r, "name", name, sizeof(name)) &&
			!strcmp(name, service) && label_matches(r, label))) {
			*out = r;
			return 0;
		}
	}
	return -E_NOENT;
}

static bool
announced(const struct child *c, const char *service)
{
	for (unsigned s = 0; s < CHILD_SERVICES; s++)
		if (c->services[s].used &&
		    !strcmp(c->services[s].name, service))
			return true;
	return false;
}

/*
 * A server is ready once it announced every service its <provides> names
 * (or, naming none, its first): only then does init call it, because a
 * server that is still calling init cannot answer init's call.
 */
static bool
ready(const struct child *c)
{
	struct config_node p, svc;
	char name[SERVICE_NAME_MAX];

	if (!c->announced)
		return false;
	if (config_child(c->start, "provides", &p))
		return true;
	for (int e = config_child(p, "service", &svc); !e;
	     e = config_next(svc, "service", &svc))
		if (!config_attr_copy(svc, "name", name, sizeof(name)) &&
		    !announced(c, name))
			return false;
	return true;
}

/* Move delta bytes into (or out of) a child's PD quota, at our parent. */
static int
pay(struct child *c, int64_t delta)
{
	int64_t moved = c->moved + delta;
	int e;

	if (!c->running)
		return -E_NOENT;
	if (!(e = parent_upgrade(c->pd_id, c->ram + (uint64_t)moved)))
		c->moved = moved;
	return e;
}

/* <parent-provides>, if there is one, lists what the parent offers. */
static bool
parent_provides(const char *service)
{
	struct config_node pp, svc;
	char name[SERVICE_NAME_MAX];

	if (config_child(config_root(&config), "parent-provides", &pp))
		return true;
	for (int e = config_child(pp, "service", &svc); !e;
	     e = config_next(svc, "service", &svc))
		if (!config_attr_copy(svc, "name", name, sizeof(name)) &&
		    !strcmp(name, service))
			return true;
	return false;
}

/* The child, by name or any, that announced service; its root endpoint. */
static int
find_server(const char *name, const char *service, unsigned *idx, unsigned *svc)
{
	for (unsigned i = 0; i < CHILDREN; i++) {
		struct child *c = &children[i];

		if (!c->running || !ready(c) || (name && strcmp(c->name, name)))
			continue;
		for (unsigned s = 0; s < CHILD_SERVICES; s++) {
			if (c->services[s].used &&
			    !strcmp(c->services[s].name, service)) {
				*idx = i;
				*svc = s;
				return 0;
			}
		}
	}
	return -E_NOENT;
}

static int
from_child(uint64_t root, const struct session_request *r, uint64_t slot,
    uint64_t *id)
{
	uint64_t *w = utcb_self()->msg;
	long e;

	e = rpc_call(root, ROOT_CREATE, session_request_put(w, r), 0, slot,
	    NULL);
	if (!e && sys_cap_info(slot) < 0)
		e = -E_ABORT;
	*id = w[0];
	return (int)e;
}

/*
 * A child's ROM "config" is its <config> node, served by init. Without one
 * only a route to a sibling (a report_rom holding a live config) may serve
 * it: upward, the name would reach our own config, so every other child
 * gets an empty one.
 */
static bool
config_from_init(const struct child *c)
{
	struct config_node n, route, to;

	if (!config_child(c->start, "config", &n))
		return true;
	return find_route(c->start, "ROM", "config", &route) ||
	    config_child(route, NULL, &to) || config_type_is(to, "parent");
}

int
route_session(unsigned idx, const struct session_request *req, uint64_t *cap,
    uint64_t *id)
{
	const char *service = req->service, *label = req->label;
	struct session_request fwd = *req;
	struct child *c = &children[idx];
	struct child_session *s = NULL;
	char full[LABEL_MAX], target[NAME_MAX];
	struct config_node route, to;
	unsigned server = 0, svc = 0, k;
	int e;

	fmt_snprintf(full, sizeof(full), label[0] ? "%s -> %s" : "%s", c->name,
	    label);
	fmt_snprintf(fwd.label, sizeof(fwd.label), "%s", full);
	for (k = 0; k < CHILD_SESSIONS && !s; k++)
		if (!c->sessions[k].used)
			s = &c->sessions[k];
	if (!s) {
		log_printf("init: '%s' holds %u sessions already: no '%s' "
			   "session for '%s'",
		    c->name, CHILD_SESSIONS, service, full);
		return -E_NOMEM;
	}
	memset(s, 0, sizeof(*s));
	if (!strcmp(service, "ROM") && !strcmp(label, "config") &&
	    config_from_init(c)) {
		if (!(*cap = slot_alloc()))
			return -E_NOMEM;
		if ((e = (int)sys_cap_derive(init_ep, 0, *cap,
			 RIGHT_SEND | RIGHT_GRANT, BADGE(K_ROM, idx))))
			return e;
		s->from = FROM_INIT;
		goto done;
	}
	if (find_route(c->start, service, label, &route) ||
	    config_child(route, NULL, &to)) {
		char by[LABEL_MAX] = "";
		size_t n = 0;

		for (unsigned i = 0; i < CHILDREN; i++)
			if (!find_server(children[i].name, service, &server,
				&svc))
				n += (size_t)fmt_snprintf(by + n,
				    sizeof(by) - n, "%s'%s'", n ? ", " : "",
				    children[i].name);
		log_printf("init: denied '%s' session for '%s': no route%s%s%s",
		    service, full, n ? " (provided by " : "", by, n ? ")" : "");
		return -E_DENIED;
	}
	/* The client pays for its session: the quota leaves its PD. */
	if (req->quota && (e = pay(c, -(int64_t)req->quota))) {
		log_printf("init: '%s' cannot pay %lu KiB for a '%s' session",
		    c->name, req->quota / 1024, service);
		return e;
	}
	s->quota = req->quota;
	if (config_type_is(to, "parent")) {
		if (!parent_provides(service)) {
			log_printf(
			    "init: denied '%s' session for '%s': the parent "
			    "does not provide it",
			    service, full);
			e = -E_DENIED;
			goto refund;
		}
		if ((e = session_open_args(service, full, req->args, req->quota,
			 cap, &s->id)))
			goto refund;
		s->from = FROM_PARENT;
		goto done;
	}
	const char *want = NULL;

	if (config_type_is(to, "child")) {
		config_attr_copy(to, "name", target, sizeof(target));
		want = target;
	} else if (!config_type_is(to, "any-child")) {
		log_printf("init: '%s': unknown route target", c->name);
		e = -E_INVAL;
		goto refund;
	}
	if (find_server(want, service, &server, &svc)) {
		/* A child that runs may not have announced yet. */
		e = -E_DENIED;
		for (unsigned i = 0; want && i < CHILDREN; i++)
			if (children[i].running &&
			    !strcmp(children[i].name, want) &&
			    !ready(&children[i]))
				e = -E_AGAIN;
		if (e == -E_DENIED)
			log_printf(
			    "init: denied '%s' session for '%s': '%s' does "
			    "not provide it",
			    service, full, want ? want : "no child");
		goto refund;
	}
	if (!(*cap = slot_alloc())) {
		e = -E_NOMEM;
		goto refund;
	}
	if ((e = from_child(children[server].services[svc].root, &fwd, *cap,
		 &s->id))) {
		slot_free(*cap);
		goto refund;
	}
	s->from = FROM_CHILD;
	s->server = server;
	s->service = svc;
	/* ... and goes to the server's, which spends it on the session. */
	if (s->quota && pay(&children[server], (int64_t)s->quota))
		log_printf("init: '%s' could not take %lu KiB for a session",
		    children[server].name, s->quota / 1024);
done:
	fmt_snprintf(s->name, sizeof(s->name), "%s", service);
	fmt_snprintf(s->label, sizeof(s->label), "%s", full);
	s->used = true;
	s->cap = *cap;
	*id = (uint64_t)(s - c->sessions);
	return 0;
refund:
	if (s->quota)
		pay(c, (int64_t)s->quota);
	s->quota = 0;
	return e;
}

/*
 * A child changes the quota of a session it holds from our parent (a
 * nested init resizing its own child's PD): the child pays a raise out of
 * its own quota and gets a cut back, so quota stays in its subtree.
 */
int
route_upgrade(unsigned idx, uint64_t id, uint64_t quota)
{
	struct child *c = &children[idx];
	struct child_session *s = &c->sessions[id];
	int64_t delta = (int64_t)(quota - s->quota);
	int e;

	if (delta > 0 && (e = pay(c, -delta)))
		return e;
	if ((e = parent_upgrade(s->id, quota))) {
		if (delta > 0)
			pay(c, delta);
		return e;
	}
	if (delta < 0)
		pay(c, -delta);
	s->quota = quota;
	return 0;
}

int
route_close(unsigned idx, uint64_t id)
{
	struct child_session *s;

	if (id >= CHILD_SESSIONS || !(s = &children[idx].sessions[id])->used)
		return -E_NOENT;
	if (s->from == FROM_PARENT) {
		session_close(s->cap, s->id);
	} else {
		/* A server that has gone took its sessions with it. */
		if (s->from == FROM_CHILD && children[s->server].running &&
		    children[s->server].services[s->service].used) {
			utcb_self()->msg[0] = s->id;
			rpc_call(children[s->server].services[s->service].root,
			    ROOT_CLOSE, 1, 0, 0, NULL);
			if (s->quota)
				pay(&children[s->server], -(int64_t)s->quota);
		}
		sys_cap_delete(s->cap);
		slot_free(s->cap);
	}
	if (s->quota && children[idx].running)
		pay(&children[idx], (int64_t)s->quota);
	s->used = false;
	return 0;
}
