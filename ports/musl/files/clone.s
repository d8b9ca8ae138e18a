# Bulkhead's __clone for musl, the interface of musl's
# src/thread/x86_64/clone.s:
#   __clone(func, stack, flags, arg, ptid, tls, ctid)
# The arguments are already where a C call has them: the libc backend
# (lib/libc/thread.c) starts the thread.
.text
.global __clone
.hidden __clone
.type __clone,@function
__clone:
	jmp __bulkhead_clone
