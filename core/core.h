/*
 * Core's internal interfaces: physical frames, its own capability slots,
 * the serial log, and building child protection domains from boot modules.
 * Kernel test root tasks (kernel/test) link the same code.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <base/env.h>
#include <base/error.h>
#include <kernel/abi.h>

#define PAGE 4096ul

struct child;

/* memory.c: physical frames, and core's windows onto them. */
void frame_init(const struct boot_info *bi);
int frame_alloc(unsigned n, uint64_t *pa);
void frame_free(uint64_t pa, unsigned n);
uint64_t frame_free_count(void);
void phys_write(uint64_t pa, const void *src, uint64_t len);
void phys_zero(uint64_t pa, uint64_t len);
void *core_attach(uint64_t pa, unsigned pages);
int pd_map(uint64_t pd, uint64_t va, uint64_t pa, unsigned flags,
    struct child *tables_to);

/* caps.c: core's own capability slots. */
void caps_init(uint32_t ncaps);
uint64_t cap_alloc(void);
void cap_free(uint64_t slot);

/* A kernel object that core made: its slot and the frame it lives in. */
struct kobj_ref {
	uint64_t slot, pa;
};
int kobj_new(unsigned type, uint64_t a, uint64_t b, struct kobj_ref *o);
void kobj_free(struct kobj_ref *o);

/* serial.c */
void serial_init(void);
_Noreturn void power_off(unsigned code);

/* core_init: frames, slots, serial. Call first. */
void core_init(const struct boot_info *bi);
const struct boot_module *module_find(const struct boot_info *bi,
    const char *name);
bool cmdline_has(const struct boot_info *bi, const char *word);

/* child.c: a PD with one thread, its memory remembered for reclaiming. */
#define CHILD_ALLOCS 256u

struct child {
	char name[32];
	uint64_t pd, thread; /* slots in core's space */
	uint64_t utcb;       /* physical address of the main UTCB */
	uint64_t entry;
	struct {
		uint64_t pa;
		unsigned n;
	} allocs[CHILD_ALLOCS];
	unsigned nallocs;
};

/* Faults of a child arrive with its badge ORed with FAULT_BADGE. */
#define FAULT_BADGE (1ul << 63)

int child_create(struct child *c, const struct boot_module *m, uint64_t ep,
    uint64_t badge);
int child_start(struct child *c, uint64_t arg, unsigned prio, unsigned quota);
int child_alloc(struct child *c, unsigned n, uint64_t *pa);
int child_map(struct child *c, uint64_t va, uint64_t pa, unsigned flags);
void child_destroy(struct child *c);
