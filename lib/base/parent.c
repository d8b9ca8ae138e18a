/* A child's side of the parent protocol: its log and its exit. */
#include <base/env.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/string.h>
#include <kernel/syscalls.h>

void
log_write(const char *s, size_t n)
{
	struct utcb *u = utcb_main();

	if (n > PARENT_LOG_MAX)
		n = PARENT_LOG_MAX;
	u->msg[0] = n;
	memcpy(&u->msg[1], s, n);
	sys_ipc_call(CAP_PARENT, MSG_INFO(PARENT_LOG, 1 + (n + 7) / 8, 0), NULL,
	    NULL);
}

_Noreturn void exit(int code);
void
exit(int code)
{
	utcb_main()->msg[0] = (uint64_t)code;
	for (;;)
		sys_ipc_call(CAP_PARENT, MSG_INFO(PARENT_EXIT, 1, 0), NULL,
		    NULL);
}
