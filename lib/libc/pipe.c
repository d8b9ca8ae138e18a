/*
 * Pipes: 4 KiB in the component's heap, outside the tree. Readers and
 * writers block without the backend's lock until the other side acts;
 * O_NONBLOCK gives EAGAIN, a write without readers EPIPE (no SIGPIPE).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include <base/heap.h>

#include "file.h"
#include "libc.h"
#include "vfs.h"

#define PIPE_SIZE 4096u

struct pipe {
	char buf[PIPE_SIZE];
	size_t head, len;
	unsigned readers, writers; /* open files of each end */
};

static bool
reader(const struct file *f)
{
	return (f->flags & O_ACCMODE) == O_RDONLY;
}

static long
pipe_read(struct file *f, char *buf, size_t len, bool block)
{
	struct pipe *p = f->node->priv;
	size_t n = 0;

	for (;;) {
		int seen = vfs_changes();

		if (p->len || !p->writers || !len)
			break;
		if (!block || (f->flags & O_NONBLOCK))
			return -EAGAIN;
		vfs_wait_change(seen);
	}
	while (n < len && p->len) {
		size_t run = PIPE_SIZE - p->head;

		if (run > p->len)
			run = p->len;
		if (run > len - n)
			run = len - n;
		memcpy(buf + n, p->buf + p->head, run);
		p->head = (p->head + run) % PIPE_SIZE;
		p->len -= run;
		n += run;
	}
	if (n)
		vfs_changed(f->node);
	return (long)n;
}

static long
pipe_write(struct file *f, const char *buf, size_t len, bool block)
{
	struct pipe *p = f->node->priv;
	size_t n = 0;

	while (n < len) {
		int seen = vfs_changes();

		if (!p->readers)
			return n ? (long)n : -EPIPE;
		if (p->len == PIPE_SIZE) {
			if (!block || (f->flags & O_NONBLOCK))
				return n ? (long)n : -EAGAIN;
			vfs_wait_change(seen);
			continue;
		}
		size_t at = (p->head + p->len) % PIPE_SIZE;
		size_t run = at >= p->head ? PIPE_SIZE - at : p->head - at;

		if (run > len - n)
			run = len - n;
		memcpy(p->buf + at, buf + n, run);
		p->len += run;
		n += run;
		vfs_changed(f->node);
	}
	return (long)n;
}

static short
pipe_ready(const struct file *f, short events)
{
	const struct pipe *p = f->node->priv;

	if (reader(f))
		return (short)((p->len ? events & POLLIN : 0) |
		    (p->writers ? 0 : POLLHUP));
	return (short)((p->len < PIPE_SIZE ? events & POLLOUT : 0) |
	    (p->readers ? 0 : POLLERR));
}

static void
pipe_opened(struct file *f)
{
	struct pipe *p = f->node->priv;

	if (reader(f))
		p->readers++;
	else
		p->writers++;
}

static void
pipe_closed(struct file *f)
{
	struct pipe *p = f->node->priv;

	if (reader(f))
		p->readers--;
	else
		p->writers--;
	vfs_changed(f->node);
}

static void
pipe_stat(struct node *n, struct stat *st)
{
	(void)n;
	st->st_mode |= 0600;
	st->st_size = 0;
}

static void
pipe_destroy(struct node *n)
{
	heap_free(n->priv);
}

static const struct file_ops pipe_ops = {
    .type = S_IFIFO,
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .ready = pipe_ready,
    .opened = pipe_opened,
    .closed = pipe_closed,
    .destroy = pipe_destroy,
};

long
vfs_pipe(int *out, int flags)
{
	struct node *n = vfs_node_new(&pipe_ops);
	struct file *r, *w;
	int a, b;

	if (!n || !(n->priv = heap_alloc(sizeof(struct pipe)))) {
		heap_free(n);
		return -ENOMEM;
	}
	r = vfs_file_new(n, O_RDONLY | (flags & O_NONBLOCK));
	w = r ? vfs_file_new(n, O_WRONLY | (flags & O_NONBLOCK)) : NULL;
	if (!w) {
		if (r)
			vfs_file_release(r);
		else
			heap_free(n->priv), heap_free(n);
		return -ENOMEM;
	}
	if ((a = vfs_fd_install(r, 0, flags & O_CLOEXEC)) < 0 ||
	    (b = vfs_fd_install(w, 0, flags & O_CLOEXEC)) < 0) {
		if (a >= 0)
			vfs_close(a);
		else
			vfs_file_release(r);
		vfs_file_release(w);
		return -EMFILE;
	}
	out[0] = a;
	out[1] = b;
	return 0;
}
