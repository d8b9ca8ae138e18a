# The kernel: generic objects and the x86_64 port.
# From lib/base: the same ELF checks as core and init use, and the string
# functions.
KERNEL_SRC := $(wildcard kernel/*.c) $(wildcard kernel/arch/x86_64/*.c) \
	kernel/arch/x86_64/boot.S kernel/arch/x86_64/entry.S lib/base/elf.c \
	lib/base/string.c
KERNEL_LDSCRIPT := kernel/arch/x86_64/kernel.ld
