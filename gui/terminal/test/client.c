/*
 * test_terminal_client: a Terminal client for run/terminal.run that uses
 * the runtime directly (no libc), so the terminal can be tested without a
 * shell. As role="main" it writes coloured text and escapes
 * (script.h), then answers every line it reads ("got: hello" in its log
 * and on the screen); after a line "raw" it switches the terminal to raw
 * mode without echo and logs each read's bytes in hex until it reads a
 * 'q' (on the alternate screen, as a full-screen program would), then
 * back in canonical mode it waits for the end of input (Ctrl-D)
 * and logs "end of input". As role="second" it shares the terminal: it
 * logs each FD_SIGH signal with the size then, and reads nothing.
 *
 * <config role="main"/>
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <session/terminal.h>

#include "script.h"

static uint64_t term, sig;

static int
term_write(const char *s, size_t n)
{
	uint64_t *w = utcb_self()->msg;

	while (n) {
		size_t k = n < FD_DATA_MAX ? n : FD_DATA_MAX;
		int e;

		w[0] = k;
		memcpy(&w[1], s, k);
		if ((e = (int)rpc_call(term, FD_WRITE,
			 1 + (unsigned)(k + 7) / 8, 0, 0, NULL)))
			return e;
		if (w[0] != k)
			return -E_IO;
		s += k;
		n -= k;
	}
	return 0;
}

static int
puts_term(const char *s)
{
	return term_write(s, strlen(s));
}

/* One read, waiting for the signal while there is nothing. */
static long
term_read(char *buf, size_t max)
{
	uint64_t *w = utcb_self()->msg;
	long e;

	for (;;) {
		w[0] = max;
		e = rpc_call(term, FD_READ, 1, 0, 0, NULL);
		if (e != -E_AGAIN)
			break;
		sys_sig_wait(sig, NULL);
	}
	if (e)
		return e;
	if (w[0] > max)
		return -E_IO;
	memcpy(buf, &w[1], w[0]);
	return (long)w[0];
}

static unsigned
term_mode(unsigned mode)
{
	uint64_t *w = utcb_self()->msg;

	w[0] = mode;
	rpc_call(term, TERMINAL_MODE, 1, 0, 0, NULL);
	return (unsigned)w[0];
}

static void
raw_session(void)
{
	char buf[64], hex[64 * 3 + 1];
	long n;

	log_printf("raw mode (was %u)", term_mode(0));
	/* As a full-screen program does: the alternate screen. */
	puts_term("\033[?1049h\033[H\033[1;37;41m alternate screen \033[0m"
		  "\r\nraw mode, keys are logged; q ends it");
	for (;;) {
		if ((n = term_read(buf, sizeof(buf))) <= 0) {
			log_printf("raw read failed: %ld", n);
			return;
		}
		for (long i = 0; i < n; i++)
			fmt_snprintf(hex + i * 3, 4, " %02x",
			    (unsigned char)buf[i]);
		log_printf("raw:%s", hex);
		if (buf[n - 1] == 'q')
			break;
	}
	puts_term("\033[?1049l");
	log_printf("canonical mode (was %u)",
	    term_mode(TERMINAL_CANON | TERMINAL_ECHO));
}

static void
main_role(void)
{
	char line[256];
	long n;

	puts_term(SCRIPT_BANNER SCRIPT_PROMPT);
	log_printf("banner written");
	for (;;) {
		if ((n = term_read(line, sizeof(line) - 1)) < 0) {
			log_printf("read failed: %ld", n);
			return;
		}
		if (!n) {
			log_printf("end of input");
			puts_term("\r\nend of input\r\n");
			return;
		}
		if (line[n - 1] == '\n')
			n--;
		line[n] = 0;
		log_printf("got: %s", line);
		puts_term(SCRIPT_GOT_BEFORE);
		term_write(line, (size_t)n);
		puts_term(SCRIPT_GOT_AFTER);
		if (!strcmp(line, "raw"))
			raw_session();
		puts_term(SCRIPT_PROMPT);
	}
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *w = utcb_self()->msg, copy, id;
	struct config cfg;
	char role[16] = "main";
	int e;

	if (!config_load(&cfg))
		config_attr_copy(config_root(&cfg), "role", role, sizeof(role));
	if ((e = session_open("Terminal", "", 0, &term, &id)) ||
	    (e = object_create(KOBJ_SIGNAL, &sig)) || !(copy = slot_alloc()) ||
	    (e = (int)sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 0)) ||
	    (e = (int)rpc_call(term, FD_SIGH, 0, copy, 0, NULL))) {
		log_printf("no Terminal session: error %d", -e);
		return 1;
	}
	if ((e = (int)rpc_call(term, TERMINAL_SIZE, 0, 0, 0, NULL)) ||
	    (e = (int)rpc_call(term, FD_STAT, 0, 0, 0, NULL) ? e : 0)) {
		log_printf("TERMINAL_SIZE failed: %d", -e);
		return 1;
	}
	rpc_call(term, TERMINAL_SIZE, 0, 0, 0, NULL);
	log_printf("terminal of %lux%lu cells", w[0], w[1]);
	rpc_call(term, FD_STAT, 0, 0, 0, NULL);
	log_printf("stat: mode 0x%lx", w[0]);
	/* Malformed calls are refused, not obeyed. */
	w[0] = FD_DATA_MAX + 1;
	if (rpc_call(term, FD_WRITE, 2, 0, 0, NULL) != -E_INVAL ||
	    rpc_call(term, 99, 0, 0, 0, NULL) != -E_NOSYS) {
		log_printf("a malformed call was not refused");
		return 1;
	}
	/* A zero-byte read asks whether there is input: not yet. */
	w[0] = 0;
	if (rpc_call(term, FD_READ, 1, 0, 0, NULL) != -E_AGAIN) {
		log_printf("a zero-byte read with no input was not refused");
		return 1;
	}
	w[0] = 0x100;
	if (rpc_call(term, TERMINAL_MODE, 1, 0, 0, NULL) != -E_INVAL) {
		log_printf("a bad mode was not refused");
		return 1;
	}
	if (!strcmp(role, "main")) {
		main_role();
	} else {
		for (unsigned i = 1;; i++) {
			sys_sig_wait(sig, NULL);
			rpc_call(term, TERMINAL_SIZE, 0, 0, 0, NULL);
			log_printf("signalled %u, %lux%lu cells", i, w[0],
			    w[1]);
		}
	}
	sleep_forever();
}
