/*
 * The backend's files (vfs.c, fd.c, poll.c and the kinds of file.h), for
 * syscall.c and spawn.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/stat.h>

struct config;
void vfs_init(const struct config *cfg); /* the component's config */
long vfs_open(const char *path, int flags, int mode);
long vfs_close(long fd);
long vfs_read(long fd, char *buf, size_t len);
long vfs_write(long fd, const char *buf, size_t len);
long vfs_lseek(long fd, long off, int whence);
long vfs_fstat(long fd, struct stat *st);
long vfs_stat(const char *path, struct stat *st);
long vfs_mkdir(const char *path);
long vfs_unlink(const char *path, bool dir);
long vfs_rename(const char *from, const char *to);
long vfs_getdents(long fd, char *buf, size_t len);
long vfs_chdir(const char *path);
long vfs_getcwd(char *buf, size_t len);
long vfs_dup(long fd, long to, bool cloexec);
long vfs_fcntl(long fd, int cmd, long arg);
long vfs_pipe(int *fds, int flags);
long vfs_ioctl(long fd, unsigned long req, void *arg);
struct pollfd;
struct timespec;
long vfs_poll(struct pollfd *fds, unsigned long n, int timeout_ms);
/* t: a relative timeout, NULL for none */
long vfs_ppoll(struct pollfd *fds, unsigned long n, const struct timespec *t);
long vfs_select(int nfds, fd_set *r, fd_set *w, fd_set *x,
    const struct timespec *t);
long vfs_log(const char *buf, size_t len); /* syscall.c: the log, by lines */
bool vfs_is_log(long fd);

/*
 * For starting programs (spawn.c): open files, shared by descriptors and
 * by the Fd sessions of children; the descriptor table, saved around a
 * vfork child; a program's file.
 */
struct file;
struct fd_table;
struct file *vfs_fd_file(long fd, bool *cloexec); /* NULL: not open */
void vfs_file_hold(struct file *f);
void vfs_file_release(struct file *f);
/* block false: -EAGAIN instead of waiting (a child's call) */
long vfs_file_read(struct file *f, char *buf, size_t len, bool block);
long vfs_file_write(struct file *f, const char *buf, size_t len, bool block);
long vfs_file_seek(struct file *f, long off, int whence);
bool vfs_file_readable(const struct file *f); /* a read would not wait */
short vfs_file_ready(const struct file *f, short events);
void vfs_file_stat(struct file *f, struct stat *st);
int vfs_file_flags(const struct file *f);
const char *vfs_file_device(const struct file *f); /* "/dev/log" or NULL */
const void *vfs_file_node(const struct file *f);
bool vfs_file_remote(const struct file *f, uint64_t *handle);
struct fd_table *vfs_fds_save(void);
void vfs_fds_restore(struct fd_table *saved);
void vfs_fds_exec(void); /* closes the close-on-exec descriptors */
long vfs_content(const char *path, const void **data, size_t *size);
const char *vfs_config(size_t *len); /* our <vfs> node's text, or NULL */

/* spawn.c: a file children may wait on changed. */
void spawn_file_changed(const void *node);
