/*
 * The kinds of file inside the libc backend, as a table of operations (a
 * Plan 9 device table): a RAM file or directory of the tree (vfs.c),
 * /dev/null, /dev/zero and /dev/log (dev.c), pipes (pipe.c), files served
 * by another component over an Fd or Terminal session (remote.c). A new
 * kind (a socket, a file of a file-system session) is one more struct
 * file_ops in a file of its own; the descriptor calls (fd.c) and poll
 * (poll.c) never look at which kind a file is. Private to lib/libc.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define FDS 64u
#define NAME 64u
/*
 * The largest RAM file, the heap's largest block: every offset and size
 * stays below it, so offset + length never overflows, whatever a child's
 * FD_SEEK and FD_WRITE ask for.
 */
#define FILE_MAX (1ul << 40)

struct config;
struct node;
struct file;

/*
 * What a kind of file does. Every operation is called with the backend's
 * lock held; one that waits (block true) drops it while it waits. A NULL
 * operation means: read, write or ioctl refused (-EINVAL, -EINVAL,
 * -ENOTTY), seek -ESPIPE, ready "always ready", the rest nothing to do.
 */
struct file_ops {
	/* S_IFREG, S_IFDIR, S_IFCHR or S_IFIFO: for stat and getdents */
	unsigned type;
	long (*read)(struct file *f, char *buf, size_t len, bool block);
	long (*write)(struct file *f, const char *buf, size_t len, bool block);
	long (*seek)(struct file *f, long off, int whence);
	/* st is zeroed and holds the inode, the type and the size already */
	void (*stat)(struct node *n, struct stat *st);
	short (*ready)(const struct file *f, short events);
	long (*ioctl)(struct file *f, unsigned long req, void *arg);
	/* a file of the node was opened, or closed for the last time */
	void (*opened)(struct file *f);
	void (*closed)(struct file *f);
	/*
	 * The last file of a node outside the tree is gone: free the
	 * kind's state (the node itself is freed after). Only kinds that
	 * live outside the tree have it.
	 */
	void (*destroy)(struct node *n);
	/*
	 * Readiness changes are announced on the backend's server signal
	 * (vfs_remote_signal: a server's Fd or Terminal session) instead
	 * of the futex of vfs_changed.
	 */
	bool signalled;
	/* the path a child reopens instead of sharing the file, or NULL */
	const char *device;
};

struct node {
	char name[NAME];
	const struct file_ops *ops;
	bool readonly;
	struct node *parent, *child, *next; /* the tree; parent NULL: outside */
	char *data;                         /* a RAM file: ours, or a ROM's */
	size_t size, cap;
	unsigned ino;
	unsigned files; /* open files of the node */
	void *priv;     /* the kind's own state: a pipe, a session */
};

struct file {
	struct node *node;
	size_t off;
	int flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK */
	unsigned refs;
};

/* The kinds, in their files. */
extern const struct file_ops vfs_dir_ops, vfs_ram_ops; /* vfs.c */
extern const struct file_ops dev_null_ops, dev_zero_ops, dev_log_ops;
extern const struct file_ops remote_fd_ops, remote_terminal_ops;

/* vfs.c: the tree. */
struct node *vfs_node_make(struct node *dir, const char *name, size_t n,
    const struct file_ops *ops);
void vfs_node_unlink(struct node *n);
struct node *vfs_node_lookup(struct node *dir, const char *name, size_t n);
struct node *vfs_node_new(const struct file_ops *ops); /* outside the tree */

/* fd.c: open files and the descriptor table. */
struct file *vfs_file_new(struct node *n, int flags);
int vfs_fd_install(struct file *f, int min, bool cloexec); /* or -EMFILE */
int vfs_fd_new(struct node *n, int flags, int min);
struct file *vfs_fd_get(long fd); /* NULL: not open */
bool vfs_node_busy(const struct node *n);
void vfs_node_stat(struct node *n, struct stat *st);
struct node *vfs_cwd(void);
void vfs_set_cwd(struct node *n);

/* poll.c: what a waiting reader, writer or poll learns of. */
void vfs_changed(struct node *n); /* a pipe or a file children see changed */
int vfs_changes(void);            /* the count to wait on */
void vfs_wait_change(int seen);   /* without the lock, until changed */

/* remote.c: the files of a server's session. */
uint64_t remote_signal(void); /* submitted by the servers; 0: none yet */
int remote_open(struct node *n, const char *service, const char *label,
    const char *args);
void remote_terminal(struct node *dev, const char *label);
void remote_inherit(const struct config *cfg);
