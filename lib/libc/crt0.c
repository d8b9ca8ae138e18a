/*
 * The entry of a program linked with musl: Bulkhead starts a component at
 * _start with one argument in rdi; musl wants the stack of a Linux process
 * (argc, argv, environment, auxiliary vector). We build one from the
 * component's config and hand it to __libc_start_main:
 *
 *   <config> <arg value="sh"/> <arg value="-c"/> <env key="HOME" value="/"/>
 *
 * Without <arg>, argv is just "component". A malformed config ends the
 * program before main, with the position of the error.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <base/config.h>
#include <base/env.h>
#include <base/log.h>
#include <base/runtime.h>

#include "libc.h"
#include "vfs.h"

#define ARGS_MAX 64u  /* arguments and environment variables together */
#define STRINGS 8192u /* their text */
#define NAME "component"

int main(int argc, char **argv, char **envp);
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
    void (*init)(void), void (*fini)(void), void (*ldso)(void));

static unsigned char random_bytes[16];
/* argc, argv..., NULL, envp..., NULL, auxv pairs, AT_NULL */
static uintptr_t stack[1 + ARGS_MAX + 2 + 6];
static char strings[STRINGS];
static size_t used;

/* Copies attribute attr of node into strings; NULL if it does not fit. */
static char *
string(struct config_node node, const char *attr, const char *prefix)
{
	char *s = strings + used;
	size_t n = 0;

	if (prefix) {
		n = (size_t)fmt_snprintf(s, STRINGS - used, "%s=", prefix);
		if (n >= STRINGS - used)
			return NULL;
	}
	if (config_attr_copy(node, attr, s + n, STRINGS - used - n))
		return NULL;
	used += n + strlen(s + n) + 1;
	return s;
}

/* Fills stack[] with argv and envp from the config; returns argc or -1. */
static int
arguments(const struct config *cfg)
{
	struct config_node n;
	unsigned k = 1, argc = 0;
	char key[64];

	for (int e = config_child(config_root(cfg), "arg", &n); !e;
	     e = config_next(n, "arg", &n), argc++) {
		if (k == ARGS_MAX ||
		    !(stack[k++] = (uintptr_t)string(n, "value", NULL))) {
			log_printf("libc: config: <arg> %u: no value, or too "
				   "many arguments",
			    argc + 1);
			return -1;
		}
	}
	if (!argc) {
		stack[k++] = (uintptr_t)NAME;
		argc = 1;
	}
	stack[k++] = 0;
	for (int e = config_child(config_root(cfg), "env", &n); !e;
	     e = config_next(n, "env", &n)) {
		if (config_attr_copy(n, "key", key, sizeof(key)) ||
		    k == ARGS_MAX ||
		    !(stack[k++] = (uintptr_t)string(n, "value", key))) {
			log_printf("libc: config: <env> needs key and value, "
				   "within %u entries and %u bytes",
			    ARGS_MAX, STRINGS);
			return -1;
		}
	}
	stack[k++] = 0;
	stack[k++] = AT_PAGESZ;
	stack[k++] = 4096;
	stack[k++] = AT_RANDOM;
	stack[k++] = (uintptr_t)random_bytes;
	stack[k++] = AT_NULL;
	stack[k] = 0;
	stack[0] = argc;
	return (int)argc;
}

void _start_c(uint64_t arg);

void
_start_c(uint64_t arg)
{
	struct config cfg;
	uint64_t tsc;

	__asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax"
			 : "=a"(tsc)
			 :
			 : "rdx");
	for (unsigned i = 0; i < sizeof(random_bytes); i++)
		random_bytes[i] = (unsigned char)(tsc >> (8 * (i % 8)) ^ arg);
	if (config_load(&cfg) || arguments(&cfg) < 0)
		libc_exit(1);
	vfs_init(&cfg);
	spawn_init(&cfg);
	/* The log takes lines: a program that runs on shows them as it
	 * prints them, not when a buffer is full. */
	if (vfs_is_log(1))
		setvbuf(stdout, NULL, _IOLBF, 0);
	__libc_start_main(main, (int)stack[0], (char **)&stack[1], 0, 0, 0);
}

__asm__(".text\n.globl _start\n_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andq $-16, %rsp\n"
	"	call _start_c\n"
	"	ud2\n");
