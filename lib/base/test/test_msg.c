/*
 * Host unit test of the message parsers (lib/base/msg.c) with hostile
 * input: every length word a sender can forge, in buffers of exactly the
 * words it sent, so that AddressSanitizer catches a read past them.
 */
#include <base/error.h>
#include <base/parent.h>
#include <base/rpc.h>

#include <stdlib.h>
#include <string.h>

#include <test/check.h>

/* nwords words on the heap, copied from w, nothing after them. */
static uint64_t *
exact(const uint64_t *w, unsigned nwords)
{
	uint64_t *p = malloc(nwords ? nwords * 8 : 1);

	if (!p)
		abort();
	memcpy(p, w, nwords * 8);
	return p;
}

static void
log_parse(void)
{
	uint64_t w[MSG_WORDS_MAX] = {0}, *x;
	struct parent_log log;

	/* No words at all: not even the length word may be read. */
	x = exact(w, 0);
	CHECK(parent_log_parse(x, 0, &log) == -E_INVAL);
	free(x);
	/* Lengths beyond the words sent, beyond the message, or wrapping. */
	w[0] = 9;
	x = exact(w, 2);
	CHECK(parent_log_parse(x, 2, &log) == -E_INVAL);
	free(x);
	w[0] = 0xffff | 0xffffull << 16;
	CHECK(parent_log_parse(w, MSG_WORDS_MAX, &log) == -E_INVAL);
	w[0] = (uint64_t)PARENT_LOG_MAX << 16 | 1;
	CHECK(parent_log_parse(w, MSG_WORDS_MAX, &log) == -E_INVAL);
	CHECK(parent_log_parse(w, MSG_WORDS_MAX + 1, &log) == -E_INVAL);
	/* A good one: label "ab", text "cde". */
	w[0] = 2 | 3ull << 16;
	memcpy(&w[1], "abcde", 5);
	x = exact(w, 2);
	CHECK(parent_log_parse(x, 2, &log) == 0);
	CHECK(log.nlabel == 2 && !memcmp(log.label, "ab", 2));
	CHECK(log.ntext == 3 && !memcmp(log.text, "cde", 3));
	free(x);
	/* Exactly the whole message. */
	w[0] = (uint64_t)PARENT_LOG_MAX << 16;
	CHECK(parent_log_parse(w, MSG_WORDS_MAX, &log) == 0);
}

static void
session_request(void)
{
	struct session_request r = {.service = "Fd",
				   .quota = 7,
				   .label = "sh -> ls",
				   .args = "file=3"},
			       q;
	uint64_t w[MSG_WORDS_MAX] = {0}, *x;
	unsigned n = session_request_put(w, &r);

	for (unsigned k = 0; k < n; k++) {
		x = exact(w, k);
		CHECK(session_request_get(x, k, &q) == -E_INVAL);
		free(x);
	}
	x = exact(w, n);
	CHECK(session_request_get(x, n, &q) == 0);
	CHECK(!strcmp(q.service, "Fd") && q.quota == 7);
	CHECK(!strcmp(q.label, "sh -> ls") && !strcmp(q.args, "file=3"));
	free(x);
	/* Forged lengths: too long for the fields or for the words sent. */
	w[3] = LABEL_MAX;
	CHECK(session_request_get(w, MSG_WORDS_MAX, &q) == -E_INVAL);
	w[3] = (uint64_t)ARGS_MAX << 16;
	CHECK(session_request_get(w, MSG_WORDS_MAX, &q) == -E_INVAL);
	w[3] = 40 | 40ull << 16;
	x = exact(w, 4 + 9);
	CHECK(session_request_get(x, 4 + 9, &q) == -E_INVAL);
	free(x);
	CHECK(session_request_get(w, MSG_WORDS_MAX + 1, &q) == -E_INVAL);
	/* A service name without its NUL stays within its field. */
	memset(w, 'S', 16);
	w[3] = 0;
	CHECK(session_request_get(w, 4, &q) == 0);
	CHECK(strlen(q.service) == SERVICE_NAME_MAX - 1);
}

static void
args(void)
{
	CHECK(session_arg("file=3", "file", 9) == 3);
	CHECK(session_arg("a=1 file=0x1f", "file", 9) == 31);
	CHECK(session_arg("xfile=3", "file", 9) == 9);
	CHECK(session_arg("file=18446744073709551615", "file", 9) ==
	    18446744073709551615ull);
	/* 2^64 + 1 must not wrap to 1 (a handle the sender did not get). */
	CHECK(session_arg("file=18446744073709551617", "file", 9) == 9);
	CHECK(session_arg("file=0x10000000000000001", "file", 9) == 9);
	CHECK(session_arg("", "file", 9) == 9);
}

static void
get_str(void)
{
	uint64_t w[2];
	char out[32];

	memcpy(w, "abcdefghijklmnop", 16);
	CHECK(msg_get_str(w, 2, 0, ~0ull, out, 8) == 7);
	CHECK(!strcmp(out, "abcdefg"));
	/* A length beyond the words sent stops at their end. */
	CHECK(msg_get_str(w, 2, 1, 99, out, sizeof(out)) == 8);
	CHECK(msg_get_str(w, 2, 5, 99, out, sizeof(out)) == 0 && !out[0]);
	CHECK(msg_get_str(w, 2, 0, 4, out, 0) == 0);
}

int
main(void)
{
	log_parse();
	session_request();
	args();
	get_str();
	printf("test_msg: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
