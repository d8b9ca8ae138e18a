# Bulkhead's vfork for musl, in place of src/process/x86_64/vfork.s: the
# libc backend (lib/libc/spawn.c) saves where the parent resumes and runs
# the child in the same address space until it calls execve or _exit.
.text
.global vfork
.type vfork,@function
vfork:
	jmp __bulkhead_vfork
