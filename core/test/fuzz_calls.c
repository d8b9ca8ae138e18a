/*
 * A hostile component that makes a million random calls to core (its PD
 * session, region maps, dataspaces and whatever sessions it gets, device
 * sessions among them: IO_MEM, IO_PORT, IRQ) and to init (the parent
 * protocol): labels, words, quotas, sizes, slots and
 * capabilities drawn from values that break careless arithmetic. Nothing
 * it does may crash or hang core or init; run/walls_fuzz checks that an
 * honest component keeps ticking meanwhile and that core gets every page
 * back when this one exits.
 *
 * It keeps itself alive: it never maps or unmaps outside a scratch window,
 * never gives capabilities into slots it uses, never starts or stops
 * threads, never replaces its fault signal, and never calls an endpoint of
 * its own (nobody would answer).
 */
#include <base/config.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/io_mem.h>
#include <session/pd.h>

#define POOL 24u /* slots that receive capabilities and are called */
#define SINKS 8u /* slots that only receive (endpoints, signals) */
#define SCRATCH 0x500000000000ul

static uint64_t rng = 0x9e3779b97f4a7c15ul;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t
pick(uint64_t n)
{
	return rnd() % n;
}

/* A word that breaks careless arithmetic, now and then a random one. */
static uint64_t
nasty(void)
{
	static const uint64_t v[] = {0, 1, 2, 4095, 4096, 4097, 0x10000,
	    0x100000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
	    1ul << 40, 1ul << 47, (1ul << 47) - 4096, 1ul << 63,
	    (1ul << 63) - 1, ~0ul, ~0ul - 4095, ~0ul - 1, 0x7ffffffff000,
	    0xffff800000000000};

	if (pick(4) == 0)
		return rnd();
	if (pick(3) == 0)
		return pick(64);
	return v[pick(sizeof(v) / sizeof(v[0]))];
}

static uint64_t pool[POOL], sinks[SINKS];
/* Which of the three kinds of call to make (bits 0-2), to narrow down. */
static uint64_t kinds = 7;

/* An address in the scratch window, or one no PD may have. */
static uint64_t
address(void)
{
	static const uint64_t outside[] = {0x7ffffffff000, 1ul << 47,
	    0xffff800000000000, 1ul << 63, ~0ul & ~0xffful, ~0ul};

	if (pick(3) == 0)
		return outside[pick(sizeof(outside) / sizeof(outside[0]))];
	return SCRATCH + (pick(1u << 20) << 12) +
	    (pick(8) == 0 ? pick(4096) : 0);
}

/* A slot for PD_GIVE or PD_OBJECT: a sink, or one out of range. */
static uint64_t
slot_arg(void)
{
	return pick(2) ? sinks[pick(SINKS)] : nasty();
}

static uint64_t
cap_arg(void)
{
	switch (pick(4)) {
	case 0:
		return 0;
	case 1:
		return CAP_PD;
	default:
		return pool[pick(POOL)];
	}
}

static const char *const services[] = {"ROM", "PD", "LOG", "RAM", "CPU",
    "IO_MEM", "IO_PORT", "IRQ", "Timer", "Report", "", "config", "\xff\xfe",
    "ROMROMROMROMROMR"};

static unsigned
session_words(uint64_t *w)
{
	struct session_request r = {.quota = nasty()};
	unsigned i, n;

	fmt_snprintf(r.service, sizeof(r.service), "%s",
	    services[pick(sizeof(services) / sizeof(services[0]))]);
	n = (unsigned)pick(LABEL_MAX);
	for (i = 0; i + 1 < n; i++)
		r.label[i] = (char)(pick(95) + 32);
	/* The arguments of every kind of session, device ones among them. */
	switch (pick(4)) {
	case 0:
		fmt_snprintf(r.args, sizeof(r.args),
		    "base=%lu size=%lu ram_quota=%lu", nasty(), nasty(),
		    nasty());
		break;
	case 1:
		fmt_snprintf(r.args, sizeof(r.args),
		    "irq=%lu level=%lu low=%lu", pick(4) ? pick(32) : nasty(),
		    pick(3), pick(3));
		break;
	case 2:
		fmt_snprintf(r.args, sizeof(r.args), "msi=%lu caps=%lu cpu=%lu",
		    pick(3), nasty(), nasty());
		break;
	default:
		fmt_snprintf(r.args, sizeof(r.args),
		    "base=0x%lx size=%lu wc=%lu",
		    pick(2) ? 0xfe000000ul + (pick(4096) << 12) : nasty(),
		    pick(2) ? pick(16) << 12 : nasty(), pick(3));
		break;
	}
	n = session_request_put(w, &r);
	/* Now and then the lengths lie. */
	if (pick(8) == 0)
		w[3] = nasty();
	if (pick(8) == 0)
		n = (unsigned)pick(MSG_WORDS_MAX + 1);
	return n;
}

/* One random call; returns its result for the statistics. */
static long
one_call(void)
{
	struct utcb *u = utcb_self();
	uint64_t *w = u->msg, target, label, send = 0, recv = pool[pick(POOL)];
	unsigned words = 2 + (unsigned)pick(6);

	for (unsigned i = 0; i < 8; i++)
		w[i] = nasty();
	unsigned kind;

	do
		kind = (unsigned)pick(3);
	while (!(kinds & (1u << kind)));
	switch (kind) {
	case 0: /* the PD session */
		target = CAP_PD;
		do
			label = pick(16);
		while (label == PD_THREAD || label == PD_STOP ||
		    label == PD_FAULT_SIGH);
		switch (label) {
		case PD_MAP:
			w[0] = address();
			w[1] = pick(4);
			send = pool[pick(POOL)];
			break;
		case PD_UNMAP:
			w[0] = address();
			break;
		case PD_FREE:
			send = pool[pick(POOL)];
			break;
		case PD_GIVE:
			w[0] = slot_arg();
			send = cap_arg();
			break;
		case PD_OBJECT:
			w[1] = slot_arg();
			break;
		case PD_ALLOC:
		case PD_RM_CREATE:
			if (pick(2))
				w[0] = pick(64) << 12;
			break;
		}
		break;
	case 1: /* the parent protocol */
		target = CAP_PARENT;
		do
			label = pick(12);
		while (label == PARENT_EXIT || label == PARENT_LOG);
		if (label == PARENT_SESSION)
			words = session_words(w);
		if (label == PARENT_ANNOUNCE)
			send = cap_arg();
		if (label == PARENT_CLOSE || label == PARENT_UPGRADE)
			w[0] = pick(4) ? pick(64) : nasty();
		break;
	default: /* a capability we got: a region map, dataspace, session */
		target = pool[pick(POOL)];
		label = pick(10);
		if (label == RM_ATTACH) {
			w[0] = pick(2) ? pick(256) << 12 : nasty();
			w[1] = pick(4);
		}
		/* IO_MEM_MAP's address too: device memory mapped over our
		 * own would end us, not core. */
		if (label == IO_MEM_MAP)
			w[0] = address();
		send = cap_arg();
		break;
	}
	if (pick(16) == 0)
		sys_cap_delete(pool[pick(POOL)]);
	if (send == target)
		send = 0;
	u->snd_caps[0] = (uint32_t)send;
	u->rcv_caps[0] = (uint32_t)recv;
	uint64_t info, badge;
	long e = sys_ipc_call(target, MSG_INFO(label, words, send ? 1 : 0),
	    &info, &badge);
	return e ? e : -(long)MSG_LABEL(info);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config config;
	uint64_t calls = 1000000, seed = 1, done, refused = 0;

	if (!config_load(&config)) {
		config_attr_u64(config_root(&config), "calls", calls, &calls);
		config_attr_u64(config_root(&config), "seed", seed, &seed);
		config_attr_u64(config_root(&config), "kinds", kinds, &kinds);
	}
	rng ^= seed * 0x2545f4914f6cdd1dul;
	for (unsigned i = 0; i < POOL; i++)
		pool[i] = slot_alloc();
	for (unsigned i = 0; i < SINKS; i++)
		sinks[i] = slot_alloc();
	if (!pool[POOL - 1] || !sinks[SINKS - 1] || !(kinds & 7)) {
		log_printf("no slots, or no kinds of call");
		return 1;
	}
	log_printf("%lu random calls to core and init", calls);
	for (done = 1; done <= calls; done++) {
		if (one_call())
			refused++;
		if (done % 100000 == 0)
			log_printf("%lu calls, %lu refused", done, refused);
	}
	log_printf("done: %lu calls, %lu refused", calls, refused);
	return 0;
}
