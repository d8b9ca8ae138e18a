/*
 * The one parser for every Bulkhead config, report and package runtime file:
 * a strict XML subset, checked whole before anyone reads it, then read in
 * place through small node handles that point into the caller's buffer.
 * No allocation, no libc; see lib/config/README.md for the format.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Elements nest at most this deep; the root is at depth 1. */
#define CONFIG_MAX_DEPTH 64

/* A policy's label attribute longer than this matches no label. */
#define CONFIG_LABEL_MAX 256

/* A slice of the document: not NUL-terminated, entities not decoded. */
struct config_str {
	const char *ptr;
	size_t len;
};

/* Where and why a document was refused. */
struct config_error {
	size_t line;            /* 1-based */
	size_t column;          /* 1-based, in bytes */
	const char *message;    /* static, e.g. "mismatched closing tag" */
	struct config_str what; /* the name concerned, or empty */
};

/* A parsed document; it only remembers where the buffer and root are. */
struct config {
	const char *buf;
	size_t len;
	size_t root; /* offset of the root element's '<' */
};

/* One element. A copy is as good as the original; it stays valid as long
 * as the buffer does. */
struct config_node {
	const char *buf;
	size_t len;     /* of the whole document, bounding every scan */
	size_t start;   /* offset of the start tag's '<' */
	size_t content; /* just past the start tag's '>' */
	size_t end;     /* just past the element's last '>' */
};

/* An attribute, as config_attr_next walks them. Start with {0}. */
struct config_attr {
	struct config_str name;
	struct config_str value; /* raw, as written between the quotes */
};

int config_parse(struct config *doc, const char *buf, size_t len,
    struct config_error *err);
int config_error_format(char *out, size_t n, const char *file,
    const struct config_error *e);
/* In a component: its ROM "config" (missing or empty: <config/>), parsed; a
 * malformed one is logged with line and column, and -E_INVAL. */
int config_load(struct config *cfg);

struct config_node config_root(const struct config *doc);
int config_child(struct config_node node, const char *type,
    struct config_node *out);
int config_next(struct config_node node, const char *type,
    struct config_node *out);
struct config_str config_type(struct config_node node);
bool config_type_is(struct config_node node, const char *type);
void config_node_raw(struct config_node node, const char **start, size_t *len);

int config_attr_next(struct config_node node, struct config_attr *a);
bool config_has_attr(struct config_node node, const char *name);
int config_attr(struct config_node node, const char *name,
    struct config_str *out);
int config_attr_copy(struct config_node node, const char *name, char *buf,
    size_t n);
int config_attr_u64(struct config_node node, const char *name, uint64_t def,
    uint64_t *out);
int config_attr_bool(struct config_node node, const char *name, bool def,
    bool *out);
/* A colour "#rrggbb" as 0x00RRGGBB; def if the attribute is not there,
 * -E_INVAL (and def) if it is no such colour. */
int config_attr_color(struct config_node node, const char *name, uint32_t def,
    uint32_t *out);
int config_text(struct config_node node, char *buf, size_t n);

int config_decode(struct config_str raw, char *buf, size_t n);
/* Line and column (1-based, columns in bytes) of offset pos in buf. */
void config_where(const char *buf, size_t len, size_t pos, size_t *line,
    size_t *column);
/* The length of the well-formed UTF-8 character at s (1 to 4), or 0. */
size_t config_utf8_char(const char *s, size_t n);
bool config_utf8_valid(const char *s, size_t n);
bool config_str_eq(struct config_str s, const char *cstr);

/*
 * Writing config text: s (n bytes) as an attribute value or text, with the
 * five entities and '?' for each control character the parser refuses
 * (all but tab, LF and CR). Like snprintf: writes whole pieces into out
 * while they fit, always NUL-terminates (size > 0), and returns the length
 * the whole escaped text needs; a result >= size means it was cut.
 */
size_t config_escape(char *out, size_t size, const char *s, size_t n);

/*
 * Label policies: whether node's label (exact), label_prefix (the first
 * elements of the label) and label_suffix (the last elements) attributes
 * all match label, compared at " -> " boundaries only, so "panel" never
 * matches "panel2". Missing attributes pass; a node with none matches
 * every label (config_has_label tells); an attribute longer than
 * CONFIG_LABEL_MAX matches none.
 */
bool config_label_matches(struct config_node node, const char *label);
bool config_has_label(struct config_node node);
