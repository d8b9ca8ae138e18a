/*
 * Files another component serves: an inherited file our parent serves
 * through an Fd session (include/session/fd.h), or the terminal
 * (/dev/terminal, include/session/terminal.h, which answers the same
 * read, write and stat calls). A server that would block answers E_AGAIN
 * and submits our signal when it has changed; a reader then waits for the
 * signal without the backend's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <base/config.h>
#include <base/error.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/fd.h>
#include <session/terminal.h>

#include "file.h"
#include "libc.h"
#include "vfs.h"

struct remote {
	uint64_t cap, id; /* the session and its id */
	uint64_t handle;  /* an Fd session: the parent's name for the file */
	unsigned mode;    /* the terminal: TERMINAL_CANON | TERMINAL_ECHO */
};

static uint64_t remote_sig; /* submitted by the servers of our sessions */

uint64_t
remote_signal(void)
{
	return remote_sig;
}

static struct remote *
remote(const struct node *n)
{
	return n->priv;
}

/* Waits until a server of one of our files says it changed. */
static void
wait_remote(void)
{
	libc_unlock(&libc_backend_lock);
	sys_sig_wait(remote_sig, NULL);
	libc_lock(&libc_backend_lock);
}

static long
remote_errno(long e)
{
	switch (e) {
	case -E_AGAIN:
		return -EAGAIN;
	case -E_ABORT:
		return -EPIPE;
	case -E_INVAL:
		return -EINVAL;
	case -E_NOSYS:
		return -ESPIPE;
	}
	return -EIO;
}

static long
remote_read(struct file *f, char *buf, size_t len, bool block)
{
	uint64_t *w = utcb_self()->msg;
	long e;

	for (;;) {
		w[0] = len < FD_DATA_MAX ? len : FD_DATA_MAX;
		e = rpc_call(remote(f->node)->cap, FD_READ, 1, 0, 0, NULL);
		if (e != -E_AGAIN || !block)
			break;
		wait_remote();
	}
	if (e)
		return remote_errno(e);
	if (w[0] > len || w[0] > FD_DATA_MAX)
		return -EIO;
	memcpy(buf, &w[1], w[0]);
	return (long)w[0];
}

static long
remote_write(struct file *f, const char *buf, size_t len, bool block)
{
	uint64_t *w = utcb_self()->msg;
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < FD_DATA_MAX ? len - done : FD_DATA_MAX;
		long e;

		w[0] = n;
		memcpy(&w[1], buf + done, n);
		e = rpc_call(remote(f->node)->cap, FD_WRITE,
		    1 + (unsigned)(n + 7) / 8, 0, 0, NULL);
		if (e == -E_AGAIN && block) {
			wait_remote();
			continue;
		}
		if (e || !w[0] || w[0] > n)
			return done ? (long)done : e ? remote_errno(e) : -EIO;
		done += w[0];
	}
	return (long)done;
}

static long
remote_seek(struct file *f, long off, int whence)
{
	uint64_t *w = utcb_self()->msg;
	long e;

	w[0] = (uint64_t)off;
	w[1] = (uint64_t)whence;
	if ((e = rpc_call(remote(f->node)->cap, FD_SEEK, 2, 0, 0, NULL)))
		return remote_errno(e);
	return (long)w[0] < 0 ? -EIO : (long)w[0];
}

/* The server's word for it, within what a stat can say. */
static void
remote_stat(struct node *n, struct stat *st)
{
	uint64_t *w = utcb_self()->msg;

	st->st_mode = 0;
	st->st_size = 0;
	if (!rpc_call(remote(n)->cap, FD_STAT, 0, 0, 0, NULL)) {
		st->st_mode = (mode_t)(w[0] & (S_IFMT | 07777));
		st->st_size = (long)w[1] < 0 ? 0 : (off_t)w[1];
	}
}

/* A read of zero bytes asks whether there is input; writes are taken as
 * ready (they wait at the server). */
static short
remote_ready(const struct file *f, short events)
{
	long e;

	if (!(events & POLLIN))
		return events & POLLOUT;
	utcb_self()->msg[0] = 0;
	e = rpc_call(remote(f->node)->cap, FD_READ, 1, 0, 0, NULL);
	return (short)((e == -E_AGAIN ? 0
			       : e    ? POLLERR
				      : POLLIN) |
	    (events & POLLOUT));
}

static void
remote_destroy(struct node *n)
{
	session_close(remote(n)->cap, remote(n)->id);
	heap_free(n->priv);
}

static long
terminal_ioctl(struct file *f, unsigned long req, void *arg)
{
	uint64_t *w = utcb_self()->msg;
	struct remote *t = remote(f->node);
	struct termios *tio = arg;
	struct winsize *ws = arg;
	unsigned mode;
	long e;

	switch (req) {
	case TCGETS:
		memset(tio, 0, sizeof(*tio));
		tio->c_iflag = ICRNL;
		tio->c_oflag = OPOST | ONLCR;
		tio->c_cflag = CS8 | CREAD | B38400;
		tio->c_lflag = (t->mode & TERMINAL_CANON ? ICANON : 0) |
		    (t->mode & TERMINAL_ECHO ? ECHO : 0) | ISIG;
		tio->c_cc[VINTR] = 3;
		tio->c_cc[VERASE] = 127;
		tio->c_cc[VKILL] = 21;
		tio->c_cc[VEOF] = 4;
		tio->c_cc[VMIN] = 1;
		return 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		mode = (tio->c_lflag & ICANON ? TERMINAL_CANON : 0) |
		    (tio->c_lflag & ECHO ? TERMINAL_ECHO : 0);
		w[0] = mode;
		if ((e = rpc_call(t->cap, TERMINAL_MODE, 1, 0, 0, NULL)))
			return remote_errno(e);
		t->mode = mode;
		return 0;
	case TIOCGWINSZ:
		if ((e = rpc_call(t->cap, TERMINAL_SIZE, 0, 0, 0, NULL)))
			return remote_errno(e);
		memset(ws, 0, sizeof(*ws));
		ws->ws_col = (unsigned short)w[0];
		ws->ws_row = (unsigned short)w[1];
		return 0;
	case TIOCSWINSZ:
		return 0;
	case TIOCGPGRP:
		*(int *)arg = 1;
		return 0;
	case TIOCSPGRP:
		return 0;
	}
	return -EINVAL;
}

const struct file_ops remote_fd_ops = {
    .type = S_IFREG,
    .read = remote_read,
    .write = remote_write,
    .seek = remote_seek,
    .stat = remote_stat,
    .ready = remote_ready,
    .destroy = remote_destroy,
    .signalled = true,
};

/* /dev/terminal is in the tree and stays for the component's life. */
const struct file_ops remote_terminal_ops = {
    .type = S_IFCHR,
    .read = remote_read,
    .write = remote_write,
    .seek = remote_seek,
    .stat = remote_stat,
    .ready = remote_ready,
    .ioctl = terminal_ioctl,
    .signalled = true,
    .device = "/dev/terminal",
};

/* n becomes a session of service, which signals us when it changed. */
int
remote_open(struct node *n, const char *service, const char *label,
    const char *args)
{
	struct remote *r = heap_alloc(sizeof(*r));
	int e;

	if (!r)
		return -E_NOMEM;
	if ((!remote_sig && (e = object_create(KOBJ_SIGNAL, &remote_sig))) ||
	    (e = session_open_args(service, label, args, 0, &r->cap, &r->id))) {
		heap_free(r);
		return e;
	}
	rpc_call(r->cap, FD_SIGH, 0, remote_sig, 0, NULL);
	n->priv = r;
	return 0;
}

bool
vfs_file_remote(const struct file *f, uint64_t *handle)
{
	if (f->node->ops != &remote_fd_ops)
		return false;
	*handle = remote(f->node)->handle;
	return true;
}

/*
 * <vfs> <terminal label="..."/> </vfs>: /dev/terminal, a Terminal
 * session, and standard input, output and error on it.
 */
void
remote_terminal(struct node *dev, const char *label)
{
	struct node *n =
	    vfs_node_make(dev, "terminal", 8, &remote_terminal_ops);

	if (!n || remote_open(n, "Terminal", label, "")) {
		log_printf("libc: no terminal");
		if (n)
			vfs_node_unlink(n), heap_free(n);
		return;
	}
	remote(n)->mode = TERMINAL_CANON | TERMINAL_ECHO;
	libc_signal_terminal(remote(n)->cap);
	for (int fd = 0; fd < 3; fd++) {
		vfs_close(fd);
		vfs_fd_new(n, fd ? O_WRONLY : O_RDONLY, fd);
	}
}

/* <fd id="N" path="/dev/log"/> or <fd id="N" file="H" flags="F"/>. */
void
remote_inherit(const struct config *cfg)
{
	struct config_node fd;

	for (int e = config_child(config_root(cfg), "fd", &fd); !e;
	     e = config_next(fd, "fd", &fd)) {
		uint64_t id, handle, flags;
		char path[64], args[32];
		struct file *f;
		struct node *n;
		long r;
		int err;

		if (config_attr_u64(fd, "id", FDS, &id) || id >= FDS ||
		    config_attr_u64(fd, "flags", O_RDWR, &flags)) {
			log_printf("libc: config: <fd> needs an id below %u",
			    FDS);
			continue;
		}
		vfs_close((long)id);
		if (!config_attr_copy(fd, "path", path, sizeof(path))) {
			if ((r = vfs_open(path, (int)flags, 0)) >= 0 &&
			    r != (long)id) {
				vfs_dup(r, (long)id, false);
				vfs_close(r);
			}
			continue;
		}
		if (config_attr_u64(fd, "file", ~0ul, &handle) ||
		    handle == ~0ul || !(n = vfs_node_new(&remote_fd_ops)))
			continue;
		fmt_snprintf(args, sizeof(args), "file=%lu", handle);
		if ((err = remote_open(n, "Fd", "fd", args))) {
			log_printf("libc: no inherited file for descriptor %lu "
				   "(error %d)",
			    id, -err);
			heap_free(n);
			continue;
		}
		remote(n)->handle = handle;
		if ((f = vfs_file_new(n, (int)flags)))
			vfs_fd_install(f, (int)id, false);
		else
			remote_destroy(n), heap_free(n);
	}
}
