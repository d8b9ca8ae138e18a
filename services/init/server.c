/*
 * init's calls to its child servers (ROOT_CREATE, ROOT_CLOSE,
 * ROOT_UPGRADE, and ROM_DATASPACE of a binary), made off init's own
 * thread: init never blocks on a child. A binary's ROM behind our parent
 * may be served by anyone, so its ROM_DATASPACE is made off init's
 * thread too, by one more worker (SERVER_PARENT). Each child that
 * announces a service gets a worker thread of init's, which makes one call
 * to it at a time and tells the main thread (SIGNAL_WORKER) when it came
 * back. The main thread keeps every piece of state: it queues requests,
 * hands a worker the next one when it is idle, and finishes each answer
 * (route.c). A server that never answers holds up only its own worker,
 * so only its own clients wait; init goes on starting, logging and
 * restarting the others. Ending the server ends its endpoint, which
 * aborts the worker's call.
 */
#include <base/env.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/pd.h>
#include <session/rom.h>

#include "init.h"

#define WORKER_STACK 8192u
#define WORKER_PRIORITY 2u

enum worker_state {
	WORKER_NONE, /* no thread yet */
	WORKER_IDLE,
	WORKER_BUSY, /* the worker calls the server */
	WORKER_DONE, /* its answer waits for the main thread */
};

struct worker {
	volatile int state;
	uint64_t sig;  /* the worker waits on it for its next job */
	uint64_t done; /* init's signal, badged SIGNAL_WORKER */
	struct server_job job;
	unsigned nwords;
	uint64_t words[MSG_WORDS_MAX];
	char stack[WORKER_STACK] __attribute__((aligned(16)));
};

static struct worker workers[CHILDREN + 1]; /* and SERVER_PARENT's */
static uint64_t next_seq = 1;

static _Noreturn void
worker_loop(uint64_t arg)
{
	struct worker *wk = &workers[arg];
	uint64_t *w = utcb_self()->msg;

	for (;;) {
		sys_sig_wait(wk->sig, NULL);
		if (__atomic_load_n(&wk->state, __ATOMIC_ACQUIRE) !=
		    WORKER_BUSY)
			continue;
		memcpy(w, wk->words, wk->nwords * 8);
		wk->job.result = (int)rpc_call(wk->job.root,
		    wk->job.label == JOB_BINARY ? ROM_DATASPACE : wk->job.label,
		    wk->nwords, 0, wk->job.slot, NULL);
		wk->job.server_id = w[0];
		__atomic_store_n(&wk->state, WORKER_DONE, __ATOMIC_RELEASE);
		sys_sig_submit(wk->done);
	}
}

/* The worker of server idx, started at its first job. */
static struct worker *
worker_get(unsigned idx)
{
	struct worker *wk = &workers[idx];
	uint64_t *w = utcb_self()->msg;

	if (wk->state != WORKER_NONE)
		return wk;
	if ((!wk->sig && object_create(KOBJ_SIGNAL, &wk->sig)) ||
	    (!wk->done && !(wk->done = init_signal(SIGNAL_WORKER))))
		return NULL;
	w[0] = (uint64_t)worker_loop;
	w[1] = (uint64_t)(wk->stack + WORKER_STACK) - 8;
	w[2] = idx;
	w[3] = UTCB_MAIN + 4096ul * (1 + idx);
	w[4] = WORKER_PRIORITY;
	w[5] = 0;
	if (rpc_call(CAP_PD, PD_THREAD, 6, 0, 0, NULL)) {
		log_printf("init: no thread to call '%s'",
		    idx == SERVER_PARENT ? "parent" : children[idx].name);
		return NULL;
	}
	wk->state = WORKER_IDLE;
	return wk;
}

/*
 * The job queue: every request init has for a server, oldest first. A
 * job holds a copy of the server's root capability, so the server's
 * announcement may go (the server ended) while the worker calls it.
 */
static struct server_job queue[SERVER_JOBS];

static void
job_release(struct server_job *j)
{
	if (j->root) {
		sys_cap_delete(j->root);
		slot_free(j->root);
	}
	j->used = false;
}

/* Give server idx's worker its oldest job, if it is idle. */
static void
kick(unsigned idx)
{
	struct worker *wk = &workers[idx];
	struct server_job *oldest = NULL;

	if (wk->state != WORKER_IDLE)
		return;
	for (unsigned i = 0; i < SERVER_JOBS; i++)
		if (queue[i].used && queue[i].server == idx &&
		    (!oldest || queue[i].seq < oldest->seq))
			oldest = &queue[i];
	if (!oldest)
		return;
	wk->job = *oldest;
	if (oldest->label == ROOT_CREATE) {
		wk->nwords = session_request_put(wk->words, &oldest->request);
	} else if (oldest->label == JOB_BINARY) {
		wk->nwords = 0;
	} else {
		wk->words[0] = oldest->server_id;
		wk->words[1] = oldest->quota; /* ROOT_UPGRADE */
		wk->nwords = oldest->label == ROOT_UPGRADE ? 2 : 1;
	}
	oldest->used = false; /* the worker's copy owns the root copy now */
	__atomic_store_n(&wk->state, WORKER_BUSY, __ATOMIC_RELEASE);
	sys_sig_submit(wk->sig);
}

int
server_queue(const struct server_job *job)
{
	struct server_job *j = NULL;
	struct child *srv;
	uint64_t target;

	if (job->server == SERVER_PARENT) {
		target = job->session_cap;
	} else {
		srv = &children[job->server];
		if (!srv->running || srv->instance != job->instance ||
		    job->service >= CHILD_SERVICES ||
		    !srv->services[job->service].used)
			return -E_NOENT;
		target = job->label == JOB_BINARY
		    ? job->session_cap
		    : srv->services[job->service].root;
	}
	for (unsigned i = 0; i < SERVER_JOBS && !j; i++)
		if (!queue[i].used)
			j = &queue[i];
	if (!j || !worker_get(job->server))
		return -E_NOMEM;
	*j = *job;
	j->used = true;
	j->seq = next_seq++;
	if (!(j->root = slot_alloc()) ||
	    sys_cap_derive(target, 0, j->root, RIGHT_SEND, 0)) {
		if (j->root)
			slot_free(j->root);
		j->root = 0;
		j->used = false;
		return -E_NOMEM;
	}
	kick(job->server);
	return 0;
}

/*
 * Drop the queued jobs for a client's session (it closed or ended before
 * the server came to it). A job at a worker cannot be taken back: its
 * answer comes to route.c, which sees that the session was given up.
 */
bool
server_unqueue(unsigned client, unsigned session)
{
	for (unsigned i = 0; i < SERVER_JOBS; i++) {
		if (queue[i].used && queue[i].label == ROOT_CREATE &&
		    queue[i].client == client && queue[i].session == session) {
			job_release(&queue[i]);
			return true;
		}
	}
	return false;
}

/* SIGNAL_WORKER: finish every answer that came back, then go on. */
void
server_answers(void)
{
	for (unsigned i = 0; i <= SERVER_PARENT; i++) {
		struct worker *wk = &workers[i];
		struct server_job job;

		if (__atomic_load_n(&wk->state, __ATOMIC_ACQUIRE) !=
		    WORKER_DONE)
			continue;
		job = wk->job;
		job_release(&job);
		wk->state = WORKER_IDLE;
		route_answer(&job);
		kick(i);
	}
}

/* How many requests wait at or for server idx (the state report's). */
unsigned
server_waiting(unsigned idx)
{
	unsigned n = workers[idx].state == WORKER_BUSY ||
	    workers[idx].state == WORKER_DONE;

	for (unsigned i = 0; i < SERVER_JOBS; i++)
		n += queue[i].used && queue[i].server == idx;
	return n;
}
