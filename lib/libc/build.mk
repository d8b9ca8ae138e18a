# The libc backend (lib/libc/syscall.c, crt0.c) is linked into every
# LIBC_PROGS program by the Makefile; its test programs:
LIBC_PROGS += test_libc_hello
test_libc_hello_SRC := lib/libc/test/hello.c
