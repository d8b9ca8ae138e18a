# The kernel: generic objects and the x86_64 port.
KERNEL_SRC := $(wildcard kernel/*.c) $(wildcard kernel/arch/x86_64/*.c) \
	kernel/arch/x86_64/boot.S kernel/arch/x86_64/entry.S
KERNEL_LDSCRIPT := kernel/arch/x86_64/kernel.ld
