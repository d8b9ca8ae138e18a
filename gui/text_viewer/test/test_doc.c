/* Host test of the text viewer's document (doc.c): lines, tabs, CRLF,
 * NUL bytes and malformed UTF-8 counted as lib/text draws them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../doc.h"

static int failed;

#define CHECK(c)                                                           \
	do {                                                               \
		if (!(c)) {                                                \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
			    #c);                                           \
			failed = 1;                                        \
		}                                                          \
	} while (0)

static void
load(struct tv_doc *d, const char *s, size_t n)
{
	CHECK(tv_doc_load(d, s, n, 8) == 0);
}

int
main(void)
{
	struct tv_doc d;

	load(&d, "", 0);
	CHECK(d.lines == 0);
	tv_doc_free(&d);

	load(&d, "a\nbc\n", 5);
	CHECK(d.lines == 2 && !strcmp(d.line[0], "a") &&
	    !strcmp(d.line[1], "bc") && d.max_columns == 2);
	tv_doc_free(&d);

	/* the last line without newline; CRLF; an empty line */
	load(&d, "x\r\n\ny", 5);
	CHECK(d.lines == 3 && !strcmp(d.line[0], "x") && !d.line[1][0] &&
	    !strcmp(d.line[2], "y"));
	tv_doc_free(&d);

	/* tabs to the next stop of 8, after characters of several bytes */
	load(&d, "\tA\n\xc3\xa4\tB\nabcdefgh\tC", 18);
	CHECK(d.lines == 3);
	CHECK(!strcmp(d.line[0], "        A") && d.columns[0] == 9);
	CHECK(!strcmp(d.line[1], "\xc3\xa4       B") && d.columns[1] == 9);
	CHECK(!strcmp(d.line[2], "abcdefgh        C") && d.columns[2] == 17);
	CHECK(d.max_columns == 17);
	tv_doc_free(&d);

	/* NUL becomes U+FFFD; malformed bytes stay, one column each */
	load(&d, "a\0b\n\xff\xc3(\xe2\x82", 9);
	CHECK(d.lines == 2);
	CHECK(!memcmp(d.line[0],
		  "a\xef\xbf\xbd"
		  "b",
		  6) &&
	    d.columns[0] == 3);
	CHECK(!strcmp(d.line[1], "\xff\xc3(\xe2\x82") && d.columns[1] == 4);
	tv_doc_free(&d);

	CHECK(tv_doc_message(&d, "cannot open /x: gone") == 0);
	CHECK(d.lines == 1 && !strcmp(d.line[0], "cannot open /x: gone"));
	tv_doc_free(&d);

	CHECK(tv_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4) == 4);
	CHECK(tv_utf8_len((const unsigned char *)"\xf0\x9f", 2) == 2);
	CHECK(tv_utf8_len((const unsigned char *)"\x80", 1) == 1);
	if (!failed)
		printf("text_viewer doc: all checks passed\n");
	return failed;
}
