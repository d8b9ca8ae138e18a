/*
 * The component's file system, inside the libc backend: a tree in RAM
 * (the component's heap, so its quota pays), with /dev/null, /dev/zero and
 * /dev/log, and ROMs from the config as read-only files:
 *
 *   <config> <vfs> <rom name="data.txt" path="/data.txt"/> </vfs> </config>
 *
 * This file holds the tree, its two kinds of node (directories and RAM
 * files) and the calls that take a path. Paths are absolute or relative to
 * the working directory; "." and ".." are understood. The other kinds of
 * file are tables of operations of their own (file.h); descriptors are
 * fd.c's.
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
#include <base/runtime.h>

#include "file.h"
#include "libc.h"
#include "vfs.h"

static struct node root = {.name = "/", .ops = &vfs_dir_ops, .ino = 1};
static unsigned inos = 1;
static char *vfs_text; /* our <vfs> node, for our children */
static size_t vfs_len;

struct node *
vfs_node_lookup(struct node *dir, const char *name, size_t n)
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

static bool
is_dir(const struct node *n)
{
	return n->ops == &vfs_dir_ops;
}

/*
 * Walk path; *dir gets the directory of the last element and *last its
 * name, for creating. Returns the node or NULL.
 */
static struct node *
walk(const char *path, struct node **dir, const char **last, size_t *lastn)
{
	struct node *n = path[0] == '/' ? &root : vfs_cwd();

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

		if (!n || !is_dir(n))
			return *dir = NULL, NULL;
		*dir = n;
		*last = path;
		*lastn = len;
		n = vfs_node_lookup(n, path, len);
		path += len;
	}
	return n;
}

struct node *
vfs_node_new(const struct file_ops *ops)
{
	struct node *n = heap_alloc(sizeof(*n));

	if (!n)
		return NULL;
	n->ops = ops;
	n->ino = ++inos;
	return n;
}

struct node *
vfs_node_make(struct node *dir, const char *name, size_t n,
    const struct file_ops *ops)
{
	struct node *c;

	if (n >= NAME)
		return NULL;
	if (!(c = vfs_node_new(ops)))
		return NULL;
	memcpy(c->name, name, n);
	c->parent = dir;
	c->next = dir->child;
	dir->child = c;
	return c;
}

void
vfs_node_unlink(struct node *n)
{
	struct node **p = &n->parent->child;

	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
	n->parent = NULL;
}

/* ---- RAM files ---- */

static long
ram_read(struct file *f, char *buf, size_t len, bool block)
{
	struct node *n = f->node;
	size_t got;

	(void)block;
	if (f->off >= n->size)
		return 0;
	got = n->size - f->off < len ? n->size - f->off : len;
	memcpy(buf, n->data + f->off, got);
	f->off += got;
	return (long)got;
}

static long
ram_write(struct file *f, const char *buf, size_t len, bool block)
{
	struct node *n = f->node;
	size_t end;

	(void)block;
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

/* A RAM file's or a directory's position; a directory's counts entries. */
static long
ram_seek(struct file *f, long off, int whence)
{
	long base;

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

static void
ram_stat(struct node *n, struct stat *st)
{
	st->st_mode |= n->readonly ? 0555 : 0644;
	st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
}

static long
dir_read(struct file *f, char *buf, size_t len, bool block)
{
	(void)f, (void)buf, (void)len, (void)block;
	return -EISDIR;
}

static long
dir_write(struct file *f, const char *buf, size_t len, bool block)
{
	(void)f, (void)buf, (void)len, (void)block;
	return -EISDIR;
}

static void
dir_stat(struct node *n, struct stat *st)
{
	(void)n;
	st->st_mode |= 0755;
}

const struct file_ops vfs_ram_ops = {
    .type = S_IFREG,
    .read = ram_read,
    .write = ram_write,
    .seek = ram_seek,
    .stat = ram_stat,
};

const struct file_ops vfs_dir_ops = {
    .type = S_IFDIR,
    .read = dir_read,
    .write = dir_write,
    .seek = ram_seek,
    .stat = dir_stat,
};

/* ---- calls that take a path ---- */

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
		if (!(n = vfs_node_make(dir, last, lastn, &vfs_ram_ops)))
			return -ENAMETOOLONG;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		return -EEXIST;
	}
	if ((flags & O_DIRECTORY) && !is_dir(n))
		return -ENOTDIR;
	if (is_dir(n) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (n->readonly && (flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	if ((flags & O_TRUNC) && n->ops == &vfs_ram_ops)
		n->size = 0;
	return vfs_fd_new(n, flags, 0);
}

long
vfs_stat(const char *path, struct stat *st)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)))
		return -ENOENT;
	vfs_node_stat(n, st);
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
	return vfs_node_make(dir, last, lastn, &vfs_dir_ops) ? 0
							     : -ENAMETOOLONG;
}

long
vfs_unlink(const char *path, bool dir_wanted)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)) || n == &root)
		return n ? -EBUSY : -ENOENT;
	if (dir_wanted && !is_dir(n))
		return -ENOTDIR;
	if (!dir_wanted && is_dir(n))
		return -EISDIR;
	if (is_dir(n) && n->child)
		return -ENOTEMPTY;
	if (n->readonly || (!is_dir(n) && n->ops != &vfs_ram_ops))
		return -EROFS; /* the devices */
	if (vfs_node_busy(n))
		return -EBUSY; /* no open-unlinked files yet */
	vfs_node_unlink(n);
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
	if (n == &root)
		return -EBUSY;
	if (n->readonly || tdir->readonly)
		return -EROFS;
	if (tn >= NAME)
		return -ENAMETOOLONG;
	for (struct node *p = tdir; p; p = p->parent)
		if (p == n)
			return -EINVAL; /* into itself */
	if (t && t != n) {
		long e = vfs_unlink(to, is_dir(t));

		if (e)
			return e;
	}
	vfs_node_unlink(n);
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
	struct file *f = vfs_fd_get(fd);
	struct node *d, *c;
	size_t at = 0, idx = 0;

	if (!f)
		return -EBADF;
	d = f->node;
	if (!is_dir(d))
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
		de->d_type = (unsigned char)IFTODT(c->ops->type);
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
	if (!is_dir(n))
		return -ENOTDIR;
	vfs_set_cwd(n);
	return 0;
}

long
vfs_getcwd(char *buf, size_t len)
{
	char tmp[256];
	size_t at = sizeof(tmp) - 1;

	tmp[at] = 0;
	for (struct node *n = vfs_cwd(); n != &root; n = n->parent) {
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

/* A regular file's content, for execve. */
long
vfs_content(const char *path, const void **data, size_t *size)
{
	struct node *dir, *n;
	const char *last;
	size_t lastn;

	if (!(n = walk(path, &dir, &last, &lastn)))
		return -ENOENT;
	if (n->ops != &vfs_ram_ops)
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
		n = vfs_node_lookup(dir, path, (size_t)(end - path));
		if (!n &&
		    !(n = vfs_node_make(dir, path, (size_t)(end - path),
			  &vfs_dir_ops)))
			return NULL;
		if (!is_dir(n))
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
		    vfs_node_lookup(dir, base, strlen(base)) ||
		    !(n = vfs_node_make(dir, base, strlen(base),
			  &vfs_ram_ops))) {
			log_printf("vfs: cannot put ROM '%s' at %s", name,
			    path);
			continue;
		}
		n->data = (char *)content; /* never written: readonly */
		n->size = len;
		n->readonly = true;
	}
}

void
vfs_init(const struct config *cfg)
{
	struct node *dev = vfs_node_make(&root, "dev", 3, &vfs_dir_ops);
	struct config_node vfs, term;
	char path[128], label[LABEL_MAX] = "";

	vfs_set_cwd(&root);
	vfs_node_make(dev, "null", 4, &dev_null_ops);
	vfs_node_make(dev, "zero", 4, &dev_zero_ops);
	vfs_node_make(dev, "log", 3, &dev_log_ops);
	dev->readonly = true;
	/* stdin, stdout, stderr */
	vfs_fd_new(vfs_node_lookup(dev, "null", 4), O_RDONLY, 0);
	vfs_fd_new(vfs_node_lookup(dev, "log", 3), O_WRONLY, 1);
	vfs_fd_new(vfs_node_lookup(dev, "log", 3), O_WRONLY, 2);
	if (!config_child(config_root(cfg), "vfs", &vfs)) {
		const char *raw;

		config_node_raw(vfs, &raw, &vfs_len);
		if ((vfs_text = heap_alloc(vfs_len)))
			memcpy(vfs_text, raw, vfs_len);
		mount_roms(vfs);
		/* <terminal label="..."/>: /dev/terminal and fds 0-2 on it */
		if (!config_child(vfs, "terminal", &term)) {
			config_attr_copy(term, "label", label, sizeof(label));
			remote_terminal(dev, label);
		}
	}
	/* <cwd path="/dir"/>: where a parent's execve left off */
	if (!config_child(config_root(cfg), "cwd", &vfs) &&
	    !config_attr_copy(vfs, "path", path, sizeof(path)))
		vfs_chdir(path);
	remote_inherit(cfg);
}
