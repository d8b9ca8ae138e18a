/*
 * The program the spawn test starts: what it does is its first argument.
 *
 *   echo WORD...   WORDs on stdout, a line
 *   exit N         exits with N
 *   gen N          N bytes of a pattern on stdout
 *   cat            stdin to stdout until the end of stdin
 *   fault          writes to address 0
 *   nest PROG ARG... starts PROG with our descriptors, exits with its code
 *   greedy         hostile resource requests (below)
 *   pays           pays for its sessions (below)
 *   pwd            the working directory on stdout
 *   env NAME       the variable's value on stdout
 */
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/pd.h>

extern char **environ;

static int
copy(int from, int to)
{
	char buf[700];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0)
		for (ssize_t at = 0, w; at < n; at += w)
			if ((w = write(to, buf + at, (size_t)(n - at))) <= 0)
				return 1;
	return n < 0;
}

static volatile sig_atomic_t caught;

static void
handled(int sig)
{
	caught = sig;
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	char buf[256];

	if (!strcmp(what, "echo")) {
		for (int i = 2; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
		return 0;
	}
	if (!strcmp(what, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(what, "gen") && argc > 2) {
		long n = atol(argv[2]);

		for (long i = 0; i < n; i++)
			putchar('a' + (int)(i % 26));
		return fflush(stdout) ? 1 : 0;
	}
	if (!strcmp(what, "cat"))
		return copy(0, 1);
	/* pids: our ids, and with "spawn" those of a child of ours too */
	if (!strcmp(what, "pids")) {
		printf("%d %d\n", (int)getpid(), (int)getppid());
		if (argc > 2 && !strcmp(argv[2], "spawn")) {
			pid_t pid;

			fflush(stdout);
			if (posix_spawn(&pid, "/bin/child", NULL, NULL,
				(char *[]){"child", "pids", 0}, environ))
				return 3;
			waitpid(pid, NULL, 0);
			printf("%d\n", (int)pid);
		}
		return 0;
	}
	if (!strcmp(what, "fault"))
		*(volatile int *)0 = 1;
	/*
	 * greedy: asks its parent for RAM it must refuse (none, more than
	 * 2^40 at once, amounts that would wrap a sum) and checks that its
	 * quota did not move; then for one honest MiB, which it gets.
	 */
	if (!strcmp(what, "greedy")) {
		static const uint64_t ask[] = {0, (1ul << 40) + 1, 1ul << 63,
		    ~0ul, ~0ul - (1ul << 20)};
		uint64_t *w = utcb_self()->msg, before, caps;

		if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL))
			return 5;
		before = w[0];
		caps = w[2];
		for (unsigned i = 0; i < sizeof(ask) / sizeof(ask[0]); i++) {
			w[0] = ask[i];
			if (!rpc_call(CAP_PARENT, PARENT_RESOURCE, 1, 0, 0,
				NULL))
				return 6;
		}
		/* capabilities: beyond what a parent gives at once, a wrap */
		w[0] = 0;
		w[1] = ~0ul;
		if (!rpc_call(CAP_PARENT, PARENT_RESOURCE, 2, 0, 0, NULL))
			return 9;
		w[0] = 0;
		w[1] = (1ul << 20) + 1;
		if (!rpc_call(CAP_PARENT, PARENT_RESOURCE, 2, 0, 0, NULL))
			return 10;
		if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL) ||
		    w[0] != before || w[2] != caps)
			return 7;
		w[0] = 1ul << 20;
		if (rpc_call(CAP_PARENT, PARENT_RESOURCE, 1, 0, 0, NULL) ||
		    rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL) ||
		    w[0] < before + (1ul << 20))
			return 8;
		return 0;
	}
	/*
	 * pays: a session it asks for is paid out of its own quota, as
	 * init's children pay: its PD's quota drops by the session's and
	 * comes back when the session closes. What it cannot pay (more than
	 * it has, a sum that wraps) is refused and moves nothing.
	 */
	if (!strcmp(what, "pays")) {
		uint64_t *w = utcb_self()->msg, before, cap, id, c2, i2;

		if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL))
			return 5;
		before = w[0];
		if (session_open_args("ROM", "test_libc_child", "", 65536, &cap,
			&id))
			return 6;
		if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL) ||
		    w[0] != before - 65536)
			return 7;
		if (!session_open_args("ROM", "test_libc_child", "", before,
			&c2, &i2) ||
		    !session_open_args("ROM", "test_libc_child", "",
			~0ul - 4095, &c2, &i2))
			return 8;
		if (rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL) ||
		    w[0] != before - 65536)
			return 9;
		if (session_close(cap, id) ||
		    rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL) || w[0] != before)
			return 10;
		return 0;
	}
	/* raise: ignored, then handled, then the default action ends us */
	if (!strcmp(what, "raise")) {
		signal(SIGINT, SIG_IGN);
		raise(SIGINT);
		signal(SIGINT, handled);
		raise(SIGINT);
		if (caught != SIGINT)
			return 3;
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
		return 4;
	}
	if (!strcmp(what, "nest") && argc > 2) {
		pid_t pid;
		int st;

		if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ) ||
		    waitpid(pid, &st, 0) != pid)
			return 126;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 125;
	}
	if (!strcmp(what, "pwd") && getcwd(buf, sizeof(buf))) {
		puts(buf);
		return 0;
	}
	if (!strcmp(what, "env") && argc > 2) {
		puts(getenv(argv[2]) ? getenv(argv[2]) : "(unset)");
		return 0;
	}
	return 2;
}
