# The libc backend (lib/libc/syscall.c, crt0.c) is linked into every
# LIBC_PROGS program by the Makefile; its test programs:
LIBC_PROGS += test_libc_hello
test_libc_hello_SRC := lib/libc/test/hello.c
LIBC_PROGS += test_libc test_libc_exit
test_libc_SRC := lib/libc/test/libc_test.c
test_libc_exit_SRC := lib/libc/test/exit.c
# Starting programs: test_libc_spawn starts test_libc_child.
LIBC_PROGS += test_libc_spawn test_libc_child
test_libc_spawn_SRC := lib/libc/test/spawn_test.c
test_libc_child_SRC := lib/libc/test/child.c
# The file system on the host, with the offsets and sizes a hostile child
# sends through its Fd session (the runtime is stubbed in the test).
HOST_TESTS += test_libc_vfs
test_libc_vfs_SRC := lib/libc/vfs.c lib/libc/fd.c lib/libc/dev.c lib/libc/pipe.c \
	lib/libc/remote.c lib/libc/poll.c lib/libc/test/test_vfs.c \
	$(CONFIG_PARSER) lib/base/format.c
test_libc_vfs_CFLAGS := -D_GNU_SOURCE
