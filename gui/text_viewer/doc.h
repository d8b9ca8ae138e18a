/*
 * The text viewer's document: a file's bytes as lines ready to draw, with
 * no I/O and no fonts, so the host tests it. Lines end at "\n" (a "\r"
 * before it goes too); tabs become spaces up to the next tab stop; a NUL
 * byte becomes U+FFFD (the drawing stops at NUL). Other bytes stay as
 * they are: lib/text draws malformed UTF-8 as U+FFFD, and columns are
 * counted the way it decodes, one per character it draws.
 */
#pragma once

#include <stddef.h>

struct tv_doc {
	size_t lines;
	char **line;       /* each NUL-terminated */
	unsigned *columns; /* characters in each line */
	unsigned max_columns;
};

/* Lays out len bytes of data with tab stops every tab columns (1..16).
 * Returns 0, or -1 when memory runs out (d is then empty). */
int tv_doc_load(struct tv_doc *d, const char *data, size_t len, unsigned tab);

/* One line of text as a document (a message). */
int tv_doc_message(struct tv_doc *d, const char *text);

void tv_doc_free(struct tv_doc *d);

/* How many bytes the UTF-8 character at s takes, as lib/text decodes it:
 * a malformed sequence ends before the first byte that does not fit. */
size_t tv_utf8_len(const unsigned char *s, size_t n);
