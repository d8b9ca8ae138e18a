#define _GNU_SOURCE /* pipe2 */
/*
 * Starting programs from a libc program: posix_spawn and vfork + execve,
 * pipes between us and them and between two of them, redirection into our
 * RAM file system, exit codes, a fault, kill, a grandchild that inherits
 * inherited descriptors, arguments, environment and working directory.
 * The child program (child.c) is /bin/child, a ROM in our VFS.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <test/check.h>

#define CHILD "/bin/child"

extern char **environ;

/* Starts CHILD with args; stdin/stdout from in/out when >= 0. */
static pid_t
spawn(int in, int out, const char *const *args)
{
	posix_spawn_file_actions_t fa;
	char *argv[16] = {"child"};
	pid_t pid;
	int e;

	for (int i = 0; args[i]; i++)
		argv[i + 1] = (char *)args[i];
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	e = posix_spawn(&pid, CHILD, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return e ? -e : pid;
}

static int
wait_code(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1000;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* Everything from fd until its end, NUL-terminated. */
static size_t
slurp(int fd, char *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < max && (n = read(fd, buf + len, max - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	return len;
}

static void
test_echo(void)
{
	char buf[64];
	int p[2];
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(-1, p[1], (const char *[]){"echo", "hello", "<&\">", 0});
	CHECK(pid > 1);
	close(p[1]);
	slurp(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK(!strcmp(buf, "hello <&\">\n"));
	CHECK(wait_code(pid) == 0);
}

static void
test_exit_codes(void)
{
	pid_t pid;

	CHECK(wait_code(spawn(-1, -1, (const char *[]){"exit", "3", 0})) == 3);
	CHECK(wait_code(spawn(-1, -1, (const char *[]){"exit", "0", 0})) == 0);
	/* vfork and execve, as a NOMMU shell does it */
	pid = vfork();
	if (!pid) {
		execve(CHILD, (char *[]){"child", "exit", "42", 0}, environ);
		_exit(127);
	}
	CHECK(pid > 1);
	CHECK(wait_code(pid) == 42);
	pid = vfork();
	if (!pid) {
		execve("/bin/missing", (char *[]){"missing", 0}, environ);
		_exit(errno == ENOENT ? 127 : 126);
	}
	CHECK(wait_code(pid) == 127);
	/* no arguments: the child does not know what to do */
	CHECK(wait_code(spawn(-1, -1, (const char *[]){0})) == 2);
	CHECK(posix_spawn(&pid, "/bin/missing", NULL, NULL,
		  (char *[]){"missing", 0}, environ) == ENOENT);
	CHECK(posix_spawn(&pid, "/etc/data.txt", NULL, NULL,
		  (char *[]){"data", 0}, environ) == ENOEXEC);
	CHECK(waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
}

/* More than a pipe holds, so both sides block and wake. */
static void
test_big(void)
{
	static char buf[70000];
	size_t len;
	int p[2], ok = 1;
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(-1, p[1], (const char *[]){"gen", "65536", 0});
	close(p[1]);
	len = slurp(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK(len == 65536);
	for (size_t i = 0; i < len; i++)
		ok &= buf[i] == 'a' + (int)(i % 26);
	CHECK(ok);
	CHECK(wait_code(pid) == 0);
}

/* gen | cat > /tmp/out: a pipe between two children, into our file. */
static void
test_pipeline(void)
{
	char buf[4200];
	int p[2], out;
	pid_t a, b;
	struct stat st;

	mkdir("/tmp", 0755);
	CHECK((out = open("/tmp/out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644)) >= 0);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	a = spawn(-1, p[1], (const char *[]){"gen", "4000", 0});
	b = spawn(p[0], out, (const char *[]){"cat", 0});
	close(p[0]);
	close(p[1]);
	close(out);
	CHECK(wait_code(a) == 0);
	CHECK(wait_code(b) == 0);
	CHECK(stat("/tmp/out", &st) == 0 && st.st_size == 4000);
	CHECK((out = open("/tmp/out", O_RDONLY)) >= 0);
	CHECK(slurp(out, buf, sizeof(buf)) == 4000 &&
	    buf[3999] == 'a' + 3999 % 26);
	close(out);
}

/* Our stdin to a child: what we write, it copies into our file. */
static void
test_stdin(void)
{
	char buf[64];
	int p[2], out;
	pid_t pid;

	CHECK((out = open("/tmp/in", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644)) >= 0);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(p[0], out, (const char *[]){"cat", 0});
	close(p[0]);
	close(out);
	CHECK(write(p[1], "line one\n", 9) == 9);
	CHECK(write(p[1], "line two\n", 9) == 9);
	close(p[1]); /* its end of input */
	CHECK(wait_code(pid) == 0);
	CHECK((out = open("/tmp/in", O_RDONLY)) >= 0);
	slurp(out, buf, sizeof(buf));
	close(out);
	CHECK(!strcmp(buf, "line one\nline two\n"));
}

static void
test_fault_kill(void)
{
	int p[2];
	char c;
	pid_t pid;

	CHECK(wait_code(spawn(-1, -1, (const char *[]){"fault", 0})) ==
	    -SIGSEGV);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(p[0], -1, (const char *[]){"cat", 0}); /* waits for input */
	close(p[0]);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(wait_code(pid) == -SIGKILL);
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE); /* no reader */
	close(p[1]);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0); /* no writer: the end */
	close(p[0]);
	CHECK(kill(12345, SIGTERM) == -1 && errno == ESRCH);
	/* A default that is to be ignored leaves the child; SIGTERM not. */
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(p[0], -1, (const char *[]){"cat", 0});
	close(p[0]);
	CHECK(kill(pid, SIGWINCH) == 0 && kill(pid, SIGCHLD) == 0);
	CHECK(waitpid(pid, NULL, WNOHANG) == 0);
	CHECK(kill(pid, SIGTERM) == 0);
	CHECK(wait_code(pid) == -SIGTERM);
	close(p[1]);
	CHECK(kill(getpid(), 99) == -1 && errno == EINVAL);
	/* raise (tkill) in the child: its default action is the status. */
	CHECK(wait_code(spawn(-1, -1, (const char *[]){"raise", 0})) ==
	    -SIGINT);
	/* Hostile RAM requests are refused and move no quota. */
	CHECK(wait_code(spawn(-1, -1, (const char *[]){"greedy", 0})) == 0);
	/* A child pays for its sessions, as init's children do. */
	CHECK(wait_code(spawn(-1, -1, (const char *[]){"pays", 0})) == 0);
}

/* A child starts a grandchild that writes into our pipe. */
static void
test_grandchild(void)
{
	char buf[64];
	int p[2];
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(-1, p[1],
	    (const char *[]){"nest", CHILD, "echo", "from", "grandchild", 0});
	close(p[1]);
	slurp(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK(!strcmp(buf, "from grandchild\n"));
	CHECK(wait_code(pid) == 0);
}

/*
 * getpid and getppid: a child knows itself by the id we know it by, and
 * us as its parent; its own child is named by a different id, and is
 * never given its parent's or grandparent's.
 */
static void
test_pids(void)
{
	char buf[128];
	int p[2], pid = 0, ppid = 0, gpid = 0, gppid = 0, gid = 0;
	pid_t child;

	CHECK(getpid() == 1 && getppid() == 0);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	child = spawn(-1, p[1], (const char *[]){"pids", "spawn", 0});
	close(p[1]);
	slurp(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK(wait_code(child) == 0);
	CHECK(sscanf(buf, "%d %d\n%d %d\n%d", &pid, &ppid, &gpid, &gppid,
		  &gid) == 5);
	CHECK(pid == child && ppid == 1);
	CHECK(gppid == child && gpid == gid && gpid != child && gpid != 1);
	CHECK(kill(getpid(), 0) == 0);
}

static void
test_env_cwd(void)
{
	char buf[64];
	int p[2];
	pid_t pid;

	setenv("GREETING", "hi there", 1);
	/* a directory the child has too: its VFS has the same ROMs */
	CHECK(chdir("/etc") == 0);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(-1, p[1], (const char *[]){"env", "GREETING", 0});
	close(p[1]);
	slurp(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK(!strcmp(buf, "hi there\n"));
	CHECK(wait_code(pid) == 0);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = spawn(-1, p[1], (const char *[]){"pwd", 0});
	close(p[1]);
	slurp(p[0], buf, sizeof(buf));
	close(p[0]);
	CHECK(!strcmp(buf, "/etc\n"));
	CHECK(wait_code(pid) == 0);
	CHECK(chdir("/") == 0);
}

int
main(void)
{
	test_echo();
	test_exit_codes();
	test_big();
	test_pipeline();
	test_stdin();
	test_fault_kill();
	test_grandchild();
	test_env_cwd();
	test_pids();
	printf("spawn test: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
