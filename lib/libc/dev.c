/*
 * The devices of every component's /dev: null, zero and the log. Their
 * descriptors are not shared with children but reopened by path
 * (file_ops.device), so a child writes into its own log.
 */
#include <string.h>

#include "file.h"
#include "vfs.h"

static long
nothing_read(struct file *f, char *buf, size_t len, bool block)
{
	(void)f, (void)buf, (void)len, (void)block;
	return 0;
}

static long
zero_read(struct file *f, char *buf, size_t len, bool block)
{
	(void)f, (void)block;
	memset(buf, 0, len);
	return (long)len;
}

static long
sink_write(struct file *f, const char *buf, size_t len, bool block)
{
	(void)f, (void)buf, (void)block;
	return (long)len;
}

static long
logdev_write(struct file *f, const char *buf, size_t len, bool block)
{
	(void)f, (void)block;
	return vfs_log(buf, len);
}

static long
dev_seek(struct file *f, long off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0; /* as Linux's /dev/null and /dev/zero */
}

static void
dev_stat(struct node *n, struct stat *st)
{
	(void)n;
	st->st_mode |= 0666;
}

const struct file_ops dev_null_ops = {
    .type = S_IFCHR,
    .read = nothing_read,
    .write = sink_write,
    .seek = dev_seek,
    .stat = dev_stat,
    .device = "/dev/null",
};

const struct file_ops dev_zero_ops = {
    .type = S_IFCHR,
    .read = zero_read,
    .write = sink_write,
    .seek = dev_seek,
    .stat = dev_stat,
    .device = "/dev/zero",
};

const struct file_ops dev_log_ops = {
    .type = S_IFCHR,
    .read = nothing_read,
    .write = logdev_write,
    .seek = dev_seek,
    .stat = dev_stat,
    .device = "/dev/log",
};
