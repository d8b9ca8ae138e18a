/*
 * A ROM server for init's binaries (run/init_rom_server.run): it
 * announces "ROM" and answers every session, whatever its label, with
 * copies in its own RAM of the boot modules its config names, the first
 * for the first ROM_DATASPACE, the next for the next, the last for all
 * after: an installed package that is updated between two starts.
 *
 *   <config modules="test_crasher test_libc_hello" mode="honest"/>
 *
 * The other modes attack the parent that reads the binary:
 *   lie     says the ROM is 64 times the dataspace it gives
 *   region  gives a region map with nothing in it, which faults its reader
 *   hang    never answers ROM_DATASPACE (the reply is parked for good)
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/pd.h>
#include <session/rom.h>

#define SESSIONS 8u
#define MODULES 4u

static struct session_slot slots[SESSIONS];
static struct session_table table = {"rom_server", 0, SESSIONS, slots};
static uint64_t ep;

static struct {
	uint64_t ds, size;
} modules[MODULES];
static unsigned nmodules, fetches;
static char mode[16] = "honest";
static uint64_t region, parked;

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	unsigned m;

	r->rights = RIGHT_SEND | RIGHT_GRANT;
	if (badge == 0) { /* our root */
		int s;

		if (MSG_LABEL(info) == ROOT_CLOSE) {
			r->error = server_session_close(&table, w[0]) < 0
			    ? -E_NOENT
			    : 0;
			return;
		}
		if (MSG_LABEL(info) != ROOT_CREATE) {
			r->error = -E_NOSYS;
			return;
		}
		if ((s = server_session_open(&table, ep,
			 RIGHT_SEND | RIGHT_GRANT, r)) < 0)
			r->error = s;
		return;
	}
	if (session_table_lookup(&table, badge) < 0) {
		r->error = -E_CAP;
		return;
	}
	if (MSG_LABEL(info) == ROM_SIGH) {
		r->error = 0; /* our ROMs change only between fetches */
		return;
	}
	if (MSG_LABEL(info) != ROM_DATASPACE) {
		r->error = -E_NOSYS;
		return;
	}
	if (!strcmp(mode, "hang")) {
		if (!parked && (parked = slot_alloc()) && !server_defer(parked))
			log_printf("rom_server: holding the binary request");
		return;
	}
	if (!strcmp(mode, "region")) {
		r->cap = region;
		w[0] = 1u << 20;
		r->words = 1;
		return;
	}
	m = fetches < nmodules ? fetches : nmodules - 1;
	fetches++;
	/* Logging is a call: before the reply is in our UTCB. */
	log_printf("rom_server: fetch %u gets module %u", fetches, m);
	r->cap = modules[m].ds;
	w[0] = modules[m].size * (!strcmp(mode, "lie") ? 64 : 1);
	r->words = 1;
}

/* A copy of boot module name in our RAM: a dataspace we could change. */
static int
load(const char *name, unsigned i)
{
	struct rom rom;
	void *p;

	if (rom_open(&rom, name) || ram_alloc(rom.size, &p, &modules[i].ds))
		return -1;
	memcpy(p, rom.data, rom.size);
	modules[i].size = rom.size;
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	char names[128], *n, *end;
	struct config cfg;
	uint64_t rcv, *w = utcb_self()->msg;
	struct config_node root;

	if (config_load(&cfg) ||
	    config_attr_copy(root = config_root(&cfg), "modules", names,
		sizeof(names))) {
		log_printf("rom_server: config: no modules");
		return 1;
	}
	if (config_attr_copy(root, "mode", mode, sizeof(mode)))
		fmt_snprintf(mode, sizeof(mode), "honest");
	for (n = names; *n && nmodules < MODULES; n = end) {
		while (*n == ' ')
			n++;
		for (end = n; *end && *end != ' '; end++)
			;
		if (*end)
			*end++ = 0;
		if (*n && load(n, nmodules++)) {
			log_printf("rom_server: no module '%s'", n);
			return 1;
		}
	}
	if (!nmodules)
		return 1;
	w[0] = 1u << 20;
	if (!(region = slot_alloc()) ||
	    rpc_call(CAP_PD, PD_RM_CREATE, 1, 0, region, NULL) ||
	    object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    service_announce("ROM", ep)) {
		log_printf("rom_server: cannot serve");
		return 1;
	}
	log_printf("rom_server: serving %u modules (%s)", nmodules, mode);
	server_loop(ep, rcv, handle);
}
