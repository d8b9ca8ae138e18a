/*
 * What init refuses in a config that parses: a config is applied whole or
 * not at all, so everything init will read from it is checked here first,
 * before anything changes. A value init cannot take as written (a name
 * twice, a value longer than init keeps, a number that is none or does not
 * fit) would otherwise be read as a default, and a running child's quota
 * could drop without a word.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/string.h>

#include "init.h"

#define SHOWN 32u /* bytes of a refused value that the message shows */

/* config:LINE:COL: TYPE/@ATTR="VALUE": WHY, the value cut at SHOWN bytes. */
static int
refuse(const struct config *cfg, struct config_node node, const char *attr,
    const char *why, char *msg, size_t n)
{
	struct config_str type = config_type(node), v = {"", 0};
	size_t line, col, shown;

	if (config_attr(node, attr, &v))
		v.ptr = node.buf + node.start;
	config_where(cfg->buf, cfg->len, (size_t)(v.ptr - cfg->buf), &line,
	    &col);
	/* Cut at a character boundary: the log line stays UTF-8. */
	for (shown = v.len < SHOWN ? v.len : SHOWN; shown < v.len && shown &&
	     ((unsigned char)v.ptr[shown] & 0xc0) == 0x80;
	     shown--)
		;
	fmt_snprintf(msg, n, "config:%zu:%zu: %.*s/@%s=\"%.*s%s\": %s", line,
	    col, (int)type.len, type.ptr, attr, (int)shown, v.ptr,
	    shown < v.len ? "..." : "", why);
	return -E_INVAL;
}

/* The buffer init reads an attribute into. */
static size_t
kept(struct config_node node, struct config_str attr)
{
	if (config_str_eq(attr, "name") && config_type_is(node, "service"))
		return SERVICE_NAME_MAX;
	if ((config_str_eq(attr, "name") || config_str_eq(attr, "binary")) &&
	    (config_type_is(node, "start") || config_type_is(node, "child")))
		return NAME_MAX;
	return LABEL_MAX;
}

/* Every attribute of node fits in what init keeps of it. */
static int
check_lengths(const struct config *cfg, struct config_node node, char *msg,
    size_t n)
{
	struct config_attr a = {{NULL, 0}, {NULL, 0}};
	char buf[LABEL_MAX], name[24];

	while (!config_attr_next(node, &a)) {
		if (!config_decode(a.value, buf, kept(node, a.name)))
			continue;
		fmt_snprintf(name, sizeof(name), "%.*s", (int)a.name.len,
		    a.name.ptr);
		return refuse(cfg, node, name, "longer than init keeps", msg,
		    n);
	}
	return 0;
}

/* node and everything below it, but a child's own <config>. */
static int
check_tree(const struct config *cfg, struct config_node top, char *msg,
    size_t n)
{
	struct config_node path[CONFIG_MAX_DEPTH], c;
	size_t depth = 1;
	int e;

	path[0] = top;
	while (depth) {
		if ((e = check_lengths(cfg, path[depth - 1], msg, n)))
			return e;
		if ((depth == 1 ||
			!config_type_is(path[depth - 1], "config")) &&
		    !config_child(path[depth - 1], NULL, &c) &&
		    depth < CONFIG_MAX_DEPTH) {
			path[depth++] = c;
			continue;
		}
		while (depth &&
		    config_next(path[depth - 1], NULL, &path[depth - 1]))
			depth--;
	}
	return 0;
}

static int
check_number(const struct config *cfg, struct config_node node,
    const char *attr, uint64_t max, char *msg, size_t n)
{
	uint64_t v;
	int e = config_attr_u64(node, attr, 0, &v);

	if (e == -E_RANGE || (!e && v > max))
		return refuse(cfg, node, attr, "too large", msg, n);
	if (e)
		return refuse(cfg, node, attr, "not a number", msg, n);
	return 0;
}

static int
check_start(const struct config *cfg, struct config_node s, char *msg, size_t n)
{
	struct config_node o;
	char name[NAME_MAX], other[NAME_MAX], policy[16];
	uint64_t stack;
	bool b;
	int e;

	if (config_attr_copy(s, "name", name, sizeof(name)) || !name[0])
		return refuse(cfg, s, "name",
		    config_has_attr(s, "name") ? "empty or too long"
					       : "missing",
		    msg, n);
	if (config_has_attr(s, "binary") &&
	    config_attr_copy(s, "binary", other, sizeof(other)))
		return refuse(cfg, s, "binary", "too long", msg, n);
	/* Names are what children are told apart by: one of each. */
	for (e = config_child(config_root(cfg), "start", &o);
	     !e && o.start < s.start; e = config_next(o, "start", &o))
		if (!config_attr_copy(o, "name", other, sizeof(other)) &&
		    !strcmp(other, name))
			return refuse(cfg, s, "name", "used twice", msg, n);
	if ((e = check_number(cfg, s, "ram", UINT64_MAX, msg, n)) ||
	    (e = check_number(cfg, s, "stack", 16ul << 20, msg, n)) ||
	    (e = check_number(cfg, s, "priority", 255, msg, n)) ||
	    (e = check_number(cfg, s, "cpu", 1000, msg, n)) ||
	    (e = check_number(cfg, s, "caps", CAPS_MAX, msg, n)) ||
	    (e = check_number(cfg, s, "restart_budget", UINT32_MAX, msg, n)))
		return e;
	if (!config_attr_u64(s, "stack", 4096, &stack) && (stack & 4095))
		return refuse(cfg, s, "stack", "not a page multiple", msg, n);
	if (config_attr_bool(s, "heartbeat", false, &b))
		return refuse(cfg, s, "heartbeat", "neither yes nor no", msg,
		    n);
	if (!config_attr_copy(s, "restart", policy, sizeof(policy)) &&
	    strcmp(policy, "never") && strcmp(policy, "on-failure") &&
	    strcmp(policy, "always"))
		return refuse(cfg, s, "restart",
		    "not never, on-failure or always", msg, n);
	return 0;
}

int
config_check(const struct config *cfg, char *msg, size_t n)
{
	struct config_node root = config_root(cfg), s;
	unsigned count = 0;
	bool b;
	int e;

	if ((e = check_tree(cfg, root, msg, n)))
		return e;
	if (config_attr_bool(root, "bench", false, &b))
		return refuse(cfg, root, "bench", "neither yes nor no", msg, n);
	if (!config_child(root, "heartbeat", &s) &&
	    (e = check_number(cfg, s, "rate_ms", UINT32_MAX, msg, n)))
		return e;
	for (e = config_child(root, "start", &s); !e;
	     e = config_next(s, "start", &s)) {
		int r;

		if (++count > CHILDREN)
			return refuse(cfg, s, "name", "one child too many", msg,
			    n);
		if ((r = check_start(cfg, s, msg, n)))
			return r;
	}
	return 0;
}
