/*
 * The server side of starting programs: a thread of the backend answers
 * our children's calls on our endpoint. Their parent protocol (sessions,
 * forwarded to our parent labelled with the child's name, or served by
 * us; more RAM; exit), their "config" ROMs, which spawn.c writes, and
 * the Fd sessions (session/fd.h) through which a child reaches the open
 * files it inherited, so pipes and files are shared as POSIX says.
 * Every call holds the backend's lock; nothing here waits for a child.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <base/config.h>
#include <base/error.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <session/fd.h>
#include <session/pd.h>
#include <session/rom.h>

#include "libc.h"
#include "spawn.h"
#include "vfs.h"

/*
 * A child's sessions, its descendants' among them (each asks for a PD and
 * ROMs, through us): the table grows as they come; the slots each one
 * costs us are what bounds it, and a child beyond this many is refused.
 */
#define PROC_SESSIONS_MAX 4096u
#define FD_SESSIONS 64u
/* Config ROM sessions: each child opens its own config a few times. */
#define CONFIG_SESSIONS (PROCS * 16u)
#define EXPORTS 64u
#define SERVER_STACK 16384u
#define RAM_STEP (1ul << 20)    /* what a child gets more, at least */
#define RAM_ASK_MAX (1ul << 40) /* the most it may ask for at once */
#define CAPS_STEP 64u           /* capabilities, likewise */
#define CAPS_ASK_MAX (1ul << 20)
#define FUTEX_WAKE 1

/* What a capability on our endpoint names: the badge. */
enum kind {
	K_PARENT = 1, /* a child's parent protocol */
	K_CONFIG = 2, /* a child's config ROM */
	K_FD = 3      /* an Fd session */
};
#define BADGE(kind, idx) ((uint64_t)(kind) << 56 | (idx))
#define BADGE_KIND(b) ((unsigned)((b) >> 56))
#define BADGE_IDX(b) ((unsigned)((b)&0xffff))

/* Our open files that a child inherited: what <fd file="H"/> names. */
static struct {
	struct file *file;
	unsigned proc;
} exports[EXPORTS];

static struct {
	struct file *file;
	unsigned proc;
	uint64_t sigh;
} fd_sessions[FD_SESSIONS];
static struct session_slot fd_slots[FD_SESSIONS];
static struct session_table fd_table = {"libc", K_FD, FD_SESSIONS, fd_slots};
/* Config ROM sessions: which child's config each one reads. */
static unsigned config_proc[CONFIG_SESSIONS];
static struct session_slot config_slots[CONFIG_SESSIONS];
static struct session_table config_table = {"libc", K_CONFIG, CONFIG_SESSIONS,
    config_slots};

static uint64_t ep, ep_sig, rcv;
volatile int spawn_ended;

/* A session of a child's ends: one of our Fd sessions, or our parent's. */
static void
session_end(struct proc *p, unsigned s)
{
	if (p->sessions[s].fd) {
		int f = server_session_close(&fd_table, p->sessions[s].id);

		if (f >= 0) {
			vfs_file_release(fd_sessions[f].file);
			fd_sessions[f].file = NULL;
			if (fd_sessions[f].sigh) {
				sys_cap_delete(fd_sessions[f].sigh);
				slot_free(fd_sessions[f].sigh);
				fd_sessions[f].sigh = 0;
			}
		}
	} else if (p->sessions[s].config) {
		server_session_close(&config_table, p->sessions[s].id);
	} else if (p->sessions[s].cap) {
		child_parent_close(&p->acct, &p->sessions[s].grant,
		    p->sessions[s].cap, p->sessions[s].id);
	}
	p->sessions[s].used = false;
}

void
children_end(unsigned idx, int status)
{
	struct proc *p = &procs[idx];

	if (!p->running)
		return;
	for (unsigned s = 0; s < p->nsessions; s++)
		if (p->sessions[s].used)
			session_end(p, s);
	heap_free(p->sessions);
	p->sessions = NULL;
	p->nsessions = 0;
	for (unsigned i = 0; i < EXPORTS; i++) {
		if (exports[i].file && exports[i].proc == idx) {
			vfs_file_release(exports[i].file);
			exports[i].file = NULL;
		}
	}
	child_pd_close(&p->acct);
	if (p->fault_sig) {
		sys_cap_delete(p->fault_sig);
		slot_free(p->fault_sig);
		p->fault_sig = 0;
	}
	child_config_free(&p->cfg);
	p->running = false;
	p->status = status;
	__atomic_add_fetch(&spawn_ended, 1, __ATOMIC_SEQ_CST);
	libc_futex(&spawn_ended, FUTEX_WAKE, INT_MAX, NULL, NULL);
}

void
spawn_file_changed(const void *node)
{
	for (unsigned i = 0; i < FD_SESSIONS; i++)
		if (fd_sessions[i].file && fd_sessions[i].sigh &&
		    vfs_file_node(fd_sessions[i].file) == node)
			sys_sig_submit(fd_sessions[i].sigh);
}

static int
session_slot(struct proc *p)
{
	unsigned n, old = p->nsessions;
	struct proc_session *more;

	for (unsigned s = 0; s < p->nsessions; s++)
		if (!p->sessions[s].used)
			return (int)s;
	n = old ? 2 * old : 16;
	if (n > PROC_SESSIONS_MAX || !(more = heap_alloc(n * sizeof(*more)))) {
		log_printf("libc: no room for session %u of '%s'", old + 1,
		    p->name);
		return -E_NOMEM;
	}
	if (p->sessions)
		memcpy(more, p->sessions, old * sizeof(*more));
	heap_free(p->sessions);
	p->sessions = more;
	p->nsessions = n;
	return (int)old; /* the first new one */
}

/* An Fd session for the file a child inherited as handle h. */
static int
fd_open(unsigned idx, uint64_t h, struct reply *r, int slot)
{
	struct proc *p = &procs[idx];
	uint64_t remote, *w = utcb_self()->msg;
	char args[32];
	int i, e;

	if (h >= EXPORTS || !exports[h].file || exports[h].proc != idx) {
		log_printf("libc: '%s' asks for file %lu, not its own", p->name,
		    h);
		return -E_DENIED;
	}
	/* A file we inherited ourselves: the child asks our parent for it. */
	if (vfs_file_remote(exports[h].file, &remote)) {
		fmt_snprintf(args, sizeof(args), "file=%lu", remote);
		if ((e = session_open_args("Fd", "fd", args, 0,
			 &p->sessions[slot].cap, &p->sessions[slot].id)))
			return e;
		r->cap = p->sessions[slot].cap;
		p->sessions[slot].used = true;
		w[0] = (uint64_t)slot;
		r->words = 1;
		return 0;
	}
	if ((i = server_session_open(&fd_table, ep, RIGHT_SEND | RIGHT_GRANT,
		 r)) < 0)
		return i;
	vfs_file_hold(exports[h].file);
	fd_sessions[i].file = exports[h].file;
	fd_sessions[i].proc = idx;
	p->sessions[slot].used = true;
	p->sessions[slot].fd = true;
	p->sessions[slot].cap = 0;
	p->sessions[slot].id = session_table_badge(&fd_table, (unsigned)i);
	w[0] = (uint64_t)slot; /* the child closes it by its slot with us */
	r->words = 1;
	return 0;
}

static int
open_session(unsigned idx, uint64_t info, struct reply *r)
{
	struct proc *p = &procs[idx];
	uint64_t *w = utcb_self()->msg;
	struct session_request q;
	int slot, e;

	if (session_request_get(w, MSG_NWORDS(info), &q))
		return -E_INVAL;
	if ((slot = session_slot(p)) < 0)
		return slot;
	p->sessions[slot] = (struct proc_session){0};
	if (!strcmp(q.service, "ROM") && !strcmp(q.label, "config")) {
		if ((e = server_session_open(&config_table, ep,
			 RIGHT_SEND | RIGHT_GRANT, r)) < 0)
			return e;
		config_proc[e] = idx;
		p->sessions[slot].used = true;
		p->sessions[slot].config = true;
		p->sessions[slot].id =
		    session_table_badge(&config_table, (unsigned)e);
		w[0] = (uint64_t)slot; /* the child closes it by its slot */
		return 0;
	}
	if (!strcmp(q.service, "Fd"))
		return fd_open(idx, session_arg(q.args, "file", ~0ul), r, slot);
	if ((e = child_parent_open(&p->acct, &q, &p->sessions[slot].grant,
		 &p->sessions[slot].cap, &p->sessions[slot].id)))
		return e;
	fmt_snprintf(p->sessions[slot].service, SERVICE_NAME_MAX, "%s",
	    q.service);
	p->sessions[slot].used = true;
	r->cap = p->sessions[slot].cap;
	w[0] = (uint64_t)slot;
	r->words = 1;
	return 0;
}

static int
close_session(unsigned idx, uint64_t s)
{
	struct proc *p = &procs[idx];

	if (s >= p->nsessions || !p->sessions[s].used)
		return -E_NOENT;
	session_end(p, (unsigned)s);
	return 0;
}

/*
 * A child needs more RAM or capabilities than its quota (PARENT_RESOURCE):
 * we raise its PD session's quotas, which our parent takes from ours, so
 * the tree of programs shares what the shell was given instead of halving
 * it at every generation.
 */
static int
more(unsigned idx, uint64_t bytes, uint64_t caps)
{
	struct child_account *a = &procs[idx].acct;
	uint64_t ram = a->ram, was = a->ram;
	int e;

	if ((!bytes && !caps) || bytes > RAM_ASK_MAX || caps > CAPS_ASK_MAX)
		return -E_INVAL;
	if (bytes)
		ram += (bytes + RAM_STEP - 1) / RAM_STEP * RAM_STEP + RAM_STEP;
	caps = (caps + CAPS_STEP - 1) / CAPS_STEP * CAPS_STEP;
	spawn_reserve(ram - was, caps);
	if ((e = child_account_set(a, ram, a->paid, a->earned)) ||
	    (caps && (e = child_caps_set(a, a->caps + caps, a->caps_given)))) {
		if (ram != was)
			child_account_set(a, was, a->paid, a->earned);
		log_printf("libc: no more resources for '%s' (%lu KiB and %lu "
			   "caps asked, error %d)",
		    a->name, bytes >> 10, caps, -e);
		return e;
	}
	return 0;
}

/* A child resizes a session it has from our parent (a PD session for a
 * grandchild): it pays a raise, our parent decides. */
static int
upgrade(unsigned idx, uint64_t s, uint64_t quota, uint64_t caps)
{
	struct proc *p = &procs[idx];
	struct proc_session *ps;

	if (s >= p->nsessions || !(ps = &p->sessions[s])->used || ps->fd ||
	    !ps->cap)
		return -E_NOSYS;
	return child_parent_upgrade(&p->acct, ps->service, &ps->grant, ps->id,
	    quota, caps);
}

static int
parent_call(unsigned idx, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;

	switch (MSG_LABEL(info)) {
	case PARENT_LOG:
		return log_forward(procs[idx].name, MSG_NWORDS(info));
	case PARENT_EXIT:
		children_end(idx,
		    w[0] & PARENT_EXIT_SIGNAL ? (int)(w[0] & 0x7f)
					      : (int)(w[0] & 0xff) << 8);
		return -E_ABORT;
	case PARENT_SESSION:
		return open_session(idx, info, r);
	case PARENT_CLOSE:
		return close_session(idx, w[0]);
	case PARENT_HEARTBEAT:
		return 0;
	case PARENT_RESOURCE:
		return more(idx, w[0], MSG_NWORDS(info) > 1 ? w[1] : 0);
	case PARENT_UPGRADE:
		return upgrade(idx, w[0], w[1],
		    MSG_NWORDS(info) > 2 ? w[2] : 0);
	}
	return -E_NOSYS; /* no services of children */
}

static int
fd_error(long e)
{
	switch (e) {
	case -EAGAIN:
		return -E_AGAIN;
	case -EPIPE:
		return -E_ABORT;
	case -ESPIPE:
		return -E_NOSYS;
	case -EBADF:
	case -EINVAL:
	case -EISDIR:
		return -E_INVAL;
	}
	return -E_IO;
}

static int
fd_call(unsigned s, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct file *f = fd_sessions[s].file;
	char buf[FD_DATA_MAX];
	struct stat st;
	long n;

	switch (MSG_LABEL(info)) {
	case FD_READ:
		n = vfs_file_read(f, buf,
		    w[0] < FD_DATA_MAX ? w[0] : FD_DATA_MAX, false);
		if (n < 0)
			return fd_error(n);
		w[0] = (uint64_t)n;
		memcpy(&w[1], buf, (size_t)n);
		r->words = 1 + (unsigned)(n + 7) / 8;
		return 0;
	case FD_WRITE:
		if (w[0] > FD_DATA_MAX || MSG_NWORDS(info) < 1 + (w[0] + 7) / 8)
			return -E_INVAL;
		memcpy(buf, &w[1], w[0]);
		if ((n = vfs_file_write(f, buf, w[0], false)) < 0)
			return fd_error(n);
		w[0] = (uint64_t)n;
		r->words = 1;
		return 0;
	case FD_SIGH:
		if (MSG_NCAPS(info) != 1 || fd_sessions[s].sigh ||
		    !(fd_sessions[s].sigh = slot_alloc()))
			return -E_INVAL;
		return (int)sys_cap_derive(rcv, 0, fd_sessions[s].sigh,
		    RIGHT_SEND, 0);
	case FD_SEEK:
		if ((n = vfs_file_seek(f, (long)w[0], (int)w[1])) < 0)
			return fd_error(n);
		w[0] = (uint64_t)n;
		r->words = 1;
		return 0;
	case FD_STAT:
		vfs_file_stat(f, &st);
		w[0] = st.st_mode;
		w[1] = (uint64_t)st.st_size;
		r->words = 2;
		return 0;
	}
	return -E_NOSYS;
}

/* A child's fault (core's signal, badged with its index) ends it. */
static void
faults(uint64_t badge)
{
	char why[96];

	for (unsigned i = 0; i < PROCS; i++) {
		if (!(badge & (1ul << i)) || !procs[i].running ||
		    !child_fault(&procs[i].acct, why, sizeof(why)))
			continue;
		log_printf("libc: '%s' %s", procs[i].name, why);
		children_end(i, SIGSEGV);
	}
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	unsigned idx = BADGE_IDX(badge);

	r->rights = RIGHT_SEND | RIGHT_GRANT;
	libc_lock(&libc_backend_lock);
	if (MSG_LABEL(info) == SIGNAL_LABEL) {
		faults(badge);
	} else if (BADGE_KIND(badge) == K_FD) {
		int f = session_table_lookup(&fd_table, badge);

		r->error = f < 0 ? f : fd_call((unsigned)f, info, r);
	} else if (BADGE_KIND(badge) == K_CONFIG) {
		int c = session_table_lookup(&config_table, badge);

		r->error = c < 0 ? c
				 : child_config_call(&procs[config_proc[c]].cfg,
				       info, rcv, r);
	} else if (idx >= PROCS || !procs[idx].running) {
		r->error = -E_CAP;
	} else {
		r->error = parent_call(idx, info, r);
	}
	libc_unlock(&libc_backend_lock);
}

static int
serve(void *arg)
{
	(void)arg;
	server_loop(ep, rcv, handle);
}

int __bulkhead_clone(int (*func)(void *), void *stack, int flags, void *arg,
    int *ptid, void *tls, int *ctid);

/* Our endpoint and the thread that serves it, at the first vfork. */
int
children_serve(void)
{
	char *stack;

	libc_lock(&libc_backend_lock);
	if (ep) {
		libc_unlock(&libc_backend_lock);
		return 0;
	}
	if (object_create(KOBJ_ENDPOINT, &ep) ||
	    object_create(KOBJ_SIGNAL, &ep_sig) || sys_sig_bind(ep_sig, ep) ||
	    !(rcv = slot_alloc()) || !(stack = heap_alloc(SERVER_STACK))) {
		libc_unlock(&libc_backend_lock);
		log_printf("libc: cannot serve children");
		return -1;
	}
	libc_unlock(&libc_backend_lock);
	return __bulkhead_clone(serve, stack + SERVER_STACK, 0, NULL, NULL,
		   NULL, NULL) < 0
	    ? -1
	    : 0;
}

int
children_export(struct file *f, unsigned idx)
{
	unsigned h;

	for (h = 0; h < EXPORTS && exports[h].file; h++)
		;
	if (h == EXPORTS)
		return -EMFILE;
	vfs_file_hold(f);
	exports[h].file = f;
	exports[h].proc = idx;
	return (int)h;
}

void
children_parent(unsigned idx, uint64_t *parent, uint64_t *badge)
{
	*parent = ep;
	*badge = BADGE(K_PARENT, idx);
}

/* A child's faults submit our endpoint's signal with its bit. */
int
children_fault_sig(unsigned idx, uint64_t *slot)
{
	if (!(*slot = slot_alloc()))
		return -E_NOMEM;
	return sys_cap_derive(ep_sig, 0, *slot, RIGHT_SEND | RIGHT_GRANT,
	    1ul << idx);
}
