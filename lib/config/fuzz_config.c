/*
 * libFuzzer target for the config parser. Configs and reports cross
 * component boundaries, so the parser must survive any bytes: this feeds it
 * arbitrary input and, for every document it accepts, reads every element
 * and attribute with every accessor and checks what must hold between them.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include <base/config.h>
#include <base/error.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok)
{
	if (!ok)
		abort();
}

/* An element's raw slice is a document by itself, with the same type and
 * attributes. Parsed from an exact copy, so a read past it is caught. */
static void
check_raw(struct config_node node)
{
	struct config sub;
	struct config_error err;
	const char *raw;
	size_t len;
	char *copy;

	config_node_raw(node, &raw, &len);
	copy = malloc(len ? len : 1);
	require(copy != NULL);
	memcpy(copy, raw, len);
	require(config_parse(&sub, copy, len, &err) == 0);
	struct config_str a = config_type(node);
	struct config_str b = config_type(config_root(&sub));

	require(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
	free(copy);
}

static void
visit(struct config_node node, size_t doc_len)
{
	struct config_attr a = {{NULL, 0}, {NULL, 0}};
	struct config_str s, type = config_type(node);
	char small[8], *big, name[256];
	uint64_t u;
	bool b;
	int r;

	require(type.len > 0);
	if (type.len < sizeof(name)) {
		memcpy(name, type.ptr, type.len);
		name[type.len] = '\0';
		require(config_type_is(node, name));
	}
	big = malloc(doc_len + 1);
	require(big != NULL);
	require(config_text(node, big, doc_len + 1) == 0);
	r = config_text(node, small, sizeof(small));
	require(r == 0 || r == -E_RANGE);
	check_raw(node);

	while (config_attr_next(node, &a) == 0) {
		require(a.name.len > 0 && a.name.len < doc_len);
		if (a.name.len >= sizeof(name))
			continue;
		memcpy(name, a.name.ptr, a.name.len);
		name[a.name.len] = '\0';
		/* No duplicates, so lookup by name finds this very value. */
		require(config_has_attr(node, name));
		require(config_attr(node, name, &s) == 0);
		require(s.ptr == a.value.ptr && s.len == a.value.len);
		require(config_attr_copy(node, name, big, doc_len + 1) == 0);
		require(config_decode(a.value, big, doc_len + 1) == 0);
		r = config_attr_copy(node, name, small, sizeof(small));
		require(r == 0 || r == -E_RANGE);
		r = config_attr_u64(node, name, 3, &u);
		require(r == 0 || r == -E_INVAL || r == -E_RANGE);
		require(r == 0 || u == 3);
		r = config_attr_bool(node, name, true, &b);
		require(r == 0 || (r == -E_INVAL && b));
	}
	free(big);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_node path[CONFIG_MAX_DEPTH], n;
	struct config_error err = {0, 0, NULL, {NULL, 0}};
	struct config doc;
	size_t depth = 1;
	char line[128];

	if (config_parse(&doc, (const char *)data, size, &err) < 0) {
		require(err.message != NULL && err.line >= 1 &&
		    err.column >= 1 && err.line <= size + 1 &&
		    err.column <= size + 1);
		require(err.what.len == 0 ||
		    (err.what.ptr >= (const char *)data &&
			err.what.ptr + err.what.len <=
			    (const char *)data + size));
		(void)config_error_format(line, sizeof(line), "fuzz", &err);
		require(strlen(line) < sizeof(line));
		return 0;
	}
	/* Everything accepted is text: labels and log lines rely on it. */
	require(config_utf8_valid((const char *)data, size));
	path[0] = config_root(&doc);
	while (depth > 0) {
		visit(path[depth - 1], size);
		if (config_child(path[depth - 1], NULL, &n) == 0) {
			require(depth < CONFIG_MAX_DEPTH);
			path[depth++] = n;
			continue;
		}
		while (depth > 0 &&
		    config_next(path[depth - 1], NULL, &path[depth - 1]) != 0)
			depth--;
	}
	return 0;
}
