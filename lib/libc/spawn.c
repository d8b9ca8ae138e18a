/*
 * Starting programs: vfork, execve, posix_spawn, wait4, kill.
 *
 * A program is a child component of ours, built from a file in our VFS
 * (child_build, base/child.h) in a PD session our parent pays from our
 * quota. We are its parent: a server thread of the backend answers its
 * parent protocol on our endpoint. Its "config" ROM is ours to make: its
 * arguments, environment, working directory, our <vfs> node (so it sees
 * the same ROMs) and its descriptors. Every descriptor that is not a
 * device becomes <fd id="N" file="H"/>: H names our open file, and the
 * child reaches it through an Fd session (session/fd.h) that we serve, so
 * pipes and files are shared as POSIX says. Every other session request
 * goes on to our parent, labelled with the child's name.
 *
 * vfork has no second address space to give: the child runs in ours, on
 * the parent's stack below the vfork call, with its own copy of the
 * descriptor table, until it calls execve or _exit. Then the table is
 * restored and vfork returns a second time, in the parent, with the pid.
 * So a vfork child must not return from the function that called vfork,
 * as POSIX says; memory it allocates stays. musl's posix_spawn runs its
 * child this way too (clone with CLONE_VFORK).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <base/child.h>
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
#include "vfs.h"

#define PROCS 16u
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
/* Arguments and environment of a program: their strings and pointers, as
 * Linux counts them, within musl's ARG_MAX (what sysconf says). */
#define SPAWN_ARG_MAX 131072u
/* A config beyond the escaped arguments: cwd, spawn, fds, the tags. */
#define CONFIG_FIXED 8192u
#define SERVER_STACK 16384u
#define STACK 65536u
#define RAM_DEFAULT (8ul << 20) /* a program's quota to start with */
#define RAM_STEP (1ul << 20)    /* what it gets more, at least */
#define RAM_ASK_MAX (1ul << 40) /* the most it may ask for at once */
#define FUTEX_WAIT 0
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

struct proc_session {
	bool used, fd;    /* fd: one of our Fd sessions */
	bool config;      /* its config ROM, served by us */
	uint64_t cap, id; /* else: from our parent */
};

struct proc {
	bool used;    /* has a pid, until waited for */
	bool running; /* its PD exists */
	int pid, status;
	char name[32];
	uint64_t ram, pd, pd_id, fault_sig;
	void *config;
	uint64_t config_ds;
	size_t config_len;
	struct proc_session *sessions;
	unsigned nsessions;
};

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

static struct proc procs[PROCS];
static uint64_t ep, ep_sig, rcv;
static volatile int ended; /* futex: a child ended */
/*
 * Process ids: our parent names us in <process pid ppid>; a component
 * started by init is 1, its parent 0. Our children's ids count up from
 * ours and never repeat ours or our parent's, so kill(getpid()) and
 * kill(getppid()) never reach a child; they are unique among our
 * children (not system-wide: there is no global process table).
 */
static int self_pid = 1, parent_pid;
static int next_pid = 2;

/* The vfork child's state, and where the parent resumes. */
static struct {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
} vctx;
static bool in_vfork;
static struct fd_table *saved;

/* ---- the server: our children's calls ---- */

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
		session_close(p->sessions[s].cap, p->sessions[s].id);
	}
	p->sessions[s].used = false;
}

static void
proc_end(unsigned idx, int status)
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
	session_close(p->pd, p->pd_id);
	if (p->fault_sig) {
		sys_cap_delete(p->fault_sig);
		slot_free(p->fault_sig);
	}
	ram_free(p->config, p->config_ds);
	p->running = false;
	p->status = status;
	__atomic_add_fetch(&ended, 1, __ATOMIC_SEQ_CST);
	libc_futex(&ended, FUTEX_WAKE, INT_MAX, NULL, NULL);
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
	char label[LABEL_MAX];
	int slot, e;

	if (session_request_get(w, MSG_NWORDS(info), &q))
		return -E_INVAL;
	if ((slot = session_slot(p)) < 0)
		return slot;
	p->sessions[slot].fd = false;
	p->sessions[slot].config = false;
	p->sessions[slot].cap = 0;
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
	fmt_snprintf(label, sizeof(label), q.label[0] ? "%s -> %s" : "%s",
	    p->name, q.label);
	if ((e = session_open_args(q.service, label, q.args, q.quota,
		 &p->sessions[slot].cap, &p->sessions[slot].id)))
		return e;
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
 * A child needs more RAM than its quota (PARENT_RESOURCE): we raise its
 * PD session's quota, which our parent takes from ours, so the tree of
 * programs shares what the shell was given instead of halving it at
 * every generation.
 */
static int
more_ram(unsigned idx, uint64_t bytes)
{
	struct proc *p = &procs[idx];
	uint64_t quota;
	int e;

	if (!bytes || bytes > RAM_ASK_MAX)
		return -E_INVAL;
	quota =
	    p->ram + (bytes + RAM_STEP - 1) / RAM_STEP * RAM_STEP + RAM_STEP;
	if ((e = parent_upgrade(p->pd_id, quota))) {
		log_printf("libc: no more RAM for '%s' (%lu KiB asked, "
			   "error %d)",
		    p->name, bytes >> 10, -e);
		return e;
	}
	p->ram = quota;
	return 0;
}

/* A child raises the quota of a session it has from our parent (a PD
 * session for a grandchild): our parent decides. */
static int
upgrade(unsigned idx, uint64_t s, uint64_t quota)
{
	struct proc *p = &procs[idx];

	if (s >= p->nsessions || !p->sessions[s].used || p->sessions[s].fd ||
	    !p->sessions[s].cap)
		return -E_NOSYS;
	return parent_upgrade(p->sessions[s].id, quota);
}

static int
parent_call(unsigned idx, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;

	switch (MSG_LABEL(info)) {
	case PARENT_LOG:
		return log_forward(procs[idx].name, MSG_NWORDS(info));
	case PARENT_EXIT:
		proc_end(idx,
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
		return more_ram(idx, w[0]);
	case PARENT_UPGRADE:
		return upgrade(idx, w[0], w[1]);
	}
	return -E_NOSYS; /* no services of children */
}

static int
config_call(unsigned idx, uint64_t info, struct reply *r)
{
	switch (MSG_LABEL(info)) {
	case ROM_DATASPACE:
		r->cap = procs[idx].config_ds;
		utcb_self()->msg[0] = procs[idx].config_len;
		r->words = 1;
		return 0;
	case ROM_SIGH:
		return 0; /* the config never changes */
	}
	return -E_NOSYS;
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
	uint64_t *w = utcb_self()->msg;

	for (unsigned i = 0; i < PROCS; i++) {
		if (!(badge & (1ul << i)) || !procs[i].running ||
		    rpc_call(procs[i].pd, PD_FAULT, 0, 0, 0, NULL) || !w[0])
			continue;
		log_printf("libc: '%s' faulted at %lx, ip %lx", procs[i].name,
		    w[1], w[2]);
		proc_end(i, SIGSEGV);
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

		r->error = c < 0 ? c : config_call(config_proc[c], info, r);
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
static int
server_start(void)
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

/* ---- vfork ---- */

long __bulkhead_vfork(void) __attribute__((returns_twice));
long libc_vfork_begin(void);
_Noreturn void libc_vfork_resume(long pid);
int *__errno_location(void);

/* Saves where the parent resumes, then continues as the child. */
__asm__(".text\n.globl __bulkhead_vfork\n__bulkhead_vfork:\n"
	"	lea vctx(%rip), %rax\n"
	"	mov %rbx, 0(%rax)\n"
	"	mov %rbp, 8(%rax)\n"
	"	mov %r12, 16(%rax)\n"
	"	mov %r13, 24(%rax)\n"
	"	mov %r14, 32(%rax)\n"
	"	mov %r15, 40(%rax)\n"
	"	lea 8(%rsp), %rdx\n"
	"	mov %rdx, 48(%rax)\n"
	"	mov (%rsp), %rdx\n"
	"	mov %rdx, 56(%rax)\n"
	"	jmp libc_vfork_begin\n");

long
libc_vfork_begin(void)
{
	if (server_start())
		goto fail;
	libc_lock(&libc_backend_lock);
	if (in_vfork || !(saved = vfs_fds_save())) {
		libc_unlock(&libc_backend_lock);
		goto fail;
	}
	in_vfork = true;
	libc_unlock(&libc_backend_lock);
	return 0;
fail:
	*__errno_location() = EAGAIN;
	return -1;
}

int
libc_vfork_child(void)
{
	return in_vfork;
}

/* Called with the backend's lock: back to the parent, with pid. */
_Noreturn void
libc_vfork_resume(long pid)
{
	vfs_fds_restore(saved);
	saved = NULL;
	in_vfork = false;
	libc_unlock(&libc_backend_lock);
	__asm__ volatile("mov 0(%0), %%rbx\n\t"
			 "mov 8(%0), %%rbp\n\t"
			 "mov 16(%0), %%r12\n\t"
			 "mov 24(%0), %%r13\n\t"
			 "mov 32(%0), %%r14\n\t"
			 "mov 40(%0), %%r15\n\t"
			 "mov 48(%0), %%rsp\n\t"
			 "jmp *56(%0)"
			 :
			 : "c"(&vctx), "a"(pid)
			 : "memory");
	__builtin_unreachable();
}

static bool
pid_taken(int pid)
{
	if (pid == self_pid || pid == parent_pid)
		return true;
	for (unsigned i = 0; i < PROCS; i++)
		if (procs[i].used && procs[i].pid == pid)
			return true;
	return false;
}

/* PROCS children at most: a free id is found within PROCS + 3 steps. */
static int
pid_next(void)
{
	int pid;

	do {
		pid = next_pid;
		next_pid = next_pid == INT_MAX ? 2 : next_pid + 1;
	} while (pid_taken(pid));
	return pid;
}

int
libc_getpid(void)
{
	return self_pid;
}

int
libc_getppid(void)
{
	return parent_pid;
}

static int
proc_alloc(void)
{
	for (unsigned i = 0; i < PROCS; i++) {
		if (!procs[i].used) {
			memset(&procs[i], 0, sizeof(procs[i]));
			procs[i].used = true;
			procs[i].pid = pid_next();
			return (int)i;
		}
	}
	return -1;
}

/* _exit in a vfork child: the parent finds a child that has ended. */
_Noreturn void
libc_vfork_exit(int code)
{
	int i = proc_alloc();

	if (i < 0)
		libc_vfork_resume(-EAGAIN); /* vfork fails after all */
	procs[i].status = (code & 0xff) << 8;
	libc_vfork_resume(procs[i].pid);
}

/* posix_spawn's clone(CLONE_VM | CLONE_VFORK): fn runs on stack. */
int
libc_clone_vfork(int (*fn)(void *), void *stack, void *arg)
{
	long pid = __bulkhead_vfork();

	if (pid)
		return pid < 0 ? -EAGAIN : (int)pid;
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "call *%1\n\t"
			 "mov %%eax, %%edi\n\t"
			 "call _exit"
			 :
			 : "r"((uint64_t)stack & ~15ul), "r"(fn), "D"(arg)
			 : "memory");
	__builtin_unreachable();
}

/* ---- execve ---- */

struct text {
	char *buf;
	size_t len, max;
	bool full;
};

static void
put(struct text *t, const char *fmt, const char *s)
{
	int n;

	if (t->full)
		return;
	n = fmt_snprintf(t->buf + t->len, t->max - t->len, fmt, s);
	if (n < 0 || (size_t)n >= t->max - t->len)
		t->full = true;
	else
		t->len += (size_t)n;
}

/* s as an attribute value: arguments and environment are the caller's. */
static void
put_escaped(struct text *t, const char *s, size_t n)
{
	size_t need;

	if (t->full)
		return;
	need = config_escape(t->buf + t->len, t->max - t->len, s, n);
	if (need >= t->max - t->len)
		t->full = true;
	else
		t->len += need;
}

/* The child's config: arguments, environment, cwd, vfs, descriptors. */
static int
child_config(struct text *t, unsigned idx, char *const *argv, char *const *envp,
    uint64_t ram)
{
	char cwd[256], num[64];
	const char *vfs;
	size_t vfs_len;

	put(t, "%s", "<config>\n");
	for (unsigned i = 0; argv && argv[i]; i++) {
		put(t, "%s", " <arg value=\"");
		put_escaped(t, argv[i], strlen(argv[i]));
		put(t, "%s", "\"/>\n");
	}
	for (unsigned i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');

		if (!eq)
			continue;
		put(t, "%s", " <env key=\"");
		put_escaped(t, envp[i], (size_t)(eq - envp[i]));
		put(t, "%s", "\" value=\"");
		put_escaped(t, eq + 1, strlen(eq + 1));
		put(t, "%s", "\"/>\n");
	}
	if (vfs_getcwd(cwd, sizeof(cwd)) > 0) {
		put(t, "%s", " <cwd path=\"");
		put_escaped(t, cwd, strlen(cwd));
		put(t, "%s", "\"/>\n");
	}
	fmt_snprintf(num, sizeof(num), " <spawn ram=\"%lu\"/>\n", ram);
	put(t, "%s", num);
	fmt_snprintf(num, sizeof(num), " <process pid=\"%d\" ppid=\"%d\"/>\n",
	    procs[idx].pid, self_pid);
	put(t, "%s", num);
	if ((vfs = vfs_config(&vfs_len))) {
		put(t, "%s", " ");
		if (t->len + vfs_len < t->max) {
			memcpy(t->buf + t->len, vfs, vfs_len);
			t->len += vfs_len;
		} else {
			t->full = true;
		}
		put(t, "%s", "\n");
	}
	for (long fd = 0; fd < 64; fd++) {
		bool cloexec;
		struct file *f = vfs_fd_file(fd, &cloexec);
		const char *dev;
		unsigned h;

		if (!f)
			continue;
		if ((dev = vfs_file_device(f))) {
			fmt_snprintf(num, sizeof(num),
			    " <fd id=\"%ld\" flags=\"%d\" ", fd,
			    vfs_file_flags(f));
			put(t, "%s", num);
			put(t, "%s", "path=\"");
			put_escaped(t, dev, strlen(dev));
			put(t, "%s", "\"/>\n");
			continue;
		}
		for (h = 0; h < EXPORTS && exports[h].file; h++)
			;
		if (h == EXPORTS)
			return -EMFILE;
		vfs_file_hold(f);
		exports[h].file = f;
		exports[h].proc = idx;
		fmt_snprintf(num, sizeof(num),
		    " <fd id=\"%ld\" flags=\"%d\" file=\"%u\"/>\n", fd,
		    vfs_file_flags(f), h);
		put(t, "%s", num);
	}
	put(t, "%s", "</config>\n");
	return t->full ? -E2BIG : 0;
}

/*
 * What the strings of v take in a config at worst, each character an
 * entity ("&quot;") in its <arg> or <env>; *raw adds what Linux counts
 * against ARG_MAX (the strings and their pointers).
 */
static size_t
strings_size(char *const *v, size_t *raw)
{
	size_t n = 0;

	for (unsigned i = 0; v && v[i] && *raw <= SPAWN_ARG_MAX; i++) {
		size_t len = strlen(v[i]);

		*raw += len + 1 + sizeof(char *);
		n += 6 * len + sizeof(" <env key=\"\" value=\"\"/>\n");
	}
	return n;
}

/* The most the config of a program can take, or 0: beyond ARG_MAX
 * (execve's E2BIG). */
static size_t
config_size(char *const *argv, char *const *envp)
{
	size_t raw = 0, vfs_len, n;

	n = strings_size(argv, &raw);
	n += strings_size(envp, &raw);
	if (raw > SPAWN_ARG_MAX)
		return 0;
	vfs_config(&vfs_len);
	return n + vfs_len + CONFIG_FIXED;
}

/* The quota of each program we start: <spawn ram="32M"/>. */
static uint64_t spawn_ram = RAM_DEFAULT;

void
spawn_init(const struct config *cfg)
{
	struct config_node n;

	uint64_t pid, ppid;

	if (!config_child(config_root(cfg), "spawn", &n) &&
	    config_attr_u64(n, "ram", RAM_DEFAULT, &spawn_ram))
		log_printf("libc: config: <spawn ram> is malformed");
	if (!config_child(config_root(cfg), "process", &n)) {
		if (config_attr_u64(n, "pid", 1, &pid) ||
		    config_attr_u64(n, "ppid", 0, &ppid) || !pid ||
		    pid > INT_MAX || ppid > INT_MAX || pid == ppid)
			log_printf("libc: config: <process> is malformed");
		else
			self_pid = (int)pid, parent_pid = (int)ppid;
	}
	next_pid = self_pid == INT_MAX ? 2 : self_pid + 1;
}

static long
start(unsigned idx, const char *path, const void *img, size_t size,
    char *const *argv, char *const *envp)
{
	struct proc *p = &procs[idx];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct text t;
	size_t max;
	int e;

	fmt_snprintf(p->name, sizeof(p->name), "%s",
	    argv && argv[0] && argv[0][0] ? argv[0] : base);
	if (strrchr(p->name, '/'))
		memmove(p->name, strrchr(p->name, '/') + 1,
		    strlen(strrchr(p->name, '/')));
	p->ram = spawn_ram;
	if (!(max = config_size(argv, envp)))
		return -E2BIG;
	if (ram_alloc(max, &p->config, &p->config_ds))
		return -ENOMEM;
	t = (struct text){.buf = p->config, .max = max};
	if ((e = child_config(&t, idx, argv, envp, p->ram))) {
		ram_free(p->config, p->config_ds);
		return e;
	}
	p->config_len = t.len;
	if ((e = session_open("PD", p->name, p->ram, &p->pd, &p->pd_id))) {
		log_printf("libc: no PD session for '%s' (error %d)", p->name,
		    -e);
		ram_free(p->config, p->config_ds);
		return -ENOMEM;
	}
	p->running = true; /* from here on, proc_end cleans up */
	struct child_image ci = {.pd = p->pd,
	    .elf = img,
	    .elf_size = size,
	    .stack = STACK,
	    .parent = ep,
	    .parent_badge = BADGE(K_PARENT, idx),
	    .priority = 2};

	if (!(p->fault_sig = slot_alloc()) ||
	    sys_cap_derive(ep_sig, 0, p->fault_sig, RIGHT_SEND | RIGHT_GRANT,
		1ul << idx) ||
	    rpc_call(p->pd, PD_FAULT_SIGH, 0, p->fault_sig, 0, NULL) ||
	    (e = child_build(&ci))) {
		log_printf("libc: cannot start '%s': %s", path,
		    ci.why ? ci.why : "no resources");
		proc_end(idx, 127 << 8);
		return ci.why ? -ENOEXEC : -ENOMEM;
	}
	return 0;
}

long
libc_execve(const char *path, char *const *argv, char *const *envp)
{
	const void *img;
	size_t size;
	long e;
	int idx;

	if ((e = vfs_content(path, &img, &size)))
		return e;
	if (size < 4 || memcmp(img, "\177ELF", 4))
		return -ENOEXEC;
	if (!in_vfork)
		return -ENOSYS; /* a program cannot replace itself yet */
	if ((idx = proc_alloc()) < 0)
		return -EAGAIN;
	vfs_fds_exec();
	if ((e = start((unsigned)idx, path, img, size, argv, envp))) {
		procs[idx].used = false;
		return e;
	}
	libc_vfork_resume(procs[idx].pid);
}

/* ---- waiting and killing ---- */

long
libc_wait4(int pid, int *status, int options)
{
	for (;;) {
		bool any = false;
		int seen;

		libc_lock(&libc_backend_lock);
		seen = ended;
		for (unsigned i = 0; i < PROCS; i++) {
			struct proc *p = &procs[i];

			if (!p->used || (pid > 0 && p->pid != pid))
				continue;
			any = true;
			if (p->running)
				continue;
			p->used = false;
			libc_unlock(&libc_backend_lock);
			if (status)
				*status = p->status;
			return p->pid;
		}
		libc_unlock(&libc_backend_lock);
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		libc_futex(&ended, FUTEX_WAIT, seen, NULL, NULL);
	}
}

long
libc_kill(long pid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	if (pid == self_pid)
		return libc_signal_self(sig);
	/* A child runs no handlers we could call: the default action. */
	for (unsigned i = 0; i < PROCS; i++) {
		if (procs[i].used && procs[i].pid == pid) {
			if (sig && procs[i].running &&
			    !libc_signal_ignored_by_default(sig))
				proc_end(i, sig);
			return 0;
		}
	}
	return -ESRCH; /* no process groups either */
}
