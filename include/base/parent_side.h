/*
 * The parent's side of the parent protocol: the rules every parent holds
 * its children to, written once for init (services/init) and for the
 * programs a libc process starts (lib/libc/children.c).
 *
 * - A child's PD session comes from our parent; its quota there is
 *   ram - paid + earned: what the child pays for the sessions it holds
 *   leaves its own PD, what it is paid for sessions it serves joins it.
 * - A session it asks of our parent is labelled "NAME -> LABEL", so no
 *   child can claim to be another, and its quota is paid by the child; a
 *   PD it asks for takes its CPU and capability quota out of the child's.
 * - Its "config" ROM is a copy in our RAM, in versions: the one it holds
 *   stays mapped until it fetches the next.
 * - A fault that core could not resolve is read from its PD session.
 *
 * Every figure comes from a child at some point: sums are checked before
 * anything moves, and a refusal is logged with the child's name.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <base/parent.h>

struct reply;

struct child_account {
	const char *parent; /* who we are in log lines: "init", "libc" */
	const char *name;   /* the child's, its labels' prefix */
	uint64_t pd, pd_id; /* its PD session from our parent (pd 0: none) */
	uint64_t ram;       /* its quota as given */
	uint64_t paid;      /* for the sessions it holds */
	uint64_t earned;    /* for the sessions it serves */
	uint64_t cpu, cpu_given;   /* per mille, and passed on to PDs */
	uint64_t caps, caps_given; /* capability quota, and passed on */
};

/* Opens the child's PD session at our parent with these quotas. */
int child_pd_open(struct child_account *a, uint64_t ram, uint64_t cpu,
    uint64_t caps);
void child_pd_close(struct child_account *a);

/* Sets the PD's quota to ram - paid + earned. */
int child_account_set(struct child_account *a, uint64_t ram, uint64_t paid,
    uint64_t earned);
/* Sets its capability quota to caps - given; a cut below use is refused. */
int child_caps_set(struct child_account *a, uint64_t caps, uint64_t given);
int child_pay(struct child_account *a, uint64_t q);
void child_refund(struct child_account *a, uint64_t q);
int child_earn(struct child_account *a, uint64_t q);
/* Takes back up to q the child earned and does not spend; what moved. */
uint64_t child_give_back(struct child_account *a, uint64_t q);

/* What a child handed out for one session it holds. */
struct child_grant {
	uint64_t quota; /* RAM, moved to the server */
	uint64_t cpu;   /* a PD's CPU quota */
	uint64_t caps;  /* a PD's capability quota */
};

/* out = "NAME -> LABEL" (or NAME for an empty label). */
void child_label(const struct child_account *a, const char *label, char *out,
    size_t n);
/* The child pays for session request r (full: its label as prefixed). */
int child_grant_take(struct child_account *a, const struct session_request *r,
    const char *full, struct child_grant *g);
/* ... and gets back: back of the quota (what the server gave back). */
void child_grant_return(struct child_account *a, struct child_grant *g,
    uint64_t back);

/* A session of our parent's for the child, paid by it. */
int child_parent_open(struct child_account *a, const struct session_request *r,
    struct child_grant *g, uint64_t *cap, uint64_t *id);
void child_parent_close(struct child_account *a, struct child_grant *g,
    uint64_t cap, uint64_t id);
/* PARENT_UPGRADE of such a session: a raise is paid, a cut comes back. */
int child_parent_upgrade(struct child_account *a, const char *service,
    struct child_grant *g, uint64_t id, uint64_t quota, uint64_t caps);

/* A child's "config" ROM. */
struct child_config {
	struct config_version {
		uint64_t ds; /* 0: none */
		void *ptr;
		uint64_t len;
	} cur, held;
	uint64_t sigh; /* the child's signal for a new version, or 0 */
};
/* A new version with text (len bytes): the child is told. */
int child_config_set(struct child_config *cc, const char *text, size_t len);
/* ROM_DATASPACE and ROM_SIGH on it (rcv: where a signal arrived). */
int child_config_call(struct child_config *cc, uint64_t info, uint64_t rcv,
    struct reply *r);
void child_config_free(struct child_config *cc);

/* The fault core could not resolve, as "faulted (kind K) at A, ip I";
 * false if there is none. */
bool child_fault(const struct child_account *a, char *why, size_t n);
