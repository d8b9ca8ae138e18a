/*
 * The component's file system, inside the libc backend: a tree in RAM
 * (the component's heap, so its quota pays), with /dev/null, /dev/zero and
 * /dev/log, and ROMs from the config as read-only files:
 *
 *   <config> <vfs> <rom name="data.txt" path="/data.txt"/> </vfs> </config>
 *
 * File-system sessions will be mounted here too. Paths are absolute or
 * relative to the working directory; "." and ".." are understood.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <base/config.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/runtime.h>

#include "vfs.h"

#define FDS 64u
#define NAME 64u

enum kind {
	K_DIR,
	K_FILE,
	K_NULL,
	K_ZERO,
	K_LOG
};

struct node {
	char name[NAME];
	enum kind kind;
	bool readonly;
	struct node *parent, *child, *next;
	char *data;
	size_t size, cap;
	unsigned ino;
};

static struct {
	struct node *node;
	size_t off;
	int flags;
	bool used;
} fds[FDS];

static struct node root = {.name = "/", .kind = K_DIR, .ino = 1};
static struct node *cwd = &root;
static unsigned inos = 1;

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
	struct node *n = path[0] == '/' ? &root : cwd;

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
		if (fds[i].used && fds[i].node == n)
			return true;
	return false;
}

static int
new_fd(struct node *n, int flags, int min)
{
	for (unsigned i = (unsigned)min; i < FDS; i++) {
		if (!fds[i].used) {
			fds[i].used = true;
			fds[i].node = n;
			fds[i].off = 0;
			fds[i].flags = flags;
			return (int)i;
		}
	}
	return -EMFILE;
}

static bool
fd_ok(long fd)
{
	return fd >= 0 && fd < FDS && fds[fd].used;
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
	fds[fd].used = false;
	return 0;
}

long
vfs_read(long fd, char *buf, size_t len)
{
	struct node *n;
	size_t got;

	if (!fd_ok(fd) || (fds[fd].flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	n = fds[fd].node;
	switch (n->kind) {
	case K_DIR:
		return -EISDIR;
	case K_NULL:
	case K_LOG:
		return 0;
	case K_ZERO:
		memset(buf, 0, len);
		return (long)len;
	default:
		break;
	}
	if (fds[fd].off >= n->size)
		return 0;
	got = n->size - fds[fd].off < len ? n->size - fds[fd].off : len;
	memcpy(buf, n->data + fds[fd].off, got);
	fds[fd].off += got;
	return (long)got;
}

long
vfs_write(long fd, const char *buf, size_t len)
{
	struct node *n;
	size_t end;

	if (!fd_ok(fd) || (fds[fd].flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	n = fds[fd].node;
	if (n->kind == K_NULL || n->kind == K_ZERO)
		return (long)len;
	if (n->kind == K_LOG)
		return vfs_log(buf, len);
	if (fds[fd].flags & O_APPEND)
		fds[fd].off = n->size;
	end = fds[fd].off + len;
	if (end > n->cap) {
		size_t cap = end * 2 < 4096 ? 4096 : end * 2;
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
	if (fds[fd].off > n->size)
		memset(n->data + n->size, 0, fds[fd].off - n->size);
	memcpy(n->data + fds[fd].off, buf, len);
	fds[fd].off = end;
	if (end > n->size)
		n->size = end;
	return (long)len;
}

long
vfs_lseek(long fd, long off, int whence)
{
	long base;

	if (!fd_ok(fd))
		return -EBADF;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (long)fds[fd].off;
		break;
	case SEEK_END:
		base = (long)fds[fd].node->size;
		break;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	fds[fd].off = (size_t)(base + off);
	return (long)fds[fd].off;
}

static void
fill_stat(struct node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_nlink = 1;
	st->st_size = (off_t)n->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
	st->st_mode = n->kind == K_DIR ? S_IFDIR | 0755
	    : n->kind == K_FILE        ? S_IFREG | (n->readonly ? 0444 : 0644)
				       : S_IFCHR | 0666;
}

long
vfs_fstat(long fd, struct stat *st)
{
	if (!fd_ok(fd))
		return -EBADF;
	fill_stat(fds[fd].node, st);
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
	d = fds[fd].node;
	if (d->kind != K_DIR)
		return -ENOTDIR;
	for (c = d->child; c; c = c->next, idx++) {
		size_t nl = strlen(c->name);
		size_t rec =
		    (offsetof(struct dirent, d_name) + nl + 1 + 7) & ~7ul;
		struct dirent *de = (struct dirent *)(buf + at);

		if (idx < fds[fd].off)
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
		fds[fd].off = idx + 1;
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
	cwd = n;
	return 0;
}

long
vfs_getcwd(char *buf, size_t len)
{
	char tmp[256];
	size_t at = sizeof(tmp) - 1;

	tmp[at] = 0;
	for (struct node *n = cwd; n != &root; n = n->parent) {
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
vfs_dup(long fd, long to)
{
	if (!fd_ok(fd))
		return -EBADF;
	if (to < 0)
		return new_fd(fds[fd].node, fds[fd].flags, 0);
	if (to >= FDS)
		return -EBADF;
	fds[to] = fds[fd];
	return to;
}

/* ROMs named by <vfs> in the config become read-only files. */
static void
mount_roms(const struct config *cfg)
{
	struct config_node vfs, rom;

	if (config_child(config_root(cfg), "vfs", &vfs))
		return;
	for (int e = config_child(vfs, "rom", &rom); !e;
	     e = config_next(rom, "rom", &rom)) {
		char name[NAME], path[128];
		const void *content;
		size_t len;
		long fd;

		if (config_attr_copy(rom, "name", name, sizeof(name)))
			continue;
		if (config_attr_copy(rom, "path", path, sizeof(path)))
			fmt_snprintf(path, sizeof(path), "/%s", name);
		if (rom_attach(name, &content, &len) ||
		    (fd = vfs_open(path, O_CREAT | O_WRONLY, 0)) < 0) {
			log_printf("vfs: no ROM '%s' for %s", name, path);
			continue;
		}
		vfs_write(fd, content, len);
		vfs_close(fd);
		struct node *d, *n;
		const char *l;
		size_t ln;

		if ((n = walk(path, &d, &l, &ln)))
			n->readonly = true;
	}
}

void
vfs_init(const struct config *cfg)
{
	struct node *dev = make(&root, "dev", 3, K_DIR);

	make(dev, "null", 4, K_NULL);
	make(dev, "zero", 4, K_ZERO);
	make(dev, "log", 3, K_LOG);
	dev->readonly = true;
	/* stdin, stdout, stderr */
	new_fd(lookup_in(dev, "null", 4), O_RDONLY, 0);
	new_fd(lookup_in(dev, "log", 3), O_WRONLY, 1);
	new_fd(lookup_in(dev, "log", 3), O_WRONLY, 2);
	mount_roms(cfg);
}
