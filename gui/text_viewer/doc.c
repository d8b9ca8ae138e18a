/* The text viewer's document; see doc.h. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

size_t
tv_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0, i;

	for (i = 1; i <= more && i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			break;
	return i;
}

/* The laid-out bytes of one line, into out if it is not NULL; returns
 * their number and *cols the characters. */
static size_t
layout(const unsigned char *s, size_t n, unsigned tab, char *out,
    unsigned *cols)
{
	size_t len = 0, i = 0, k;
	unsigned col = 0;

	while (i < n) {
		if (s[i] == '\t') {
			unsigned to = (col / tab + 1) * tab;

			for (; col < to; col++, len++)
				if (out)
					out[len] = ' ';
			i++;
		} else if (s[i] == 0) {
			if (out)
				memcpy(out + len, REPLACEMENT, 3);
			len += 3;
			col++;
			i++;
		} else {
			k = tv_utf8_len(s + i, n - i);
			if (out)
				memcpy(out + len, s + i, k);
			len += k;
			i += k;
			col++;
		}
	}
	*cols = col;
	return len;
}

void
tv_doc_free(struct tv_doc *d)
{
	for (size_t i = 0; d->line && i < d->lines; i++)
		free(d->line[i]);
	free(d->line);
	free(d->columns);
	memset(d, 0, sizeof(*d));
}

int
tv_doc_load(struct tv_doc *d, const char *data, size_t len, unsigned tab)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	size_t n = 0;

	memset(d, 0, sizeof(*d));
	if (tab < 1 || tab > 16)
		tab = 8;
	for (size_t i = 0; i < len; i++)
		if (p[i] == '\n')
			n++;
	if (len && p[len - 1] != '\n')
		n++;
	if (n &&
	    (!(d->line = calloc(n, sizeof(*d->line))) ||
		!(d->columns = calloc(n, sizeof(*d->columns)))))
		goto oom;
	d->lines = n;
	for (size_t l = 0; l < n; l++) {
		const unsigned char *e = memchr(p, '\n', (size_t)(end - p));
		size_t cut = e ? (size_t)(e - p) : (size_t)(end - p), bytes;

		if (cut && p[cut - 1] == '\r')
			cut--;
		bytes = layout(p, cut, tab, NULL, &d->columns[l]);
		if (!(d->line[l] = malloc(bytes + 1)))
			goto oom;
		layout(p, cut, tab, d->line[l], &d->columns[l]);
		d->line[l][bytes] = 0;
		if (d->columns[l] > d->max_columns)
			d->max_columns = d->columns[l];
		p = e ? e + 1 : end;
	}
	return 0;
oom:
	tv_doc_free(d);
	return -1;
}

int
tv_doc_message(struct tv_doc *d, const char *text)
{
	return tv_doc_load(d, text, strlen(text), 8);
}
