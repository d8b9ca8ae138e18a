/*
 * report_rom: publish and subscribe. A client's Report session publishes a
 * document under the client's label; ROM sessions read the latest version
 * of the report their policy names, and are told by signal when a new
 * version arrives. Each version lives in a dataspace of its own, handed
 * out read-only, so no reader sees a report change under it; it lives as
 * long as it is the latest or a reader still holds it (readers fetch the
 * next one only when they ask), however fast the writer reports.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/report.h>
#include <session/rom.h>

#define REPORTS 16u
#define ROMS 32u
#define REPORT_MAX (64u * 1024)

struct version {
	uint64_t ds; /* our token, 0: none */
	void *ptr;
	size_t len;
	unsigned refs; /* the report's latest, and readers holding it */
};

struct published {
	bool used, open; /* open: a Report session writes it */
	char label[LABEL_MAX];
	uint64_t buf_ds; /* the writer's buffer */
	void *buf;
	size_t size;
	struct version *cur; /* or NULL */
};

struct reader {
	char label[LABEL_MAX];
	unsigned report;
	uint64_t sigh;        /* slot of the reader's signal, or 0 */
	struct version *held; /* what it read last, or NULL */
};

static struct published reports[REPORTS];
static struct reader roms[ROMS];
static unsigned writer_report[REPORTS]; /* a Report session's report */
static struct config config;
static bool verbose; /* config/@verbose: log every version */
static uint64_t ep, rcv;
static struct version empty; /* no report yet: never dropped */

/* Writers and readers: each a table of its own, told apart by kind. */
static struct session_slot writer_slots[REPORTS], rom_slots[ROMS];
static struct session_table writers = {"report_rom", 1, REPORTS, writer_slots};
static struct session_table readers = {"report_rom", 2, ROMS, rom_slots};

static int
find_report(const char *label, bool create)
{
	int free = -1;

	for (unsigned i = 0; i < REPORTS; i++) {
		if (reports[i].used && !strcmp(reports[i].label, label))
			return (int)i;
		if (!reports[i].used && free < 0)
			free = (int)i;
	}
	if (!create || free < 0)
		return -1;
	memset(&reports[free], 0, sizeof(reports[free]));
	reports[free].used = true;
	fmt_snprintf(reports[free].label, LABEL_MAX, "%s", label);
	return free;
}

/* Which report a ROM label reads: its <policy>, or the same label. */
static void
policy(const char *rom_label, char *report, size_t n)
{
	struct config_node p;

	fmt_snprintf(report, n, "%s", rom_label);
	for (int e = config_child(config_root(&config), "policy", &p); !e;
	     e = config_next(p, "policy", &p)) {
		/* A policy that names no label is no policy for everyone. */
		if (config_has_label(p) && config_label_matches(p, rom_label)) {
			config_attr_copy(p, "report", report, n);
			return;
		}
	}
}

static void
drop(struct version *v)
{
	if (!v || --v->refs)
		return;
	ram_free(v->ptr, v->ds);
	heap_free(v);
}

/* Logs a version line by line, each under the report's label. */
static void
log_version(const char *label, const char *text, size_t len)
{
	log_printf("report '%s', %zu bytes:", label, len);
	for (size_t i = 0, end; i < len; i = end + 1) {
		for (end = i; end < len && text[end] != '\n'; end++)
			;
		log_printf("  %.*s", (int)(end - i), text + i);
	}
}

static int
submit(struct published *r, uint64_t len)
{
	struct version *v;
	int e;

	if (len > r->size)
		return -E_RANGE;
	if (!(v = heap_alloc(sizeof(*v))))
		return -E_NOMEM;
	if ((e = ram_alloc(len ? len : 1, &v->ptr, &v->ds))) {
		heap_free(v);
		return e;
	}
	memcpy(v->ptr, r->buf, len);
	v->len = len;
	v->refs = 1;
	if (verbose)
		log_version(r->label, v->ptr, len);
	/* Readers get a signal and fetch the new version. */
	drop(r->cur);
	r->cur = v;
	for (unsigned i = 0; i < ROMS; i++)
		if (rom_slots[i].used && roms[i].sigh &&
		    &reports[roms[i].report] == r)
			sys_sig_submit(roms[i].sigh);
	return 0;
}

static int
create(uint64_t info, struct reply *rp_out)
{
	uint64_t *w = utcb_self()->msg;
	struct session_request req;
	char name[LABEL_MAX];
	const char *service = req.service, *label = req.label;
	int r, i;

	if (session_request_get(w, MSG_NWORDS(info), &req))
		return -E_INVAL;
	if (!strcmp(service, "Report")) {
		if ((r = find_report(label, true)) < 0 || reports[r].open)
			return r < 0 ? -E_NOMEM : -E_BUSY;
		struct published *rp = &reports[r];

		rp->size = req.quota && req.quota < REPORT_MAX ? req.quota
							       : REPORT_MAX;
		if (ram_alloc(rp->size, &rp->buf, &rp->buf_ds))
			return -E_NOMEM;
		if ((i = server_session_open(&writers, ep,
			 RIGHT_SEND | RIGHT_GRANT, rp_out)) < 0) {
			ram_free(rp->buf, rp->buf_ds);
			return i;
		}
		rp->open = true;
		writer_report[i] = (unsigned)r;
		return 0;
	}
	if (!strcmp(service, "ROM")) {
		policy(label, name, sizeof(name));
		if ((r = find_report(name, true)) < 0)
			return -E_NOMEM;
		if ((i = server_session_open(&readers, ep,
			 RIGHT_SEND | RIGHT_GRANT, rp_out)) < 0)
			return i;
		memset(&roms[i], 0, sizeof(roms[i]));
		roms[i].report = (unsigned)r;
		fmt_snprintf(roms[i].label, LABEL_MAX, "%s", label);
		return 0;
	}
	return -E_DENIED;
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	int idx;

	if (!badge && MSG_LABEL(info) == ROOT_CREATE)
		return create(info, r);
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		/* Reports outlive their writer; ROM sessions just go. */
		if (session_table_find(&readers, w[0]) >= 0) {
			idx = server_session_close(&readers, w[0]);
			if (roms[idx].sigh) {
				sys_cap_delete(roms[idx].sigh);
				slot_free(roms[idx].sigh);
			}
			if (roms[idx].held != &empty)
				drop(roms[idx].held);
		} else if ((idx = server_session_close(&writers, w[0])) >= 0) {
			struct published *rep = &reports[writer_report[idx]];

			ram_free(rep->buf, rep->buf_ds);
			rep->open = false;
		}
		return 0;
	}
	if ((idx = session_table_find(&writers, badge)) >= 0) {
		struct published *rep = &reports[writer_report[idx]];

		if (MSG_LABEL(info) == REPORT_DATASPACE) {
			r->cap = rep->buf_ds;
			r->rights = RIGHT_ALL;
			w[0] = rep->size;
			r->words = 1;
			return 0;
		}
		if (MSG_LABEL(info) == REPORT_SUBMIT)
			return submit(rep, w[0]);
		return -E_NOSYS;
	}
	if ((idx = session_table_lookup(&readers, badge)) >= 0) {
		struct reader *rom = &roms[idx];
		struct version *v = reports[rom->report].cur;

		if (MSG_LABEL(info) == ROM_SIGH) {
			if (MSG_NCAPS(info) != 1 || rom->sigh)
				return -E_INVAL;
			if (!(rom->sigh = slot_alloc()) ||
			    sys_cap_derive(rcv, 0, rom->sigh, RIGHT_SEND, 0))
				return -E_NOMEM;
			return 0;
		}
		if (MSG_LABEL(info) == ROM_DATASPACE) {
			if (!v)
				v = &empty;
			/* it holds this one now, and no longer the last */
			if (v != &empty)
				v->refs++;
			if (rom->held && rom->held != &empty)
				drop(rom->held);
			rom->held = v;
			r->cap = v->ds;
			r->rights = RIGHT_SEND | RIGHT_GRANT; /* read-only */
			w[0] = v->len;
			r->words = 1;
			return 0;
		}
	}
	return -E_CAP;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	r->error = call(badge, info, r);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	if (config_load(&config))
		return 1;
	config_attr_bool(config_root(&config), "verbose", false, &verbose);
	if (object_create(KOBJ_ENDPOINT, &ep) || !(rcv = slot_alloc()) ||
	    ram_alloc(1, &empty.ptr, &empty.ds) ||
	    service_announce("Report", ep) || service_announce("ROM", ep)) {
		log_printf("cannot start");
		return 1;
	}
	server_loop(ep, rcv, handle);
}
