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
#include <base/parent.h>
#include <kernel/abi.h>

#define PAGE 4096ul

struct pd_session;

/* memory.c: physical frames, and core's windows onto them. */
void frame_init(const struct boot_info *bi);
int frame_alloc(unsigned n, uint64_t *pa);
void frame_free(uint64_t pa, unsigned n);
uint64_t frame_free_count(void);
void phys_write(uint64_t pa, const void *src, uint64_t len);
void phys_zero(uint64_t pa, uint64_t len);
void phys_copy(uint64_t to, uint64_t from, uint64_t pages);
void *core_attach(uint64_t pa, unsigned pages);

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

/* service.c: start init from module m and serve it; never returns. */
#define CORE_RESERVE (1ul << 20)
_Noreturn void core_run_init(const struct boot_info *bi,
    const struct boot_module *m);

/* core_init: frames, slots, serial. Call first. */
void core_init(const struct boot_info *bi);
const struct boot_module *module_find(const struct boot_info *bi,
    const char *name);
bool cmdline_has(const struct boot_info *bi, const char *word);
const uint8_t *module_data(const struct boot_module *m);

/* pd_session.c, dataspace.c, region_map.c: PDs with a RAM quota, their
 * threads, dataspaces, mappings and region maps. */
#define PDS_MAX 64u
#define PDS_THREADS 32u
#define PDS_META 512u
#define DS_MAX 512u
#define MAP_MAX 1024u
#define ATTACH_MAX 256u
#define ENTRY_COST 64u
#define PDS_DS (DS_MAX / 4)
#define PDS_MAPS (MAP_MAX / 4)
#define PDS_ATTACH (ATTACH_MAX / 4)
#define RM_DEPTH 8u /* region maps nest at most so deep */

#define PDS_OBJECTS 128u
/* A PD's capability space: it starts with PDS_CAP_FIRST pages of 64 slots
 * and grows (PD_CAPS) to at most PDS_CAP_PAGES, within its caps quota. */
#define PDS_CAP_FIRST 2u
#define PDS_CAP_PAGES 64u
#define PDS_CAPS_MIN (PDS_CAP_FIRST * CAP_PAGE_SLOTS + 4u)
/* A fault core could not resolve, for the parent to fetch. */
struct pd_fault {
	uint64_t kind, addr, ip, thread;
};

struct pd_session {
	bool used;
	uint32_t gen; /* tells old capabilities from new */
	char label[LABEL_MAX];
	uint64_t pd, pd_pa;    /* core's slot for the kernel PD */
	uint64_t quota, spent; /* bytes of RAM, frames only */
	/* Core's table entries it holds (dataspaces and region maps,
	 * mappings, attachments into its region maps), charged to its quota
	 * at ENTRY_COST each and bounded per PD, so that no PD takes a pool
	 * from the others. */
	unsigned nds, nmaps, nattach;
	/* Capability quota: the slots of its own space plus the slots core
	 * keeps for it (its PD, threads, objects, fault signal). */
	uint64_t caps;
	unsigned slots, core_slots;
	unsigned
	    caps_told; /* a refusal was logged: a hostile loop gets one line */
	uint64_t cap_pa[PDS_CAP_PAGES]; /* the pages it grew by */
	unsigned ncap_pa;
	uint64_t threads[PDS_THREADS]; /* core's slots, 0: free */
	/* The first thread's priority (its creator, the parent, chose it)
	 * bounds the others'. cpu: the PD's CPU quota (per mille), which its
	 * threads share and, for init, the PDs it asks for. */
	unsigned prio, cpu, cpu_given;
	uint64_t meta[PDS_META]; /* page tables, thread objects, UTCBs */
	unsigned nmeta;
	uint64_t objects[PDS_OBJECTS]; /* core's endpoints and signals */
	uint64_t io_pa;                /* its I/O permission bitmap, or 0 */
	uint64_t fault_sigh;           /* core's slot of the parent's signal */
	struct pd_fault fault;         /* the last unresolved one */
};

/* Contiguous frames; owner NULL and not writable: a boot module. */
struct dataspace {
	bool used, writable;
	bool managed;   /* a region map: pages come from what is attached */
	unsigned rom;   /* a boot module's: its index + 1, else 0 */
	unsigned cache; /* device memory: MAP_WC or MAP_UC, else 0 (RAM) */
	uint32_t gen;
	struct pd_session *owner;
	uint64_t pa;
	uint32_t pages;
};

/* A dataspace attached into a managed one (region map). */
struct attachment {
	bool used;
	struct dataspace *rm, *ds;
	uint64_t offset;
	unsigned flags;
};

struct mapping {
	bool used;
	struct pd_session *pd;
	struct dataspace *ds;
	uint64_t va;
	unsigned flags;
};

struct thread_args {
	uint64_t entry, sp, arg, utcb;
	unsigned prio, quota;
	uint64_t fault_ep, badge; /* core's slot of the fault endpoint */
};

/* The pools, shared by dataspace.c and region_map.c. */
extern struct dataspace ds_pool[DS_MAX];
extern struct mapping map_pool[MAP_MAX];
extern struct attachment attach_pool[ATTACH_MAX];

uint32_t gen_next(void);
int pds_charge(struct pd_session *p, uint64_t pages);
void pds_refund(struct pd_session *p, uint64_t pages);
int pds_entry_take(struct pd_session *p, unsigned *n, unsigned max,
    const char *what);
void ds_release(struct pd_session *p);
void ds_unmap_everywhere(struct dataspace *ds, uint64_t start, uint64_t pages,
    unsigned depth);
int pd_map(uint64_t pd, uint64_t va, uint64_t pa, unsigned flags,
    struct pd_session *tables_to);
struct pd_session *pds_create(const char *label, uint64_t quota, unsigned cpu,
    uint64_t caps);
uint64_t pds_caps_used(const struct pd_session *p);
uint64_t pds_slot(struct pd_session *p);
void pds_slot_free(struct pd_session *p, uint64_t slot);
int pds_grow(struct pd_session *p);
void pds_destroy(struct pd_session *p);
int pds_alloc(struct pd_session *p, uint64_t size, struct dataspace **ds);
int pds_copy(struct pd_session *p, struct dataspace *src, uint64_t bytes,
    struct dataspace **out);
int pds_map(struct pd_session *p, struct dataspace *ds, uint64_t va,
    unsigned flags);
int pds_unmap(struct pd_session *p, uint64_t va);
int pds_give(struct pd_session *p, uint64_t cap, uint64_t slot, unsigned rights,
    uint64_t badge);
int pds_thread(struct pd_session *p, const struct thread_args *a, uint64_t *id);
int pds_stop(struct pd_session *p, uint64_t id);
int pds_object(struct pd_session *p, unsigned type, uint64_t slot);
int pds_io(struct pd_session *p, uint64_t base, uint64_t size, bool allow);
uint64_t pds_index(const struct pd_session *p);
struct pd_session *pds_of(uint64_t idx, uint32_t gen);
uint64_t pds_free_bytes(const struct pd_session *p);
uint64_t pds_used_bytes(const struct pd_session *p);
int pds_load(struct pd_session *p, const uint8_t *img, uint64_t size,
    uint64_t *entry);
int pds_start_main(struct pd_session *p, const struct boot_module *m,
    const struct thread_args *a, uint64_t *id);
struct dataspace *ds_rom(unsigned module, uint64_t pa, uint64_t size);
struct dataspace *ds_device(uint64_t pa, uint64_t size, unsigned cache);
int ds_managed(struct pd_session *p, uint64_t size, struct dataspace **out);
int rm_attach(struct dataspace *rm, struct dataspace *ds, uint64_t offset,
    unsigned flags);
int rm_detach(struct dataspace *rm, uint64_t offset);
int pds_resolve(struct pd_session *p, uint64_t addr, uint64_t error);
struct dataspace *ds_of(uint64_t idx, uint32_t gen);
uint64_t ds_index(const struct dataspace *ds);
void ds_free(struct dataspace *ds);
