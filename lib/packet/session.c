/*
 * A packet stream carried by a session (include/base/packet_session.h):
 * the region from the server, laid out by the client, and the two
 * signals.
 */
#include <base/error.h>
#include <base/packet_session.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

static void
submit(void *ctx, enum packet_event ev)
{
	sys_sig_submit(*(uint64_t *)ctx);
}

int
packet_client_open(struct packet_client *c, uint64_t session, size_t size,
    uint32_t nslots)
{
	uint64_t *w = utcb_self()->msg, copy = 0;
	struct packet_notify n;
	int e;

	memset(c, 0, sizeof(*c));
	if (!(c->ds = slot_alloc()) || !(c->peer = slot_alloc()) ||
	    !(copy = slot_alloc())) {
		e = -E_NOMEM;
		goto fail;
	}
	w[0] = size;
	if ((e = (int)rpc_call(session, PACKET_SESSION_REGION, 1, 0, c->ds,
		 NULL)) ||
	    (e = ds_attach(c->ds, size, 1, &c->mem)))
		goto fail;
	c->size = size;
	n = (struct packet_notify){submit, &c->peer};
	if ((e = packet_stream_init_source(&c->src, c->mem, size, nslots,
		 &n)) ||
	    (e = object_create(KOBJ_SIGNAL, &c->sig)) ||
	    (e = (int)sys_cap_derive(c->sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 0)) ||
	    (e = (int)rpc_call(session, PACKET_SESSION_START, 0, copy, c->peer,
		 NULL)))
		goto fail;
	sys_cap_delete(copy);
	slot_free(copy);
	return 0;
fail:
	if (copy) {
		sys_cap_delete(copy);
		slot_free(copy);
	}
	packet_client_close(c);
	return e;
}

int
packet_client_wait(struct packet_client *c, uint64_t us)
{
	long e = us ? sys_sig_wait_for(c->sig, us, NULL)
		    : sys_sig_wait(c->sig, NULL);

	return e < 0 ? (int)e : 0;
}

void
packet_client_close(struct packet_client *c)
{
	if (c->mem)
		ds_detach(c->mem);
	/* Our signal object is our PD's: it goes with it; the copy the
	 * server holds reaches nothing once revoked. */
	if (c->sig)
		sys_cap_revoke(c->sig);
	if (c->ds) {
		sys_cap_delete(c->ds);
		slot_free(c->ds);
	}
	if (c->peer) {
		sys_cap_delete(c->peer);
		slot_free(c->peer);
	}
	c->mem = NULL;
	c->ds = c->peer = 0;
}

static int
region(struct packet_server *s, size_t size, size_t max, struct reply *r)
{
	/* Room for the header, two one-slot queues and one granule. */
	if (s->ds || size < 4096 || size > max || size > PACKET_BULK_MAX)
		return -E_INVAL;
	size = (size + 4095) & ~(size_t)4095;
	if (size > max)
		return -E_INVAL;
	if (ram_alloc(size, &s->mem, &s->ds)) {
		s->ds = 0;
		return -E_NOMEM;
	}
	s->size = size;
	r->cap = s->ds;
	r->rights = RIGHT_ALL;
	return 0;
}

static int
start(struct packet_server *s, uint64_t info, uint64_t ep, uint64_t badge,
    uint64_t rcv, struct reply *r)
{
	struct packet_notify n = {submit, &s->peer};
	int e;

	if (!s->ds || s->started || MSG_NCAPS(info) != 1)
		return -E_INVAL;
	if ((e = packet_stream_attach_sink(&s->snk, s->mem, s->size, &n)))
		return e;
	if (!s->sig && (e = object_create(KOBJ_SIGNAL, &s->sig)))
		return e;
	sys_sig_bind(s->sig, ep);
	if ((!s->peer && !(s->peer = slot_alloc())) ||
	    (!s->badged && !(s->badged = slot_alloc())))
		return -E_NOMEM;
	if ((e = (int)sys_cap_derive(rcv, 0, s->peer, RIGHT_SEND, 0)) ||
	    (e = (int)sys_cap_derive(s->sig, 0, s->badged,
		 RIGHT_SEND | RIGHT_GRANT, badge)))
		return e;
	s->started = true;
	/* The server loop copies it into the reply (which needs GRANT). */
	r->cap = s->badged;
	r->rights = RIGHT_SEND | RIGHT_GRANT;
	return 0;
}

int
packet_server_call(struct packet_server *s, uint64_t label, uint64_t info,
    uint64_t ep, uint64_t badge, uint64_t rcv, size_t max, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;

	if (label == PACKET_SESSION_REGION)
		r->error =
		    MSG_NWORDS(info) < 1 ? -E_INVAL : region(s, w[0], max, r);
	else if (label == PACKET_SESSION_START)
		r->error = start(s, info, ep, badge, rcv, r);
	else
		return 0;
	return 1;
}

void
packet_server_close(struct packet_server *s)
{
	uint64_t sig = s->sig, badge;

	if (sig) {
		sys_cap_revoke(sig); /* the client's copy and ours */
		sys_sig_poll(sig, &badge);
	}
	if (s->ds)
		ram_free(s->mem, s->ds); /* unmapped in the client too */
	for (unsigned i = 0; i < 2; i++) {
		uint64_t slot = i ? s->badged : s->peer;

		if (slot) {
			sys_cap_delete(slot);
			slot_free(slot);
		}
	}
	memset(s, 0, sizeof(*s));
	s->sig = sig;
}
