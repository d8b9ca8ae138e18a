/* The loop every server runs; see include/base/server.h. */
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>

void
server_loop(uint64_t ep, uint64_t rcv,
    void (*handle)(uint64_t badge, uint64_t info, struct reply *r))
{
	struct utcb *u = utcb_self();
	uint64_t info, badge, reply = MSG_INFO(0, 0, 0), out = 0;

	for (;;) {
		struct reply r = {0};

		u->rcv_caps[0] = (uint32_t)rcv;
		sys_ipc_reply_wait(ep, reply, &info, &badge);
		if (out) {
			sys_cap_delete(out);
			slot_free(out);
			out = 0;
		}
		handle(badge, info, &r);
		sys_cap_delete(rcv);
		if (!r.error && (r.session || r.cap) && (out = slot_alloc())) {
			if (r.session)
				sys_cap_derive(ep, 0, out, r.rights, r.session);
			else
				sys_cap_derive(r.cap, 0, out, r.rights, 0);
			u->snd_caps[0] = (uint32_t)out;
		}
		reply = MSG_INFO(r.error < 0 ? -r.error : 0,
		    r.error ? 0 : r.words, !r.error && out ? 1 : 0);
	}
}
