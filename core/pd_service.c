/*
 * PD sessions as init uses them: opening one moves RAM, CPU and capability
 * quota from init's, the calls on it (dataspaces, mappings, threads,
 * capabilities, faults), and the calls on its region maps. The objects
 * themselves are in pd_session.c, dataspace.c and region_map.c.
 */
#include "service.h"

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/pd.h>

/*
 * A capability into p at slot. A PD session capability goes as the PD's
 * own: whoever gets it runs the PD but cannot replace its fault signal or
 * clear its fault record, which are for the holder of the session.
 */
static int
give(struct pd_session *p, uint64_t info, uint64_t slot, unsigned rights,
    uint64_t badge)
{
	struct pd_session *q = received_pd(info);
	uint64_t own;
	int e;

	if (!q)
		return pds_give(p, core_rcv, slot, rights, badge);
	if (!(own = cap_alloc()))
		return -E_NOMEM;
	e = (int)sys_cap_derive(core_ep.slot, 0, own, RIGHT_SEND | RIGHT_GRANT,
	    BADGE(K_PD_OWN, q->gen, pds_index(q)));
	if (!e)
		e = pds_give(p, own, slot, rights, 0);
	sys_cap_delete(own);
	cap_free(own);
	return e;
}

int
pd_call(struct pd_session *p, bool own, uint64_t label, uint64_t info)
{
	uint64_t *w = utcb_self()->msg, id;
	struct dataspace *ds;
	int e;

	/* Its faults are for its parent to see, not for the PD to hide. */
	if (own && (label == PD_FAULT_SIGH || label == PD_FAULT)) {
		log_printf("core: '%s' may not replace its fault signal or "
			   "clear its fault",
		    p->label);
		return -E_DENIED;
	}
	switch (label) {
	case PD_ALLOC:
		if ((e = pds_alloc(p, w[0], &ds)))
			return e;
		reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_ALL);
		w[0] = ds->pages;
		reply_words = 1;
		return 0;
	case PD_COPY:
		if (!(ds = received_ds(info)))
			return -E_CAP;
		if ((e = pds_copy(p, ds, w[0], &ds)))
			return e;
		reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_ALL);
		w[0] = ds->pages;
		reply_words = 1;
		return 0;
	case PD_FREE:
		if (!(ds = received_ds(info)) || ds->owner != p)
			return -E_CAP;
		ds_free(ds);
		return 0;
	case PD_MAP:
		if (!(ds = received_ds(info)))
			return -E_CAP;
		if ((w[1] & MAP_W) &&
		    !((sys_cap_info(core_rcv) >> 8) & RIGHT_RECV))
			return -E_RIGHTS;
		return pds_map(p, ds, w[0], (unsigned)w[1] & (MAP_W | MAP_X));
	case PD_UNMAP:
		return pds_unmap(p, w[0]);
	case PD_THREAD: {
		struct thread_args a = {.entry = w[0],
		    .sp = w[1],
		    .arg = w[2],
		    .utcb = w[3],
		    .prio = (unsigned)w[4],
		    .quota = (unsigned)w[5],
		    .fault_ep = core_ep.slot,
		    .badge =
			BADGE(K_FAULT, p->gen, pds_index(p) * PDS_THREADS)};

		/* Priorities and quotas stay within what core gave init. */
		if (a.prio > PRIORITY_MAX / 2)
			a.prio = PRIORITY_MAX / 2;
		if ((e = pds_thread(p, &a, &id)))
			return e;
		w[0] = id;
		reply_words = 1;
		return 0;
	}
	case PD_GIVE:
		if (MSG_NCAPS(info) != 1 || w[0] < CAP_CHILD_FIRST_FREE - 5)
			return -E_INVAL;
		return give(p, info, w[0], (unsigned)w[1], w[2]);
	case PD_STOP:
		return pds_stop(p, w[0]);
	case PD_QUOTA:
		w[0] = p->quota;
		w[1] = p->spent;
		w[2] = p->caps;
		w[3] = pds_caps_used(p);
		reply_words = 4;
		return 0;
	case PD_CAPS:
		if ((e = pds_grow(p)))
			return e;
		w[0] = p->slots;
		reply_words = 1;
		return 0;
	case PD_OBJECT:
		return pds_object(p, (unsigned)w[0], w[1]);
	case PD_FAULT_SIGH:
		if (MSG_NCAPS(info) != 1)
			return -E_INVAL;
		if (!p->fault_sigh && !(p->fault_sigh = pds_slot(p)))
			return -E_NOMEM;
		sys_cap_delete(p->fault_sigh);
		return (int)sys_cap_derive(core_rcv, 0, p->fault_sigh,
		    RIGHT_SEND, 0);
	case PD_FAULT:
		w[0] = p->fault.kind;
		w[1] = p->fault.addr;
		w[2] = p->fault.ip;
		w[3] = p->fault.thread;
		memset(&p->fault, 0, sizeof(p->fault));
		reply_words = 4;
		return 0;
	case PD_RM_CREATE:
		if ((e = ds_managed(p, w[0], &ds)))
			return e;
		reply_cap(K_DS, ds->gen, ds_index(ds), RIGHT_ALL);
		return 0;
	}
	return -E_NOSYS;
}

/* Calls on a managed dataspace: attach to and detach from it. */
int
rm_call(struct dataspace *rm, uint64_t label, uint64_t info)
{
	uint64_t *w = utcb_self()->msg;
	struct dataspace *ds;

	if (label == RM_DETACH)
		return rm_detach(rm, w[0]);
	if (label != RM_ATTACH)
		return -E_NOSYS;
	if (!(ds = received_ds(info)))
		return -E_CAP;
	if ((w[1] & MAP_W) && !((sys_cap_info(core_rcv) >> 8) & RIGHT_RECV))
		return -E_RIGHTS;
	return rm_attach(rm, ds, w[0], (unsigned)w[1] & (MAP_W | MAP_X));
}

/* Init's capability quota that it has not used or passed on. */
static uint64_t
init_caps_spare(void)
{
	return init_pd->caps - pds_caps_used(init_pd);
}

/* A PD for init, its RAM, CPU and capability quota taken out of init's. */
int
pd_open(unsigned s, const struct session_request *r, const char *label)
{
	uint64_t quota = r->quota, cpu = session_arg(r->args, "cpu", 0),
		 caps = session_arg(r->args, "caps", 0);
	struct pd_session *p;

	if (quota > pds_free_bytes(init_pd)) {
		log_printf(
		    "core: no PD for '%s': %lu bytes asked, init has %lu",
		    label, quota, pds_free_bytes(init_pd));
		return -E_NOMEM;
	}
	/* CPU quota, like RAM, comes out of init's. */
	if (cpu > init_pd->cpu - init_pd->cpu_given) {
		log_printf("core: PD '%s' refused: cpu %lu per mille, init has "
			   "%u left",
		    label, cpu, init_pd->cpu - init_pd->cpu_given);
		return -E_NOMEM;
	}
	if (caps > init_caps_spare()) {
		log_printf("core: PD '%s' refused: caps=%lu, init has %lu left",
		    label, caps, init_caps_spare());
		return -E_NOMEM;
	}
	if (!(p = pds_create(label, quota, (unsigned)cpu, caps)))
		return -E_NOMEM;
	init_pd->caps -= caps;
	init_pd->quota -= quota;
	init_pd->cpu_given += (unsigned)cpu;
	sessions[s].pd = p;
	sessions[s].quota = quota;
	sessions[s].cpu = (unsigned)cpu;
	sessions[s].kind = K_PD;
	reply_cap(K_PD, p->gen, pds_index(p), RIGHT_SEND | RIGHT_GRANT);
	return 0;
}

/* The PD goes, and core checks that every frame it held came back. */
void
pd_close(unsigned s)
{
	struct pd_session *p = sessions[s].pd;
	uint64_t before = frame_free_count(), held = p->spent / PAGE;
	char label[LABEL_MAX];

	fmt_snprintf(label, sizeof(label), "%s", p->label);
	init_pd->caps += p->caps;
	pds_destroy(p);
	init_pd->quota += sessions[s].quota;
	init_pd->cpu_given -= sessions[s].cpu;
	if (frame_free_count() - before == held)
		log_printf(
		    "core: '%s' closed, all its %lu KiB returned, %lu KiB "
		    "free",
		    label, held * PAGE / 1024,
		    frame_free_count() * PAGE / 1024);
	else
		log_printf("core: '%s' closed, but %ld KiB of its %lu KiB were "
			   "not returned",
		    label,
		    (long)(held - (frame_free_count() - before)) * (long)PAGE /
			1024,
		    held * PAGE / 1024);
}

/*
 * A PD session's RAM quota moves to new_quota and, unless caps is 0, its
 * capability quota to caps, to or from init's.
 */
int
pd_upgrade(unsigned s, uint64_t new_quota, uint64_t caps)
{
	struct pd_session *p = sessions[s].pd;

	if (new_quota < pds_used_bytes(p))
		return -E_BUSY;
	if (caps && caps < pds_caps_used(p)) {
		log_printf("core: PD '%s' not cut to caps=%lu: it uses %lu",
		    p->label, caps, pds_caps_used(p));
		return -E_BUSY;
	}
	if (caps > p->caps && caps - p->caps > init_caps_spare()) {
		log_printf("core: PD '%s' not raised to caps=%lu: init has %lu "
			   "to spare",
		    p->label, caps, init_caps_spare());
		return -E_NOMEM;
	}
	if (new_quota > p->quota &&
	    new_quota - p->quota > pds_free_bytes(init_pd)) {
		log_printf(
		    "core: PD '%s' not raised to %lu bytes: init has %lu "
		    "to spare",
		    p->label, new_quota, pds_free_bytes(init_pd));
		return -E_NOMEM;
	}
	init_pd->quota = init_pd->quota + p->quota - new_quota;
	sessions[s].quota = new_quota;
	p->quota = new_quota;
	if (caps) {
		init_pd->caps = init_pd->caps + p->caps - caps;
		p->caps = caps;
	}
	return 0;
}
