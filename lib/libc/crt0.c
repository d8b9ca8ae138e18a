/*
 * The entry of a program linked with musl: Bulkhead starts a component at
 * _start with one argument in rdi; musl wants the stack of a Linux process
 * (argc, argv, environment, auxiliary vector). We build one and hand it to
 * __libc_start_main.
 */
#include <elf.h>
#include <stdint.h>

#include "vfs.h"

int main(int argc, char **argv, char **envp);
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
    void (*init)(void), void (*fini)(void), void (*ldso)(void));

static char name[] = "component";
static unsigned char random_bytes[16];

void _start_c(uint64_t arg);

void
_start_c(uint64_t arg)
{
	/* argc, argv[0], NULL, envp NULL, auxv pairs, AT_NULL */
	static uintptr_t stack[] = {1, (uintptr_t)name, 0, 0, AT_PAGESZ, 4096,
	    AT_RANDOM, (uintptr_t)random_bytes, AT_NULL, 0};
	uint64_t tsc;

	__asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax"
			 : "=a"(tsc)
			 :
			 : "rdx");
	for (unsigned i = 0; i < sizeof(random_bytes); i++)
		random_bytes[i] = (unsigned char)(tsc >> (8 * (i % 8)) ^ arg);
	vfs_init();
	__libc_start_main(main, (int)stack[0], (char **)&stack[1], 0, 0, 0);
}

__asm__(".text\n.globl _start\n_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andq $-16, %rsp\n"
	"	call _start_c\n"
	"	ud2\n");
