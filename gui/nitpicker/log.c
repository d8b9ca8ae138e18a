/*
 * nitpicker's log lines, written by a thread of their own. Logging is a
 * call to init, and init calls nitpicker (to open and close sessions)
 * whenever a client asks: if the serving thread called init then, each
 * would wait for the other for ever. So the serving thread only puts lines
 * into a ring here and submits a signal; the log thread, which serves
 * nobody, makes the calls.
 */
#include <stdarg.h>

#include <base/env.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>
#include <session/pd.h>

#include "nitpicker.h"

#define LINES 32u
#define LINE_MAX 160u
#define STACK 16384u

static char lines[LINES][LINE_MAX];
static uint64_t head, tail; /* head: the server's, tail: the log thread's */
static uint64_t sig, dropped;
static _Alignas(16) uint8_t log_stack[STACK];

void
note(const char *fmt, ...)
{
	va_list ap;

	if (!sig) { /* before the log thread runs: init does not call yet */
		char line[LINE_MAX];

		va_start(ap, fmt);
		fmt_vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		log_printf("%s", line);
		return;
	}
	if (head - __atomic_load_n(&tail, __ATOMIC_ACQUIRE) == LINES) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	fmt_vsnprintf(lines[head % LINES], LINE_MAX, fmt, ap);
	va_end(ap);
	__atomic_store_n(&head, head + 1, __ATOMIC_RELEASE);
	sys_sig_submit(sig);
}

static _Noreturn void
logger(uint64_t arg)
{
	uint64_t seen = 0;

	for (;;) {
		sys_sig_wait(sig, NULL);
		while (tail != __atomic_load_n(&head, __ATOMIC_ACQUIRE)) {
			log_printf("%s", lines[tail % LINES]);
			__atomic_store_n(&tail, tail + 1, __ATOMIC_RELEASE);
		}
		if (dropped != seen) {
			log_printf("%lu log lines dropped", dropped - seen);
			seen = dropped;
		}
	}
}

int
note_start(void)
{
	uint64_t *w = utcb_self()->msg, s;
	int e;

	if ((e = object_create(KOBJ_SIGNAL, &s)))
		return e;
	/* Started as if called: the stack 16-aligned minus a return address. */
	w[0] = (uint64_t)logger;
	w[1] = (uint64_t)(log_stack + STACK) - 8;
	w[2] = 0;
	w[3] = UTCB_MAIN + 4096;
	w[4] = 2;
	w[5] = 0;
	if ((e = (int)rpc_call(CAP_PD, PD_THREAD, 6, 0, 0, NULL)))
		return e;
	sig = s;
	return 0;
}
