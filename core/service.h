/*
 * What core's service files share: the badge every capability core hands
 * out carries (kind, generation, index), the session table, and the reply
 * the handlers fill. Only the core program includes it; kernel test root
 * tasks link core_lib without it.
 */
#pragma once

#include "core.h"

#include <base/parent.h>
#include <base/session_table.h>

enum kind {
	K_CHILD = 1,
	K_PD = 2,
	K_ROM = 3,
	K_DS = 4,
	K_IO = 5,
	K_IRQ = 6,
	K_IOMEM = 7,
	K_FAULT = 8,
	K_PD_OWN = 9, /* a PD's own session: no say over its faults */
	K_DMA = 10,   /* physical addresses of RAM: the platform driver's */
};

#define BADGE(kind, gen, idx) \
	(((uint64_t)(kind) << 56) | ((uint64_t)(gen) << 24) | (idx))
#define BADGE_KIND(b) ((unsigned)(((b) >> 56) & 0x7f))
#define BADGE_GEN(b) ((uint32_t)(((b) >> 24) & 0xffffffff))
#define BADGE_IDX(b) ((b)&0xffffff)
#define SESSIONS 256u

/* A session init opened with core; the fields of its kind. */
struct session {
	enum kind kind;
	struct pd_session *pd;    /* K_PD */
	uint64_t quota;           /* moved from init's quota */
	unsigned cpu;             /* K_PD: CPU budget moved from init's */
	unsigned module;          /* K_ROM */
	uint64_t base, size;      /* K_IO */
	struct pd_session *io_pd; /* K_IO: who got the ports */
	unsigned source;          /* K_IRQ: IRQ_* of kernel/abi.h */
	bool wc;                  /* K_IOMEM: write-combining */
	uint64_t va;              /* K_IOMEM: where it is mapped */
	struct dataspace *ds;     /* K_IOMEM: as a dataspace, once asked for */
	struct kobj_ref irq;      /* K_IRQ: the kernel object, once bound */
};

/* service.c */
extern const struct boot_info *core_boot;
extern struct kobj_ref core_ep; /* the one endpoint */
extern uint64_t core_rcv;       /* where a received capability lands */
extern struct pd_session *init_pd;
extern struct session sessions[SESSIONS];
extern struct session_slot slots[SESSIONS];
extern struct session_table io_table, iomem_table, irq_table, rom_table,
    dma_table;
/* The reply the handlers fill: its words, and the capability to send. */
extern uint64_t reply_words, reply_cap_badge, reply_cap_src;
extern int reply_cap_kind;
extern unsigned reply_cap_rights;
void reply_cap(enum kind kind, uint32_t gen, uint64_t idx, unsigned rights);
int reply_device(const struct session_table *t, unsigned s);
struct dataspace *received_ds(uint64_t info);
struct pd_session *received_pd(uint64_t info);

/* parent.c: init's parent protocol, and its children's faults. */
int child_call(uint64_t label, uint64_t info);
int fault(uint64_t badge);
/* Called by child_call for the session calls. */
int open_session(uint64_t info);
int close_session(uint64_t id);
int upgrade_session(uint64_t id, uint64_t new_quota, uint64_t caps);

/* pd_service.c: PD sessions and their region maps. */
int pd_open(unsigned s, const struct session_request *r, const char *label);
void pd_close(unsigned s);
int pd_upgrade(unsigned s, uint64_t new_quota, uint64_t caps);
int pd_call(struct pd_session *p, bool own, uint64_t label, uint64_t info);
int rm_call(struct dataspace *rm, uint64_t label, uint64_t info);

/* rom.c: boot modules and platform_info. */
void platform_info(void);
int rom_open(unsigned s, const char *label);
int rom_call(unsigned module, uint64_t label);

/* io.c: IO_PORT, IO_MEM, IRQ and DMA sessions. */
int io_open(unsigned s, const char *service, const struct session_request *r,
    const char *label);
void io_close(unsigned s);
int device_call(unsigned s, uint64_t label, uint64_t info);
