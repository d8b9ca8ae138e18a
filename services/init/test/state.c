/*
 * The state report's children for init's test drivers (config_steps,
 * reconfig): one reading of the report for both.
 */
#include <base/string.h>

#include "state.h"

struct config state_doc;

bool
state_child(const char *name, struct config_node *out)
{
	struct config_node c;
	char n[32];

	for (int e = config_child(config_root(&state_doc), "child", &c); !e;
	     e = config_next(c, "child", &c)) {
		if (!config_attr_copy(c, "name", n, sizeof(n)) &&
		    !strcmp(n, name)) {
			if (out)
				*out = c;
			return true;
		}
	}
	return false;
}

uint64_t
state_attr(const char *name, const char *attr)
{
	struct config_node c;
	uint64_t v = 0;

	if (state_child(name, &c))
		config_attr_u64(c, attr, 0, &v);
	return v;
}

bool
state_served_by(const char *name, const char *server)
{
	struct config_node c, s;
	char n[32];

	if (!state_child(name, &c))
		return false;
	for (int e = config_child(c, "session", &s); !e;
	     e = config_next(s, "session", &s))
		if (!config_attr_copy(s, "server", n, sizeof(n)) &&
		    !strcmp(n, server))
			return true;
	return false;
}
