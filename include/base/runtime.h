/*
 * The component runtime: capability slots, memory from the component's own
 * PD session, sessions through the parent, and announcing a service.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kernel/abi.h>

/* Capability slots of this component. 0: none left. */
uint64_t slot_alloc(void);
void slot_free(uint64_t slot);

/* Memory: zeroed RAM mapped into this component, charged to its quota. */
int ram_alloc(size_t bytes, void **ptr, uint64_t *ds);
int ram_free(void *ptr, uint64_t ds);

/* Map a dataspace capability into this component; returns the address. */
int ds_attach(uint64_t ds, size_t bytes, int writable, void **ptr);
int ds_detach(void *ptr);

/* A session through the parent: its capability and the parent's id. */
int session_open(const char *service, const char *label, uint64_t quota,
    uint64_t *cap, uint64_t *id);
int session_open_args(const char *service, const char *label, const char *args,
    uint64_t quota, uint64_t *cap, uint64_t *id);
int session_close(uint64_t cap, uint64_t id);

/*
 * A ROM by name, mapped read-only; rom_update fetches a new version;
 * rom_sigh registers a signal for changes and fetches the version current
 * then, so that no change goes unseen.
 */
struct rom {
	uint64_t session, id;
	const void *data;
	size_t size;
};
int rom_open(struct rom *r, const char *name);
int rom_update(struct rom *r);
int rom_sigh(struct rom *r, uint64_t sig);
int rom_attach(const char *name, const void **data, size_t *size);

/* A report: write into buf, then submit that many bytes. */
struct report {
	uint64_t session, id, ds;
	void *buf;
	size_t size;
};
int report_open(struct report *r, const char *label, size_t size);
int report_submit(struct report *r, size_t len);

/* Offer a service: the parent routes its sessions to ep. */
int service_announce(const char *service, uint64_t ep);

/* Block for good, for a component that has done its work but must stay. */
_Noreturn void sleep_forever(void);

/* A new endpoint or signal of this component's own (KOBJ_*). */
int object_create(unsigned type, uint64_t *slot);
