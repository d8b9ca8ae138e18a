/*
 * Host unit test of the config parser: valid documents through every
 * accessor, every error with its exact line and column, and every prefix
 * of valid documents in exactly-sized heap buffers, so that AddressSanitizer
 * catches any read past the end. Prints each failed check; exits non-zero.
 */
#include <base/config.h>
#include <base/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <test/check.h>

/* A heap copy of exactly len bytes, without a terminating NUL. */
static char *
exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p == NULL)
		abort();
	memcpy(p, s, len);
	return p;
}

/* Checks every accessor on one element. */
static void
visit(struct config_node cur)
{
	struct config_attr a = {{NULL, 0}, {NULL, 0}};
	const char *raw;
	size_t rawlen;
	char buf[64];
	uint64_t u;
	bool b;

	(void)config_type(cur);
	(void)config_text(cur, buf, sizeof(buf));
	config_node_raw(cur, &raw, &rawlen);
	while (config_attr_next(cur, &a) == 0) {
		char name[64];

		if (config_decode(a.name, name, sizeof(name)) < 0)
			continue;
		(void)config_attr_copy(cur, name, buf, sizeof(buf));
		(void)config_attr_u64(cur, name, 0, &u);
		(void)config_attr_bool(cur, name, false, &b);
	}
}

/* Visits every element in document order, keeping only the path from the
 * root; returns the number of elements. */
static size_t
walk(const struct config *doc)
{
	struct config_node path[CONFIG_MAX_DEPTH];
	size_t depth = 1, count = 0;

	path[0] = config_root(doc);
	while (depth > 0) {
		struct config_node *cur = &path[depth - 1], n;

		visit(*cur);
		count++;
		if (config_child(*cur, NULL, &n) == 0) {
			if (depth == CONFIG_MAX_DEPTH)
				abort();
			path[depth++] = n;
			continue;
		}
		while (depth > 0 &&
		    config_next(path[depth - 1], NULL, &path[depth - 1]) != 0)
			depth--;
	}
	return count;
}

/* Buffers that documents still point into, freed at the end. */
static char *kept[1024];
static size_t nkept;

static bool
parse(struct config *doc, const char *s, struct config_error *err)
{
	if (nkept == sizeof(kept) / sizeof(kept[0]))
		abort();
	kept[nkept] = exact(s, strlen(s));
	return config_parse(doc, kept[nkept++], strlen(s), err) == 0;
}

static void
expect_error_len(int line, const char *s, size_t len, size_t eline, size_t ecol,
    const char *msg, const char *what)
{
	struct config doc;
	struct config_error err = {0, 0, NULL, {NULL, 0}};
	char *buf = exact(s, len);
	int r = config_parse(&doc, buf, len, &err);
	bool ok = r == -E_INVAL && err.line == eline && err.column == ecol &&
	    err.message != NULL && strcmp(err.message, msg) == 0 &&
	    (what == NULL ? err.what.len == 0 : config_str_eq(err.what, what));

	checks++;
	if (!ok) {
		failures++;
		printf("FAIL test_config.c:%d: \"%.*s\": want %zu:%zu %s '%s', "
		       "got %d %zu:%zu %s '%.*s'\n",
		    line, (int)len, s, eline, ecol, msg, what ? what : "", r,
		    err.line, err.column, err.message ? err.message : "(none)",
		    (int)err.what.len, err.what.ptr ? err.what.ptr : "");
	}
	/* A refused document reads as empty, not as garbage. */
	struct config_node root = config_root(&doc), n;
	char t[8];

	CHECK(config_child(root, NULL, &n) == -E_NOENT);
	CHECK(config_next(root, NULL, &n) == -E_NOENT);
	CHECK(config_text(root, t, sizeof(t)) == 0 && t[0] == '\0');
	free(buf);
}

#define EXPECT_ERROR(s, l, c, msg, what) \
	expect_error_len(__LINE__, s, strlen(s), l, c, msg, what)

static const char init_config[] =
    "<!-- init's config -->\n"
    "<config verbose=\"yes\">\n"
    "\t<parent-provides>\n"
    "\t\t<service name=\"LOG\"/>\n"
    "\t\t<service name=\"ROM\"/>\n"
    "\t</parent-provides>\n"
    "\t<start name=\"timer\" caps=\"100\" ram=\"1M\">\n"
    "\t\t<provides><service name=\"Timer\"/></provides>\n"
    "\t</start>\n"
    "\t<start name='fs' ram=\"16M\" cmp=\"1>2\" q='say \"hi\"'\n"
    "\t    label=\"a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos;\">\n"
    "\t\t<config><policy label=\"x\" root=\"/\" writeable=\"yes\"/>"
    "</config>\n"
    "\t\t<!-- a comment with <tags/> and > -->\n"
    "\t</start>\n"
    "\t<note>hello &amp; <b>bold</b> <!-- x --> world&lt;</note>\n"
    "</config>\n"
    "<!-- trailer -->\n";

static void
test_navigation(void)
{
	struct config doc;
	struct config_error err;
	struct config_node root, n, m, fs;
	struct config_str s;

	CHECK(parse(&doc, init_config, &err));
	root = config_root(&doc);
	CHECK(config_type_is(root, "config"));
	CHECK(!config_type_is(root, "confi"));
	CHECK(!config_type_is(root, "configs"));
	CHECK(config_str_eq(config_type(root), "config"));

	/* All children, in order. */
	const char *want[] = {"parent-provides", "start", "start", "note"};
	size_t i = 0;

	for (int r = config_child(root, NULL, &n); r == 0;
	     r = config_next(n, NULL, &n), i++)
		CHECK(i < 4 && config_type_is(n, want[i]));
	CHECK(i == 4);

	/* Filtered by type. */
	CHECK(config_child(root, "start", &n) == 0);
	CHECK(config_attr(n, "name", &s) == 0 && config_str_eq(s, "timer"));
	CHECK(config_next(n, "start", &fs) == 0);
	CHECK(config_attr(fs, "name", &s) == 0 && config_str_eq(s, "fs"));
	CHECK(config_next(fs, "start", &m) == -E_NOENT);
	CHECK(config_next(fs, "note", &m) == 0 && config_type_is(m, "note"));
	CHECK(config_next(m, NULL, &m) == -E_NOENT);
	CHECK(config_next(root, NULL, &m) == -E_NOENT);
	CHECK(config_child(root, "nothing", &m) == -E_NOENT);

	/* A grandchild, through a '>' inside a quoted value. */
	CHECK(config_child(fs, NULL, &n) == 0 && config_type_is(n, "config"));
	CHECK(config_child(n, "policy", &m) == 0);
	CHECK(config_child(m, NULL, &m) == -E_NOENT);
	CHECK(config_next(n, NULL, &m) == -E_NOENT);

	/* Self-closing elements have neither children nor text. */
	CHECK(config_child(root, NULL, &n) == 0);
	CHECK(config_child(n, "service", &n) == 0);
	CHECK(config_child(n, NULL, &m) == -E_NOENT);
	CHECK(config_next(n, NULL, &m) == 0);
	CHECK(config_attr(m, "name", &s) == 0 && config_str_eq(s, "ROM"));
	CHECK(config_next(m, NULL, &m) == -E_NOENT);

	CHECK(walk(&doc) == 12);
}

static void
test_attributes(void)
{
	struct config doc;
	struct config_error err;
	struct config_node root, fs;
	struct config_str s;
	struct config_attr a = {{NULL, 0}, {NULL, 0}};
	char buf[64];
	uint64_t u;
	bool b;

	CHECK(parse(&doc, init_config, &err));
	root = config_root(&doc);
	CHECK(config_child(root, "start", &fs) == 0);
	CHECK(config_next(fs, "start", &fs) == 0);

	/* Raw values, in order, with either quote. */
	const char *names[] = {"name", "ram", "cmp", "q", "label"};
	const char *values[] = {"fs", "16M", "1>2", "say \"hi\"",
	    "a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos;"};
	size_t i = 0;

	while (config_attr_next(fs, &a) == 0) {
		CHECK(i < 5 && config_str_eq(a.name, names[i]) &&
		    config_str_eq(a.value, values[i]));
		i++;
	}
	CHECK(i == 5);
	CHECK(config_attr_next(fs, &a) == -E_NOENT);
	CHECK(config_has_attr(fs, "label"));
	CHECK(!config_has_attr(fs, "labe"));
	CHECK(!config_has_attr(fs, "labels"));
	CHECK(config_attr(fs, "missing", &s) == -E_NOENT);

	/* Decoded copies; a value that does not fit leaves nothing. */
	const char *label = "a & b <c> \"q\" 's'";

	CHECK(config_attr_copy(fs, "label", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, label) == 0);
	CHECK(config_attr_copy(fs, "label", buf, strlen(label) + 1) == 0);
	CHECK(strcmp(buf, label) == 0);
	CHECK(config_attr_copy(fs, "label", buf, strlen(label)) == -E_RANGE);
	CHECK(buf[0] == '\0');
	CHECK(config_attr_copy(fs, "label", buf, 0) == -E_RANGE);
	CHECK(config_attr_copy(fs, "nope", buf, sizeof(buf)) == -E_NOENT);
	CHECK(buf[0] == '\0');
	CHECK(config_attr_copy(fs, "q", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "say \"hi\"") == 0);

	/* Numbers and flags, with defaults for what is missing. */
	CHECK(config_attr_u64(fs, "ram", 7, &u) == 0 && u == 16u << 20);
	CHECK(config_attr_u64(fs, "caps", 7, &u) == 0 && u == 7);
	CHECK(config_attr_u64(fs, "name", 7, &u) == -E_INVAL && u == 7);
	CHECK(config_attr_bool(root, "verbose", false, &b) == 0 && b);
	CHECK(config_attr_bool(root, "quiet", true, &b) == 0 && b);
	CHECK(config_attr_bool(root, "quiet", false, &b) == 0 && !b);
	CHECK(config_attr_bool(fs, "name", true, &b) == -E_INVAL && b);
}

static void
test_text_and_raw(void)
{
	struct config doc, sub;
	struct config_error err;
	struct config_node root, n, fs, bold;
	const char *raw;
	size_t len;
	char buf[64];

	CHECK(parse(&doc, init_config, &err));
	root = config_root(&doc);
	CHECK(config_child(root, "note", &n) == 0);
	CHECK(config_text(n, buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "hello &   world<") == 0);
	CHECK(config_text(n, buf, 16) == -E_RANGE && buf[0] == '\0');
	CHECK(config_text(n, buf, 17) == 0);
	CHECK(config_text(n, buf, 0) == -E_RANGE);
	CHECK(config_child(n, "b", &bold) == 0);
	CHECK(config_text(bold, buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "bold") == 0);

	/* The raw slice of an element is a document by itself. */
	config_node_raw(bold, &raw, &len);
	CHECK(len == 11 && memcmp(raw, "<b>bold</b>", 11) == 0);
	CHECK(config_child(root, "start", &fs) == 0);
	CHECK(config_next(fs, "start", &fs) == 0);
	CHECK(config_child(fs, "config", &n) == 0);
	config_node_raw(n, &raw, &len);
	const char *want = "<config><policy label=\"x\" root=\"/\" "
			   "writeable=\"yes\"/></config>";

	CHECK(len == strlen(want) && memcmp(raw, want, len) == 0);
	CHECK(config_parse(&sub, raw, len, &err) == 0);
	CHECK(config_child(config_root(&sub), "policy", &n) == 0);
	CHECK(config_has_attr(n, "writeable"));
	config_node_raw(n, &raw, &len);
	CHECK(len ==
	    strlen("<policy label=\"x\" root=\"/\" writeable=\"yes\"/>"));

	/* The root's slice leaves out what stands around it. */
	config_node_raw(root, &raw, &len);
	CHECK(raw == doc.buf + strlen("<!-- init's config -->\n"));
	CHECK(len ==
	    strlen(init_config) - strlen("<!-- init's config -->\n") -
		strlen("\n<!-- trailer -->\n"));

	/* Text with children, comments and nothing at all. */
	CHECK(parse(&doc, "<a> x <!-- c --><b>y</b>z&gt; </a>", &err));
	CHECK(config_text(config_root(&doc), buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, " x z> ") == 0);
	CHECK(parse(&doc, "<a></a>", &err));
	CHECK(config_text(config_root(&doc), buf, sizeof(buf)) == 0);
	CHECK(buf[0] == '\0');
	CHECK(config_child(config_root(&doc), NULL, &n) == -E_NOENT);
	CHECK(parse(&doc, "<a/>", &err));
	CHECK(config_text(config_root(&doc), buf, sizeof(buf)) == 0);
	CHECK(buf[0] == '\0');
	config_node_raw(config_root(&doc), &raw, &len);
	CHECK(len == 4);
	CHECK(parse(&doc, "<a>&lt;&gt;&amp;&quot;&apos;</a>", &err));
	CHECK(config_text(config_root(&doc), buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "<>&\"'") == 0);
	CHECK(config_text(config_root(&doc), buf, 6) == 0);
	CHECK(config_text(config_root(&doc), buf, 5) == -E_RANGE);
}

static void
test_u64(void)
{
	static const struct {
		const char *value;
		int r;
		uint64_t v;
	} cases[] = {
	    {"0", 0, 0},
	    {"42", 0, 42},
	    {"007", 0, 7},
	    {"0x10", 0, 16},
	    {"0X1f", 0, 31},
	    {"0xDEADbeef", 0, 0xdeadbeef},
	    {"1K", 0, 1024},
	    {"16M", 0, 16u << 20},
	    {"2G", 0, 2ull << 30},
	    {"0x10K", 0, 16384},
	    {"0K", 0, 0},
	    {"18446744073709551615", 0, UINT64_MAX},
	    {"18446744073709551616", -E_RANGE, 0},
	    {"99999999999999999999999999", -E_RANGE, 0},
	    {"0xffffffffffffffff", 0, UINT64_MAX},
	    {"0x10000000000000000", -E_RANGE, 0},
	    {"17179869183G", 0, 17179869183ull << 30},
	    {"17179869184G", -E_RANGE, 0},
	    {"18014398509481983K", 0, 18014398509481983ull << 10},
	    {"18014398509481984K", -E_RANGE, 0},
	    {"0x3ffffffffffM", 0, 0x3ffffffffffull << 20},
	    {"0x100000000000M", -E_RANGE, 0},
	    {"", -E_INVAL, 0},
	    {"x", -E_INVAL, 0},
	    {"0x", -E_INVAL, 0},
	    {"0xK", -E_INVAL, 0},
	    {"0xg", -E_INVAL, 0},
	    {"K", -E_INVAL, 0},
	    {"12k", -E_INVAL, 0},
	    {"12KB", -E_INVAL, 0},
	    {"12T", -E_INVAL, 0},
	    {" 1", -E_INVAL, 0},
	    {"1 ", -E_INVAL, 0},
	    {"-1", -E_INVAL, 0},
	    {"+1", -E_INVAL, 0},
	    {"1.5M", -E_INVAL, 0},
	    {"12a", -E_INVAL, 0},
	    {"99999999999999999999999x", -E_INVAL, 0},
	    {"1&amp;", -E_INVAL, 0},
	};
	char doc_text[128];
	struct config doc;
	struct config_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t u = 0;
		int r;

		snprintf(doc_text, sizeof(doc_text), "<q v=\"%s\"/>",
		    cases[i].value);
		if (!parse(&doc, doc_text, &err)) {
			CHECK(!"u64 case parses");
			continue;
		}
		r = config_attr_u64(config_root(&doc), "v", 99, &u);
		checks++;
		if (r != cases[i].r || u != (r == 0 ? cases[i].v : 99)) {
			failures++;
			printf("FAIL u64 \"%s\": want %d %llu, got %d %llu\n",
			    cases[i].value, cases[i].r,
			    (unsigned long long)cases[i].v, r,
			    (unsigned long long)u);
		}
	}
}

static void
test_bool_and_str(void)
{
	static const struct {
		const char *value;
		int r;
		bool v;
	} cases[] = {
	    {"yes", 0, true},
	    {"true", 0, true},
	    {"no", 0, false},
	    {"false", 0, false},
	    {"Yes", -E_INVAL, false},
	    {"TRUE", -E_INVAL, false},
	    {"1", -E_INVAL, false},
	    {"0", -E_INVAL, false},
	    {"", -E_INVAL, false},
	    {"yes ", -E_INVAL, false},
	    {"ye", -E_INVAL, false},
	};
	char doc_text[64];
	struct config doc;
	struct config_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool b;

		snprintf(doc_text, sizeof(doc_text), "<q v='%s'/>",
		    cases[i].value);
		CHECK(parse(&doc, doc_text, &err));
		/* An error leaves the default in *out. */
		CHECK(config_attr_bool(config_root(&doc), "v", !cases[i].v,
			  &b) == cases[i].r);
		CHECK(b == (cases[i].r == 0 ? cases[i].v : !cases[i].v));
	}

	struct config_str s = {"abc", 3}, e = {NULL, 0};

	CHECK(config_str_eq(s, "abc"));
	CHECK(!config_str_eq(s, "ab"));
	CHECK(!config_str_eq(s, "abcd"));
	CHECK(!config_str_eq(s, "abd"));
	CHECK(config_str_eq(e, ""));
	CHECK(!config_str_eq(e, "a"));
}

static void
test_valid_forms(void)
{
	static const char *const docs[] = {
	    "<a/>",
	    "<a></a>",
	    "<a />",
	    "<a\n/>",
	    "<a ></a >",
	    "<a></a\n>",
	    " \t\r\n<a/> \t\r\n",
	    "<!----><a/><!---->",
	    "<!-- - -><a/>--><a/>",
	    "<a><!-- < & > ]]> --></a>",
	    "<a x = \"1\"\ty\n=\n'2'/>",
	    "<a x=\"\" y=''/>",
	    "<a x=\"'\" y='\"'/>",
	    "<a x=\">\"/>",
	    "<_a-b.c:d _=\"\" a0.-:=\"\"/>",
	    "<A_z09><A_z09/></A_z09>",
	    "<a>></a>",
	    "<a>]]</a>",
	    "<a>] ]></a>",
	    "<a>\xc3\xa9\xe2\x82\xac</a>",
	    "<a x='\xc3\xa9'/>",
	    "<a x='\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf'/>",
	    "<a><!-- \xe2\x82\xac --></a>",
	    "<a>\x7f</a>",
	    "<a><b><c/></b><b/></a>",
	};
	struct config doc;
	struct config_error err;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		checks++;
		if (!parse(&doc, docs[i], &err)) {
			failures++;
			printf("FAIL valid \"%s\" refused: %zu:%zu %s\n",
			    docs[i], err.line, err.column, err.message);
			continue;
		}
		(void)walk(&doc);
	}
}

static void
test_errors(void)
{
	EXPECT_ERROR("", 1, 1, "no root element", NULL);
	EXPECT_ERROR(" \n ", 2, 2, "no root element", NULL);
	EXPECT_ERROR("<!-- c -->", 1, 11, "no root element", NULL);
	EXPECT_ERROR("<a>", 1, 1, "unclosed element", "a");
	EXPECT_ERROR("<a>text", 1, 1, "unclosed element", "a");
	EXPECT_ERROR("<a>\n <bb>", 2, 2, "unclosed element", "bb");
	EXPECT_ERROR("<a><b></a>", 1, 9, "mismatched closing tag", "a");
	EXPECT_ERROR("<a></b>", 1, 6, "mismatched closing tag", "b");
	EXPECT_ERROR("<ab></a>", 1, 7, "mismatched closing tag", "a");
	EXPECT_ERROR("<a></ab>", 1, 6, "mismatched closing tag", "ab");
	EXPECT_ERROR("<a>\n  <b>\n  </c>\n</a>", 3, 5, "mismatched closing tag",
	    "c");
	EXPECT_ERROR("<a></a b>", 1, 8, "expected '>'", NULL);
	EXPECT_ERROR("<a></ a>", 1, 6, "expected an element name", NULL);
	EXPECT_ERROR("<a/><b/>", 1, 5, "more than one root element", NULL);
	EXPECT_ERROR("<a/>x", 1, 5, "text outside the root element", NULL);
	EXPECT_ERROR("x<a/>", 1, 1, "text outside the root element", NULL);
	EXPECT_ERROR("<a/>\n\n  junk", 3, 3, "text outside the root element",
	    NULL);
	EXPECT_ERROR("\xef\xbb\xbf<a/>", 1, 1, "text outside the root element",
	    NULL);
	EXPECT_ERROR("</a>", 1, 1, "closing tag outside the root element",
	    NULL);
	EXPECT_ERROR("<a/></a>", 1, 5, "closing tag outside the root element",
	    NULL);
	EXPECT_ERROR("<?xml version=\"1.0\"?><a/>", 1, 1,
	    "processing instructions are not supported", NULL);
	EXPECT_ERROR("<a><?pi x?></a>", 1, 4,
	    "processing instructions are not supported", NULL);
	EXPECT_ERROR("<a/><?pi?>", 1, 5,
	    "processing instructions are not supported", NULL);
	EXPECT_ERROR("<!DOCTYPE a><a/>", 1, 1, "DTD is not supported", NULL);
	EXPECT_ERROR("<a><!DOCTYPE a></a>", 1, 4, "DTD is not supported", NULL);
	EXPECT_ERROR("<a><![CDATA[x]]></a>", 1, 4, "CDATA is not supported",
	    NULL);
	EXPECT_ERROR("<!ELEMENT a><a/>", 1, 1,
	    "markup declarations are not supported", NULL);
	EXPECT_ERROR("<a><!-x--></a>", 1, 4,
	    "markup declarations are not supported", NULL);
	EXPECT_ERROR("<a b=\"1\" b=\"2\"/>", 1, 10, "duplicate attribute", "b");
	EXPECT_ERROR("<a bc='1' b='2' bc='3'/>", 1, 17, "duplicate attribute",
	    "bc");
	EXPECT_ERROR("<a>\n\t<b x='1' x='2'/></a>", 2, 11,
	    "duplicate attribute", "x");
	EXPECT_ERROR("<a b=\"<\"/>", 1, 7, "'<' in attribute value", NULL);
	EXPECT_ERROR("<a b='x<'/>", 1, 8, "'<' in attribute value", NULL);
	EXPECT_ERROR("<a b=\"&\"/>", 1, 7, "unknown entity reference", NULL);
	EXPECT_ERROR("<a b=\"a & b\"/>", 1, 9, "unknown entity reference",
	    NULL);
	EXPECT_ERROR("<a b=\"&foo;\"/>", 1, 7, "unknown entity reference",
	    NULL);
	EXPECT_ERROR("<a>&amp</a>", 1, 4, "unknown entity reference", NULL);
	EXPECT_ERROR("<a>&AMP;</a>", 1, 4, "unknown entity reference", NULL);
	EXPECT_ERROR("<a>&nbsp;</a>", 1, 4, "unknown entity reference", NULL);
	EXPECT_ERROR("<a>&#65;</a>", 1, 4,
	    "character references are not supported", NULL);
	EXPECT_ERROR("<a b='&#x41;'/>", 1, 7,
	    "character references are not supported", NULL);
	EXPECT_ERROR("<a b=1/>", 1, 6, "expected a quoted attribute value",
	    NULL);
	EXPECT_ERROR("<a b/>", 1, 5, "expected '=' after attribute name", "b");
	EXPECT_ERROR("<a b c='1'/>", 1, 6, "expected '=' after attribute name",
	    "b");
	EXPECT_ERROR("<a b=\"1\"c=\"2\"/>", 1, 9,
	    "expected whitespace, '>' or '/>'", NULL);
	EXPECT_ERROR("<a\"b\"/>", 1, 3, "expected whitespace, '>' or '/>'",
	    NULL);
	EXPECT_ERROR("<1a/>", 1, 2, "expected an element name", NULL);
	EXPECT_ERROR("< a/>", 1, 2, "expected an element name", NULL);
	EXPECT_ERROR("<-a/>", 1, 2, "expected an element name", NULL);
	EXPECT_ERROR("<a 1=\"x\"/>", 1, 4, "expected an attribute name", NULL);
	EXPECT_ERROR("<a -x='1'/>", 1, 4, "expected an attribute name", NULL);
	EXPECT_ERROR("<a / >", 1, 5, "expected '>' after '/'", NULL);
	EXPECT_ERROR("<a><!-- x -- y --></a>", 1, 11, "'--' in comment", NULL);
	EXPECT_ERROR("<a><!-- x ---></a>", 1, 11, "'--' in comment", NULL);
	EXPECT_ERROR("<a><!-- x </a>", 1, 4, "unterminated comment", NULL);
	EXPECT_ERROR("<a><!---></a>", 1, 4, "unterminated comment", NULL);
	EXPECT_ERROR("<!-- x", 1, 1, "unterminated comment", NULL);
	EXPECT_ERROR("<a>\x01</a>", 1, 4, "control character", NULL);
	EXPECT_ERROR("<a>\x1b[0m</a>", 1, 4, "control character", NULL);
	EXPECT_ERROR("<a b=\"\x02\"/>", 1, 7, "control character", NULL);
	EXPECT_ERROR("<a><!-- \x0c --></a>", 1, 9, "control character", NULL);
	expect_error_len(__LINE__, "<a>\0</a>", 8, 1, 4, "control character",
	    NULL);
	expect_error_len(__LINE__, "<a/>\0", 5, 1, 5,
	    "text outside the root element", NULL);
	EXPECT_ERROR("<a>]]></a>", 1, 4, "']]>' in text", NULL);
	EXPECT_ERROR("<a>x\n]]></a>", 2, 1, "']]>' in text", NULL);

	/* Cut off inside a tag: the end of the input is to blame. */
	EXPECT_ERROR("<", 1, 2, "unexpected end of input", NULL);
	EXPECT_ERROR("<a", 1, 3, "unexpected end of input", NULL);
	EXPECT_ERROR("<a ", 1, 4, "unexpected end of input", NULL);
	EXPECT_ERROR("<a b", 1, 5, "unexpected end of input", NULL);
	EXPECT_ERROR("<a b=", 1, 6, "unexpected end of input", NULL);
	EXPECT_ERROR("<a b=\"1", 1, 8, "unexpected end of input", NULL);
	EXPECT_ERROR("<a x='1\"/>", 1, 11, "unexpected end of input", NULL);
	EXPECT_ERROR("<a/", 1, 4, "unexpected end of input", NULL);
	EXPECT_ERROR("<a>\n</", 2, 3, "unexpected end of input", NULL);
	EXPECT_ERROR("<a></a", 1, 7, "unexpected end of input", NULL);
}

/* A chain of n nested elements, optionally with a self-closing leaf. */
static char *
nested(size_t n, bool leaf)
{
	char *s = malloc(n * 7 + 8), *p = s;

	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "<e>");
	if (leaf)
		p += sprintf(p, "<e/>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "</e>");
	return s;
}

/*
 * Whatever a config holds ends up in labels and log lines: malformed UTF-8
 * is refused where it starts, in text, values and comments alike.
 */
static void
test_utf8(void)
{
	static const struct {
		const char *s;
		size_t len; /* what config_utf8_char says of the first byte */
	} chars[] = {
	    {"a", 1},
	    {"\x7f", 1},
	    {"\xc2\x80", 2},
	    {"\xdf\xbf", 2},
	    {"\xe0\xa0\x80", 3},
	    {"\xed\x9f\xbf", 3},
	    {"\xee\x80\x80", 3},
	    {"\xf0\x90\x80\x80", 4},
	    {"\xf4\x8f\xbf\xbf", 4},
	    {"\x80", 0}, /* a lone continuation byte */
	    {"\xbf", 0},
	    {"\xc0\xaf", 0},         /* overlong '/' */
	    {"\xc1\xbf", 0},         /* overlong */
	    {"\xe0\x80\xaf", 0},     /* overlong '/' */
	    {"\xe0\x9f\xbf", 0},     /* overlong */
	    {"\xed\xa0\x80", 0},     /* surrogate U+D800 */
	    {"\xed\xbf\xbf", 0},     /* surrogate U+DFFF */
	    {"\xf0\x80\x80\xaf", 0}, /* overlong */
	    {"\xf4\x90\x80\x80", 0}, /* U+110000 */
	    {"\xf5\x80\x80\x80", 0},
	    {"\xff", 0},
	    {"\xc3", 0}, /* cut off */
	    {"\xe2\x82", 0},
	    {"\xc3"
	     "a",
		0}, /* not a continuation */
	    {"\xe2\x82"
	     "a",
		0},
	};

	for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
		size_t n = strlen(chars[i].s);
		char *p = exact(chars[i].s, n);

		CHECK(config_utf8_char(p, n) == chars[i].len);
		CHECK(config_utf8_valid(p, n) == (chars[i].len == n));
		free(p);
	}
	CHECK(config_utf8_char("a", 0) == 0);
	CHECK(config_utf8_valid("", 0));
	CHECK(config_utf8_valid("ok \xc3\xa9", 5));
	CHECK(!config_utf8_valid("ok \xc3\xa9\xc3", 6));

	EXPECT_ERROR("<a>\xff</a>", 1, 4, "invalid UTF-8", NULL);
	EXPECT_ERROR("<a>\xc3\xa9\xc3</a>", 1, 6, "invalid UTF-8", NULL);
	EXPECT_ERROR("<a n=\"x\xc0\xaf\"/>", 1, 8, "invalid UTF-8", NULL);
	EXPECT_ERROR("<a n='\xed\xa0\x80'/>", 1, 7, "invalid UTF-8", NULL);
	EXPECT_ERROR("<a>\n<!-- \xf4\x90\x80\x80 --></a>", 2, 6,
	    "invalid UTF-8", NULL);
	/* Cut off inside a character at the end of the input. */
	expect_error_len(__LINE__, "<a n='\xe2\x82", 8, 1, 7, "invalid UTF-8",
	    NULL);
}

static void
test_where(void)
{
	const char *doc = "<a>\n\t<b x='1'/>\n</a>";
	size_t line, col;

	config_where(doc, strlen(doc), 0, &line, &col);
	CHECK(line == 1 && col == 1);
	config_where(doc, strlen(doc), 6, &line, &col);
	CHECK(line == 2 && col == 3);
	/* Past the end: the end. */
	config_where(doc, strlen(doc), 1000, &line, &col);
	CHECK(line == 3 && col == 5);
}

static void
test_limits(void)
{
	struct config doc;
	struct config_error err;
	struct config_node n;
	char *s;
	size_t depth = 1;

	s = nested(CONFIG_MAX_DEPTH, false);
	CHECK(parse(&doc, s, &err));
	for (n = config_root(&doc); config_child(n, "e", &n) == 0;)
		depth++;
	CHECK(depth == CONFIG_MAX_DEPTH);
	CHECK(walk(&doc) == CONFIG_MAX_DEPTH);
	free(s);

	s = nested(CONFIG_MAX_DEPTH - 1, true);
	CHECK(parse(&doc, s, &err));
	CHECK(walk(&doc) == CONFIG_MAX_DEPTH);
	free(s);

	s = nested(CONFIG_MAX_DEPTH + 1, false);
	EXPECT_ERROR(s, 1, 3 * CONFIG_MAX_DEPTH + 1, "nesting too deep", NULL);
	free(s);
	s = nested(CONFIG_MAX_DEPTH, true);
	EXPECT_ERROR(s, 1, 3 * CONFIG_MAX_DEPTH + 1, "nesting too deep", NULL);
	free(s);
	s = nested(100000, false);
	EXPECT_ERROR(s, 1, 3 * CONFIG_MAX_DEPTH + 1, "nesting too deep", NULL);
	free(s);

	/* 64 attributes are fine, the 65th is refused where it starts. */
	char big[2048], *p = big;
	size_t col = 0;

	p += sprintf(p, "<a");
	for (int i = 0; i < 65; i++) {
		if (i == 64)
			col = (size_t)(p - big) + 2;
		p += sprintf(p, " a%d=''", i);
	}
	strcpy(p, "/>");
	EXPECT_ERROR(big, 1, col, "too many attributes", NULL);
	strcpy(big + col - 2, "/>");
	CHECK(parse(&doc, big, &err));

	/* Many siblings and a long text: nothing is quadratic or bounded. */
	size_t len = 8 + 100000 * 4 + 4;
	char *many = malloc(len + 1);

	p = many + sprintf(many, "<a>");
	for (int i = 0; i < 100000; i++)
		p += sprintf(p, "<b/>");
	strcpy(p, "</a>");
	CHECK(parse(&doc, many, &err));
	CHECK(walk(&doc) == 100001);
	free(many);
}

static void
test_error_format(void)
{
	struct config doc;
	struct config_error err;
	char out[128];

	CHECK(!parse(&doc, "<a>\n  <b>\n  </c>\n</a>", &err));
	CHECK(config_error_format(out, sizeof(out), "init.config", &err) == 0);
	CHECK(strcmp(out, "init.config:3:5: mismatched closing tag 'c'") == 0);
	CHECK(config_error_format(out, sizeof(out), NULL, &err) == 0);
	CHECK(strcmp(out, "3:5: mismatched closing tag 'c'") == 0);
	CHECK(config_error_format(out, 10, "init.config", &err) == -E_RANGE);
	CHECK(strcmp(out, "init.conf") == 0);
	CHECK(config_error_format(out, 0, "x", &err) == -E_RANGE);
	CHECK(!parse(&doc, "<a/>x", &err));
	CHECK(config_error_format(out, sizeof(out), "f", &err) == 0);
	CHECK(strcmp(out, "f:1:5: text outside the root element") == 0);
	size_t n = strlen("f:1:5: text outside the root element");

	CHECK(config_error_format(out, n + 1, "f", &err) == 0);
	CHECK(config_error_format(out, n, "f", &err) == -E_RANGE);
	CHECK(strlen(out) == n - 1);

	/* Without an error struct, a refusal is still a refusal. */
	CHECK(config_parse(&doc, "<a>", 3, NULL) == -E_INVAL);
}

/* Nodes that were never filled in, or come from a refused document, read
 * as empty. */
static void
test_empty_nodes(void)
{
	struct config_node z = {NULL, 0, 0, 0, 0}, n;
	struct config_attr a = {{NULL, 0}, {NULL, 0}};
	struct config_str s;
	const char *raw;
	size_t len;
	char buf[8];
	uint64_t u;
	bool b;

	CHECK(config_child(z, NULL, &n) == -E_NOENT);
	CHECK(config_next(z, NULL, &n) == -E_NOENT);
	CHECK(config_attr_next(z, &a) == -E_NOENT);
	CHECK(config_attr(z, "x", &s) == -E_NOENT);
	CHECK(!config_has_attr(z, "x"));
	CHECK(config_attr_copy(z, "x", buf, sizeof(buf)) == -E_NOENT);
	CHECK(config_attr_u64(z, "x", 5, &u) == 0 && u == 5);
	CHECK(config_attr_bool(z, "x", true, &b) == 0 && b);
	CHECK(config_text(z, buf, sizeof(buf)) == 0 && buf[0] == '\0');
	CHECK(config_type(z).len == 0);
	CHECK(!config_type_is(z, "a"));
	config_node_raw(z, &raw, &len);
	CHECK(len == 0);
}

/*
 * Every prefix of a valid document, each in a buffer of exactly its size:
 * refused, or accepted and walked, never read past its end. A prefix that
 * stops before the root's end tag is complete is always refused.
 */
static void
test_prefixes(const char *text)
{
	size_t len = strlen(text), root_end;
	struct config doc;
	struct config_error err;
	const char *raw;

	CHECK(parse(&doc, text, &err));
	config_node_raw(config_root(&doc), &raw, &root_end);
	root_end += (size_t)(raw - doc.buf);
	for (size_t k = 0; k <= len; k++) {
		char *buf = exact(text, k);
		int r = config_parse(&doc, buf, k, &err);

		if (r == 0)
			(void)walk(&doc);
		else
			CHECK(err.line >= 1 && err.column >= 1);
		checks++;
		if (r == 0 && k < root_end) {
			failures++;
			printf("FAIL prefix %zu of \"%.20s...\" accepted\n", k,
			    text);
		}
		free(buf);
	}
}

/* A hostile string, escaped into a value, reads back as itself (control
 * characters as '?') and adds nothing to the document. */
static void
test_escape(void)
{
	static const char evil[] = "a\" b=\"c\"/><child name=\"x\"/>"
				   "</state>\n<x y='1'>&amp;\x01\x1b[2J\x7f";
	static const char want[] = "a\" b=\"c\"/><child name=\"x\"/>"
				   "</state>\n<x y='1'>&amp;??[2J?";
	char buf[512], val[256], small[8];
	struct config doc;
	struct config_node root, n;
	size_t at, need;

	at = (size_t)snprintf(buf, sizeof(buf), "<r label=\"");
	need = config_escape(buf + at, sizeof(buf) - at, evil, strlen(evil));
	CHECK(need < sizeof(buf) - at);
	at += need;
	at += (size_t)snprintf(buf + at, sizeof(buf) - at, "\" t='");
	at += config_escape(buf + at, sizeof(buf) - at, evil, strlen(evil));
	at += (size_t)snprintf(buf + at, sizeof(buf) - at, "'>");
	at += config_escape(buf + at, sizeof(buf) - at, evil, strlen(evil));
	at += (size_t)snprintf(buf + at, sizeof(buf) - at, "</r>");
	CHECK(at < sizeof(buf));
	CHECK(config_parse(&doc, buf, at, NULL) == 0);
	root = config_root(&doc);
	CHECK(config_attr_copy(root, "label", val, sizeof(val)) == 0 &&
	    strcmp(val, want) == 0);
	CHECK(config_attr_copy(root, "t", val, sizeof(val)) == 0 &&
	    strcmp(val, want) == 0);
	CHECK(config_text(root, val, sizeof(val)) == 0 &&
	    strcmp(val, want) == 0);
	CHECK(!config_has_attr(root, "b") && !config_has_attr(root, "y"));
	CHECK(config_child(root, NULL, &n) == -E_NOENT);

	/* Cut only between pieces, always terminated, length as snprintf. */
	CHECK(config_escape(small, sizeof(small), "ab<cd", 5) == 8);
	CHECK(strcmp(small, "ab&lt;c") == 0);
	CHECK(config_escape(small, sizeof(small), "abc&", 4) == 8);
	CHECK(strcmp(small, "abc") == 0);
	CHECK(config_escape(small, 1, "x", 1) == 1 && small[0] == '\0');
	CHECK(config_escape(NULL, 0, "<", 1) == 4);
	CHECK(config_escape(small, sizeof(small), "a\0b", 3) == 3 &&
	    strcmp(small, "a?b") == 0);
}

/* Whether the policy <p ATTRS/> matches label. */
static bool
policy_matches(const char *attrs, const char *label)
{
	char buf[1024];
	struct config doc;
	int n = snprintf(buf, sizeof(buf), "<p %s/>", attrs);

	if (config_parse(&doc, buf, (size_t)n, NULL))
		abort();
	return config_label_matches(config_root(&doc), label);
}

static void
test_label_matches(void)
{
	char longer[CONFIG_LABEL_MAX + 32];
	struct config doc;

	CHECK(policy_matches("", "anything -> at all"));
	CHECK(policy_matches("label='panel'", "panel"));
	CHECK(!policy_matches("label='panel'", "panel2"));
	CHECK(!policy_matches("label='panel'", "panel -> x"));

	CHECK(policy_matches("label_prefix='panel'", "panel"));
	CHECK(policy_matches("label_prefix='panel'", "panel -> x"));
	CHECK(!policy_matches("label_prefix='panel'", "panel2"));
	CHECK(!policy_matches("label_prefix='panel'", "panel2 -> x"));
	CHECK(!policy_matches("label_prefix='panel'", "panel ->x"));
	CHECK(!policy_matches("label_prefix='panel'", "pane"));
	CHECK(policy_matches("label_prefix='a -> b'", "a -> b -> c"));
	CHECK(!policy_matches("label_prefix='a -> b'", "a -> bc"));
	CHECK(policy_matches("label_prefix='a -> '", "a -> bc"));
	CHECK(policy_matches("label_prefix=''", "x"));

	CHECK(policy_matches("label_suffix='fs'", "fs"));
	CHECK(policy_matches("label_suffix='fs'", "app -> fs"));
	CHECK(!policy_matches("label_suffix='fs'", "app -> myfs"));
	CHECK(!policy_matches("label_suffix='fs'", "appfs"));
	CHECK(!policy_matches("label_suffix='fs'", "app ->fs"));
	CHECK(!policy_matches("label_suffix='fs'", "s"));
	CHECK(policy_matches("label_suffix=' -> fs'", "app -> fs"));
	CHECK(policy_matches("label_suffix='b -> fs'", "a -> b -> fs"));
	CHECK(!policy_matches("label_suffix='b -> fs'", "a -> xb -> fs"));

	/* All attributes must pass. */
	CHECK(policy_matches("label_prefix='a' label_suffix='c'",
	    "a -> b -> c"));
	CHECK(!policy_matches("label_prefix='a' label_suffix='c'", "a -> b"));
	CHECK(policy_matches("label='a &amp; b'", "a & b"));

	/* An attribute too long to hold names nobody, rather than everybody. */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	{
		char attrs[sizeof(longer) + 32];

		snprintf(attrs, sizeof(attrs), "label_prefix='%s'", longer);
		CHECK(!policy_matches(attrs, "x"));
		CHECK(!policy_matches(attrs, longer));
	}
	CHECK(config_parse(&doc, "<p label_suffix='x'/>", 21, NULL) == 0);
	CHECK(config_has_label(config_root(&doc)));
	CHECK(config_parse(&doc, "<p name='x'/>", 13, NULL) == 0);
	CHECK(!config_has_label(config_root(&doc)));
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_navigation();
	test_attributes();
	test_text_and_raw();
	test_u64();
	test_bool_and_str();
	test_valid_forms();
	test_errors();
	test_utf8();
	test_where();
	test_limits();
	test_error_format();
	test_empty_nodes();
	test_escape();
	test_label_matches();
	test_prefixes(init_config);
	test_prefixes("<a b='1' c=\"&amp;&lt;\">t&gt;<!-- c --><d/></a>");
	test_prefixes("<!-- x --><r><s a='x'>text &quot;q&quot;</s></r>\n");
	while (nkept > 0)
		free(kept[--nkept]);
	printf("test_config: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
