/*
 * Starting programs (spawn.c) and answering them (children.c): the table
 * of children both work on. Private to lib/libc.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <base/parent_side.h>

struct file;

#define PROCS 16u

struct proc_session {
	bool used, fd;    /* fd: one of our Fd sessions */
	bool config;      /* its config ROM, served by us */
	uint64_t cap, id; /* else: from our parent ... */
	char service[SERVICE_NAME_MAX];
	struct child_grant grant; /* ... paid by the child */
};

struct proc {
	bool used;    /* has a pid, until waited for */
	bool running; /* its PD exists */
	int pid, status;
	char name[32];
	struct child_account acct; /* its PD and quotas (base/parent_side.h) */
	struct child_config cfg;   /* its "config" ROM */
	uint64_t fault_sig;
	struct proc_session *sessions;
	unsigned nsessions;
};

extern struct proc procs[PROCS]; /* spawn.c */
extern volatile int spawn_ended; /* children.c: futex, a child ended */

/* spawn.c: makes sure we can pay ram and caps more for a child */
int spawn_reserve(uint64_t ram, uint64_t caps);

/* children.c */
int children_serve(void); /* our endpoint and its thread, once */
void children_end(unsigned idx, int status);
/* f becomes <fd file="H"/> of child idx: returns H or -EMFILE */
int children_export(struct file *f, unsigned idx);
/* What child idx's parent capability and fault signal are made of. */
void children_parent(unsigned idx, uint64_t *ep, uint64_t *badge);
int children_fault_sig(unsigned idx, uint64_t *slot);
