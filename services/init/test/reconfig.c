/*
 * The driver of init's live-reconfiguration scenario. It writes a sequence
 * of configs for an init as reports (report_rom turns them into that
 * init's config ROM) and, after each, waits until that init's state report
 * shows the change, then says so. It checks that a changed <config> does
 * not restart the child, that a changed route does, that quota moves both
 * ways, that a malformed config changes nothing, and that a removed child
 * goes.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#include "state.h"

#define BODY                                                                  \
	"<parent-provides><service name=\"ROM\"/><service name=\"PD\"/>"      \
	"<service name=\"Report\"/></parent-provides>"                        \
	"<default-route><any-service><parent/></any-service></default-route>" \
	"<report/>"                                                           \
	"<start name=\"server_a\" binary=\"test_hello_server\">"              \
	"<config greeting=\"server A greets\"/></start>"                      \
	"<start name=\"server_b\" binary=\"test_hello_server\">"              \
	"<config greeting=\"server B greets\"/></start>"

#define PINGER(server)                                                    \
	"<start name=\"pinger\" binary=\"test_hello_client\">"            \
	"<config stay=\"yes\"><session service=\"Hello\" expect=\"ok\"/>" \
	"</config><route><service name=\"Hello\"><child name=\"" server   \
	"\"/></service><any-service><parent/></any-service></route></start>"

#define WATCHER(ram, caps, value)                                           \
	"<start name=\"watcher\" binary=\"test_config_watcher\" ram=\"" ram \
	"\" caps=\"" caps "\"><config value=\"" value "\"/></start>"

static const char *const steps[] = {
    "<config>" BODY PINGER("server_a") WATCHER("1M", "1000", "1") "</config>",
    "<config>" BODY PINGER("server_a") WATCHER("1M", "1000", "2") "</config>",
    "<config>" BODY PINGER("server_b") WATCHER("1M", "1000", "2") "</config>",
    "<config>" BODY PINGER("server_b") WATCHER("2M", "1500", "2") "</config>",
    "<config>" BODY PINGER("server_b") WATCHER("1M", "1000", "2") "</config>",
    "<config>" BODY "<start name=\"broken\"></config>",
    "<config>" BODY PINGER("server_b") "</config>",
};

static struct rom state, seen;

static bool
running(const char *name)
{
	struct config_node c;
	char s[16] = "";

	return state_child(name, &c) &&
	    !config_attr_copy(c, "state", s, sizeof(s)) &&
	    !strcmp(s, "running");
}

static bool
seen_is(const char *value)
{
	return seen.size == strlen(value) &&
	    !memcmp(seen.data, value, seen.size);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct report cfg;
	struct config_error err;
	uint64_t sig, copy = slot_alloc(), watcher = 0, pinger = 0;

	if (report_open(&cfg, "config", 4096) || rom_open(&state, "state") ||
	    rom_open(&seen, "seen") || object_create(KOBJ_SIGNAL, &sig) ||
	    !copy ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rom_sigh(&state, copy) || rom_sigh(&seen, copy)) {
		log_printf("cannot set up");
		return 1;
	}
	for (unsigned k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		size_t n = strlen(steps[k]);
		bool done = false;

		memcpy(cfg.buf, steps[k], n);
		report_submit(&cfg, n);
		for (unsigned tries = 0; !done && tries < 10000; tries++) {
			uint64_t applied = 0, refused = 0;

			sys_sig_wait(sig, NULL);
			rom_update(&state);
			rom_update(&seen);
			if (config_parse(&state_doc, state.data, state.size,
				&err))
				continue;
			/* Wait for this config (the malformed one is not
			 * applied, but counted as rejected). */
			config_attr_u64(config_root(&state_doc), "config", 0,
			    &applied);
			config_attr_u64(config_root(&state_doc), "rejected", 0,
			    &refused);
			if (k == 5 ? refused < 1
				   : applied < (k > 5 ? k : k + 1))
				continue;
			switch (k) {
			case 0:
				done = seen_is("1") &&
				    state_served_by("pinger", "server_a");
				watcher = state_attr("watcher", "instance");
				pinger = state_attr("pinger", "instance");
				break;
			case 1:
				done = seen_is("2");
				break;
			case 2:
				done = state_served_by("pinger", "server_b");
				break;
			case 3:
				done =
				    state_attr("watcher", "ram") == 2u << 20 &&
				    state_attr("watcher", "caps") == 1500;
				break;
			case 4:
				done =
				    state_attr("watcher", "ram") == 1u << 20 &&
				    state_attr("watcher", "caps") == 1000;
				break;
			case 5:
				done = running("watcher") && running("pinger");
				break;
			case 6:
				done = !state_child("watcher", NULL) &&
				    running("server_b");
				break;
			}
		}
		if (!done) {
			log_printf("step %u: the state never showed the change",
			    k + 1);
			return 1;
		}
		switch (k) {
		case 0:
			log_printf(
			    "step 1: started; watcher saw value 1, pinger "
			    "talks to server_a");
			break;
		case 1:
			log_printf(
			    "step 2: watcher saw value 2, instance %lu -> %lu",
			    watcher, state_attr("watcher", "instance"));
			break;
		case 2:
			log_printf(
			    "step 3: route changed, pinger (instance %lu -> "
			    "%lu) talks to server_b",
			    pinger, state_attr("pinger", "instance"));
			break;
		case 3:
			log_printf("step 4: watcher quota raised to %lu KiB "
				   "and caps=%lu",
			    state_attr("watcher", "ram") / 1024,
			    state_attr("watcher", "caps"));
			break;
		case 4:
			log_printf("step 5: watcher quota lowered to %lu KiB "
				   "and caps=%lu",
			    state_attr("watcher", "ram") / 1024,
			    state_attr("watcher", "caps"));
			break;
		case 5:
			log_printf("step 6: malformed config rejected; watcher "
				   "instance %lu and pinger still running",
			    state_attr("watcher", "instance"));
			break;
		case 6:
			log_printf("step 7: watcher removed; server_a %s, "
				   "server_b %s",
			    running("server_a") ? "running" : "gone",
			    running("server_b") ? "running" : "gone");
			break;
		}
	}
	log_printf("all steps done");
	return 0;
}
