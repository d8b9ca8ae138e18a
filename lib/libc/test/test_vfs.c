/*
 * Host unit test of the backend's file system (lib/libc/vfs.c) on what a
 * child sends through its Fd session: fd_call (spawn.c) hands FD_SEEK's
 * offset and whence and FD_WRITE's length straight to vfs_file_seek and
 * vfs_file_write. Offsets near 2^63 and lengths that would wrap must be
 * errors, not a wrapped size and a write far past the file's buffer.
 * The runtime underneath is stubbed with the host's malloc.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <base/error.h>
#include <base/heap.h>
#include <base/log.h>
#include <base/runtime.h>
#include <test/check.h>

#include "../libc.h"
#include "../vfs.h"

/* ---- the runtime, as far as RAM files need it ---- */
volatile int libc_backend_lock;

void *
heap_alloc(size_t size)
{
	return size > (1ul << 40) ? NULL : calloc(1, size ? size : 1);
}

void
heap_free(void *p)
{
	free(p);
}

void
log_write(const char *s, size_t n)
{
	printf("%.*s\n", (int)n, s);
}

void
libc_lock(volatile int *l)
{
	(void)l;
}

void
libc_unlock(volatile int *l)
{
	(void)l;
}

long
libc_futex(volatile int *addr, int op, int val, const struct timespec *t,
    volatile int *addr2)
{
	return 0;
}

long
libc_clock(struct timespec *ts)
{
	memset(ts, 0, sizeof(*ts));
	return 0;
}

void
spawn_file_changed(const void *node)
{
}

void
libc_signal_terminal(uint64_t cap)
{
}

long
vfs_log(const char *buf, size_t len)
{
	return (long)len;
}

int
session_open_args(const char *service, const char *label, const char *args,
    uint64_t quota, uint64_t *cap, uint64_t *id)
{
	return -E_DENIED;
}

int
session_close(uint64_t cap, uint64_t id)
{
	return 0;
}

int
object_create(unsigned type, uint64_t *slot)
{
	return -E_NOMEM;
}

int
rom_attach(const char *name, const void **data, size_t *size)
{
	return -E_NOENT;
}

/* ---- the tests ---- */

static struct file *
open_file(const char *path)
{
	bool cloexec;
	long fd = vfs_open(path, O_CREAT | O_RDWR, 0644);

	CHECK(fd >= 0);
	return vfs_fd_file(fd, &cloexec);
}

/* What a hostile child asks for in FD_SEEK (w0 offset, w1 whence). */
static void
seek(void)
{
	struct file *f = open_file("/seek");

	CHECK(vfs_file_write(f, "0123456789", 10, false) == 10);
	CHECK(vfs_file_seek(f, 4, SEEK_SET) == 4);
	CHECK(vfs_file_seek(f, 2, SEEK_CUR) == 6);
	CHECK(vfs_file_seek(f, -1, SEEK_END) == 9);
	CHECK(vfs_file_seek(f, -11, SEEK_END) == -EINVAL);
	CHECK(vfs_file_seek(f, LONG_MIN, SEEK_CUR) == -EINVAL);
	CHECK(vfs_file_seek(f, LONG_MIN, SEEK_SET) == -EINVAL);
	/* base + off would overflow a long */
	CHECK(vfs_file_seek(f, LONG_MAX, SEEK_CUR) < 0);
	CHECK(vfs_file_seek(f, LONG_MAX, SEEK_END) < 0);
	CHECK(vfs_file_seek(f, LONG_MAX - 5, SEEK_END) < 0);
	CHECK(vfs_file_seek(f, 0, 7) == -EINVAL);
	CHECK(vfs_file_seek(f, 0, -1) == -EINVAL);
	/* a failed seek leaves the offset */
	CHECK(vfs_file_seek(f, 0, SEEK_CUR) == 9);
}

/* FD_SEEK far out, then FD_WRITE: the size must not wrap. */
static void
seek_then_write(void)
{
	struct file *f = open_file("/far");
	struct stat st;
	char buf[16];
	long off;

	off = vfs_file_seek(f, LONG_MAX - 1, SEEK_SET);
	if (off >= 0) /* a far offset may be refused or taken... */
		CHECK(vfs_file_write(f, "x", 1, false) <
		    0); /* ...not written */
	off = vfs_file_seek(f, (long)(1ul << 62), SEEK_SET);
	if (off >= 0)
		CHECK(vfs_file_write(f, "x", 1, false) < 0);
	/* Offsets that wrap size_t when doubled for the buffer. */
	off = vfs_file_seek(f, LONG_MAX / 2 + 1, SEEK_SET);
	if (off >= 0)
		CHECK(vfs_file_write(f, "x", 1, false) < 0);
	/* The file is still whole and usable. */
	CHECK(vfs_file_seek(f, 0, SEEK_SET) == 0);
	CHECK(vfs_file_write(f, "hello", 5, false) == 5);
	CHECK(vfs_file_seek(f, 0, SEEK_SET) == 0);
	CHECK(vfs_file_read(f, buf, sizeof(buf), false) == 5);
	CHECK(!memcmp(buf, "hello", 5));
	vfs_file_stat(f, &st);
	CHECK(st.st_size == 5);
	/* A read from far out is the end of the file. */
	off = vfs_file_seek(f, (long)(1ul << 40), SEEK_SET);
	if (off >= 0)
		CHECK(vfs_file_read(f, buf, sizeof(buf), false) == 0);
}

/* A hole that fits is zeroes; the append flag ignores the offset. */
static void
holes(void)
{
	struct file *f = open_file("/hole");
	char buf[8];

	CHECK(vfs_file_seek(f, 3, SEEK_SET) == 3);
	CHECK(vfs_file_write(f, "ab", 2, false) == 2);
	CHECK(vfs_file_seek(f, 0, SEEK_SET) == 0);
	CHECK(vfs_file_read(f, buf, sizeof(buf), false) == 5);
	CHECK(!memcmp(buf, "\0\0\0ab", 5));
	CHECK(vfs_file_seek(f, 2, SEEK_END) == 7);
	CHECK(vfs_file_write(f, "", 0, false) == 0);
}

/* Directories and pipes refuse what does not apply to them. */
static void
kinds(void)
{
	int p[2];
	bool cloexec;
	struct file *r, *w;
	char buf[4];

	CHECK(vfs_pipe(p, 0) == 0);
	r = vfs_fd_file(p[0], &cloexec);
	w = vfs_fd_file(p[1], &cloexec);
	CHECK(vfs_file_seek(r, 0, SEEK_SET) == -ESPIPE);
	CHECK(vfs_file_read(r, buf, sizeof(buf), false) == -EAGAIN);
	CHECK(vfs_file_write(r, "x", 1, false) == -EBADF);
	CHECK(vfs_file_write(w, "abc", 3, false) == 3);
	CHECK(vfs_file_read(w, buf, sizeof(buf), false) == -EBADF);
	CHECK(vfs_file_read(r, buf, sizeof(buf), false) == 3);
	CHECK(vfs_close(p[1]) == 0);
	CHECK(vfs_file_read(r, buf, sizeof(buf), false) == 0);
	CHECK(vfs_close(p[0]) == 0);
}

int
main(void)
{
	CHECK(vfs_mkdir("/d") == 0);
	CHECK(vfs_chdir("/d") == 0);
	seek();
	seek_then_write();
	holes();
	kinds();
	printf("test_vfs: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
