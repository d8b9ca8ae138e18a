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
#include <session/pd.h>

#include "init.h"

extern struct config config;

/*
 * Device services go only where a <service> route names them: an
 * <any-service> route never hands an application device memory, I/O ports,
 * interrupts or physical addresses (DMA).
 */
static bool
device_service(const char *service)
{
	return !strcmp(service, "IO_MEM") || !strcmp(service, "IO_PORT") ||
	    !strcmp(service, "IRQ") || !strcmp(service, "DMA");
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
		if ((config_type_is(r, "any-service") &&
			!device_service(service)) ||
		    (config_type_is(r, "service") &&
			!config_attr_copy(r, "name", name, sizeof(name)) &&
			!strcmp(name, service) &&
			config_label_matches(r, label))) {
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

/* <parent-provides> lists what the parent offers; without it, nothing. */
static bool
parent_provides(const char *service)
{
	struct config_node pp, svc;
	char name[SERVICE_NAME_MAX];

	if (config_child(config_root(&config), "parent-provides", &pp))
		return false;
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

static uint64_t tickets;

/*
 * Routes a child's request. A session from init or our parent is there
 * on return; one from a child server is pending (*pending): the request
 * waits for the server's worker (server.c), and the answer comes to
 * route_answer, then to the client through PARENT_SESSION_RESULT. The
 * client pays for either (base/parent_side.h).
 */
int
route_session(unsigned idx, const struct session_request *req, uint64_t *cap,
    uint64_t *id, bool *pending, bool binary)
{
	const char *service = req->service, *label = req->label;
	struct session_request fwd = *req;
	struct child *c = &children[idx];
	struct child_session *s = NULL;
	char full[LABEL_MAX], target[NAME_MAX];
	struct config_node route, to;
	unsigned server = 0, svc = 0, k;
	int e;

	child_label(&c->acct, label, full, sizeof(full));
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
	*pending = false;
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
	/* A binary comes from our parent unless a <service name="ROM">
	 * route names it: <any-service> is for what the child asks. */
	if (binary &&
	    (find_route(c->start, service, label, &route) ||
		!config_type_is(route, "service"))) {
		if ((e = child_parent_open(&c->acct, req, &s->grant, cap,
			 &s->id)))
			return e;
		s->from = FROM_PARENT;
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
	if (config_type_is(to, "parent")) {
		if (!parent_provides(service)) {
			log_printf(
			    "init: denied '%s' session for '%s': the parent "
			    "does not provide it",
			    service, full);
			return -E_DENIED;
		}
		if ((e = child_parent_open(&c->acct, req, &s->grant, cap,
			 &s->id)))
			return e;
		s->from = FROM_PARENT;
		goto done;
	}
	const char *want = NULL;

	if (config_type_is(to, "child")) {
		config_attr_copy(to, "name", target, sizeof(target));
		want = target;
	} else if (!config_type_is(to, "any-child")) {
		log_printf("init: '%s': unknown route target", c->name);
		return -E_INVAL;
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
		return e;
	}
	if ((e = child_grant_take(&c->acct, req, full, &s->grant)))
		return e;
	if (!(*cap = slot_alloc())) {
		e = -E_NOMEM;
		goto undo;
	}
	s->from = FROM_CHILD;
	s->server = server;
	s->service = svc;
	s->instance = children[server].instance;
	s->phase = SESSION_PENDING;
	s->ticket = ++tickets;
	struct server_job job = {.label = ROOT_CREATE,
	    .server = server,
	    .service = svc,
	    .instance = s->instance,
	    .client = idx,
	    .session = (unsigned)(s - c->sessions),
	    .client_instance = c->instance,
	    .ticket = s->ticket,
	    .request = fwd,
	    .slot = *cap};

	if ((e = server_queue(&job))) {
		log_printf("init: no room for a '%s' session request of '%s' "
			   "at '%s'",
		    service, full, children[server].name);
		slot_free(*cap);
		goto undo;
	}
	*pending = true;
done:
	fmt_snprintf(s->name, sizeof(s->name), "%s", service);
	fmt_snprintf(s->label, sizeof(s->label), "%s", full);
	s->used = true;
	s->cap = *cap;
	*id = (uint64_t)(s - c->sessions);
	return 0;
undo:
	child_grant_return(&c->acct, &s->grant, s->grant.quota);
	return e;
}

/* The server of a session, if the instance that took it still runs. */
static struct child *
live_server(const struct child_session *s)
{
	struct child *srv = &children[s->server];

	if (s->from != FROM_CHILD || !srv->running ||
	    srv->instance != s->instance || !srv->services[s->service].used)
		return NULL;
	return srv;
}

/*
 * A session at a child server grows (a Gui session for larger buffers):
 * the client pays the raise now, the server's worker asks it
 * (ROOT_UPGRADE), and once it agreed the raise moves to its PD
 * (route_answer). The client asks again with the same quota for the
 * answer: done once the session has it, or the refusal, once. Shrinking
 * is refused: a server cannot be made to give back what it spends.
 */
int
route_upgrade(unsigned idx, uint64_t id, uint64_t quota, uint64_t caps,
    bool *pending)
{
	struct child *c = &children[idx];
	struct child_session *s = &c->sessions[id];
	int e;

	*pending = false;
	if (s->from == FROM_PARENT)
		return child_parent_upgrade(&c->acct, s->name, &s->grant, s->id,
		    quota, caps);
	if (caps)
		return -E_INVAL; /* only PDs have a capability quota */
	if (s->phase == SESSION_UPGRADING) {
		*pending = quota == s->target;
		return *pending ? 0 : -E_BUSY;
	}
	if (s->phase != SESSION_READY)
		return -E_BUSY;
	if (quota == s->target && s->upgrade_error) {
		e = s->upgrade_error;
		s->upgrade_error = 0;
		s->target = 0;
		return e;
	}
	if (quota == s->grant.quota)
		return 0;
	if (quota < s->grant.quota) {
		log_printf("init: '%s' asked to shrink its '%s' session at "
			   "'%s': refused",
		    c->name, s->name, children[s->server].name);
		return -E_INVAL;
	}
	if (!live_server(s))
		return -E_ABORT;
	if ((e = child_pay(&c->acct, quota - s->grant.quota))) {
		log_printf("init: '%s' cannot pay %lu bytes more for a '%s' "
			   "session (error %d): refused",
		    c->name, quota - s->grant.quota, s->name, -e);
		return e;
	}
	/* The server has the raise when it is asked (it may spend it on
	 * the way: a wm grows its own session at nitpicker). */
	if ((e = child_earn(&children[s->server].acct,
		 quota - s->grant.quota))) {
		log_printf("init: '%s' could not take %lu bytes more for a "
			   "'%s' session of '%s' (error %d): refused",
		    children[s->server].name, quota - s->grant.quota, s->name,
		    c->name, -e);
		child_refund(&c->acct, quota - s->grant.quota);
		return e;
	}
	struct server_job job = {.label = ROOT_UPGRADE,
	    .server = s->server,
	    .service = s->service,
	    .instance = s->instance,
	    .client = idx,
	    .session = (unsigned)id,
	    .client_instance = c->instance,
	    .ticket = ++tickets,
	    .server_id = s->id,
	    .quota = quota};

	if ((e = server_queue(&job))) {
		child_refund(&c->acct,
		    child_give_back(&children[s->server].acct,
			quota - s->grant.quota));
		return e;
	}
	s->ticket = job.ticket;
	s->target = quota;
	s->upgrade_error = 0;
	s->phase = SESSION_UPGRADING;
	*pending = true;
	return 0;
}

/*
 * Ask server srv to end its session id (the answer: route_answer), for
 * the client's session (or none: CHILD_SESSIONS) with ticket.
 */
static int
close_at(unsigned srv, unsigned service, uint64_t instance, unsigned client,
    unsigned session, uint64_t ticket, uint64_t id, uint64_t quota)
{
	struct server_job job = {.label = ROOT_CLOSE,
	    .server = srv,
	    .service = service,
	    .instance = instance,
	    .client = client,
	    .session = session,
	    .client_instance = children[client].instance,
	    .ticket = ticket,
	    .server_id = id,
	    .quota = quota};
	int e;

	if (!(e = server_queue(&job)))
		return 0;
	/* No room: the server keeps the session until it ends. */
	log_printf("init: no room to close a session of '%s' at '%s'",
	    children[client].name, children[srv].name);
	return e;
}

/*
 * The client gets back what the server gave back, once the server has
 * answered the close. A server that has gone took its sessions with it,
 * and its PD's quota came back to us whole: the client's close reaches
 * nobody, and its quota is ours to return at once. A pending request
 * the client gives up (it closed it, or it ended) is dropped if no worker
 * has it yet; else its answer finds it given up.
 */
int
route_close(unsigned idx, uint64_t id, bool *pending)
{
	struct child *c = &children[idx];
	struct child_session *s;
	uint64_t back;

	if (pending)
		*pending = false;
	if (id >= CHILD_SESSIONS || !(s = &c->sessions[id])->used ||
	    (s->phase == SESSION_CLOSING && pending)) {
		log_printf("init: '%s' closed an unknown session %lu", c->name,
		    id);
		return -E_NOENT;
	}
	back = s->grant.quota;
	if (s->from == FROM_PARENT) {
		child_parent_close(&c->acct, &s->grant, s->cap, s->id);
		s->used = false;
		return 0;
	}
	if (s->from == FROM_CHILD && s->phase == SESSION_PENDING) {
		log_printf("init: '%s' has not answered the '%s' session "
			   "request of '%s': given up",
		    children[s->server].name, s->name, s->label);
		if (server_unqueue(idx, (unsigned)id))
			slot_free(s->cap);
		/* else the slot is the worker's until its answer */
	} else if (s->from == FROM_CHILD &&
	    (s->phase == SESSION_READY || s->phase == SESSION_UPGRADING)) {
		/* An upgrade the server has not answered: it has the raise. */
		if (s->phase == SESSION_UPGRADING)
			back = s->grant.quota = s->target;
		sys_cap_delete(s->cap);
		slot_free(s->cap);
		s->cap = 0;
		/* The client gets its quota back once the server answers. */
		if (pending && live_server(s) &&
		    !close_at(s->server, s->service, s->instance, idx,
			(unsigned)id, s->ticket = ++tickets, s->id,
			s->grant.quota)) {
			s->phase = SESSION_CLOSING;
			*pending = true;
			return 0;
		}
		if (live_server(s))
			close_at(s->server, s->service, s->instance, idx,
			    CHILD_SESSIONS, 0, s->id, s->grant.quota);
		if (live_server(s))
			back = 0; /* its server has it, for a client gone */
	} else if (s->phase == SESSION_CLOSING) {
		back = 0; /* the client ends; its server answers the close */
	} else if (s->from == FROM_INIT) {
		sys_cap_delete(s->cap);
		slot_free(s->cap);
	}
	/* What the server kept stays paid for by the client. */
	child_grant_return(&c->acct, &s->grant, back);
	s->used = false;
	return 0;
}

/* PARENT_SESSION_RESULT: the answer to a pending session, once there. */
int
route_result(unsigned idx, uint64_t id, uint64_t *cap, bool *pending)
{
	struct child_session *s;
	int e;

	*pending = false;
	if (id >= CHILD_SESSIONS || !(s = &children[idx].sessions[id])->used ||
	    s->from != FROM_CHILD)
		return -E_NOENT; /* for a close: done */
	switch (s->phase) {
	case SESSION_PENDING:
	case SESSION_CLOSING:
		*pending = true;
		return 0;
	case SESSION_FAILED:
		e = s->error;
		s->used = false;
		return e;
	case SESSION_READY:
	case SESSION_UPGRADING:
		break;
	}
	*cap = s->cap;
	return 0;
}

static void
answer_create(const struct server_job *j)
{
	struct child *c = &children[j->client], *srv = &children[j->server];
	struct child_session *s = &c->sessions[j->session];
	bool mine = c->running && c->instance == j->client_instance &&
	    s->used && s->from == FROM_CHILD && s->phase == SESSION_PENDING &&
	    s->ticket == j->ticket;
	int e = j->result;

	if (!e && sys_cap_info(j->slot) < 0)
		e = -E_ABORT; /* the answer came without the capability */
	if (!e && (!srv->running || srv->instance != j->instance))
		e = -E_ABORT;
	if (!mine) {
		/* Given up: the client got its quota back then. */
		if (!e)
			close_at(j->server, j->service, j->instance, j->client,
			    CHILD_SESSIONS, 0, j->server_id, 0);
		sys_cap_delete(j->slot);
		slot_free(j->slot);
		return;
	}
	/*
	 * The quota goes to the server, which spends it on the session. A
	 * server we cannot pay would serve on credit: the session is closed
	 * again and refused.
	 */
	if (!e && s->grant.quota &&
	    (e = child_earn(&srv->acct, s->grant.quota))) {
		log_printf("init: '%s' could not take %lu bytes for a '%s' "
			   "session of '%s' (error %d): refused",
		    srv->name, s->grant.quota, s->name, c->name, -e);
		close_at(j->server, j->service, j->instance, j->client,
		    CHILD_SESSIONS, 0, j->server_id, 0);
	}
	if (e) {
		sys_cap_delete(j->slot);
		slot_free(j->slot);
		child_grant_return(&c->acct, &s->grant, s->grant.quota);
		s->cap = 0;
		s->phase = SESSION_FAILED;
		s->error = e;
	} else {
		s->id = j->server_id;
		s->phase = SESSION_READY;
	}
	if (c->answer_sigh)
		sys_sig_submit(c->answer_sigh);
}

static void
answer_upgrade(const struct server_job *j)
{
	struct child *c = &children[j->client], *srv = &children[j->server];
	struct child_session *s = &c->sessions[j->session];
	uint64_t raise, back;

	if (!c->running || c->instance != j->client_instance || !s->used ||
	    s->phase != SESSION_UPGRADING || s->ticket != j->ticket)
		return; /* closed meanwhile: the close gives it all back */
	raise = j->quota - s->grant.quota;
	if (j->result) {
		/* Refused: the raise comes back, as far as it is unspent. */
		back = srv->running && srv->instance == j->instance
		    ? child_give_back(&srv->acct, raise)
		    : raise;
		if (back < raise)
			log_printf(
			    "init: '%s' refused a larger '%s' session of "
			    "'%s' but kept %lu bytes of it",
			    srv->name, s->name, c->name, raise - back);
		child_refund(&c->acct, back);
		s->upgrade_error = j->result;
	} else {
		s->grant.quota = j->quota;
	}
	s->phase = SESSION_READY;
	if (c->answer_sigh)
		sys_sig_submit(c->answer_sigh);
}

/* A worker's call came back (server.c). */
void
route_answer(const struct server_job *j)
{
	struct child *c = &children[j->client], *srv = &children[j->server];
	uint64_t back = j->quota;

	if (j->label == JOB_BINARY) {
		child_binary_fetched(j);
		return;
	}
	if (j->label == ROOT_CREATE) {
		answer_create(j);
		if (c->state == CHILD_LOADING && c->bin_session == j->session)
			child_binary_session(j->client);
		return;
	}
	if (j->label == ROOT_UPGRADE) {
		answer_upgrade(j);
		return;
	}
	/* ROOT_CLOSE: the server gives back what it does not spend. */
	if (srv->running && srv->instance == j->instance && j->quota &&
	    (back = child_give_back(&srv->acct, j->quota)) < j->quota)
		log_printf("init: '%s' kept %lu of %lu bytes of a session of "
			   "'%s'",
		    srv->name, j->quota - back, j->quota, c->name);
	if (!c->running || c->instance != j->client_instance)
		return;
	if (back)
		child_refund(&c->acct, back);
	if (j->session < CHILD_SESSIONS) {
		struct child_session *s = &c->sessions[j->session];

		if (s->used && s->phase == SESSION_CLOSING &&
		    s->ticket == j->ticket) {
			child_grant_return(&c->acct, &s->grant, 0);
			s->used = false;
		}
	}
	if (c->answer_sigh)
		sys_sig_submit(c->answer_sigh);
}
