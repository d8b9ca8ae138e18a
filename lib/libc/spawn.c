/*
 * Starting programs: vfork, execve, posix_spawn, wait4, kill.
 *
 * A program is a child component of ours, built from a file in our VFS
 * (child_build, base/child.h) in a PD session our parent pays from our
 * quota. We are its parent: children.c answers its parent protocol on
 * our endpoint. Its "config" ROM is ours to make: its
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
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <base/child.h>
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/pd.h>

#include "libc.h"
#include "spawn.h"
#include "vfs.h"

/* Arguments and environment of a program: their strings and pointers, as
 * Linux counts them, within musl's ARG_MAX (what sysconf says). */
#define SPAWN_ARG_MAX 131072u
/* A config beyond the escaped arguments: cwd, spawn, fds, the tags. */
#define CONFIG_FIXED 8192u
#define STACK 65536u
#define RAM_DEFAULT (8ul << 20) /* a program's quota to start with */
#define CAPS_DEFAULT 256u       /* and its capability quota */
/* What we keep free for ourselves when we start one. */
#define RESERVE_RAM (256ul << 10)
#define RESERVE_CAPS 64u
#define FUTEX_WAIT 0

struct proc procs[PROCS];
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
	if (children_serve())
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

/* The quotas of each program we start: <spawn ram="32M" caps="256"/>; out
 * of our own, which our parent lowers by what each child takes. */
static uint64_t spawn_ram = RAM_DEFAULT, spawn_caps = CAPS_DEFAULT;

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
	fmt_snprintf(num, sizeof(num), " <spawn ram=\"%lu\" caps=\"%lu\"/>\n",
	    ram, spawn_caps);
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
		int h;

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
		if ((h = children_export(f, idx)) < 0)
			return h;
		fmt_snprintf(num, sizeof(num),
		    " <fd id=\"%ld\" flags=\"%d\" file=\"%d\"/>\n", fd,
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

void
spawn_init(const struct config *cfg)
{
	struct config_node n;

	uint64_t pid, ppid;

	if (!config_child(config_root(cfg), "spawn", &n)) {
		if (config_attr_u64(n, "ram", RAM_DEFAULT, &spawn_ram))
			log_printf("libc: config: <spawn ram> is malformed");
		if (config_attr_u64(n, "caps", CAPS_DEFAULT, &spawn_caps))
			log_printf("libc: config: <spawn caps> is malformed");
	}
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

/*
 * We pay for what our children have, as for every session: for the PD of
 * a program we start and for every raise of a child's quotas. What we do
 * not have free we ask our parent for first (a libc parent gives it from
 * its own, asking its own parent in turn; init does not). Some of ours
 * stays free for what serving the child takes.
 */
int
spawn_reserve(uint64_t ram, uint64_t caps)
{
	uint64_t *w = utcb_self()->msg, need_ram, need_caps, free_ram,
		 free_caps;

	if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL))
		return -ENOMEM;
	free_ram = w[0] > w[1] ? w[0] - w[1] : 0;
	free_caps = w[2] > w[3] ? w[2] - w[3] : 0;
	need_ram = ram + RESERVE_RAM;
	need_caps = caps + RESERVE_CAPS;
	if (free_ram >= need_ram && free_caps >= need_caps)
		return 0;
	parent_resource(free_ram < need_ram ? need_ram - free_ram : 0,
	    free_caps < need_caps ? need_caps - free_caps : 0);
	return 0; /* what we ask of core says whether it was enough */
}

static long
start(unsigned idx, const char *path, const void *img, size_t size,
    char *const *argv, char *const *envp)
{
	struct proc *p = &procs[idx];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	uint64_t text_ds;
	struct text t;
	size_t max;
	int e;

	fmt_snprintf(p->name, sizeof(p->name), "%s",
	    argv && argv[0] && argv[0][0] ? argv[0] : base);
	if (strrchr(p->name, '/'))
		memmove(p->name, strrchr(p->name, '/') + 1,
		    strlen(strrchr(p->name, '/')));
	p->acct.parent = "libc";
	p->acct.name = p->name;
	if (!(max = config_size(argv, envp)))
		return -E2BIG;
	t = (struct text){.max = max};
	if (ram_alloc(max, (void **)&t.buf, &text_ds))
		return -ENOMEM;
	p->running = true; /* from here on, children_end cleans up */
	e = child_config(&t, idx, argv, envp, spawn_ram);
	if (!e && child_config_set(&p->cfg, t.buf, t.len))
		e = -ENOMEM;
	ram_free(t.buf, text_ds);
	if (!e &&
	    (spawn_reserve(spawn_ram, spawn_caps) ||
		child_pd_open(&p->acct, spawn_ram, 0, spawn_caps)))
		e = -ENOMEM;
	if (e) {
		children_end(idx, 127 << 8);
		return e;
	}
	struct child_image ci = {.pd = p->acct.pd,
	    .elf = img,
	    .elf_size = size,
	    .stack = STACK,
	    .priority = 2};

	children_parent(idx, &ci.parent, &ci.parent_badge);
	if (children_fault_sig(idx, &p->fault_sig) ||
	    rpc_call(p->acct.pd, PD_FAULT_SIGH, 0, p->fault_sig, 0, NULL) ||
	    (e = child_build(&ci))) {
		log_printf("libc: cannot start '%s': %s", path,
		    ci.why ? ci.why : "no resources");
		children_end(idx, 127 << 8);
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
		seen = spawn_ended;
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
		libc_futex(&spawn_ended, FUTEX_WAIT, seen, NULL, NULL);
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
				children_end(i, sig);
			return 0;
		}
	}
	return -ESRCH; /* no process groups either */
}
