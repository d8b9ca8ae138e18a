/*
 * Core as init's parent: init's log lines, its exit, the session calls
 * (service.c), and the faults of every PD's threads.
 */
#include "service.h"

#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/string.h>
#include <kernel/syscalls.h>

/*
 * s as a child may show it: a control character (a CR back to the start of
 * the line, an escape sequence) as '?', and in a label a bracket and a tab
 * too, so nothing it sends can end its own prefix or begin another's. A
 * tab in the text stays (cat -n writes them); it starts no line.
 */
static void
log_clean(char *out, const char *s, unsigned n, bool label)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool bad = (c < 0x20 && (label || c != '\t')) || c == 0x7f ||
		    (label && (c == '[' || c == ']'));

		out[i] = bad ? '?' : (char)c;
	}
}

/* Every line of a child's log text on a line of its own, each with the
 * prefix its forwarders wrote, so none can pass for another's line. */
static void
log_child(const struct parent_log *log)
{
	static char label[PARENT_LOG_MAX], line[PARENT_LOG_MAX];
	unsigned at = 0;

	log_clean(label, log->label, log->nlabel, true);
	do {
		unsigned n = 0;

		while (at + n < log->ntext && log->text[at + n] != '\n')
			n++;
		log_clean(line, log->text + at, n, false);
		log_printf(log->nlabel ? "[init -> %.*s] %.*s"
				       : "[init%.*s] %.*s",
		    (int)log->nlabel, label, (int)n, line);
		at += n + 1;
	} while (at < log->ntext);
}

int
child_call(uint64_t label, uint64_t info)
{
	uint64_t *w = utcb_self()->msg;

	switch (label) {
	case PARENT_LOG: {
		struct parent_log log;

		if (parent_log_parse(w, MSG_NWORDS(info), &log))
			return -E_INVAL;
		log_child(&log);
		return 0;
	}
	case PARENT_EXIT:
		log_printf("core: init exited with code %ld", (long)w[0]);
		power_off((unsigned)w[0]);
	case PARENT_SESSION:
		return open_session(info);
	case PARENT_CLOSE:
		return close_session(w[0]);
	case PARENT_UPGRADE:
		return upgrade_session(w[0], w[1],
		    MSG_NWORDS(info) > 2 ? w[2] : 0);
	}
	return -E_DENIED;
}

/*
 * A page fault in a region map is resolved and the thread resumes. Any
 * other fault stops the thread and goes to the PD's fault signal, for its
 * parent to fetch with PD_FAULT.
 */
int
fault(uint64_t badge)
{
	uint64_t *w = utcb_self()->msg, idx = BADGE_IDX(badge);
	struct pd_session *p = pds_of(idx / PDS_THREADS, BADGE_GEN(badge));
	uint64_t t = idx % PDS_THREADS;

	if (!p || !p->threads[t])
		return -E_CAP;
	if (w[FAULT_W_KIND] == FAULT_PAGE &&
	    !pds_resolve(p, w[FAULT_W_ADDR], w[FAULT_W_ERROR]))
		return 0;
	p->fault = (struct pd_fault){w[FAULT_W_KIND], w[FAULT_W_ADDR],
	    w[FAULT_W_IP], t};
	sys_thread_stop(p->threads[t]);
	if (p->fault_sigh)
		sys_sig_submit(p->fault_sigh);
	else
		log_printf("core: '%s' faulted (kind %lu) at %lx, ip %lx",
		    p->label, w[FAULT_W_KIND], w[FAULT_W_ADDR], w[FAULT_W_IP]);
	return 0;
}
