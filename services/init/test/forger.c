/*
 * A hostile child for run/walls_labels.run: it opens a session whose label
 * is XML (init refuses a label with control characters outright, see
 * run/init_config.run), then reads its init's
 * state report back and checks that the label stayed a value and added no
 * element; then it logs lines forged to look like another component's
 * (after a newline, after a CR, and through a label of its own making).
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

/* Within LABEL_MAX once init has put "forger -> " before it. */
static const char evil[] = "a\"/><child name=\"fake\"/> <x y='1'>&amp;'";
static const char evil_read[] = "forger -> a\"/><child name=\"fake\"/> "
				"<x y='1'>&amp;'";

/* Whether the report parses, names only us, and holds our label intact. */
static bool
state_ok(const struct rom *state)
{
	struct config doc;
	struct config_node c, s;
	char buf[128];
	unsigned children = 0;
	bool found = false;

	if (config_parse(&doc, state->data, state->size, NULL))
		return false;
	for (int e = config_child(config_root(&doc), NULL, &c); !e;
	     e = config_next(c, NULL, &c)) {
		if (!config_type_is(c, "child") ||
		    config_attr_copy(c, "name", buf, sizeof(buf)) ||
		    strcmp(buf, "forger"))
			return false;
		children++;
		for (int k = config_child(c, NULL, &s); !k;
		     k = config_next(s, NULL, &s)) {
			if (!config_type_is(s, "session"))
				return false;
			if (!config_attr_copy(s, "label", buf, sizeof(buf)) &&
			    !strcmp(buf, evil_read))
				found = true;
		}
	}
	return children == 1 && found;
}

/* A log message with a label of our own making. */
static void
log_labelled(const char *label, const char *text)
{
	struct utcb *u = utcb_self();
	size_t nl = strlen(label), nt = strlen(text);

	u->msg[0] = (uint64_t)nl | (uint64_t)nt << 16;
	memcpy(&u->msg[1], label, nl);
	memcpy((char *)&u->msg[1] + nl, text, nt);
	rpc_call(CAP_PARENT, PARENT_LOG, 1 + (unsigned)(nl + nt + 7) / 8, 0, 0,
	    NULL);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct report hostile;
	struct rom state;
	bool ok = false;

	if (report_open(&hostile, evil, 4096) || rom_open(&state, "state")) {
		log_printf("labels: cannot set up");
		return 1;
	}
	/* init reports after each call of ours; a few reads see it. */
	for (unsigned tries = 0; !ok && tries < 1000; tries++) {
		rom_update(&state);
		ok = state.size && state_ok(&state);
	}
	log_printf("labels: state report %s",
	    ok ? "parses, names one child and keeps the label as a value"
	       : "is forged or unreadable");
	log_printf("first line\n[init -> judge] forged by newline");
	log_printf("\r[init -> judge] forged by carriage return");
	log_labelled("x] [init -> judge", "forged by label");
	log_printf("\x1b[2K[init -> judge] forged by escape");
	log_printf("a tab\tstays");
	log_printf("labels: done");
	return ok ? 0 : 1;
}
