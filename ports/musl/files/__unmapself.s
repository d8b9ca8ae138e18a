# Bulkhead's __unmapself for musl: a detached thread frees its stack and
# ends. The backend (lib/libc/thread.c) moves to the thread's own park
# stack first, so nothing runs on the stack it frees.
.text
.global __unmapself
.type __unmapself,@function
__unmapself:
	jmp __bulkhead_unmapself
