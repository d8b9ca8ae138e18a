/*
 * Core's services: it is init's parent (log, exit, sessions), and it
 * provides PD, ROM and device sessions. Every capability core hands out is
 * a copy of its one endpoint, badged with what it names (kind, generation,
 * index); a capability core receives back is checked to name that
 * endpoint, and a stale generation finds nothing. This file holds the
 * session table and the serve loop; each kind of object has a file of its
 * own (parent.c, pd_service.c, rom.c, io.c).
 */
#include "service.h"

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/pd.h>

/* init's CPU quota (per mille): its own thread's claim, and what is left
 * for the PDs it asks for, with their "cpu" argument. */
#define INIT_CPU (QUOTA_FULL / 4)
/* init's capability quota: as many slots as all PDs' spaces can have;
 * their pages are paid from RAM quota, so RAM is what runs out. */
#define INIT_CAPS ((uint64_t)PDS_MAX * PDS_CAP_PAGES * CAP_PAGE_SLOTS)
#define INIT_CPU_OWN (QUOTA_FULL / 20)

const struct boot_info *core_boot;
struct kobj_ref core_ep;
struct pd_session *init_pd;
uint64_t core_rcv;
struct session sessions[SESSIONS];
/*
 * Which slots are taken, with their generations: every session takes and
 * frees its slot through io_table. Device sessions are badged through the
 * table of their kind (all three share the slots), and core keeps the
 * capability it gave out, to revoke it on close.
 */
struct session_slot slots[SESSIONS];
struct session_table io_table = {"core", K_IO, SESSIONS, slots},
		     iomem_table = {"core", K_IOMEM, SESSIONS, slots},
		     irq_table = {"core", K_IRQ, SESSIONS, slots},
		     rom_table = {"core", K_ROM, SESSIONS, slots},
		     dma_table = {"core", K_DMA, SESSIONS, slots};

uint64_t reply_words, reply_cap_badge, reply_cap_src;
int reply_cap_kind;
unsigned reply_cap_rights;

/*
 * The capability to send back. For a dataspace, RIGHT_RECV means that it
 * may be mapped writable: ROM dataspaces go without it.
 */
void
reply_cap(enum kind kind, uint32_t gen, uint64_t idx, unsigned rights)
{
	reply_cap_kind = kind;
	reply_cap_badge = BADGE(kind, gen, idx);
	reply_cap_rights = rights;
}

/* A device or ROM session's capability, kept in its slot until the close
 * revokes it with every copy. */
int
reply_device(const struct session_table *t, unsigned s)
{
	uint64_t cap = cap_alloc();

	if (!cap ||
	    sys_cap_derive(core_ep.slot, 0, cap, RIGHT_SEND | RIGHT_GRANT,
		session_table_badge(t, s))) {
		if (cap)
			cap_free(cap);
		return -E_NOMEM;
	}
	slots[s].cap = cap;
	reply_cap_kind = (int)t->kind;
	reply_cap_src = cap;
	reply_cap_rights = RIGHT_SEND | RIGHT_GRANT;
	return 0;
}

/* A dataspace capability that came with the message, or NULL. */
struct dataspace *
received_ds(uint64_t info)
{
	struct utcb *u = utcb_self();
	uint64_t b = u->rcv_badges[0];

	if (MSG_NCAPS(info) != 1 || sys_cap_same(core_rcv, core_ep.slot) != 1 ||
	    BADGE_KIND(b) != K_DS)
		return NULL;
	return ds_of(BADGE_IDX(b), BADGE_GEN(b));
}

/* A PD session capability that came with the message, or NULL. */
struct pd_session *
received_pd(uint64_t info)
{
	uint64_t b = utcb_self()->rcv_badges[0];

	if (MSG_NCAPS(info) != 1 || sys_cap_same(core_rcv, core_ep.slot) != 1 ||
	    (BADGE_KIND(b) != K_PD && BADGE_KIND(b) != K_PD_OWN))
		return NULL;
	return pds_of(BADGE_IDX(b), BADGE_GEN(b));
}

static int
open_kind(uint64_t info, unsigned s)
{
	uint64_t *w = utcb_self()->msg;
	struct session_request r;
	char full[LABEL_MAX];
	int e;

	/* What the slot's last session left must not look taken. */
	memset(&sessions[s], 0, sizeof(sessions[s]));
	if (session_request_get(w, MSG_NWORDS(info), &r))
		return -E_INVAL;
	fmt_snprintf(full, sizeof(full), r.label[0] ? "init -> %s" : "init",
	    r.label);
	if (!strcmp(r.service, "PD"))
		e = pd_open(s, &r, full);
	else if (!strcmp(r.service, "ROM"))
		e = rom_open(s, full);
	else if (!strcmp(r.service, "IO_PORT") ||
	    !strcmp(r.service, "IO_MEM") || !strcmp(r.service, "IRQ") ||
	    !strcmp(r.service, "DMA"))
		e = io_open(s, r.service, &r, full);
	else {
		log_printf("core: no service '%s' for '%s'", r.service, full);
		e = -E_DENIED;
	}
	if (e)
		return e;
	w[0] = s;
	reply_words = 1;
	return 0;
}

/* The slot is taken first, so open_kind sees it as in use. */
int
open_session(uint64_t info)
{
	int s = session_table_alloc(&io_table), e;

	if (s < 0) {
		log_printf("core: no session for init: all %u in use",
		    SESSIONS);
		return -E_NOMEM;
	}
	if ((e = open_kind(info, (unsigned)s)))
		session_table_free(&io_table, (unsigned)s);
	return e;
}

int
close_session(uint64_t id)
{
	if (id >= SESSIONS || !slots[id].used)
		return -E_NOENT;
	if (slots[id].cap) {
		/* Every copy of a device session's capability dies with it. */
		sys_cap_revoke(slots[id].cap);
		sys_cap_delete(slots[id].cap);
		cap_free(slots[id].cap);
	}
	if (sessions[id].kind == K_PD)
		pd_close((unsigned)id);
	else if (sessions[id].kind != K_ROM)
		io_close((unsigned)id);
	session_table_free(&io_table, (unsigned)id);
	return 0;
}

int
upgrade_session(uint64_t id, uint64_t new_quota, uint64_t caps)
{
	if (id >= SESSIONS || !slots[id].used || sessions[id].kind != K_PD)
		return -E_NOENT;
	return pd_upgrade((unsigned)id, new_quota, caps);
}

static int
dispatch(uint64_t badge, uint64_t info)
{
	uint64_t label = MSG_LABEL(info), idx = BADGE_IDX(badge);
	struct pd_session *p;

	if (label == FAULT_LABEL && BADGE_KIND(badge) == K_FAULT)
		return fault(badge);
	if (label == FAULT_LABEL) {
		uint64_t *w = utcb_self()->msg;

		log_printf("core: init faulted (kind %lu) at %lx, ip %lx", w[0],
		    w[1], w[2]);
		power_off(100);
	}
	switch (BADGE_KIND(badge)) {
	case K_CHILD:
		return child_call(label, info);
	case K_PD:
	case K_PD_OWN:
		if (!(p = pds_of(idx, BADGE_GEN(badge))))
			return -E_CAP;
		return pd_call(p, BADGE_KIND(badge) == K_PD_OWN, label, info);
	case K_ROM: {
		int s = session_table_lookup(&rom_table, badge);

		if (s < 0 || sessions[s].kind != K_ROM)
			return -E_CAP;
		return rom_call(sessions[s].module, label);
	}
	case K_DS: {
		struct dataspace *rm = ds_of(idx, BADGE_GEN(badge));

		return rm && rm->managed ? rm_call(rm, label, info) : -E_CAP;
	}
	case K_IO:
	case K_IOMEM:
	case K_IRQ:
	case K_DMA: {
		const struct session_table *t = BADGE_KIND(badge) == K_IO
		    ? &io_table
		    : BADGE_KIND(badge) == K_IOMEM ? &iomem_table
		    : BADGE_KIND(badge) == K_IRQ   ? &irq_table
						   : &dma_table;
		int s = session_table_lookup(t, badge);

		if (s < 0 || sessions[s].kind != BADGE_KIND(badge))
			return -E_CAP;
		return device_call((unsigned)s, label, info);
	}
	}
	return -E_CAP;
}

static _Noreturn void
serve(void)
{
	struct utcb *u = utcb_self();
	uint64_t info = MSG_INFO(0, 0, 0), badge, out = 0;

	for (;;) {
		u->rcv_caps[0] = (uint32_t)core_rcv;
		sys_ipc_reply_wait(core_ep.slot, info, &info, &badge);
		reply_words = 0;
		reply_cap_kind = 0;
		reply_cap_src = 0;
		int e = dispatch(badge, info);

		sys_cap_delete(core_rcv);
		if (out) {
			sys_cap_delete(out);
			cap_free(out);
			out = 0;
		}
		if (!e && reply_cap_kind) {
			out = cap_alloc();
			/* A kept session capability carries its own badge. */
			sys_cap_derive(reply_cap_src ? reply_cap_src
						     : core_ep.slot,
			    0, out, reply_cap_rights, reply_cap_badge);
			u->snd_caps[0] = (uint32_t)out;
		}
		info = MSG_INFO(e < 0 ? -e : 0, e ? 0 : reply_words,
		    !e && reply_cap_kind ? 1 : 0);
	}
}

void
core_run_init(const struct boot_info *info, const struct boot_module *m)
{
	uint64_t id;
	struct thread_args a = {.arg = 0,
	    .prio = PRIORITY_MAX / 2,
	    .quota = INIT_CPU_OWN};

	core_boot = info;
	if (kobj_new(KOBJ_ENDPOINT, 0, 0, &core_ep) ||
	    !(core_rcv = cap_alloc()))
		power_off(100);
	platform_info();
	/* init gets all RAM but what core keeps for its own bookkeeping. */
	init_pd = pds_create("init", frame_free_count() * PAGE - CORE_RESERVE,
	    INIT_CPU, INIT_CAPS);
	a.fault_ep = core_ep.slot;
	a.badge = BADGE(K_CHILD, 0, 0);
	if (!init_pd ||
	    pds_give(init_pd, core_ep.slot, CAP_PARENT,
		RIGHT_SEND | RIGHT_GRANT, BADGE(K_CHILD, 0, 0)) ||
	    pds_give(init_pd, core_ep.slot, CAP_PD, RIGHT_SEND | RIGHT_GRANT,
		BADGE(K_PD_OWN, init_pd->gen, pds_index(init_pd))) ||
	    pds_start_main(init_pd, m, &a, &id)) {
		log_printf("core: cannot start init");
		power_off(100);
	}
	serve();
}
