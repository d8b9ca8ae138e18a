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
#include <base/heap.h>
#include <base/log.h>
#include <base/runtime.h>

#include "libc.h"
#include "vfs.h"

#define NAME "component"
#define AUXV 7u /* the words after the environment's NULL */

int main(int argc, char **argv, char **envp);
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
    void (*init)(void), void (*fini)(void), void (*ldso)(void));

static unsigned char random_bytes[16];

/*
 * The words and bytes the arguments and environment need: no fixed count,
 * the config (which the parent keeps within ARG_MAX) is the limit. Raw
 * attribute lengths bound the decoded ones. -1: an <arg> without value or
 * an <env> without key or value.
 */
static int
measure(const struct config *cfg, size_t *words, size_t *bytes)
{
	struct config_node n;
	struct config_str k, v;
	size_t argc = 0, envc = 0;

	*bytes = 0;
	for (int e = config_child(config_root(cfg), "arg", &n); !e;
	     e = config_next(n, "arg", &n), argc++) {
		if (config_attr(n, "value", &v) < 0) {
			log_printf("libc: config: <arg> %lu has no value",
			    (unsigned long)argc + 1);
			return -1;
		}
		*bytes += v.len + 1;
	}
	for (int e = config_child(config_root(cfg), "env", &n); !e;
	     e = config_next(n, "env", &n), envc++) {
		if (config_attr(n, "key", &k) < 0 ||
		    config_attr(n, "value", &v) < 0) {
			log_printf(
			    "libc: config: <env> %lu needs key and value",
			    (unsigned long)envc + 1);
			return -1;
		}
		*bytes += k.len + 1 + v.len + 1;
	}
	/* argc, argv (at least NAME), NULL, envp, NULL, auxv */
	*words = 1 + (argc ? argc : 1) + 1 + envc + 1 + AUXV;
	return 0;
}

/* Decodes attribute attr of node to *at; NULL if it does not decode. */
static char *
string(struct config_node node, const char *attr, char **at, char *end)
{
	char *s = *at;

	if (config_attr_copy(node, attr, s, (size_t)(end - s)))
		return NULL;
	*at = s + strlen(s) + 1;
	return s;
}

/* The stack musl wants, from the config's <arg> and <env>; NULL: none. */
static uintptr_t *
arguments(const struct config *cfg)
{
	struct config_node n;
	size_t words, bytes, k = 1, argc = 0;
	uintptr_t *stack;
	char *at, *end;

	if (measure(cfg, &words, &bytes))
		return NULL;
	if (!(stack = heap_alloc(words * sizeof(*stack))) ||
	    !(at = heap_alloc(bytes ? bytes : 1))) {
		log_printf("libc: no room for %lu bytes of arguments and "
			   "environment",
		    (unsigned long)bytes);
		return NULL;
	}
	end = at + bytes;
	for (int e = config_child(config_root(cfg), "arg", &n); !e;
	     e = config_next(n, "arg", &n), argc++)
		if (!(stack[k++] = (uintptr_t)string(n, "value", &at, end)))
			return NULL;
	if (!argc) {
		stack[k++] = (uintptr_t)NAME;
		argc = 1;
	}
	stack[k++] = 0;
	for (int e = config_child(config_root(cfg), "env", &n); !e;
	     e = config_next(n, "env", &n)) {
		char *key = string(n, "key", &at, end);

		/* key=value: the key's NUL becomes the '=' */
		if (!key || !string(n, "value", &at, end))
			return NULL;
		key[strlen(key)] = '=';
		stack[k++] = (uintptr_t)key;
	}
	stack[k++] = 0;
	stack[k++] = AT_PAGESZ;
	stack[k++] = 4096;
	stack[k++] = AT_RANDOM;
	stack[k++] = (uintptr_t)random_bytes;
	stack[k++] = AT_NULL;
	stack[k] = 0;
	stack[0] = argc;
	return stack;
}

void _start_c(uint64_t arg);

void
_start_c(uint64_t arg)
{
	struct config cfg;
	uintptr_t *stack;
	uint64_t tsc;

	__asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax"
			 : "=a"(tsc)
			 :
			 : "rdx");
	for (unsigned i = 0; i < sizeof(random_bytes); i++)
		random_bytes[i] = (unsigned char)(tsc >> (8 * (i % 8)) ^ arg);
	if (config_load(&cfg) || !(stack = arguments(&cfg)))
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
