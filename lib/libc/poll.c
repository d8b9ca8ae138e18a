/*
 * Waiting for files: the change count that blocked readers and writers of
 * our own files (pipes) wait on, and poll and select over every kind of
 * file. A kind answers its readiness (file_ops.ready); changes of our own
 * files wake waiters by futex, changes of files a server holds
 * (file_ops.signalled) by the servers' signal. With both kinds polled at
 * once we look again at least every 10 ms.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include <base/env.h>
#include <kernel/syscalls.h>
#include <base/runtime.h>

#include "file.h"
#include "libc.h"
#include "vfs.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define POLL_MAX 4096u     /* pollfds in one call, as a file-count limit */
#define MIXED_NS 10000000L /* the longest sleep with both kinds polled */

static volatile int changes; /* futex: one of our files changed */

int
vfs_changes(void)
{
	return changes;
}

void
vfs_changed(struct node *n)
{
	__atomic_add_fetch(&changes, 1, __ATOMIC_SEQ_CST);
	libc_futex(&changes, FUTEX_WAKE, INT_MAX, NULL, NULL);
	spawn_file_changed(n);
}

void
vfs_wait_change(int seen)
{
	libc_unlock(&libc_backend_lock);
	libc_futex(&changes, FUTEX_WAIT, seen, NULL, NULL);
	libc_lock(&libc_backend_lock);
}

static long
nanoseconds(const struct timespec *t)
{
	struct timespec now;

	libc_clock(&now);
	return (t->tv_sec - now.tv_sec) * 1000000000L +
	    (t->tv_nsec - now.tv_nsec);
}

/*
 * Until a descriptor is ready or ns nanoseconds (-1: forever) are over.
 * The deadline is taken once, so the sum cannot wrap: ns is clamped to
 * what fits a struct timespec's seconds comfortably.
 */
static long
poll_ns(struct pollfd *pfd, unsigned long n, long ns)
{
	struct timespec end;

	libc_clock(&end);
	if (ns > 0) {
		if (ns > 1000000000L * 1000000000L)
			ns = 1000000000L * 1000000000L; /* ~31 years */
		end.tv_sec += ns / 1000000000L;
		end.tv_nsec += ns % 1000000000L;
	}
	for (;;) {
		int seen = changes;
		bool remote = false, local = false;
		long count = 0, left = -1;

		for (unsigned long i = 0; i < n; i++) {
			struct file *f = vfs_fd_get(pfd[i].fd);

			pfd[i].revents = 0;
			if (pfd[i].fd < 0)
				continue;
			if (!f) {
				pfd[i].revents = POLLNVAL;
				count++;
				continue;
			}
			pfd[i].revents = vfs_file_ready(f, pfd[i].events);
			count += pfd[i].revents != 0;
			if (f->node->ops->signalled)
				remote = true;
			else
				local = true;
		}
		if (count || !ns)
			return count;
		if (ns > 0 && (left = nanoseconds(&end)) <= 0)
			return 0;
		if (remote && local && (left < 0 || left > MIXED_NS))
			left = MIXED_NS;
		libc_unlock(&libc_backend_lock);
		if (remote && left < 0)
			sys_sig_wait(remote_signal(), NULL);
		else if (remote)
			sys_sig_wait_for(remote_signal(),
			    (uint64_t)left / 1000 + 1, NULL);
		else
			libc_futex(&changes, FUTEX_WAIT, seen,
			    left < 0 ? NULL
				     : &(struct timespec){left / 1000000000L,
					   left % 1000000000L},
			    NULL);
		libc_lock(&libc_backend_lock);
	}
}

long
vfs_poll(struct pollfd *pfd, unsigned long n, int timeout_ms)
{
	if (n > POLL_MAX)
		return -EINVAL;
	return poll_ns(pfd, n, timeout_ms < 0 ? -1 : timeout_ms * 1000000L);
}

/* A relative timeout (NULL: forever, -1) in nanoseconds. */
static int
timeout_ns(const struct timespec *t, long *ns)
{
	*ns = -1;
	if (!t)
		return 0;
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000L)
		return -EINVAL;
	*ns = t->tv_sec > LONG_MAX / 1000000000L - 1
	    ? LONG_MAX
	    : t->tv_sec * 1000000000L + t->tv_nsec;
	return 0;
}

long
vfs_ppoll(struct pollfd *pfd, unsigned long n, const struct timespec *t)
{
	long ns;

	if (timeout_ns(t, &ns) || n > POLL_MAX)
		return -EINVAL;
	return poll_ns(pfd, n, ns);
}

/*
 * select and pselect on poll: readable is POLLIN or a hang-up or error
 * (a read would not block), writable POLLOUT or an error; none of our
 * files has exceptional conditions. A descriptor in a set that is not
 * open is EBADF, as on Linux.
 */
long
vfs_select(int nfds, fd_set *r, fd_set *w, fd_set *x, const struct timespec *t)
{
	struct pollfd pfd[FDS];
	unsigned long n = 0;
	long ns, count;

	if (nfds < 0 || nfds > FD_SETSIZE || timeout_ns(t, &ns))
		return -EINVAL;
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)((r && FD_ISSET(fd, r) ? POLLIN : 0) |
		    (w && FD_ISSET(fd, w) ? POLLOUT : 0) |
		    (x && FD_ISSET(fd, x) ? POLLPRI : 0));

		if (!ev)
			continue;
		if (!vfs_fd_get(fd))
			return -EBADF;
		pfd[n].fd = fd; /* fd < FDS: it is open */
		pfd[n++].events = ev;
	}
	if ((count = poll_ns(pfd, n, ns)) < 0)
		return count;
	count = 0;
	for (int fd = 0; fd < nfds; fd++) {
		if (r)
			FD_CLR(fd, r);
		if (w)
			FD_CLR(fd, w);
		if (x)
			FD_CLR(fd, x);
	}
	for (unsigned long i = 0; i < n; i++) {
		short re = pfd[i].revents;

		if ((pfd[i].events & POLLIN) &&
		    (re & (POLLIN | POLLHUP | POLLERR)))
			FD_SET(pfd[i].fd, r), count++;
		if ((pfd[i].events & POLLOUT) && (re & (POLLOUT | POLLERR)))
			FD_SET(pfd[i].fd, w), count++;
		if ((pfd[i].events & POLLPRI) && (re & POLLPRI))
			FD_SET(pfd[i].fd, x), count++;
	}
	return count;
}
