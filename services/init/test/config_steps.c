/*
 * The driver of init's config-handling scenario: it writes a sequence of
 * configs for an init as reports (report_rom turns them into that init's
 * config ROM) and, after each, waits until that init's state report counts
 * it as applied or rejected, then says so with the instance and quota of
 * the children that must keep running. It shows that a live <config>
 * change leaves a server that keeps its config (report_rom) able to open
 * new sessions, that a child without a <config> reads an empty one, and
 * that each hostile config is refused whole. First it asks for sessions
 * whose labels are not text, which init must refuse.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#include "state.h"

#define HEAD                                                                  \
	"<config>"                                                            \
	"<parent-provides><service name=\"ROM\"/><service name=\"PD\"/>"      \
	"</parent-provides>"                                                  \
	"<default-route><any-service><parent/></any-service></default-route>" \
	"<report/>"                                                           \
	"<start name=\"bare\" binary=\"test_config_watcher\"/>"

#define RR(policy)                                               \
	"<start name=\"rr\" binary=\"report_rom\"><provides>"    \
	"<service name=\"ROM\"/><service name=\"Report\"/>"      \
	"</provides><config><policy label=\"reader -> config\" " \
	"report=\"" policy "\"/></config></start>"

#define KEEPER(attrs)                                                  \
	"<start name=\"keeper\" binary=\"test_config_watcher\" " attrs \
	"><config value=\"kept\"/></start>"

#define READER                                                          \
	"<start name=\"reader\" binary=\"test_config_watcher\"><route>" \
	"<service name=\"ROM\" label=\"config\"><child name=\"rr\"/>"   \
	"</service><any-service><parent/></any-service></route></start>"

#define LONG "0123456789abcdef"
#define LONG100 LONG LONG LONG LONG LONG LONG "0123"

static const struct {
	const char *config;
	bool applied;
} steps[] = {
    {HEAD RR("first") KEEPER("ram=\"2M\"") "</config>", true},
    /* rr's config changes under it, then it serves a new session. */
    {HEAD RR("second") KEEPER("ram=\"2M\"") READER "</config>", true},
    {HEAD RR("second") KEEPER("ram=\"2M\"")
	    READER KEEPER("ram=\"2M\"") "</config>",
	false},
    {HEAD RR("second") KEEPER("ram=\"2M\"") READER
	"<start name=\"other\" binary=\"test_config_watcher\"><route>"
	"<service name=\"ROM\" label=\"" LONG100 "\"><parent/></service>"
	"</route></start></config>",
	false},
    {HEAD RR("second") KEEPER("ram=\"2M\"") READER
	"<start name=\"k\xff\xfe\" binary=\"test_config_watcher\"/>"
	"</config>",
	false},
    {HEAD RR("second") KEEPER("ram=\"99999999999999999999\"") READER
	"</config>",
	false},
    {HEAD RR("second") KEEPER("ram=\"-1M\"") READER "</config>", false},
    {HEAD RR("second") KEEPER("ram=\"2M\"") READER "</config>", true},
};

static struct rom state;

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct report cfg;
	struct config_error err;
	uint64_t sig, copy = slot_alloc(), applied = 0, refused = 0;
	uint64_t keeper = 0, rr = 0; /* their instances after step 1 */

	if (report_open(&cfg, "config", 4096) || rom_open(&state, "state") ||
	    object_create(KOBJ_SIGNAL, &sig) || !copy ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rom_sigh(&state, copy)) {
		log_printf("cannot set up");
		return 1;
	}
	/* A label is text: a cut-off UTF-8 character or a newline is not. */
	static const char *const labels[] = {"caf\xc3", "line\nfeed"};

	for (unsigned k = 0; k < 2; k++) {
		uint64_t cap, id;
		int e = session_open("ROM", labels[k], 0, &cap, &id);

		log_printf("label %u that is no text: %s", k + 1,
		    e == -E_INVAL ? "refused" : "NOT refused");
		if (!e)
			session_close(cap, id);
	}
	for (unsigned k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		size_t n = strlen(steps[k].config);
		bool done = false;

		if (steps[k].applied)
			applied++;
		else
			refused++;
		memcpy(cfg.buf, steps[k].config, n);
		report_submit(&cfg, n);
		for (unsigned tries = 0; !done && tries < 10000; tries++) {
			uint64_t a = 0, r = 0;

			sys_sig_wait(sig, NULL);
			rom_update(&state);
			if (config_parse(&state_doc, state.data, state.size,
				&err))
				continue;
			config_attr_u64(config_root(&state_doc), "config", 0,
			    &a);
			config_attr_u64(config_root(&state_doc), "rejected", 0,
			    &r);
			/* After step 2: the reader got its session at rr. */
			done = a == applied && r == refused &&
			    (k == 0 || state_served_by("reader", "rr"));
		}
		if (!done) {
			log_printf("step %u: the state never showed it", k + 1);
			return 1;
		}
		if (k == 0) {
			keeper = state_attr("keeper", "instance");
			rr = state_attr("rr", "instance");
		}
		log_printf("step %u: %s; keeper %s, ram %lu KiB, rr %s", k + 1,
		    steps[k].applied ? "applied" : "rejected",
		    state_attr("keeper", "instance") == keeper ? "runs on"
							       : "restarted",
		    state_attr("keeper", "ram") / 1024,
		    state_attr("rr", "instance") == rr ? "runs on"
						       : "restarted");
	}
	log_printf("all steps done");
	return 0;
}
