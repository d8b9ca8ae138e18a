/*
 * The parent's side of the parent protocol (base/parent_side.h): a
 * child's PD and its quotas at our parent, the sessions it holds from
 * our parent, its config ROM and its faults.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/parent_side.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/pd.h>
#include <session/rom.h>

int
child_pd_open(struct child_account *a, uint64_t ram, uint64_t cpu,
    uint64_t caps)
{
	char args[48];
	int e;

	a->ram = ram;
	a->cpu = cpu;
	a->caps = caps;
	a->paid = a->earned = a->cpu_given = a->caps_given = 0;
	fmt_snprintf(args, sizeof(args), "cpu=%lu caps=%lu", cpu, caps);
	if ((e = session_open_args("PD", a->name, args, ram, &a->pd,
		 &a->pd_id))) {
		log_printf("%s: '%s': no PD session (error %d)", a->parent,
		    a->name, -e);
		a->pd = 0;
	}
	return e;
}

void
child_pd_close(struct child_account *a)
{
	if (!a->pd)
		return;
	session_close(a->pd, a->pd_id);
	a->pd = 0;
}

int
child_account_set(struct child_account *a, uint64_t ram, uint64_t paid,
    uint64_t earned)
{
	uint64_t have = ram + earned;
	int e;

	if (!a->pd)
		return -E_NOENT;
	if (have < ram)
		return -E_RANGE;
	if (paid > have)
		return -E_NOMEM;
	if ((e = parent_upgrade(a->pd_id, have - paid, 0)))
		return e;
	a->ram = ram;
	a->paid = paid;
	a->earned = earned;
	return 0;
}

/* What it passes on to the PDs it asks for leaves its own, so its subtree
 * never holds more than caps. */
int
child_caps_set(struct child_account *a, uint64_t caps, uint64_t given)
{
	int e;

	if (!a->pd)
		return -E_NOENT;
	if (given >= caps)
		return -E_NOMEM;
	if ((e = parent_upgrade(a->pd_id, a->ram + a->earned - a->paid,
		 caps - given)))
		return e;
	a->caps = caps;
	a->caps_given = given;
	return 0;
}

int
child_pay(struct child_account *a, uint64_t q)
{
	if (a->paid + q < q)
		return -E_RANGE;
	return child_account_set(a, a->ram, a->paid + q, a->earned);
}

void
child_refund(struct child_account *a, uint64_t q)
{
	if (q > a->paid || child_account_set(a, a->ram, a->paid - q, a->earned))
		log_printf("%s: '%s' could not get %lu KiB back", a->parent,
		    a->name, q / 1024);
}

int
child_earn(struct child_account *a, uint64_t q)
{
	if (a->earned + q < q)
		return -E_RANGE;
	return child_account_set(a, a->ram, a->paid, a->earned + q);
}

/* A server may keep memory of a closed session: only what it does not
 * spend leaves it. */
uint64_t
child_give_back(struct child_account *a, uint64_t q)
{
	uint64_t *w = utcb_self()->msg, free;

	if (q > a->earned)
		q = a->earned;
	if (rpc_call(a->pd, PD_QUOTA, 0, 0, 0, NULL))
		return 0;
	free = w[0] > w[1] ? w[0] - w[1] : 0;
	if (q > free)
		q = free;
	if (q && child_account_set(a, a->ram, a->paid, a->earned - q))
		return 0;
	return q;
}

void
child_label(const struct child_account *a, const char *label, char *out,
    size_t n)
{
	fmt_snprintf(out, n, label[0] ? "%s -> %s" : "%s", a->name, label);
}

/* A PD's capability quota goes back to the child that gave it. */
static void
caps_back(struct child_account *a, struct child_grant *g)
{
	if (!g->caps)
		return;
	if (!a->pd)
		a->caps_given -= g->caps;
	else if (child_caps_set(a, a->caps, a->caps_given - g->caps))
		log_printf("%s: '%s' could not get %lu caps back", a->parent,
		    a->name, g->caps);
	g->caps = 0;
}

int
child_grant_take(struct child_account *a, const struct session_request *r,
    const char *full, struct child_grant *g)
{
	uint64_t cpu = 0, caps = 0;
	int e;

	*g = (struct child_grant){0};
	if (!strcmp(r->service, "PD")) {
		cpu = session_arg(r->args, "cpu", 0);
		caps = session_arg(r->args, "caps", 0);
	}
	if (cpu > a->cpu - a->cpu_given) {
		log_printf("%s: denied 'PD' session for '%s': cpu %lu per "
			   "mille, '%s' has %lu left",
		    a->parent, full, cpu, a->name, a->cpu - a->cpu_given);
		return -E_NOMEM;
	}
	if (r->quota && (e = child_pay(a, r->quota))) {
		log_printf("%s: '%s' cannot pay %lu bytes for a '%s' session "
			   "(error %d): refused",
		    a->parent, a->name, r->quota, r->service, -e);
		return e;
	}
	g->quota = r->quota;
	if (caps) {
		e = caps > a->caps
		    ? -E_NOMEM
		    : child_caps_set(a, a->caps, a->caps_given + caps);
		if (e) {
			log_printf(
			    "%s: denied 'PD' session for '%s': caps=%lu, "
			    "'%s' has caps=%lu and gave %lu (error %d)",
			    a->parent, full, caps, a->name, a->caps,
			    a->caps_given, -e);
			child_grant_return(a, g, g->quota);
			return e;
		}
		g->caps = caps;
	}
	g->cpu = cpu;
	a->cpu_given += cpu;
	return 0;
}

void
child_grant_return(struct child_account *a, struct child_grant *g,
    uint64_t back)
{
	if (back > g->quota)
		back = g->quota;
	if (back && a->pd)
		child_refund(a, back);
	a->cpu_given -= g->cpu;
	caps_back(a, g);
	*g = (struct child_grant){0};
}

int
child_parent_open(struct child_account *a, const struct session_request *r,
    struct child_grant *g, uint64_t *cap, uint64_t *id)
{
	char full[LABEL_MAX];
	int e;

	child_label(a, r->label, full, sizeof(full));
	if ((e = child_grant_take(a, r, full, g)))
		return e;
	if ((e = session_open_args(r->service, full, r->args, r->quota, cap,
		 id)))
		child_grant_return(a, g, g->quota);
	return e;
}

void
child_parent_close(struct child_account *a, struct child_grant *g, uint64_t cap,
    uint64_t id)
{
	session_close(cap, id);
	child_grant_return(a, g, g->quota);
}

/*
 * A nested parent resizes a PD it asked for: the child pays a raise out
 * of its own quota and gets a cut back, so quota stays in its subtree;
 * the same for a PD's capability quota (caps, 0: as it is).
 */
int
child_parent_upgrade(struct child_account *a, const char *service,
    struct child_grant *g, uint64_t id, uint64_t quota, uint64_t caps)
{
	uint64_t raise = quota > g->quota ? quota - g->quota : 0,
		 was = a->caps_given, given = caps ? was - g->caps + caps : was;
	int e;

	if (caps && (strcmp(service, "PD") || caps > a->caps)) {
		log_printf("%s: '%s' asked caps=%lu for a '%s' session: "
			   "refused",
		    a->parent, a->name, caps, service);
		return -E_INVAL;
	}
	/* A raise leaves the child's own PD first, a cut comes back last. */
	if (given > was && (e = child_caps_set(a, a->caps, given))) {
		log_printf("%s: '%s' cannot give caps=%lu to a PD (error "
			   "%d): refused",
		    a->parent, a->name, caps, -e);
		return e;
	}
	if (raise && (e = child_pay(a, raise))) {
		log_printf("%s: '%s' cannot pay %lu bytes more for a '%s' "
			   "session (error %d): refused",
		    a->parent, a->name, raise, service, -e);
		goto undo;
	}
	if ((e = parent_upgrade(id, quota, caps))) {
		if (raise)
			child_refund(a, raise);
		goto undo;
	}
	if (quota < g->quota)
		child_refund(a, g->quota - quota);
	g->quota = quota;
	if (caps)
		g->caps = caps;
	if (given < was && child_caps_set(a, a->caps, given))
		log_printf("%s: '%s' could not get %lu caps back", a->parent,
		    a->name, was - given);
	return 0;
undo:
	if (given > was)
		child_caps_set(a, a->caps, was);
	return e;
}

static void
version_free(struct config_version *v)
{
	if (v->ds)
		ram_free(v->ptr, v->ds);
	*v = (struct config_version){0};
}

/* A version it never fetched goes at once. */
int
child_config_set(struct child_config *cc, const char *text, size_t len)
{
	struct config_version v;
	int e;

	if ((e = ram_alloc(len ? len : 1, &v.ptr, &v.ds)))
		return e;
	memcpy(v.ptr, text, len);
	v.len = len;
	if (cc->cur.ds != cc->held.ds)
		version_free(&cc->cur);
	cc->cur = v;
	if (cc->sigh)
		sys_sig_submit(cc->sigh);
	return 0;
}

int
child_config_call(struct child_config *cc, uint64_t info, uint64_t rcv,
    struct reply *r)
{
	if (MSG_LABEL(info) == ROM_SIGH) {
		if (MSG_NCAPS(info) != 1 || cc->sigh ||
		    !(cc->sigh = slot_alloc()))
			return -E_INVAL;
		return (int)sys_cap_derive(rcv, 0, cc->sigh, RIGHT_SEND, 0);
	}
	if (MSG_LABEL(info) != ROM_DATASPACE || !cc->cur.ds)
		return -E_NOSYS;
	/* It fetches the current version: the one it held can go. */
	if (cc->held.ds != cc->cur.ds)
		version_free(&cc->held);
	cc->held = cc->cur;
	r->cap = cc->cur.ds;
	utcb_self()->msg[0] = cc->cur.len;
	r->words = 1;
	return 0;
}

void
child_config_free(struct child_config *cc)
{
	if (cc->sigh) {
		sys_cap_delete(cc->sigh);
		slot_free(cc->sigh);
	}
	if (cc->held.ds != cc->cur.ds)
		version_free(&cc->held);
	version_free(&cc->cur);
	*cc = (struct child_config){0};
}

bool
child_fault(const struct child_account *a, char *why, size_t n)
{
	uint64_t *w = utcb_self()->msg;

	if (!a->pd || rpc_call(a->pd, PD_FAULT, 0, 0, 0, NULL) || !w[0])
		return false;
	fmt_snprintf(why, n, "faulted (kind %lu) at %lx, ip %lx", w[0], w[1],
	    w[2]);
	return true;
}
