/*
 * A test server for init: announces "Hello" and answers each session with
 * the greeting from its config and the label init gave the session, so a
 * scenario can see which server a client reached and under which label.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>

#include "hello.h"

#define SESSIONS 8u

static char labels[SESSIONS][LABEL_MAX];
static bool open_[SESSIONS];

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct utcb *u = utcb_main();
	uint64_t ep, info, badge, reply = MSG_INFO(0, 0, 0), out = 0;
	char greeting[64] = "hello";
	struct config cfg;
	struct config_error err;
	const void *data;
	size_t size;

	if (!rom_attach("config", &data, &size) &&
	    !config_parse(&cfg, data, size, &err))
		config_attr_copy(config_root(&cfg), "greeting", greeting,
		    sizeof(greeting));
	if (object_create(KOBJ_ENDPOINT, &ep) ||
	    service_announce("Hello", ep)) {
		log_printf("cannot announce Hello");
		return 1;
	}
	for (;;) {
		u->snd_caps[0] = (uint32_t)out;
		sys_ipc_reply_wait(ep, reply, &info, &badge);
		if (out) {
			sys_cap_delete(out);
			slot_free(out);
			out = 0;
		}
		reply = MSG_INFO(E_NOSYS, 0, 0);
		if (badge == 0 && MSG_LABEL(info) == ROOT_CREATE) {
			unsigned s;

			for (s = 0; s < SESSIONS && open_[s]; s++)
				;
			if (s == SESSIONS || !(out = slot_alloc())) {
				reply = MSG_INFO(E_NOMEM, 0, 0);
				continue;
			}
			struct session_request req;

			if (session_request_get(u->msg, MSG_NWORDS(info),
				&req)) {
				reply = MSG_INFO(E_INVAL, 0, 0);
				continue;
			}
			fmt_snprintf(labels[s], LABEL_MAX, "%s", req.label);
			sys_cap_derive(ep, 0, out, RIGHT_SEND | RIGHT_GRANT,
			    s + 1);
			open_[s] = true;
			u->msg[0] = s;
			reply = MSG_INFO(0, 1, 1);
		} else if (badge == 0 && MSG_LABEL(info) == ROOT_CLOSE) {
			if (u->msg[0] < SESSIONS)
				open_[u->msg[0]] = false;
			reply = MSG_INFO(0, 0, 0);
		} else if (badge && badge <= SESSIONS && open_[badge - 1] &&
		    MSG_LABEL(info) == HELLO_SAY) {
			char text[160];
			int n = fmt_snprintf(text, sizeof(text), "%s, '%s'",
			    greeting, labels[badge - 1]);

			log_printf("session for '%s'", labels[badge - 1]);
			u->msg[0] = (uint64_t)n;
			memcpy(&u->msg[1], text, (size_t)n);
			reply = MSG_INFO(0, 1 + (unsigned)(n + 7) / 8, 0);
		}
	}
}
