/*
 * Reading a document that config_parse has accepted. Nothing is stored
 * beyond the buffer itself: each accessor scans the few bytes it needs, so
 * a node is a handful of offsets and costs nothing to copy. The scans trust
 * the validating pass for the shape of the document but never the offsets,
 * so a stale or zeroed node yields "nothing there", not a wild read.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/string.h>

static bool
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	    c == '-';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
has(const char *buf, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s);

	return i <= len && len - i >= n && memcmp(buf + i, s, n) == 0;
}

static size_t
name_end(const char *buf, size_t len, size_t i)
{
	while (i < len && is_name_char(buf[i]))
		i++;
	return i;
}

/* Just past the '>' that ends the tag containing i, skipping quoted
 * values, which may hold a '>'. */
static size_t
tag_end(const char *buf, size_t len, size_t i)
{
	char quote = 0;

	for (; i < len; i++) {
		if (quote != 0) {
			if (buf[i] == quote)
				quote = 0;
		} else if (buf[i] == '"' || buf[i] == '\'') {
			quote = buf[i];
		} else if (buf[i] == '>') {
			return i + 1;
		}
	}
	return len;
}

static size_t
comment_end(const char *buf, size_t len, size_t i)
{
	for (i += 4; i < len; i++) {
		if (has(buf, len, i, "-->"))
			return i + 3;
	}
	return len;
}

static bool
self_closing(const char *buf, size_t content)
{
	return content >= 2 && buf[content - 2] == '/';
}

/*
 * Just past the end of the element whose start tag ends at content. Only
 * comments can hold a '<' that is not markup, so counting tags from one
 * '<' to the next is enough, and it needs no recursion.
 */
static size_t
element_end(const char *buf, size_t len, size_t content)
{
	size_t depth = 1, i = content;

	if (self_closing(buf, content))
		return content;
	while (i < len) {
		if (buf[i] != '<') {
			i++;
		} else if (has(buf, len, i, "<!--")) {
			i = comment_end(buf, len, i);
		} else if (has(buf, len, i, "</")) {
			i = tag_end(buf, len, i);
			if (--depth == 0)
				return i;
		} else {
			i = tag_end(buf, len, i);
			if (!self_closing(buf, i))
				depth++;
		}
	}
	return len;
}

static struct config_node
node_at(const char *buf, size_t len, size_t start)
{
	struct config_node n;

	n.buf = buf;
	n.len = len;
	n.start = start;
	n.content = tag_end(buf, len, start);
	n.end = element_end(buf, len, n.content);
	return n;
}

struct config_node
config_root(const struct config *doc)
{
	return node_at(doc->buf, doc->len, doc->root);
}

struct config_str
config_type(struct config_node node)
{
	struct config_str s = {NULL, 0};

	if (node.start < node.len) {
		s.ptr = node.buf + node.start + 1;
		s.len = name_end(node.buf, node.len, node.start + 1) -
		    (node.start + 1);
	}
	return s;
}

bool
config_str_eq(struct config_str s, const char *cstr)
{
	return strlen(cstr) == s.len &&
	    (s.len == 0 || memcmp(s.ptr, cstr, s.len) == 0);
}

bool
config_type_is(struct config_node node, const char *type)
{
	return config_str_eq(config_type(node), type);
}

/* The first element at or after i among siblings, of type if not NULL. */
static int
find_element(const char *buf, size_t len, size_t i, const char *type,
    struct config_node *out)
{
	while (i < len) {
		struct config_node n;

		if (buf[i] != '<') {
			i++;
			continue;
		}
		if (has(buf, len, i, "<!--")) {
			i = comment_end(buf, len, i);
			continue;
		}
		if (has(buf, len, i, "</"))
			break;
		n = node_at(buf, len, i);
		if (n.end <= i)
			break;
		if (type == NULL || config_type_is(n, type)) {
			*out = n;
			return 0;
		}
		i = n.end;
	}
	return -E_NOENT;
}

int
config_child(struct config_node node, const char *type, struct config_node *out)
{
	if (node.content >= node.end)
		return -E_NOENT;
	return find_element(node.buf, node.len, node.content, type, out);
}

int
config_next(struct config_node node, const char *type, struct config_node *out)
{
	if (node.end <= node.start)
		return -E_NOENT;
	return find_element(node.buf, node.len, node.end, type, out);
}

void
config_node_raw(struct config_node node, const char **start, size_t *len)
{
	if (node.buf == NULL || node.end <= node.start) {
		*start = node.buf;
		*len = 0;
		return;
	}
	*start = node.buf + node.start;
	*len = node.end - node.start;
}

int
config_attr_next(struct config_node node, struct config_attr *a)
{
	const char *buf = node.buf;
	size_t len = node.content, i, name;
	char quote;

	if (node.start >= len)
		return -E_NOENT;
	if (a->name.ptr == NULL) {
		i = name_end(buf, len, node.start + 1);
	} else {
		i = (size_t)(a->value.ptr - buf) + a->value.len + 1;
		if (i <= node.start || i > len)
			return -E_NOENT;
	}
	while (i < len && is_space(buf[i]))
		i++;
	name = i;
	i = name_end(buf, len, i);
	if (i == name)
		return -E_NOENT;
	a->name.ptr = buf + name;
	a->name.len = i - name;
	while (i < len && buf[i] != '"' && buf[i] != '\'')
		i++;
	if (i >= len)
		return -E_NOENT;
	quote = buf[i++];
	a->value.ptr = buf + i;
	while (i < len && buf[i] != quote)
		i++;
	a->value.len = (size_t)(buf + i - a->value.ptr);
	return 0;
}

int
config_attr(struct config_node node, const char *name, struct config_str *out)
{
	struct config_attr a = {{NULL, 0}, {NULL, 0}};

	while (config_attr_next(node, &a) == 0) {
		if (config_str_eq(a.name, name)) {
			*out = a.value;
			return 0;
		}
	}
	return -E_NOENT;
}

bool
config_has_attr(struct config_node node, const char *name)
{
	struct config_str v;

	return config_attr(node, name, &v) == 0;
}

/*
 * Appends raw text to out at *j with the five entities decoded. Returns
 * false once out is full; *j then says how far it got.
 */
static bool
decode_into(const char *s, size_t len, char *out, size_t n, size_t *j)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'},
	    {"&quot;", '"'}, {"&apos;", '\''}};

	for (size_t i = 0; i < len;) {
		char c = s[i++];

		if (c == '&') {
			for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]);
			     k++) {
				if (has(s, len, i - 1, ents[k].name)) {
					c = ents[k].c;
					i += strlen(ents[k].name) - 1;
					break;
				}
			}
		}
		if (*j + 1 >= n)
			return false;
		out[(*j)++] = c;
	}
	return true;
}

/* A value that does not fit leaves an empty string: half a label or path
 * is more dangerous than none. */
int
config_decode(struct config_str raw, char *buf, size_t n)
{
	size_t j = 0;

	if (n == 0)
		return -E_RANGE;
	if (!decode_into(raw.ptr, raw.len, buf, n, &j)) {
		buf[0] = '\0';
		return -E_RANGE;
	}
	buf[j] = '\0';
	return 0;
}

int
config_attr_copy(struct config_node node, const char *name, char *buf, size_t n)
{
	struct config_str v;

	if (config_attr(node, name, &v) < 0) {
		if (n != 0)
			buf[0] = '\0';
		return -E_NOENT;
	}
	return config_decode(v, buf, n);
}

int
config_attr_color(struct config_node node, const char *name, uint32_t def,
    uint32_t *out)
{
	char buf[16];
	uint32_t c = 0;

	*out = def;
	if (!config_has_attr(node, name))
		return 0;
	if (config_attr_copy(node, name, buf, sizeof(buf)) || buf[0] != '#' ||
	    strlen(buf) != 7)
		return -E_INVAL;
	for (int i = 1; i < 7; i++) {
		char ch = buf[i];

		c <<= 4;
		if (ch >= '0' && ch <= '9')
			c |= (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			c |= (uint32_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			c |= (uint32_t)(ch - 'A' + 10);
		else
			return -E_INVAL;
	}
	*out = c;
	return 0;
}

/* The element's own character data, its children and comments left out. */
int
config_text(struct config_node node, char *buf, size_t n)
{
	const char *b = node.buf;
	size_t i = node.content, j = 0, from;

	if (n == 0)
		return -E_RANGE;
	while (i < node.end) {
		if (b[i] != '<') {
			for (from = i; i < node.end && b[i] != '<'; i++)
				;
			if (!decode_into(b + from, i - from, buf, n, &j)) {
				buf[0] = '\0';
				return -E_RANGE;
			}
		} else if (has(b, node.len, i, "<!--")) {
			i = comment_end(b, node.len, i);
		} else if (has(b, node.len, i, "</")) {
			break;
		} else {
			from = i;
			i = node_at(b, node.len, i).end;
			if (i <= from)
				break;
		}
	}
	buf[j] = '\0';
	return 0;
}

static int
digit(char c, unsigned base)
{
	unsigned d;

	if (c >= '0' && c <= '9')
		d = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned)(c - 'A' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

/* Decimal or 0x hex, then K, M or G (binary). Junk is -E_INVAL; a number
 * that is well-formed but does not fit in 64 bits is -E_RANGE. */
static int
parse_u64(struct config_str s, uint64_t *out)
{
	unsigned base = 10, shift = 0;
	size_t i = 0, first;
	uint64_t v = 0;
	bool over = false;
	int d;

	if (s.len > 2 && s.ptr[0] == '0' &&
	    (s.ptr[1] == 'x' || s.ptr[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (first = i; i < s.len && (d = digit(s.ptr[i], base)) >= 0; i++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			over = true;
		v = v * base + (uint64_t)d;
	}
	if (i == first)
		return -E_INVAL;
	if (i < s.len) {
		switch (s.ptr[i++]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		default:
			return -E_INVAL;
		}
	}
	if (i != s.len)
		return -E_INVAL;
	if (over || v > (UINT64_MAX >> shift))
		return -E_RANGE;
	*out = v << shift;
	return 0;
}

int
config_attr_u64(struct config_node node, const char *name, uint64_t def,
    uint64_t *out)
{
	struct config_str v;
	int r;

	*out = def;
	if (config_attr(node, name, &v) < 0)
		return 0;
	r = parse_u64(v, out);
	if (r < 0)
		*out = def;
	return r;
}

int
config_attr_bool(struct config_node node, const char *name, bool def, bool *out)
{
	struct config_str v;

	*out = def;
	if (config_attr(node, name, &v) < 0)
		return 0;
	if (config_str_eq(v, "yes") || config_str_eq(v, "true"))
		*out = true;
	else if (config_str_eq(v, "no") || config_str_eq(v, "false"))
		*out = false;
	else
		return -E_INVAL;
	return 0;
}

/* Counts from the buffer's start: errors are rare, documents small. */
void
config_where(const char *buf, size_t len, size_t pos, size_t *line,
    size_t *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < pos && i < len; i++) {
		if (buf[i] == '\n') {
			++*line;
			*column = 1;
		} else {
			++*column;
		}
	}
}

/*
 * The shortest form only, no surrogates, nothing past U+10FFFF (RFC 3629):
 * the second byte's range depends on the first, which rules out overlong
 * forms and surrogates without decoding.
 */
size_t
config_utf8_char(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (u[0] == 0xe0)
		lo = 0xa0;
	else if (u[0] == 0xed)
		hi = 0x9f;
	else if (u[0] == 0xf0)
		lo = 0x90;
	else if (u[0] == 0xf4)
		hi = 0x8f;
	if (n < len || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (u[i] < 0x80 || u[i] > 0xbf)
			return 0;
	return len;
}

bool
config_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = config_utf8_char(s + i, n - i)))
			return false;
	return true;
}
