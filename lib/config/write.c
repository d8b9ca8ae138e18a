/*
 * The writing side of the format: every component that puts a string it
 * did not write itself (a label, a title, an argument) into config text
 * escapes it here, so that no such string can close a value, add an
 * attribute or an element, or make the document unreadable.
 */
#include <base/config.h>
#include <base/string.h>

size_t
config_escape(char *out, size_t size, const char *s, size_t n)
{
	size_t len = 0, put = 0;
	bool full = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char one[2] = {(char)c, '\0'};
		const char *piece = one;
		size_t k;

		switch (c) {
		case '<':
			piece = "&lt;";
			break;
		case '>':
			piece = "&gt;";
			break;
		case '&':
			piece = "&amp;";
			break;
		case '"':
			piece = "&quot;";
			break;
		case '\'':
			piece = "&apos;";
			break;
		default:
			/* The parser refuses these, escaped or not. */
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    c == 0x7f)
				one[0] = '?';
		}
		k = strlen(piece);
		/* Whole pieces only: half an entity would not parse. */
		if (!full && size > put && k < size - put) {
			memcpy(out + put, piece, k);
			put += k;
		} else {
			full = true;
		}
		len += k;
	}
	if (size)
		out[put] = '\0';
	return len;
}
