/*
 * The parent protocol: what a component may ask of whoever started it,
 * through the endpoint at CAP_PARENT, and what a parent asks of a child
 * server through the root endpoint the child announced. Parents tell their
 * children apart by the endpoint's badge. A reply's label is 0 or an
 * error code (enum error).
 */
#pragma once

#include <kernel/abi.h>

#define SERVICE_NAME_MAX 16u /* bytes, with the NUL: two message words */
#define LABEL_MAX 96u

enum parent_label {
	/* w0: label bytes | text bytes << 16; then the label, then the text */
	PARENT_LOG = 1,
	/* w0: the exit code, or PARENT_EXIT_SIGNAL | n: ended by signal n
	 * (a libc program's default action, lib/libc/signal.c) */
	PARENT_EXIT = 2,
	/*
	 * A struct session_request (session_request_put): the service name,
	 * the RAM quota the session may cost, the label and the arguments.
	 * The reply's w0 is the parent's id for the session; w1 0: the
	 * reply carries the session capability; w1 1: the request is
	 * pending at a server, and PARENT_SESSION_RESULT fetches the answer
	 * (a parent never waits for a server while a client waits for it).
	 */
	PARENT_SESSION = 3,
	/*
	 * w0: the parent's id for the session -> w0 1: the server answers
	 * later (the quota comes back then); PARENT_SESSION_RESULT says
	 * E_NOENT once it has
	 */
	PARENT_CLOSE = 4,
	/* w0-1: the service name; the message carries the root endpoint */
	PARENT_ANNOUNCE = 5,
	/*
	 * w0: the parent's id for the session; w1: its new RAM quota; w2
	 * (a PD session's): its new capability quota, 0: as it is -> w0
	 * 1: the server answers later; ask again with the same quota
	 * (after the PARENT_SESSION_SIGH signal) for the answer. A session
	 * at a child server can only grow.
	 */
	PARENT_UPGRADE = 6,
	/* I am alive (for a parent that watches heartbeats) */
	PARENT_HEARTBEAT = 7,
	/* w0: bytes of RAM I need beyond my quota, w1 (optional): and
	 * capabilities -> 0: my PD session's quotas were raised (from the
	 * parent's own), so ask core again */
	PARENT_RESOURCE = 8,
	/*
	 * w0: the id of a pending session -> as PARENT_SESSION's reply (w1
	 * 1: still pending), or the server's refusal. Closing the id gives
	 * the request up.
	 */
	PARENT_SESSION_RESULT = 9,
	/* a signal cap: submitted when an answer to a pending request came */
	PARENT_SESSION_SIGH = 10,
};
/* How long a client waits for a server's answer before it gives up. */
#define SESSION_ANSWER_MS 10000u

enum root_label {
	/* as PARENT_SESSION, with every hop's label: the service name, RAM
	 * quota, label bytes, the label -> session cap; w0: the server's id */
	ROOT_CREATE = 1,
	/* w0: the server's id for the session */
	ROOT_CLOSE = 2,
	/* w0: the server's id for the session, w1: its new, larger quota;
	 * the difference has reached the server's PD once it answered 0 */
	ROOT_UPGRADE = 3,
};

#define PARENT_EXIT_SIGNAL 0x100u

#define ARGS_MAX 64u

/*
 * A session request as it travels: w0-1 the service name, w2 the quota,
 * w3 label bytes | argument bytes << 16, then the label and the arguments
 * ("base=0x40 size=4"), which every parent passes on unchanged.
 */
struct session_request {
	char service[SERVICE_NAME_MAX];
	uint64_t quota;
	char label[LABEL_MAX];
	char args[ARGS_MAX];
};
unsigned session_request_put(uint64_t *words, const struct session_request *r);
int session_request_get(const uint64_t *words, unsigned nwords,
    struct session_request *r);
/* The value of key in args ("key=value key2=value2"): a decimal or 0x
 * number, or yes (1) or no (0); def if it is not there. */
uint64_t session_arg(const char *args, const char *key, uint64_t def);

/* PARENT_LOG carries at most this much label and text together. */
#define PARENT_LOG_MAX ((MSG_WORDS_MAX - 1) * 8)

/* A PARENT_LOG message's label and text, checked against its length. */
struct parent_log {
	const char *label, *text;
	unsigned nlabel, ntext;
};
int parent_log_parse(const uint64_t *words, unsigned nwords,
    struct parent_log *out);

/*
 * Passes the PARENT_LOG message of a child (nwords in our UTCB) on to our
 * parent, the child's name before its label.
 */
int log_forward(const char *name, unsigned nwords);

/*
 * Asks our parent to set the RAM quota of our session id and, unless caps
 * is 0, its capability quota (a PD session's) (PARENT_UPGRADE).
 */
int parent_upgrade(uint64_t id, uint64_t quota, uint64_t caps);

/* Asks our parent for bytes of RAM and caps capabilities more
 * (PARENT_RESOURCE); the parents of libc's programs answer, init does not.
 * Keeps our UTCB's message. */
int parent_resource(uint64_t bytes, uint64_t caps);
