/*
 * The validating pass of the config parser. It reads the document once,
 * front to back, with an explicit stack of open elements, and either
 * accepts all of it or names the first byte that is wrong. Everything the
 * accessors in node.c do later may rely on what this pass has checked.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/string.h>

/* More attributes on one element than this is refused, which keeps the
 * duplicate check cheap and its memory on the stack. */
#define CONFIG_MAX_ATTRS 64

struct parser {
	const char *buf;
	size_t len;
	size_t pos;
	struct config_error *err;
};

static bool
is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' ||
	    c == ':' || c == '-';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* XML allows no control characters but these three, not even escaped. */
static bool
is_forbidden(char c)
{
	return (unsigned char)c < 0x20 && !is_space(c);
}

static int
fail_what(struct parser *p, size_t pos, const char *msg, size_t what,
    size_t what_len)
{
	struct config_error *e = p->err;

	if (e == NULL)
		return -E_INVAL;
	config_where(p->buf, p->len, pos, &e->line, &e->column);
	e->message = msg;
	e->what.ptr = what_len ? p->buf + what : NULL;
	e->what.len = what_len;
	return -E_INVAL;
}

static int
fail(struct parser *p, size_t pos, const char *msg)
{
	return fail_what(p, pos, msg, 0, 0);
}

/*
 * One character of text, a comment or a value: control characters and
 * malformed UTF-8 are refused, so that whatever reaches a label or a log
 * line from a config is text.
 */
static int
character(struct parser *p)
{
	size_t n = 1;

	if (is_forbidden(p->buf[p->pos]))
		return fail(p, p->pos, "control character");
	if ((unsigned char)p->buf[p->pos] >= 0x80 &&
	    !(n = config_utf8_char(p->buf + p->pos, p->len - p->pos)))
		return fail(p, p->pos, "invalid UTF-8");
	p->pos += n;
	return 0;
}

static int
fail_eof(struct parser *p)
{
	return fail(p, p->len, "unexpected end of input");
}

static bool
at_end(const struct parser *p)
{
	return p->pos >= p->len;
}

/* Whether the input continues with s at the current position. */
static bool
looking_at(const struct parser *p, const char *s)
{
	size_t n = strlen(s);

	return p->len - p->pos >= n && memcmp(p->buf + p->pos, s, n) == 0;
}

static bool
skip_space(struct parser *p)
{
	size_t from = p->pos;

	while (!at_end(p) && is_space(p->buf[p->pos]))
		p->pos++;
	return p->pos != from;
}

static size_t
name_len_at(const char *buf, size_t len, size_t i)
{
	size_t n = 0;

	while (i + n < len && is_name_char(buf[i + n]))
		n++;
	return n;
}

/* Reads a name at the current position; 0 if there is none. */
static size_t
read_name(struct parser *p)
{
	size_t n;

	if (at_end(p) || !is_name_start(p->buf[p->pos]))
		return 0;
	n = name_len_at(p->buf, p->len, p->pos);
	p->pos += n;
	return n;
}

static int
comment(struct parser *p)
{
	size_t start = p->pos;

	for (p->pos += 4; p->len - p->pos >= 2;) {
		const char *c = p->buf + p->pos;
		int r;

		if (c[0] != '-' || c[1] != '-') {
			if ((r = character(p)) < 0)
				return r;
			continue;
		}
		if (p->len - p->pos >= 3 && c[2] == '>') {
			p->pos += 3;
			return 0;
		}
		if (p->len - p->pos >= 3)
			return fail(p, p->pos, "'--' in comment");
		p->pos++;
	}
	return fail(p, start, "unterminated comment");
}

/* Markup that starts with '<' but is neither an element nor a comment. */
static int
refuse_markup(struct parser *p)
{
	if (looking_at(p, "<?"))
		return fail(p, p->pos,
		    "processing instructions are not supported");
	if (looking_at(p, "<!DOCTYPE"))
		return fail(p, p->pos, "DTD is not supported");
	if (looking_at(p, "<![CDATA["))
		return fail(p, p->pos, "CDATA is not supported");
	return fail(p, p->pos, "markup declarations are not supported");
}

static int
entity(struct parser *p)
{
	static const char *const names[] = {"&lt;", "&gt;", "&amp;", "&quot;",
	    "&apos;"};

	if (looking_at(p, "&#"))
		return fail(p, p->pos,
		    "character references are not supported");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (looking_at(p, names[i])) {
			p->pos += strlen(names[i]);
			return 0;
		}
	}
	return fail(p, p->pos, "unknown entity reference");
}

/* Character data of an element, up to the next '<'. */
static int
text(struct parser *p)
{
	int r;

	while (!at_end(p) && p->buf[p->pos] != '<') {
		if (p->buf[p->pos] == '&') {
			if ((r = entity(p)) < 0)
				return r;
			continue;
		}
		if (looking_at(p, "]]>"))
			return fail(p, p->pos, "']]>' in text");
		if ((r = character(p)) < 0)
			return r;
	}
	return 0;
}

static int
attr_value(struct parser *p)
{
	char quote;

	if (at_end(p))
		return fail_eof(p);
	quote = p->buf[p->pos];
	if (quote != '"' && quote != '\'')
		return fail(p, p->pos, "expected a quoted attribute value");
	for (p->pos++; !at_end(p);) {
		char c = p->buf[p->pos];
		int r;

		if (c == quote) {
			p->pos++;
			return 0;
		}
		if (c == '<')
			return fail(p, p->pos, "'<' in attribute value");
		if ((r = c == '&' ? entity(p) : character(p)) < 0)
			return r;
	}
	return fail_eof(p);
}

/*
 * A start tag, from its '<'. Sets *empty for a self-closing one. Attribute
 * names seen so far are kept as offsets, so a duplicate is found without
 * scanning the tag again.
 */
static int
start_tag(struct parser *p, bool *empty)
{
	size_t attrs[CONFIG_MAX_ATTRS];
	size_t nattrs = 0;
	int r;

	p->pos++;
	if (read_name(p) == 0)
		return at_end(p) ? fail_eof(p)
				 : fail(p, p->pos, "expected an element name");
	for (;;) {
		bool spaced = skip_space(p);
		size_t at = p->pos, n;

		if (at_end(p))
			return fail_eof(p);
		if (p->buf[p->pos] == '>') {
			p->pos++;
			*empty = false;
			return 0;
		}
		if (p->buf[p->pos] == '/') {
			p->pos++;
			if (at_end(p))
				return fail_eof(p);
			if (p->buf[p->pos] != '>')
				return fail(p, p->pos,
				    "expected '>' after '/'");
			p->pos++;
			*empty = true;
			return 0;
		}
		if (!spaced)
			return fail(p, p->pos,
			    "expected whitespace, '>' or '/>'");
		n = read_name(p);
		if (n == 0)
			return fail(p, at, "expected an attribute name");
		for (size_t i = 0; i < nattrs; i++) {
			if (name_len_at(p->buf, p->len, attrs[i]) == n &&
			    memcmp(p->buf + attrs[i], p->buf + at, n) == 0)
				return fail_what(p, at, "duplicate attribute",
				    at, n);
		}
		if (nattrs == CONFIG_MAX_ATTRS)
			return fail(p, at, "too many attributes");
		attrs[nattrs++] = at;
		skip_space(p);
		if (at_end(p))
			return fail_eof(p);
		if (p->buf[p->pos] != '=')
			return fail_what(p, p->pos,
			    "expected '=' after attribute name", at, n);
		p->pos++;
		skip_space(p);
		r = attr_value(p);
		if (r < 0)
			return r;
	}
}

/* An end tag, from its '<', which must close the element opened at open. */
static int
end_tag(struct parser *p, size_t open)
{
	size_t at, n, want = name_len_at(p->buf, p->len, open + 1);

	p->pos += 2;
	at = p->pos;
	n = read_name(p);
	if (n == 0)
		return at_end(p) ? fail_eof(p)
				 : fail(p, p->pos, "expected an element name");
	if (n != want || memcmp(p->buf + at, p->buf + open + 1, n) != 0)
		return fail_what(p, at, "mismatched closing tag", at, n);
	skip_space(p);
	if (at_end(p))
		return fail_eof(p);
	if (p->buf[p->pos] != '>')
		return fail(p, p->pos, "expected '>'");
	p->pos++;
	return 0;
}

/* What may stand around the root element: comments, as whitespace is
 * skipped already. Returns 1 at the root's start tag. */
static int
outside(struct parser *p, bool seen_root)
{
	if (looking_at(p, "<!--"))
		return comment(p);
	if (p->buf[p->pos] != '<')
		return fail(p, p->pos, "text outside the root element");
	if (looking_at(p, "<?") || looking_at(p, "<!"))
		return refuse_markup(p);
	if (looking_at(p, "</"))
		return fail(p, p->pos, "closing tag outside the root element");
	if (seen_root)
		return fail(p, p->pos, "more than one root element");
	return 1;
}

int
config_parse(struct config *doc, const char *buf, size_t len,
    struct config_error *err)
{
	struct parser p = {buf, len, 0, err};
	size_t open[CONFIG_MAX_DEPTH];
	size_t depth = 0, at;
	bool seen_root = false, empty = false;
	int r;

	doc->buf = NULL;
	doc->len = 0;
	doc->root = 0;
	for (;;) {
		if (depth == 0) {
			skip_space(&p);
			if (at_end(&p) && seen_root)
				break;
			if (at_end(&p))
				return fail(&p, p.pos, "no root element");
			r = outside(&p, seen_root);
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			doc->root = p.pos;
			seen_root = true;
		} else if (at_end(&p)) {
			at = open[depth - 1];
			return fail_what(&p, at, "unclosed element", at + 1,
			    name_len_at(buf, len, at + 1));
		} else if (p.buf[p.pos] != '<') {
			r = text(&p);
			if (r < 0)
				return r;
			continue;
		} else if (looking_at(&p, "<!--")) {
			r = comment(&p);
			if (r < 0)
				return r;
			continue;
		} else if (looking_at(&p, "<?") || looking_at(&p, "<!")) {
			return refuse_markup(&p);
		} else if (looking_at(&p, "</")) {
			r = end_tag(&p, open[depth - 1]);
			if (r < 0)
				return r;
			depth--;
			continue;
		}
		/* A start tag: the root or a child of open[depth - 1]. */
		if (depth == CONFIG_MAX_DEPTH)
			return fail(&p, p.pos, "nesting too deep");
		at = p.pos;
		r = start_tag(&p, &empty);
		if (r < 0)
			return r;
		if (!empty)
			open[depth++] = at;
	}
	doc->buf = buf;
	doc->len = len;
	return 0;
}

static void
put(char *out, size_t n, size_t *j, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++, (*j)++) {
		if (*j + 1 < n)
			out[*j] = s[i];
	}
}

static void
put_num(char *out, size_t n, size_t *j, size_t v)
{
	char d[24];
	size_t k = sizeof(d);

	do {
		d[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(out, n, j, d + k, sizeof(d) - k);
}

/* "FILE:LINE:COL: MESSAGE 'WHAT'", truncated to fit, always terminated. */
int
config_error_format(char *out, size_t n, const char *file,
    const struct config_error *e)
{
	const char *msg = e->message ? e->message : "invalid document";
	size_t j = 0;

	if (file != NULL) {
		put(out, n, &j, file, strlen(file));
		put(out, n, &j, ":", 1);
	}
	put_num(out, n, &j, e->line);
	put(out, n, &j, ":", 1);
	put_num(out, n, &j, e->column);
	put(out, n, &j, ": ", 2);
	put(out, n, &j, msg, strlen(msg));
	if (e->what.len != 0) {
		put(out, n, &j, " '", 2);
		put(out, n, &j, e->what.ptr, e->what.len);
		put(out, n, &j, "'", 1);
	}
	if (n == 0)
		return -E_RANGE;
	out[j < n ? j : n - 1] = '\0';
	return j < n ? 0 : -E_RANGE;
}
