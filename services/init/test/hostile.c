/*
 * A hostile client of init's session bookkeeping. mode="quota": asks for
 * Hello sessions with quotas it cannot have (wrapping ones, 2^63, more
 * than its own) and must be refused each time without its quota moving,
 * then opens and closes an honest one; then raises a PD session from
 * init's parent to such quotas (refused) and by an honest amount.
 * mode="stale": opens a session, has
 * the server exit under it, opens a second one at the restarted server,
 * and closes the first: that close must reach nobody.
 * mode="caps": asks for PDs with capability quotas it cannot give
 * (2^64 - 1, 2^63, all of its own) and raises an honest one's the same
 * way, all refused with its own quota unmoved; then fills its capability
 * space until core refuses to grow it beyond its quota, checks every slot,
 * and frees them all.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>

#include <session/pd.h>

#include "hello.h"

#define HONEST (64u * 1024)

static uint64_t
my_quota(void)
{
	if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL))
		return 0;
	return utcb_self()->msg[0];
}

/* HELLO_SAY on a session: 0 if the server answered. */
static int
say(uint64_t cap, const char *what)
{
	uint64_t info = 0;
	char text[160] = "";
	int e = (int)rpc_call(cap, HELLO_SAY, 0, 0, 0, &info);

	if (!e)
		msg_get_str(utcb_self()->msg, MSG_NWORDS(info), 1,
		    utcb_self()->msg[0], text, sizeof(text));
	log_printf("%s: %s (error %d)", what, e ? "no answer" : text, -e);
	return e;
}

/* PARENT_UPGRADE of a session from init's parent to quota and caps. */
static int
upgrade_caps(uint64_t id, uint64_t quota, uint64_t caps)
{
	utcb_self()->msg[0] = id;
	utcb_self()->msg[1] = quota;
	utcb_self()->msg[2] = caps;
	return (int)rpc_call(CAP_PARENT, PARENT_UPGRADE, 3, 0, 0, NULL);
}

static int
upgrade(uint64_t id, uint64_t quota)
{
	return upgrade_caps(id, quota, 0);
}

/* Our capability quota at core, and how much of it we use. */
static uint64_t
my_caps(uint64_t *used)
{
	uint64_t *w = utcb_self()->msg;

	if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL))
		return 0;
	if (used)
		*used = w[3];
	return w[2];
}

/* PDs and raises with capability quotas we cannot give: all refused. */
static int
caps_pd_mode(uint64_t c0)
{
	const char *asks[] = {"caps=18446744073709551615",
	    "caps=9223372036854775808", "caps=1000"};
	const uint64_t raises[] = {~0ul, 1ul << 63, 1000, 1};
	uint64_t cap, id, now;
	int wrong = 0, e;

	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		e = session_open_args("PD", "greedy", asks[i], HONEST, &cap,
		    &id);
		now = my_caps(NULL);
		log_printf("PD with %s: %s (error %d), my caps %lu", asks[i],
		    e ? "refused" : "GRANTED", -e, now);
		if (!e)
			session_close(cap, id);
		wrong += !e || now != c0;
	}
	if ((e = session_open_args("PD", "honest", "caps=200", HONEST, &cap,
		 &id))) {
		log_printf("honest PD refused (error %d)", -e);
		return 1;
	}
	log_printf("PD with caps=200: my caps %lu", now = my_caps(NULL));
	wrong += now != c0 - 200;
	for (unsigned i = 0; i < sizeof(raises) / sizeof(raises[0]); i++) {
		e = upgrade_caps(id, HONEST, raises[i]);
		now = my_caps(NULL);
		log_printf("PD caps raised to %lu: %s (error %d), my caps %lu",
		    raises[i], e ? "refused" : "GRANTED", -e, now);
		wrong += !e || now != c0 - 200;
	}
	e = upgrade_caps(id, HONEST, 300);
	log_printf("PD caps raised to 300: error %d, my caps %lu", -e,
	    now = my_caps(NULL));
	wrong += e || now != c0 - 300;
	session_close(cap, id);
	log_printf("PD closed: my caps %lu, %lu at the start",
	    now = my_caps(NULL), c0);
	return wrong + (now != c0);
}

#define FILL_MAX 4096u

/* Fill our capability space until core refuses to grow it. */
static int
caps_mode(void)
{
	static uint64_t slots[FILL_MAX];
	uint64_t c0 = my_caps(NULL), used, sig, start, n = 0, bad = 0;
	int wrong = caps_pd_mode(c0);

	start = (uint64_t)sys_kinfo(KINFO_CAPS);
	if (object_create(KOBJ_SIGNAL, &sig))
		return 1;
	while (n < FILL_MAX && (slots[n] = slot_alloc())) {
		if (sys_cap_derive(sig, 0, slots[n], RIGHT_SEND, 0))
			bad++;
		n++;
	}
	for (uint64_t i = 0; i < n; i++)
		bad += sys_cap_same(sig, slots[i]) != 1;
	my_caps(&used);
	log_printf("filled %lu slots (%lu bad): space %ld slots, %lu at the "
		   "start; %lu of caps=%lu in use",
	    n, bad, sys_kinfo(KINFO_CAPS), start, used, c0);
	wrong += bad || n == FILL_MAX ||
	    (uint64_t)sys_kinfo(KINFO_CAPS) <= start || used > c0 ||
	    c0 - used >= CAP_PAGE_SLOTS;
	/* Asking core directly does not get past the quota either. */
	for (unsigned i = 0; i < 100; i++)
		wrong += !rpc_call(CAP_PD, PD_CAPS, 0, 0, 0, NULL);
	for (uint64_t i = 0; i < n; i++) {
		sys_cap_delete(slots[i]);
		slot_free(slots[i]);
	}
	n = slot_alloc();
	log_printf("all freed; a slot again: %s", n ? "yes" : "no");
	return wrong + !n;
}

static int
upgrade_mode(uint64_t q0)
{
	const uint64_t asks[] = {~0ul - 4095, 1ul << 63, 2 * q0};
	uint64_t cap, id, now;
	int wrong = 0, e;

	if ((e = session_open_args("PD", "extra", "caps=200", HONEST, &cap,
		 &id))) {
		log_printf("PD session refused (error %d)", -e);
		return 1;
	}
	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		e = upgrade(id, asks[i]);
		now = my_quota();
		log_printf(
		    "PD raised to %lu: %s (error %d), my quota %lu bytes",
		    asks[i], e ? "refused" : "GRANTED", -e, now);
		wrong += !e || now != q0 - HONEST;
	}
	e = upgrade(id, 2 * HONEST);
	now = my_quota();
	log_printf("PD raised to %u: error %d, my quota %lu bytes", 2 * HONEST,
	    -e, now);
	wrong += e || now != q0 - 2 * HONEST;
	session_close(cap, id);
	return wrong;
}

/*
 * A session whose server spends all it has: closing it, we get back only
 * what the server could give back, and no more than we paid.
 */
static int
keep_mode(uint64_t q0)
{
	uint64_t cap, id, back;
	int e;

	if ((e = session_open("Hello", "keep", HONEST, &cap, &id))) {
		log_printf("keep session refused (error %d)", -e);
		return 1;
	}
	say(cap, "keep session");
	session_close(cap, id);
	back = my_quota() - (q0 - HONEST);
	log_printf("keep session: paid %u, got back %lu bytes", HONEST, back);
	/* What the server kept is ours no more: start again from here. */
	return back >= HONEST;
}

static int
quota_mode(void)
{
	uint64_t q0 = my_quota(), cap, id, now;
	const uint64_t asks[] = {~0ul - 4095, ~0ul, 1ul << 63, 2 * q0,
	    q0 + 4096};
	int wrong = 0, e;

	log_printf("my quota %lu bytes", q0);
	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		e = session_open("Hello", "greedy", asks[i], &cap, &id);
		now = my_quota();
		log_printf("quota %lu: %s (error %d), my quota %lu bytes",
		    asks[i], e ? "refused" : "GRANTED", -e, now);
		if (!e) {
			say(cap, "greedy session");
			session_close(cap, id);
		}
		wrong += !e || now != q0;
	}
	if ((e = session_open("Hello", "honest", HONEST, &cap, &id))) {
		log_printf("honest session refused (error %d)", -e);
		return 1;
	}
	now = my_quota();
	wrong += say(cap, "honest session") != 0 || now != q0 - HONEST;
	session_close(cap, id);
	log_printf("honest session: paid %lu, got back %lu bytes", q0 - now,
	    my_quota() - now);
	wrong += upgrade_mode(q0);
	log_printf("my quota %lu bytes, %lu at the start", my_quota(), q0);
	wrong += my_quota() != q0;
	return wrong + keep_mode(q0);
}

static int
stale_mode(void)
{
	uint64_t q0 = my_quota(), c1, i1, c2, i2;
	int wrong = 0, e;

	if ((e = session_open("Hello", "die", HONEST, &c1, &i1))) {
		log_printf("first session refused (error %d)", -e);
		return 1;
	}
	wrong += say(c1, "first session") == 0; /* the server exits */
	if ((e = session_open("Hello", "second", HONEST, &c2, &i2))) {
		log_printf("second session refused (error %d)", -e);
		return 1;
	}
	/* The first session's id may be the second's at the new server. */
	session_close(c1, i1);
	wrong += say(c2, "second session after the stale close") != 0;
	session_close(c2, i2);
	log_printf("my quota %lu bytes, %lu at the start", my_quota(), q0);
	return wrong + (my_quota() != q0);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	char mode[16] = "quota";
	int wrong;

	if (config_load(&cfg))
		return 1;
	config_attr_copy(config_root(&cfg), "mode", mode, sizeof(mode));
	wrong = !strcmp(mode, "stale") ? stale_mode()
	    : !strcmp(mode, "caps")    ? caps_mode()
				       : quota_mode();
	log_printf("%s", wrong ? "unexpected results" : "all as expected");
	return wrong ? 1 : 0;
}
