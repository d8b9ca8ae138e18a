/*
 * test_block_ram: a Block server (include/session/block.h) over RAM, to
 * show a packet stream carried by a session (run/packet_block.run,
 * run/bench_packet.run). Its store is `blocks` blocks of 512 bytes; each
 * session pays its region from its quota. Every request is checked (op,
 * block range without overflow, whole blocks) and acknowledged, the
 * stream's faults are counted, and a stream whose peer broke it is no
 * longer served; the server goes on with its other sessions. A closed
 * session logs what it did.
 *
 * <config blocks="32768"/>
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/packet_session.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/block.h>

#define SESSIONS 4u
#define BLOCK 512u
#define REQUEST_MAX (64u * 1024)

struct session {
	char label[LABEL_MAX];
	uint64_t quota, requests, bytes, refused;
	struct packet_server ps;
	bool held, dead; /* held: pkt waits for room in the ack queue */
	struct packet pkt;
};

static struct session sessions[SESSIONS];
static struct session_slot slots[SESSIONS];
static struct session_table table = {"block_ram", 0, SESSIONS, slots};
static uint64_t ep, rcv, blocks = 32768;
static uint8_t *store;

/* Carries out one request; the op with BLOCK_DONE if it succeeded. */
static uint32_t
serve(struct session *s, struct packet *p)
{
	uint32_t op = p->op & BLOCK_OP_MASK;
	uint64_t count = p->size / BLOCK;
	uint8_t *data = packet_content(&s->ps.end[0].snk.ps, p);

	if (op == BLOCK_SYNC)
		return op | BLOCK_DONE; /* RAM: everything is on the medium */
	if ((op != BLOCK_READ && op != BLOCK_WRITE) || !data ||
	    p->size % BLOCK || p->size > REQUEST_MAX || p->arg >= blocks ||
	    count > blocks - p->arg) {
		s->refused++;
		return op;
	}
	if (op == BLOCK_READ)
		memcpy(data, store + p->arg * BLOCK, p->size);
	else
		memcpy(store + p->arg * BLOCK, data, p->size);
	s->bytes += p->size;
	return op | BLOCK_DONE;
}

static void
stream(struct session *s)
{
	int e;

	while (!s->dead) {
		if (!s->held) {
			if ((e = packet_get(&s->ps.end[0].snk, &s->pkt)) ==
			    -E_AGAIN)
				return;
			if (e == -E_RANGE) {
				s->refused++;
				continue;
			}
			if (e)
				break;
			s->requests++;
			s->pkt.op = serve(s, &s->pkt);
			s->held = true;
		}
		if ((e = packet_ack(&s->ps.end[0].snk, &s->pkt)) == -E_AGAIN)
			return; /* ACK_READY comes as our signal */
		s->held = false;
		if (e)
			break;
	}
	if (!s->dead) {
		s->dead = true;
		log_printf("'%s': stream broken (%s): no longer served",
		    s->label, packet_fault_name(s->ps.end[0].snk.ps.fault));
	}
}

static int
create(uint64_t info, struct reply *r)
{
	struct session_request req;
	int i;

	if (session_request_get(utcb_self()->msg, MSG_NWORDS(info), &req))
		return -E_INVAL;
	if ((i = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0)
		return i;
	uint64_t sig = sessions[i].ps.sig; /* kept for the slot's sessions */

	memset(&sessions[i], 0, sizeof(sessions[i]));
	sessions[i].ps.sig = sig;
	packet_server_init(&sessions[i].ps, 1, 0); /* the client's source */
	sessions[i].quota = req.quota;
	fmt_snprintf(sessions[i].label, sizeof(sessions[i].label), "%s",
	    req.label);
	r->words = 1;
	return 0;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, label = MSG_LABEL(info);
	struct session *s;
	int i;

	if (!badge && label == ROOT_CREATE) {
		r->error = create(info, r);
		return;
	}
	if (!badge && label == ROOT_CLOSE) {
		if ((i = server_session_close(&table, w[0])) < 0)
			return;
		s = &sessions[i];
		/* What the client submitted before it closed is handled
		 * first: its signal may still be on its way. */
		if (s->ps.end[0].started)
			stream(s);
		log_printf("'%s' closed: %lu requests, %lu bytes, %lu refused, "
			   "%u stream faults",
		    s->label, s->requests, s->bytes, s->refused,
		    s->ps.end[0].snk.ps.nfaults);
		packet_server_close(&s->ps);
		return;
	}
	if ((i = session_table_lookup(&table, badge)) < 0) {
		r->error = i;
		return;
	}
	s = &sessions[i];
	if (label == SIGNAL_LABEL) {
		if (s->ps.end[0].started)
			stream(s);
		return;
	}
	if (packet_server_call(&s->ps, label, info, ep, badge, rcv, s->quota,
		r))
		return;
	if (label == BLOCK_INFO) {
		w[0] = BLOCK;
		w[1] = blocks;
		w[2] = BLOCK_WRITEABLE;
		w[3] = REQUEST_MAX;
		r->words = 4;
		return;
	}
	r->error = -E_NOSYS;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	uint64_t ds;
	void *p;

	if (!config_load(&cfg))
		config_attr_u64(config_root(&cfg), "blocks", 32768, &blocks);
	if (!blocks || blocks > (1u << 20) ||
	    ram_alloc(blocks * BLOCK, &p, &ds) ||
	    object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    service_announce("Block", ep)) {
		log_printf("cannot serve %lu blocks", blocks);
		return 1;
	}
	store = p;
	log_printf("%lu blocks of %u bytes", blocks, BLOCK);
	server_loop(ep, rcv, handle);
}
