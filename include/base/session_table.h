/*
 * The one way a server names its sessions in badges. Each session slot has
 * a generation that advances whenever the slot is taken, and the badge of a
 * session capability carries kind, generation and slot, so a capability
 * kept past its session's close names nothing, even after another client
 * got the same slot. A server also keeps its copy of every session
 * capability (server_session_open in <base/server.h>) and revokes it on
 * close, so the stale copy is gone from the client's space as well.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Badge layout: kind in bits 56..62 (for servers that hand out several
 * kinds of capability from one endpoint), generation in bits 24..55, slot
 * in bits 0..23. A generation is never 0, so a session badge is never
 * below 1 << 24 and never equals a small signal badge bound to the same
 * endpoint, nor badge 0, which stands for the server's parent.
 */
#define SESSION_KIND_MAX 0x7fu
#define SESSION_SLOTS_MAX 0xffffffu

struct session_slot {
	uint64_t cap; /* the server's copy of the session capability, or 0 */
	uint32_t gen; /* 0 until the slot is first taken */
	bool used;
};

struct session_table {
	const char *name; /* the server, for log lines */
	unsigned kind;    /* at most SESSION_KIND_MAX */
	unsigned count;   /* at most SESSION_SLOTS_MAX */
	struct session_slot *slots;
};

/* Takes a free slot and advances its generation: its index, or -E_NOMEM. */
int session_table_alloc(struct session_table *t);

/* The badge (and the session id the parent closes by) of a used slot. */
uint64_t session_table_badge(const struct session_table *t, unsigned idx);

/*
 * The slot a badge names, or -E_CAP, logged with the server's name, if it
 * names no open session of this table: another kind, a slot out of range,
 * a free slot, or a generation that is not the slot's current one.
 */
int session_table_lookup(const struct session_table *t, uint64_t badge);

/* As lookup, but quiet: for servers that try several tables in turn. */
int session_table_find(const struct session_table *t, uint64_t badge);

/* Frees a slot; its generation stays, so its old badge stays dead. */
void session_table_free(struct session_table *t, unsigned idx);
