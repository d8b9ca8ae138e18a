/*
 * init's state: its children as its config describes them, the sessions
 * they hold, the services they announced.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <base/config.h>
#include <base/parent.h>
#include <base/parent_side.h>

#define CHILDREN 16u
#define CHILD_SESSIONS 64u /* a nested init holds its subtree's */
#define CHILD_SERVICES 4u
#define NAME_MAX 32u

enum provider {
	FROM_PARENT,
	FROM_CHILD,
	FROM_INIT
};

/* What a capability on init's endpoint names: the badge. */
enum kind {
	K_CHILD = 1,
	K_ROM = 2
};
#define BADGE(kind, idx) (((uint64_t)(kind) << 56) | (idx))
#define BADGE_KIND(b) ((unsigned)(((b) >> 56) & 0x7f))
#define BADGE_IDX(b) ((unsigned)((b)&0xffff))

/*
 * A session of a child server is PENDING from the request until the
 * server's answer (server.c), then READY, or FAILED until the client has
 * fetched the error (PARENT_SESSION_RESULT); a close makes it CLOSING
 * until the server has answered that too, and the client has its quota
 * back.
 */
enum session_phase {
	SESSION_READY,
	SESSION_PENDING,
	SESSION_FAILED,
	SESSION_CLOSING, /* the client closed it; the server has not answered */
	SESSION_UPGRADING, /* ready; a larger quota waits for the server */
};

struct child_session {
	bool used;
	enum provider from;
	enum session_phase phase;
	int error;       /* SESSION_FAILED: the server's or init's refusal */
	uint64_t ticket; /* SESSION_PENDING: which answer is its own */
	uint64_t target; /* the quota of its last upgrade, and its refusal */
	int upgrade_error;
	char name[SERVICE_NAME_MAX]; /* the service */
	char label[LABEL_MAX];
	unsigned server, service; /* FROM_CHILD: who serves it, and which */
	uint64_t instance;        /* FROM_CHILD: the server's instance */
	uint64_t cap, id;         /* FROM_PARENT: our cap and the parent's id */
	struct child_grant grant; /* what the client paid for it */
};

struct child_service {
	bool used;
	char name[SERVICE_NAME_MAX];
	uint64_t root; /* the endpoint the child announced */
};

enum child_state {
	CHILD_RUNNING,
	CHILD_EXITED,
	CHILD_FAULTED,
	CHILD_LOADING, /* its PD exists, its binary is on the way */
};

/* <start caps>: a child's capability quota, unless the config says. */
#define CAPS_DEFAULT 1000u
#define CAPS_MAX (1u << 20)

/*
 * A child as the config names it (used), and, while it runs, its PD and
 * what it holds. An exited child stays until the config drops it, so that
 * the state report shows its exit code.
 */
struct child {
	bool used, running;
	char name[NAME_MAX];
	struct config_node start;
	/* Its PD session and quotas as configured (ram, cpu, caps), what it
	 * pays, earns and passed on (base/parent_side.h). */
	struct child_account acct;
	/* Its "config" ROM: the version it fetched last, which it may still
	 * read (config_load keeps it for good), lives until it fetches the
	 * next. */
	struct child_config cfg;
	uint64_t answer_sigh; /* signal for answers to pending sessions, or 0 */
	struct child_session sessions[CHILD_SESSIONS];
	/* CHILD_LOADING: its binary's ROM session among its sessions, or
	 * CHILD_SESSIONS while its server has not announced */
	unsigned bin_session;
	char bin[NAME_MAX];
	struct child_service services[CHILD_SERVICES];
	bool announced; /* it announced a service */
	enum child_state state;
	uint64_t instance; /* changes with every start */
	uint64_t t_start;  /* TSC when init began to build it */
	bool logged;       /* it has logged: it runs */
	uint64_t beat;     /* heartbeat period of its last heartbeat */
	unsigned restarts;
	uint64_t restart_at; /* heartbeat period of a pending restart */
	long exit_code;
};

extern struct child children[CHILDREN];
extern uint64_t init_ep;

/* child.c */
int child_start(unsigned idx, struct config_node start);
void child_stop(unsigned idx, enum child_state state, long code);
int child_config_update(unsigned idx, struct config_node start);
void child_binary_session(unsigned idx);
void child_binaries_retry(void);
struct server_job;
void child_binary_fetched(const struct server_job *job);

/* check.c: what init would refuse in a config that parses. */
int config_check(const struct config *cfg, char *msg, size_t n);

/* main.c: init's one signal, bound to its endpoint; badges say why. */
#define SIGNAL_CONFIG 1u
#define SIGNAL_TIMER 2u
#define SIGNAL_REPORT 4u
#define SIGNAL_WORKER 8u     /* a worker's call to a server came back */
#define SIGNAL_ANNOUNCED 16u /* a child announced a service */
#define SIGNAL_FAULT(idx) (1ul << (8 + (idx)))
uint64_t init_signal(uint64_t badge);

/*
 * server.c: what init asks of a server, made by a worker thread. A job is
 * a ROOT_CREATE for a client's pending session, a ROOT_CLOSE or a
 * ROOT_UPGRADE at a child server, or a ROM_DATASPACE of a child's binary
 * session at a child server or behind our parent (SERVER_PARENT).
 */
#define SERVER_JOBS 64u
#define SERVER_PARENT CHILDREN
#define JOB_BINARY 0x100u /* the job whose call is ROM_DATASPACE */
struct server_job {
	bool used;
	uint64_t label; /* ROOT_CREATE, ROOT_CLOSE, ROOT_UPGRADE, JOB_BINARY */
	unsigned server, service; /* the child that serves, which service */
	uint64_t session_cap;     /* JOB_BINARY: the ROM session to call */
	uint64_t instance;        /* of the server, when asked */
	unsigned client, session; /* whose session */
	uint64_t client_instance;
	uint64_t ticket;                /* ROOT_CREATE: the session's */
	struct session_request request; /* ROOT_CREATE */
	uint64_t slot;      /* ROOT_CREATE, JOB_BINARY: where the cap lands */
	uint64_t server_id; /* ROOT_CLOSE: what to close; the answer's id (the
			     * ROM's size) */
	uint64_t quota;     /* ROOT_CLOSE: the session's, to give back; UPGRADE:
			     * its new one */
	int result;         /* the answer */
	uint64_t seq, root; /* queue order; our copy of the server's root */
};
int server_queue(const struct server_job *job);
bool server_unqueue(unsigned client, unsigned session);
void server_answers(void);
unsigned server_waiting(unsigned idx);

/* route.c */
/* binary: the child's binary, which comes from our parent unless a route
 * names it */
int route_session(unsigned idx, const struct session_request *r,
    uint64_t *cap_slot, uint64_t *id, bool *pending, bool binary);
int route_result(unsigned idx, uint64_t id, uint64_t *cap_slot, bool *pending);
void route_answer(const struct server_job *job);
/* pending NULL: the client ends, it does not wait for the answer */
int route_close(unsigned idx, uint64_t id, bool *pending);
int route_upgrade(unsigned idx, uint64_t id, uint64_t quota, uint64_t caps,
    bool *pending);
