/*
 * Packet streams carried by a session (include/base/packet_session.h):
 * each region from the server, laid out by its source, and one signal on
 * each side for all of the session's streams.
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

static void
drop(uint64_t *slot)
{
	if (*slot) {
		sys_cap_delete(*slot);
		slot_free(*slot);
	}
	*slot = 0;
}

static void
end_drop(struct packet_end *e)
{
	if (e->mem)
		ds_detach(e->mem);
	drop(&e->ds);
	e->mem = NULL;
	e->started = false;
}

int
packet_client_open(struct packet_client *c, uint64_t session, unsigned stream,
    bool source, size_t size, uint32_t nslots)
{
	uint64_t *w = utcb_self()->msg, copy = 0, peer = 0;
	struct packet_notify n = {submit, &c->peer};
	struct packet_end *end;
	int e;

	if (stream >= PACKET_SESSION_STREAMS || c->end[stream].ds)
		return -E_INVAL;
	end = &c->end[stream];
	memset(end, 0, sizeof(*end));
	end->source = source;
	if (!(end->ds = slot_alloc()) || !(copy = slot_alloc()) ||
	    !(peer = slot_alloc()) ||
	    (!c->sig && object_create(KOBJ_SIGNAL, &c->sig))) {
		e = -E_NOMEM;
		goto fail;
	}
	w[0] = size;
	w[1] = stream;
	w[2] = nslots;
	if ((e = (int)rpc_call(session, PACKET_SESSION_REGION, 3, 0, end->ds,
		 NULL)) ||
	    (e = ds_attach(end->ds, size, 1, &end->mem)))
		goto fail;
	end->size = size;
	e = source
	    ? packet_stream_init_source(&end->src, end->mem, size, nslots, &n)
	    : packet_stream_attach_sink(&end->snk, end->mem, size, &n);
	if (e ||
	    (e = (int)sys_cap_derive(c->sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 0)))
		goto fail;
	w[0] = stream;
	if ((e = (int)rpc_call(session, PACKET_SESSION_START, 1, copy, peer,
		 NULL)))
		goto fail;
	/* Every stream's start answers with the same signal of the server's. */
	if (!c->peer) {
		c->peer = peer;
		peer = 0;
	}
	end->started = true;
	drop(&copy);
	drop(&peer);
	return 0;
fail:
	drop(&copy);
	drop(&peer);
	end_drop(end);
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
	for (unsigned i = 0; i < PACKET_SESSION_STREAMS; i++)
		end_drop(&c->end[i]);
	/* Our signal object stays for the next session; the copy the server
	 * holds reaches nothing once revoked. */
	if (c->sig)
		sys_cap_revoke(c->sig);
	drop(&c->peer);
}

void
packet_server_init(struct packet_server *s, unsigned nstreams, unsigned sources)
{
	uint64_t sig = s->sig;

	memset(s, 0, sizeof(*s));
	s->sig = sig;
	s->nstreams = nstreams < PACKET_SESSION_STREAMS
	    ? nstreams
	    : PACKET_SESSION_STREAMS;
	for (unsigned i = 0; i < s->nstreams; i++)
		s->end[i].source = sources >> i & 1;
}

/* The stream a call names (0 without the word), or NULL. */
static struct packet_end *
named(struct packet_server *s, uint64_t info, unsigned word)
{
	uint64_t stream = MSG_NWORDS(info) > word ? utcb_self()->msg[word] : 0;

	return stream < s->nstreams ? &s->end[stream] : NULL;
}

static int
region(struct packet_server *s, uint64_t info, size_t max, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, size = w[0];
	struct packet_end *end = named(s, info, 1);
	struct packet_notify n = {submit, &s->peer};
	uint64_t nslots = MSG_NWORDS(info) > 2 ? w[2] : 0;

	/* Room for the header, two one-slot queues and one granule. */
	if (MSG_NWORDS(info) < 1 || !end || end->ds || size < 4096 ||
	    size > PACKET_BULK_MAX || max < s->spent)
		return -E_INVAL;
	size = (size + 4095) & ~(uint64_t)4095;
	if (size > max - s->spent || (end->source && nslots > UINT32_MAX))
		return -E_INVAL;
	if (ram_alloc(size, &end->mem, &end->ds)) {
		end->ds = 0;
		return -E_NOMEM;
	}
	/* A stream we are the source of, we lay out ourselves. */
	if (end->source &&
	    packet_stream_init_source(&end->src, end->mem, size,
		(uint32_t)nslots, &n)) {
		ram_free(end->mem, end->ds);
		end->ds = 0;
		end->mem = NULL;
		return -E_INVAL;
	}
	end->size = size;
	s->spent += size;
	r->cap = end->ds;
	r->rights = RIGHT_ALL;
	return 0;
}

static int
start(struct packet_server *s, uint64_t info, uint64_t ep, uint64_t badge,
    uint64_t rcv, struct reply *r)
{
	struct packet_end *end = named(s, info, 0);
	struct packet_notify n = {submit, &s->peer};
	int e;

	if (!end || !end->ds || end->started || MSG_NCAPS(info) != 1)
		return -E_INVAL;
	/* The client laid out a stream it is the source of: check it. */
	if (!end->source &&
	    (e = packet_stream_attach_sink(&end->snk, end->mem, end->size, &n)))
		return e;
	if (!s->badged) {
		if (!s->sig && (e = object_create(KOBJ_SIGNAL, &s->sig)))
			return e;
		sys_sig_bind(s->sig, ep);
		if (!(s->peer = slot_alloc()) || !(s->badged = slot_alloc()) ||
		    (e = (int)sys_cap_derive(rcv, 0, s->peer, RIGHT_SEND, 0)) ||
		    (e = (int)sys_cap_derive(s->sig, 0, s->badged,
			 RIGHT_SEND | RIGHT_GRANT, badge))) {
			drop(&s->peer);
			drop(&s->badged);
			return -E_NOMEM;
		}
	}
	end->started = true;
	/* The server loop copies it into the reply (which needs GRANT). */
	r->cap = s->badged;
	r->rights = RIGHT_SEND | RIGHT_GRANT;
	return 0;
}

int
packet_server_call(struct packet_server *s, uint64_t label, uint64_t info,
    uint64_t ep, uint64_t badge, uint64_t rcv, size_t max, struct reply *r)
{
	if (label == PACKET_SESSION_REGION)
		r->error = region(s, info, max, r);
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
	for (unsigned i = 0; i < PACKET_SESSION_STREAMS; i++)
		if (s->end[i].ds) /* unmapped in the client too */
			ram_free(s->end[i].mem, s->end[i].ds);
	drop(&s->peer);
	drop(&s->badged);
	memset(s, 0, sizeof(*s));
	s->sig = sig;
}
