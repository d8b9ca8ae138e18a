/*
 * A test client for init: opens the sessions its config lists, says
 * whether each was granted or denied as expected, and exits 0 only if all
 * were.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>

#include <session/pd.h>

#include "hello.h"

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	struct config_node s;
	int wrong = 0;
	bool stay = false;

	int r;

	if (config_load(&cfg))
		return 1;
	config_attr_bool(config_root(&cfg), "stay", false, &stay);
	for (int e = config_child(config_root(&cfg), "session", &s); !e;
	     e = config_next(s, "session", &s)) {
		char service[SERVICE_NAME_MAX] = "", label[LABEL_MAX] = "";
		char expect[16] = "ok", text[160];
		uint64_t cap, id, info = 0;

		config_attr_copy(s, "service", service, sizeof(service));
		config_attr_copy(s, "label", label, sizeof(label));
		config_attr_copy(s, "expect", expect, sizeof(expect));
		uint64_t quota = 0;

		config_attr_u64(s, "quota", 0, &quota);
		r = session_open(service, label, quota, &cap, &id);
		if (!r && quota) {
			rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL);
			log_printf("paid %lu KiB for it, my quota now %lu KiB",
			    quota / 1024, utcb_self()->msg[0] / 1024);
		}
		if (r) {
			log_printf("%s session '%s': error %d", service, label,
			    -r);
			wrong += strcmp(expect,
				     r == -E_DENIED ? "denied" : "error") != 0;
			continue;
		}
		/* upgrade="N": the session grows to N bytes (and "fail"s:
		 * expect_upgrade="ok" or "error") */
		uint64_t upgrade = 0;
		char expect_up[8] = "ok";

		config_attr_u64(s, "upgrade", 0, &upgrade);
		if (config_attr_copy(s, "expect_upgrade", expect_up,
			sizeof(expect_up)))
			memcpy(expect_up, "ok", 3);
		if (upgrade) {
			int u = parent_upgrade(id, upgrade, 0);

			rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL);
			log_printf("%s session '%s': upgrade to %lu: error %d, "
				   "my quota now %lu KiB",
			    service, label, upgrade, -u,
			    utcb_self()->msg[0] / 1024);
			wrong += strcmp(expect_up, u ? "error" : "ok") != 0;
		}
		r = (int)rpc_call(cap, HELLO_SAY, 0, 0, 0, &info);
		msg_get_str(utcb_self()->msg, MSG_NWORDS(info), 1,
		    utcb_self()->msg[0], text, sizeof(text));
		log_printf("%s session '%s': %s", service, label,
		    r ? "no answer" : text);
		wrong += r || strcmp(expect, "ok");
		if (!stay)
			session_close(cap, id);
	}
	log_printf("%s", wrong ? "unexpected results" : "all as expected");
	/* stay="yes": keep the sessions, so that a state report shows them. */
	if (stay && !wrong)
		sleep_forever();
	return wrong ? 1 : 0;
}
