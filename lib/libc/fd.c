/*
 * Open files and the descriptor table of the libc backend. A descriptor
 * names an open file (struct file: node, offset, flags), shared by dup and
 * by the children that inherit it (Fd sessions, spawn.c), as POSIX says.
 * Every call here goes through the file's table of operations (file.h)
 * and never asks which kind of file it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include <base/heap.h>

#include "file.h"
#include "libc.h"
#include "vfs.h"

/* The descriptor table; a vfork child works on it and gets it back. */
struct fd_table {
	struct {
		struct file *file;
		bool cloexec;
	} fd[FDS];
	struct node *cwd;
};

static struct fd_table fdt;

struct node *
vfs_cwd(void)
{
	return fdt.cwd;
}

void
vfs_set_cwd(struct node *n)
{
	fdt.cwd = n;
}

struct file *
vfs_file_new(struct node *n, int flags)
{
	struct file *f = heap_alloc(sizeof(*f));

	if (!f)
		return NULL;
	f->node = n;
	f->off = 0;
	f->flags = flags;
	f->refs = 1;
	n->files++;
	if (n->ops->opened)
		n->ops->opened(f);
	return f;
}

void
vfs_file_hold(struct file *f)
{
	f->refs++;
}

void
vfs_file_release(struct file *f)
{
	struct node *n = f->node;

	if (--f->refs)
		return;
	n->files--;
	if (n->ops->closed)
		n->ops->closed(f);
	heap_free(f);
	/* A node of the tree outlives its files; one outside it does not. */
	if (n->files || n->parent || !n->ops->destroy)
		return;
	n->ops->destroy(n);
	heap_free(n);
}

int
vfs_fd_install(struct file *f, int min, bool cloexec)
{
	for (unsigned i = (unsigned)min; i < FDS; i++) {
		if (!fdt.fd[i].file) {
			fdt.fd[i].file = f;
			fdt.fd[i].cloexec = cloexec;
			return (int)i;
		}
	}
	return -EMFILE;
}

/* A new open file of n at the lowest free descriptor from min. */
int
vfs_fd_new(struct node *n, int flags, int min)
{
	struct file *f = vfs_file_new(n, flags);
	int fd;

	if (!f)
		return -ENOMEM;
	if ((fd = vfs_fd_install(f, min, flags & O_CLOEXEC)) < 0)
		vfs_file_release(f);
	return fd;
}

struct file *
vfs_fd_get(long fd)
{
	return fd >= 0 && fd < FDS ? fdt.fd[fd].file : NULL;
}

struct file *
vfs_fd_file(long fd, bool *cloexec)
{
	struct file *f = vfs_fd_get(fd);

	if (f)
		*cloexec = fdt.fd[fd].cloexec;
	return f;
}

bool
vfs_node_busy(const struct node *n)
{
	for (unsigned i = 0; i < FDS; i++)
		if (fdt.fd[i].file && fdt.fd[i].file->node == n)
			return true;
	return false;
}

long
vfs_close(long fd)
{
	struct file *f = vfs_fd_get(fd);

	if (!f)
		return -EBADF;
	fdt.fd[fd].file = NULL;
	vfs_file_release(f);
	return 0;
}

long
vfs_file_read(struct file *f, char *buf, size_t len, bool block)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	return f->node->ops->read ? f->node->ops->read(f, buf, len, block)
				  : -EINVAL;
}

long
vfs_file_write(struct file *f, const char *buf, size_t len, bool block)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	return f->node->ops->write ? f->node->ops->write(f, buf, len, block)
				   : -EINVAL;
}

long
vfs_file_seek(struct file *f, long off, int whence)
{
	return f->node->ops->seek ? f->node->ops->seek(f, off, whence)
				  : -ESPIPE;
}

void
vfs_node_stat(struct node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_nlink = 1;
	st->st_size = (off_t)n->size;
	st->st_blksize = 4096;
	st->st_mode = n->ops->type;
	if (n->ops->stat)
		n->ops->stat(n, st);
}

void
vfs_file_stat(struct file *f, struct stat *st)
{
	vfs_node_stat(f->node, st);
}

/* The file's readiness for events (POLLIN, POLLOUT) and its errors. */
short
vfs_file_ready(const struct file *f, short events)
{
	return f->node->ops->ready ? f->node->ops->ready(f, events)
				   : events & (POLLIN | POLLOUT);
}

bool
vfs_file_readable(const struct file *f)
{
	return vfs_file_ready(f, POLLIN) != 0;
}

/* The file stays ours while its call waits without the backend's lock. */
long
vfs_read(long fd, char *buf, size_t len)
{
	struct file *f = vfs_fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	vfs_file_hold(f);
	r = vfs_file_read(f, buf, len, true);
	vfs_file_release(f);
	return r;
}

long
vfs_write(long fd, const char *buf, size_t len)
{
	struct file *f = vfs_fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	vfs_file_hold(f);
	r = vfs_file_write(f, buf, len, true);
	vfs_file_release(f);
	return r;
}

long
vfs_lseek(long fd, long off, int whence)
{
	struct file *f = vfs_fd_get(fd);

	return f ? vfs_file_seek(f, off, whence) : -EBADF;
}

long
vfs_fstat(long fd, struct stat *st)
{
	struct file *f = vfs_fd_get(fd);

	if (!f)
		return -EBADF;
	vfs_node_stat(f->node, st);
	return 0;
}

long
vfs_ioctl(long fd, unsigned long req, void *arg)
{
	struct file *f = vfs_fd_get(fd);

	if (!f)
		return -EBADF;
	return f->node->ops->ioctl ? f->node->ops->ioctl(f, req, arg) : -ENOTTY;
}

long
vfs_dup(long fd, long to, bool cloexec)
{
	struct file *f = vfs_fd_get(fd);

	if (!f || to < 0 || to >= FDS)
		return -EBADF;
	if (to == fd)
		return to;
	vfs_close(to);
	vfs_file_hold(f);
	fdt.fd[to].file = f;
	fdt.fd[to].cloexec = cloexec;
	return to;
}

long
vfs_fcntl(long fd, int cmd, long arg)
{
	struct file *f = vfs_fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= FDS)
			return -EINVAL;
		if ((r = vfs_fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC)) >=
		    0)
			vfs_file_hold(f);
		return r;
	case F_GETFD:
		return fdt.fd[fd].cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		fdt.fd[fd].cloexec = arg & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~O_NONBLOCK) | (int)(arg & O_NONBLOCK);
		return 0;
	}
	return -EINVAL;
}

/* vfork: the child changes a copy of the table, the parent gets its own. */
struct fd_table *
vfs_fds_save(void)
{
	struct fd_table *s = heap_alloc(sizeof(*s));

	if (!s)
		return NULL;
	*s = fdt;
	for (unsigned i = 0; i < FDS; i++)
		if (fdt.fd[i].file)
			vfs_file_hold(fdt.fd[i].file);
	return s;
}

void
vfs_fds_restore(struct fd_table *s)
{
	for (unsigned i = 0; i < FDS; i++)
		vfs_close(i);
	fdt = *s;
	heap_free(s);
}

/* execve: the descriptors a new program gets, then ours lose them. */
void
vfs_fds_exec(void)
{
	for (unsigned i = 0; i < FDS; i++)
		if (fdt.fd[i].file && fdt.fd[i].cloexec)
			vfs_close(i);
}

const char *
vfs_file_device(const struct file *f)
{
	return f->node->ops->device;
}

bool
vfs_is_log(long fd)
{
	struct file *f = vfs_fd_get(fd);

	return f && f->node->ops == &dev_log_ops;
}

const void *
vfs_file_node(const struct file *f)
{
	return f->node;
}

int
vfs_file_flags(const struct file *f)
{
	return f->flags;
}
