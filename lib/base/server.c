/* The loop every server runs; see include/base/server.h. */
#include <base/error.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>

void
server_loop(uint64_t ep, uint64_t rcv,
    void (*handle)(uint64_t badge, uint64_t info, struct reply *r))
{
	struct utcb *u = utcb_self();
	uint64_t info, badge, reply = MSG_INFO(0, 0, 0), out = 0;

	for (;;) {
		struct reply r = {0};

		u->rcv_caps[0] = (uint32_t)rcv;
		sys_ipc_reply_wait(ep, reply, &info, &badge);
		if (out) {
			sys_cap_delete(out);
			slot_free(out);
			out = 0;
		}
		handle(badge, info, &r);
		sys_cap_delete(rcv);
		if (!r.error && r.cap && (out = slot_alloc())) {
			/* A child of r.cap, so revoking r.cap reaches it. */
			sys_cap_derive(r.cap, 0, out, r.rights, 0);
			u->snd_caps[0] = (uint32_t)out;
		}
		reply = MSG_INFO(r.error < 0 ? -r.error : 0,
		    r.error ? 0 : r.words, !r.error && out ? 1 : 0);
	}
}

int
server_defer(uint64_t slot)
{
	return (int)sys_ipc_defer(slot);
}

int
server_answer(uint64_t slot, int error, unsigned words)
{
	if (words > MSG_WORDS_MAX)
		return -E_INVAL;
	return (int)sys_ipc_answer(slot,
	    MSG_INFO(error < 0 ? -error : 0, error ? 0 : words, 0));
}

int
server_session_open(struct session_table *t, uint64_t ep, unsigned rights,
    struct reply *r)
{
	int i = session_table_alloc(t);
	uint64_t cap;

	if (i < 0)
		return i;
	if (!(cap = slot_alloc())) {
		session_table_free(t, (unsigned)i);
		return -E_NOMEM;
	}
	if (sys_cap_derive(ep, 0, cap, rights,
		session_table_badge(t, (unsigned)i))) {
		slot_free(cap);
		session_table_free(t, (unsigned)i);
		return -E_NOMEM;
	}
	t->slots[i].cap = cap;
	r->cap = cap;
	r->rights = rights;
	utcb_self()->msg[0] = session_table_badge(t, (unsigned)i);
	r->words = 1;
	return i;
}

int
server_session_close(struct session_table *t, uint64_t id)
{
	int i = session_table_find(t, id);

	if (i < 0)
		return i;
	sys_cap_revoke(t->slots[i].cap);
	sys_cap_delete(t->slots[i].cap);
	slot_free(t->slots[i].cap);
	session_table_free(t, (unsigned)i);
	return i;
}
