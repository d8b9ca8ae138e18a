/*
 * The component's file system, inside the libc backend: a tree in RAM
 * (the component's heap, so its quota pays), with /dev/null, /dev/zero and
 * /dev/log, and ROMs from the config as read-only files:
 *
 *   <config> <vfs> <rom name="data.txt" path="/data.txt"/> </vfs> </config>
 *
 * Paths are absolute or relative to the working directory; "." and ".."
 * are understood. Descriptors name open files (struct file: node, offset,
 * flags), shared by dup and by the children that inherit them (Fd
 * sessions, spawn.c). Pipes and inherited files are nodes outside the
 * tree. File-system sessions will be mounted here too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <base/config.h>
#include <base/error.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <limits.h>
#include <poll.h>
#include <session/fd.h>
#include <session/terminal.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "libc.h"
#include "vfs.h"

#define FDS 64u
#define NAME 64u
#define PIPE_SIZE 4096u
/*
 * The largest RAM file, the heap's largest block: every offset and size
 * stays below it, so offset + length never overflows, whatever a child's
 * FD_SEEK and FD_WRITE ask for.
 */
#define FILE_MAX (1ul << 40)
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

enum kind {
	K_DIR,
	K_FILE,
	K_NULL,
	K_ZERO,
	K_LOG,
	K_PIPE,  /* outside the tree */
	K_REMOTE /* an Fd session: to our parent (outside the tree), or a
		    Terminal session (/dev/terminal) */
};

struct pipe {
	char buf[PIPE_SIZE];
	size_t head, len;
	unsigned readers, writers; /* open files of each end */
};

struct node {
	char name[NAME];
	enum kind kind;
	bool readonly;
	struct node *parent, *child, *next;
	char *data; /* K_FILE: ours, or a ROM's (readonly) */
	size_t size, cap;
	unsigned ino;
	struct pipe *pipe; /* K_PIPE */
	uint64_t cap_, id; /* K_REMOTE: the session and its id */
	uint64_t handle;   /* K_REMOTE: the parent's name for the file */
	bool terminal;     /* K_REMOTE: a Terminal session */
	unsigned mode;     /* terminal: TERMINAL_CANON | TERMINAL_ECHO */
	unsigned files;    /* open files of a node outside the tree */
};

struct file {
	struct node *node;
	size_t off;
	int flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK */
	unsigned refs;
};

/* The descriptor table; a vfork child works on it and gets it back. */
struct fd_table {
	struct {
		struct file *file;
		bool cloexec;
	} fd[FDS];
	struct node *cwd;
};

static struct fd_table fdt;
static struct node root = {.name = "/", .kind = K_DIR, .ino = 1};
static unsigned inos = 1;
static volatile int changes; /* futex: a pipe or an inherited file changed */
static uint64_t remote_sig;  /* submitted by the servers of our Fd sessions */
static char *vfs_text;       /* our <vfs> node, for our children */
static size_t vfs_len;

static struct node *
lookup_in(struct node *dir, const char *name, size_t n)
{
	if (n == 1 && name[0] == '.')
		return dir;
	if (n == 2 && name[0] == '.' && name[1] == '.')
		return dir->parent ? dir->parent : dir;
	for (struct node *c = dir->child; c; c = c->next)
		if (strlen(c->name) == n && !memcmp(c->name, name, n))
			return c;
	return NULL;
}

/*
 * Walk path; *dir gets the directory of the last element and *last its
 * name, for creating. Returns the node or NULL.
 */
static struct node *
walk(const char *path, struct node **dir, const char **last, size_t *lastn)
{
	struct node *n = path[0] == '/' ? &root : fdt.cwd;

	*dir = n;
	*last = "";
	*lastn = 0;
	while (*path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		if (!n || n->kind != K_DIR)
			return *dir = NULL, NULL;
		*dir = n;
		*last = path;
		*lastn = len;
		n = lookup_in(n, path, len);
		path += len;
	}
	return n;
}

static struct node *
make(struct node *dir, const char *name, size_t n, enum kind kind)
{
	struct node *c;

	if (n >= NAME)
		return NULL;
	if (!(c = heap_alloc(sizeof(*c))))
		return NULL;
	memcpy(c->name, name, n);
	c->kind = kind;
	c->parent = dir;
	c->next = dir->child;
	c->ino = ++inos;
	dir->child = c;
	return c;
}

static void
unlink_node(struct node *n)
{
	struct node **p = &n->parent->child;

	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
}

static bool
busy(struct node *n)
{
	for (unsigned i = 0; i < FDS; i++)
		if (fdt.fd[i].file && fdt.fd[i].file->node == n)
			return true;
	return false;
}

static struct file *
file_new(struct node *n, int flags)
{
	struct file *f = heap_alloc(sizeof(*f));

	if (!f)
		return NULL;
	f->node = n;
	f->off = 0;
	f->flags = flags;
	f->refs = 1;
	n->files++;
	if (n->kind == K_PIPE) {
		if ((flags & O_ACCMODE) == O_RDONLY)
			n->pipe->readers++;
		else
			n->pipe->writers++;
	}
	return f;
}

/* Something a reader or writer waits for happened. */
static void
changed(struct node *n)
{
	__atomic_add_fetch(&changes, 1, __ATOMIC_SEQ_CST);
	libc_futex(&changes, FUTEX_WAKE, INT_MAX, NULL, NULL);
	spawn_file_changed(n);
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
	int flags = f->flags;

	if (--f->refs)
		return;
	heap_free(f);
	n->files--;
	if (n->kind == K_PIPE) {
		if ((flags & O_ACCMODE) == O_RDONLY)
			n->pipe->readers--;
		else
			n->pipe->writers--;
		changed(n);
	}
	if (n->files || n->parent || (n->kind != K_PIPE && n->kind != K_REMOTE))
		return;
	if (n->kind == K_REMOTE)
		session_close(n->cap_, n->id);
	heap_free(n->pipe);
	heap_free(n);
}

static int
fd_set(struct file *f, int min, bool cloexec)
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

/* A new open file of n at the lowest free descriptor. */
static int
new_fd(struct node *n, int flags, int min)
{
	struct file *f = file_new(n, flags);
	int fd;

	if (!f)
		return -ENOMEM;
	if ((fd = fd_set(f, min, flags & O_CLOEXEC)) < 0)
		vfs_file_release(f);
	return fd;
}

static bool
fd_ok(long fd)
{
	return fd >= 0 && fd < FDS && fdt.fd[fd].file;
}

struct file *
vfs_fd_file(long fd, bool *cloexec)
{
	if (!fd_ok(fd))
		return NULL;
	*cloexec = fdt.fd[fd].cloexec;
	return fdt.fd[fd].file;
}

long
vfs_open(const char *path, int flags, int mode)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	(void)mode;
	n = walk(path, &dir, &last, &lastn);
	if (!n) {
		if (!dir || !(flags & O_CREAT))
			return -ENOENT;
		if (dir->readonly)
			return -EROFS;
		if (!(n = make(dir, last, lastn, K_FILE)))
			return -ENAMETOOLONG;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		return -EEXIST;
	}
	if ((flags & O_DIRECTORY) && n->kind != K_DIR)
		return -ENOTDIR;
	if (n->kind == K_DIR && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (n->readonly && (flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	if ((flags & O_TRUNC) && n->kind == K_FILE)
		n->size = 0;
	return new_fd(n, flags, 0);
}

long
vfs_close(long fd)
{
	if (!fd_ok(fd))
		return -EBADF;
	vfs_file_release(fdt.fd[fd].file);
	fdt.fd[fd].file = NULL;
	return 0;
}

/* Waits, without the backend's lock, until something changed after seen. */
static void
wait_change(int seen)
{
	libc_unlock(&libc_backend_lock);
	libc_futex(&changes, FUTEX_WAIT, seen, NULL, NULL);
	libc_lock(&libc_backend_lock);
}

/* Waits until a server of an inherited file says it changed. */
static void
wait_remote(void)
{
	uint64_t n;

	libc_unlock(&libc_backend_lock);
	sys_sig_wait(remote_sig, &n);
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
		e = rpc_call(f->node->cap_, FD_READ, 1, 0, 0, NULL);
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
		e = rpc_call(f->node->cap_, FD_WRITE, 1 + (unsigned)(n + 7) / 8,
		    0, 0, NULL);
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
pipe_read(struct file *f, char *buf, size_t len, bool block)
{
	struct pipe *p = f->node->pipe;
	size_t n = 0;

	for (;;) {
		int seen = changes;

		if (p->len || !p->writers || !len)
			break;
		if (!block || (f->flags & O_NONBLOCK))
			return -EAGAIN;
		wait_change(seen);
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
		changed(f->node);
	return (long)n;
}

static long
pipe_write(struct file *f, const char *buf, size_t len, bool block)
{
	struct pipe *p = f->node->pipe;
	size_t n = 0;

	while (n < len) {
		int seen = changes;

		if (!p->readers)
			return n ? (long)n : -EPIPE;
		if (p->len == PIPE_SIZE) {
			if (!block || (f->flags & O_NONBLOCK))
				return n ? (long)n : -EAGAIN;
			wait_change(seen);
			continue;
		}
		size_t at = (p->head + p->len) % PIPE_SIZE;
		size_t run = at >= p->head ? PIPE_SIZE - at : p->head - at;

		if (run > len - n)
			run = len - n;
		memcpy(p->buf + at, buf + n, run);
		p->len += run;
		n += run;
		changed(f->node);
	}
	return (long)n;
}

long
vfs_file_read(struct file *f, char *buf, size_t len, bool block)
{
	struct node *n = f->node;
	size_t got;

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	switch (n->kind) {
	case K_DIR:
		return -EISDIR;
	case K_NULL:
	case K_LOG:
		return 0;
	case K_ZERO:
		memset(buf, 0, len);
		return (long)len;
	case K_PIPE:
		return pipe_read(f, buf, len, block);
	case K_REMOTE:
		return remote_read(f, buf, len, block);
	case K_FILE:
		break;
	}
	if (f->off >= n->size)
		return 0;
	got = n->size - f->off < len ? n->size - f->off : len;
	memcpy(buf, n->data + f->off, got);
	f->off += got;
	return (long)got;
}

long
vfs_read(long fd, char *buf, size_t len)
{
	struct file *f;
	long r;

	if (!fd_ok(fd))
		return -EBADF;
	f = fdt.fd[fd].file;
	vfs_file_hold(f); /* while we wait without the lock */
	r = vfs_file_read(f, buf, len, true);
	vfs_file_release(f);
	return r;
}

long
vfs_file_write(struct file *f, const char *buf, size_t len, bool block)
{
	struct node *n = f->node;
	size_t end;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	switch (n->kind) {
	case K_DIR:
		return -EISDIR;
	case K_NULL:
	case K_ZERO:
		return (long)len;
	case K_LOG:
		return vfs_log(buf, len);
	case K_PIPE:
		return pipe_write(f, buf, len, block);
	case K_REMOTE:
		return remote_write(f, buf, len, block);
	case K_FILE:
		break;
	}
	if (f->flags & O_APPEND)
		f->off = n->size;
	if (f->off > FILE_MAX || len > FILE_MAX - f->off)
		return -EFBIG;
	end = f->off + len;
	if (end > n->cap) {
		size_t cap = end < 2048  ? 4096
		    : end > FILE_MAX / 2 ? FILE_MAX
					 : end * 2;
		char *data = heap_alloc(cap);

		if (!data)
			return -ENOSPC;
		if (n->data) {
			memcpy(data, n->data, n->size);
			heap_free(n->data);
		}
		n->data = data;
		n->cap = cap;
	}
	if (f->off > n->size)
		memset(n->data + n->size, 0, f->off - n->size);
	memcpy(n->data + f->off, buf, len);
	f->off = end;
	if (end > n->size)
		n->size = end;
	return (long)len;
}

long
vfs_write(long fd, const char *buf, size_t len)
{
	struct file *f;
	long r;

	if (!fd_ok(fd))
		return -EBADF;
	f = fdt.fd[fd].file;
	vfs_file_hold(f);
	r = vfs_file_write(f, buf, len, true);
	vfs_file_release(f);
	return r;
}

long
vfs_file_seek(struct file *f, long off, int whence)
{
	uint64_t *w;
	long base, e;

	switch (f->node->kind) {
	case K_PIPE:
		return -ESPIPE;
	case K_REMOTE:
		w = utcb_self()->msg;
		w[0] = (uint64_t)off;
		w[1] = (uint64_t)whence;
		e = rpc_call(f->node->cap_, FD_SEEK, 2, 0, 0, NULL);
		if (e)
			return remote_errno(e);
		return (long)w[0] < 0 ? -EIO : (long)w[0];
	default:
		break;
	}
	/* f->off and the size are below FILE_MAX: base + off cannot wrap. */
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (long)f->off;
		break;
	case SEEK_END:
		base = (long)f->node->size;
		break;
	default:
		return -EINVAL;
	}
	if (off < -base)
		return -EINVAL;
	if (off > (long)FILE_MAX - base)
		return -EFBIG;
	f->off = (size_t)(base + off);
	return (long)f->off;
}

long
vfs_lseek(long fd, long off, int whence)
{
	return fd_ok(fd) ? vfs_file_seek(fdt.fd[fd].file, off, whence) : -EBADF;
}

static void
fill_stat(struct node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (n->kind == K_REMOTE) {
		uint64_t *w = utcb_self()->msg;

		/* The server's word for it, within what a stat can say. */
		if (!rpc_call(n->cap_, FD_STAT, 0, 0, 0, NULL)) {
			st->st_mode = (mode_t)(w[0] & (S_IFMT | 07777));
			st->st_size = (long)w[1] < 0 ? 0 : (off_t)w[1];
		}
		st->st_ino = n->ino;
		st->st_nlink = 1;
		st->st_blksize = 4096;
		return;
	}
	st->st_ino = n->ino;
	st->st_nlink = 1;
	st->st_size = (off_t)n->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
	st->st_mode = n->kind == K_DIR ? S_IFDIR | 0755
	    : n->kind == K_FILE        ? S_IFREG | (n->readonly ? 0555 : 0644)
	    : n->kind == K_PIPE        ? S_IFIFO | 0600
				       : S_IFCHR | 0666;
}

long
vfs_fstat(long fd, struct stat *st)
{
	if (!fd_ok(fd))
		return -EBADF;
	fill_stat(fdt.fd[fd].file->node, st);
	return 0;
}

long
vfs_stat(const char *path, struct stat *st)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)))
		return -ENOENT;
	fill_stat(n, st);
	return 0;
}

long
vfs_mkdir(const char *path)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if ((n = walk(path, &dir, &last, &lastn)))
		return -EEXIST;
	if (!dir || !lastn)
		return -ENOENT;
	if (dir->readonly)
		return -EROFS;
	return make(dir, last, lastn, K_DIR) ? 0 : -ENAMETOOLONG;
}

long
vfs_unlink(const char *path, bool dir_wanted)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)) || n == &root)
		return n ? -EBUSY : -ENOENT;
	if (dir_wanted && n->kind != K_DIR)
		return -ENOTDIR;
	if (!dir_wanted && n->kind == K_DIR)
		return -EISDIR;
	if (n->kind == K_DIR && n->child)
		return -ENOTEMPTY;
	if (n->readonly || n->kind > K_FILE)
		return -EROFS;
	if (busy(n))
		return -EBUSY; /* no open-unlinked files yet */
	unlink_node(n);
	heap_free(n->data);
	heap_free(n);
	return 0;
}

long
vfs_rename(const char *from, const char *to)
{
	struct node *fdir, *tdir, *n, *t;
	const char *flast, *tlast;
	size_t fn, tn;

	if (!(n = walk(from, &fdir, &flast, &fn)))
		return -ENOENT;
	t = walk(to, &tdir, &tlast, &tn);
	if (!tdir || !tn)
		return -ENOENT;
	if (n->readonly || tdir->readonly)
		return -EROFS;
	if (tn >= NAME)
		return -ENAMETOOLONG;
	for (struct node *p = tdir; p; p = p->parent)
		if (p == n)
			return -EINVAL; /* into itself */
	if (t && t != n) {
		long e = vfs_unlink(to, t->kind == K_DIR);

		if (e)
			return e;
	}
	unlink_node(n);
	memset(n->name, 0, NAME);
	memcpy(n->name, tlast, tn);
	n->parent = tdir;
	n->next = tdir->child;
	tdir->child = n;
	return 0;
}

long
vfs_getdents(long fd, char *buf, size_t len)
{
	struct node *d, *c;
	size_t at = 0, idx = 0;

	if (!fd_ok(fd))
		return -EBADF;
	struct file *f = fdt.fd[fd].file;

	d = f->node;
	if (d->kind != K_DIR)
		return -ENOTDIR;
	for (c = d->child; c; c = c->next, idx++) {
		size_t nl = strlen(c->name);
		size_t rec =
		    (offsetof(struct dirent, d_name) + nl + 1 + 7) & ~7ul;
		struct dirent *de = (struct dirent *)(buf + at);

		if (idx < f->off)
			continue;
		if (at + rec > len)
			break;
		de->d_ino = c->ino;
		de->d_off = (off_t)(idx + 1);
		de->d_reclen = (unsigned short)rec;
		de->d_type = c->kind == K_DIR ? DT_DIR
		    : c->kind == K_FILE       ? DT_REG
					      : DT_CHR;
		memcpy(de->d_name, c->name, nl + 1);
		at += rec;
		f->off = idx + 1;
	}
	if (!at && c)
		return -EINVAL; /* the buffer cannot take one entry */
	return (long)at;
}

long
vfs_chdir(const char *path)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)))
		return -ENOENT;
	if (n->kind != K_DIR)
		return -ENOTDIR;
	fdt.cwd = n;
	return 0;
}

long
vfs_getcwd(char *buf, size_t len)
{
	char tmp[256];
	size_t at = sizeof(tmp) - 1;

	tmp[at] = 0;
	for (struct node *n = fdt.cwd; n != &root; n = n->parent) {
		size_t nl = strlen(n->name);

		if (nl + 1 > at)
			return -ERANGE;
		at -= nl;
		memcpy(tmp + at, n->name, nl);
		tmp[--at] = '/';
	}
	if (at == sizeof(tmp) - 1)
		tmp[--at] = '/';
	if (sizeof(tmp) - at > len)
		return -ERANGE;
	memcpy(buf, tmp + at, sizeof(tmp) - at);
	return (long)(sizeof(tmp) - at);
}

long
vfs_dup(long fd, long to, bool cloexec)
{
	if (!fd_ok(fd))
		return -EBADF;
	if (to < 0)
		return -EBADF;
	if (to >= FDS)
		return -EBADF;
	if (to == fd)
		return to;
	vfs_close(to);
	vfs_file_hold(fdt.fd[fd].file);
	fdt.fd[to].file = fdt.fd[fd].file;
	fdt.fd[to].cloexec = cloexec;
	return to;
}

long
vfs_fcntl(long fd, int cmd, long arg)
{
	long r;

	if (!fd_ok(fd))
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= FDS)
			return -EINVAL;
		if ((r = fd_set(fdt.fd[fd].file, (int)arg,
			 cmd == F_DUPFD_CLOEXEC)) >= 0)
			vfs_file_hold(fdt.fd[fd].file);
		return r;
	case F_GETFD:
		return fdt.fd[fd].cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		fdt.fd[fd].cloexec = arg & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		return fdt.fd[fd].file->flags;
	case F_SETFL:
		fdt.fd[fd].file->flags =
		    (fdt.fd[fd].file->flags & ~O_NONBLOCK) |
		    (int)(arg & O_NONBLOCK);
		return 0;
	}
	return -EINVAL;
}

long
vfs_pipe(int *out, int flags)
{
	struct node *n = heap_alloc(sizeof(*n));
	struct file *r, *w;
	int a, b;

	if (!n || !(n->pipe = heap_alloc(sizeof(*n->pipe)))) {
		heap_free(n);
		return -ENOMEM;
	}
	n->kind = K_PIPE;
	n->ino = ++inos;
	r = file_new(n, O_RDONLY | (flags & O_NONBLOCK));
	w = r ? file_new(n, O_WRONLY | (flags & O_NONBLOCK)) : NULL;
	if (!w) {
		if (r)
			vfs_file_release(r);
		else
			heap_free(n->pipe), heap_free(n);
		return -ENOMEM;
	}
	if ((a = fd_set(r, 0, flags & O_CLOEXEC)) < 0 ||
	    (b = fd_set(w, 0, flags & O_CLOEXEC)) < 0) {
		if (a >= 0)
			fdt.fd[a].file = NULL;
		vfs_file_release(r);
		vfs_file_release(w);
		return -EMFILE;
	}
	out[0] = a;
	out[1] = b;
	return 0;
}

/* A pipe end's readiness. */
static short
pipe_ready(const struct file *f, short events)
{
	const struct pipe *p = f->node->pipe;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return (short)((p->len ? events & POLLIN : 0) |
		    (p->writers ? 0 : POLLHUP));
	return (short)((p->len < PIPE_SIZE ? events & POLLOUT : 0) |
	    (p->readers ? 0 : POLLERR));
}

/* A server's file (inherited, the terminal): a read of zero bytes asks
 * whether there is input; writes are taken as ready (they wait there). */
static short
remote_ready(const struct file *f, short events)
{
	long e;

	if (!(events & POLLIN))
		return events & POLLOUT;
	utcb_self()->msg[0] = 0;
	e = rpc_call(f->node->cap_, FD_READ, 1, 0, 0, NULL);
	return (short)((e == -E_AGAIN ? 0
			       : e    ? POLLERR
				      : POLLIN) |
	    (events & POLLOUT));
}

bool
vfs_file_readable(const struct file *f)
{
	switch (f->node->kind) {
	case K_PIPE:
		return pipe_ready(f, POLLIN) != 0;
	case K_REMOTE:
		return remote_ready(f, POLLIN) != 0;
	default:
		return true;
	}
}

static short
ready(long fd, short events, bool *remote)
{
	struct file *f;

	if (!fd_ok(fd))
		return POLLNVAL;
	f = fdt.fd[fd].file;
	switch (f->node->kind) {
	case K_PIPE:
		return pipe_ready(f, events);
	case K_REMOTE:
		*remote = true;
		return remote_ready(f, events);
	default:
		return events & (POLLIN | POLLOUT);
	}
}

/*
 * Until a descriptor is ready or the time is up. Changes of our pipes wake
 * us by futex, those of servers' files by remote_sig; with both kinds
 * polled, we look again at least every 10 ms.
 */
long
vfs_poll(struct pollfd *pfd, unsigned long n, int timeout_ms)
{
	struct timespec now, end;

	libc_clock(&end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (timeout_ms % 1000) * 1000000L;
	for (;;) {
		int seen = changes;
		bool remote = false, local = false;
		long count = 0, ns = -1;

		for (unsigned long i = 0; i < n; i++) {
			bool r = false;

			pfd[i].revents = pfd[i].fd < 0
			    ? 0
			    : ready(pfd[i].fd, pfd[i].events, &r);
			count += pfd[i].revents != 0;
			remote |= r;
			local |= !r && pfd[i].fd >= 0;
		}
		if (count || !timeout_ms)
			return count;
		if (timeout_ms > 0) {
			libc_clock(&now);
			ns = (end.tv_sec - now.tv_sec) * 1000000000L +
			    (end.tv_nsec - now.tv_nsec);
			if (ns <= 0)
				return 0;
		}
		if (remote && local && (ns < 0 || ns > 10000000L))
			ns = 10000000L;
		libc_unlock(&libc_backend_lock);
		if (remote && ns < 0)
			sys_sig_wait(remote_sig, NULL);
		else if (remote)
			sys_sig_wait_for(remote_sig, (uint64_t)ns / 1000 + 1,
			    NULL);
		else
			libc_futex(&changes, FUTEX_WAIT, seen,
			    ns < 0 ? NULL
				   : &(struct timespec){ns / 1000000000L,
					 ns % 1000000000L},
			    NULL);
		libc_lock(&libc_backend_lock);
	}
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
	switch (f->node->kind) {
	case K_NULL:
		return "/dev/null";
	case K_ZERO:
		return "/dev/zero";
	case K_LOG:
		return "/dev/log";
	case K_REMOTE:
		return f->node->terminal ? "/dev/terminal" : NULL;
	default:
		return NULL;
	}
}

bool
vfs_is_log(long fd)
{
	return fd_ok(fd) && fdt.fd[fd].file->node->kind == K_LOG;
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

bool
vfs_file_remote(const struct file *f, uint64_t *handle)
{
	if (f->node->kind != K_REMOTE || f->node->terminal)
		return false;
	*handle = f->node->handle;
	return true;
}

void
vfs_file_stat(struct file *f, struct stat *st)
{
	fill_stat(f->node, st);
}

/* A regular file's content, for execve. */
long
vfs_content(const char *path, const void **data, size_t *size)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)))
		return -ENOENT;
	if (n->kind != K_FILE)
		return -EACCES;
	*data = n->data;
	*size = n->size;
	return 0;
}

const char *
vfs_config(size_t *len)
{
	*len = vfs_len;
	return vfs_text;
}

/* Makes the directories on the way to path (for ROMs named by path). */
static struct node *
make_path(const char *path)
{
	struct node *dir = &root, *n;

	while (*path) {
		while (*path == '/')
			path++;
		const char *end = strchr(path, '/');

		if (!end)
			break;
		n = lookup_in(dir, path, (size_t)(end - path));
		if (!n && !(n = make(dir, path, (size_t)(end - path), K_DIR)))
			return NULL;
		if (n->kind != K_DIR)
			return NULL;
		dir = n;
		path = end;
	}
	return dir;
}

/* ROMs named by <vfs> in the config become read-only files. */
static void
mount_roms(struct config_node vfs)
{
	struct config_node rom;

	for (int e = config_child(vfs, "rom", &rom); !e;
	     e = config_next(rom, "rom", &rom)) {
		char name[NAME], path[128];
		const void *content;
		struct node *dir, *n;
		const char *base;
		size_t len;
		int err;

		if (config_attr_copy(rom, "name", name, sizeof(name)))
			continue;
		if (config_attr_copy(rom, "path", path, sizeof(path)))
			fmt_snprintf(path, sizeof(path), "/%s", name);
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if ((err = rom_attach(name, &content, &len))) {
			log_printf("vfs: no ROM '%s' for %s (error %d)", name,
			    path, -err);
			continue;
		}
		if (!(dir = make_path(path)) ||
		    lookup_in(dir, base, strlen(base)) ||
		    !(n = make(dir, base, strlen(base), K_FILE))) {
			log_printf("vfs: cannot put ROM '%s' at %s", name,
			    path);
			continue;
		}
		n->data = (char *)content; /* never written: readonly */
		n->size = len;
		n->readonly = true;
	}
}

/* n becomes a session of service, which signals us when it changed. */
static int
remote_open(struct node *n, const char *service, const char *label,
    const char *args)
{
	int e;

	if ((!remote_sig && (e = object_create(KOBJ_SIGNAL, &remote_sig))) ||
	    (e = session_open_args(service, label, args, 0, &n->cap_, &n->id)))
		return e;
	rpc_call(n->cap_, FD_SIGH, 0, remote_sig, 0, NULL);
	n->kind = K_REMOTE;
	n->ino = ++inos;
	return 0;
}

/*
 * <vfs> <terminal/> </vfs>: /dev/terminal, a Terminal session, and
 * standard input, output and error unless <fd> says otherwise.
 */
static void
terminal(struct config_node vfs, struct node *dev)
{
	struct config_node term;
	char label[LABEL_MAX] = "";
	struct node *n;

	if (config_child(vfs, "terminal", &term))
		return;
	config_attr_copy(term, "label", label, sizeof(label));
	if (!(n = make(dev, "terminal", 8, K_REMOTE)) ||
	    remote_open(n, "Terminal", label, "")) {
		log_printf("libc: no terminal");
		if (n)
			unlink_node(n), heap_free(n);
		return;
	}
	n->terminal = true;
	n->mode = TERMINAL_CANON | TERMINAL_ECHO;
	libc_signal_terminal(n->cap_);
	for (int fd = 0; fd < 3; fd++) {
		vfs_close(fd);
		new_fd(n, fd ? O_WRONLY : O_RDONLY, fd);
	}
}

long
vfs_ioctl(long fd, unsigned long req, void *arg)
{
	uint64_t *w = utcb_self()->msg;
	struct termios *tio = arg;
	struct winsize *ws = arg;
	struct node *n;
	long e;

	if (!fd_ok(fd))
		return -EBADF;
	n = fdt.fd[fd].file->node;
	if (n->kind != K_REMOTE || !n->terminal)
		return -ENOTTY;
	switch (req) {
	case TCGETS:
		memset(tio, 0, sizeof(*tio));
		tio->c_iflag = ICRNL;
		tio->c_oflag = OPOST | ONLCR;
		tio->c_cflag = CS8 | CREAD | B38400;
		tio->c_lflag = (n->mode & TERMINAL_CANON ? ICANON : 0) |
		    (n->mode & TERMINAL_ECHO ? ECHO : 0) | ISIG;
		tio->c_cc[VINTR] = 3;
		tio->c_cc[VERASE] = 127;
		tio->c_cc[VKILL] = 21;
		tio->c_cc[VEOF] = 4;
		tio->c_cc[VMIN] = 1;
		return 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		w[0] = (tio->c_lflag & ICANON ? TERMINAL_CANON : 0) |
		    (tio->c_lflag & ECHO ? TERMINAL_ECHO : 0);
		if ((e = rpc_call(n->cap_, TERMINAL_MODE, 1, 0, 0, NULL)))
			return remote_errno(e);
		n->mode =
		    (unsigned)((tio->c_lflag & ICANON ? TERMINAL_CANON : 0) |
			(tio->c_lflag & ECHO ? TERMINAL_ECHO : 0));
		return 0;
	case TIOCGWINSZ:
		if ((e = rpc_call(n->cap_, TERMINAL_SIZE, 0, 0, 0, NULL)))
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

/* <fd id="N" path="/dev/log"/> or <fd id="N" file="H" flags="F"/>. */
static void
inherit(const struct config *cfg)
{
	struct config_node fd;

	for (int e = config_child(config_root(cfg), "fd", &fd); !e;
	     e = config_next(fd, "fd", &fd)) {
		uint64_t id, handle, flags;
		char path[64], args[32];
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
		    handle == ~0ul || !(n = heap_alloc(sizeof(*n))))
			continue;
		fmt_snprintf(args, sizeof(args), "file=%lu", handle);
		if ((err = remote_open(n, "Fd", "fd", args))) {
			log_printf("libc: no inherited file for descriptor %lu "
				   "(error %d)",
			    id, -err);
			heap_free(n);
			continue;
		}
		n->handle = handle;
		struct file *f = file_new(n, (int)flags);

		if (f)
			fdt.fd[id].file = f;
	}
}

void
vfs_init(const struct config *cfg)
{
	struct node *dev = make(&root, "dev", 3, K_DIR);
	struct config_node vfs;
	char path[128];

	fdt.cwd = &root;
	make(dev, "null", 4, K_NULL);
	make(dev, "zero", 4, K_ZERO);
	make(dev, "log", 3, K_LOG);
	dev->readonly = true;
	/* stdin, stdout, stderr */
	new_fd(lookup_in(dev, "null", 4), O_RDONLY, 0);
	new_fd(lookup_in(dev, "log", 3), O_WRONLY, 1);
	new_fd(lookup_in(dev, "log", 3), O_WRONLY, 2);
	if (!config_child(config_root(cfg), "vfs", &vfs)) {
		const char *raw;

		config_node_raw(vfs, &raw, &vfs_len);
		if ((vfs_text = heap_alloc(vfs_len)))
			memcpy(vfs_text, raw, vfs_len);
		mount_roms(vfs);
		terminal(vfs, dev);
	}
	/* <cwd path="/dir"/>: where a parent's execve left off */
	if (!config_child(config_root(cfg), "cwd", &vfs) &&
	    !config_attr_copy(vfs, "path", path, sizeof(path)))
		vfs_chdir(path);
	inherit(cfg);
}
