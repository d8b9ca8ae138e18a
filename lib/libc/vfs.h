/* The backend's file system (vfs.c), for syscall.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
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
long vfs_dup(long fd, long to);
long vfs_log(const char *buf, size_t len); /* syscall.c: the log, by lines */
