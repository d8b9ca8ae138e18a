/*
 * The reference pictures of run/text_viewer.run, drawn on the host: the
 * window contents through the same document and view code and lib/text
 * (FreeType from the same source, the same font), after a number of
 * Page Down keys, written as a PPM the scenario compares its screenshot
 * with.
 *
 *     reference FONT.ttf SIZE WIDTH HEIGHT PAGEDOWNS FILE OUT.ppm
 */
#include <stdio.h>
#include <stdlib.h>

#include <session/input.h>

#include "../doc.h"
#include "../view.h"

static void *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "reference: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct tv_doc doc;
	struct tv_view v = {.text = 0x202020, .paper = 0xffffff};
	uint32_t *pix;
	size_t font_len, len;
	void *font, *text;
	FILE *out;

	if (argc != 8) {
		fprintf(stderr,
		    "usage: reference FONT SIZE WIDTH HEIGHT "
		    "PAGEDOWNS FILE OUT.ppm\n");
		return 2;
	}
	font = slurp(argv[1], &font_len);
	text = slurp(argv[6], &len);
	if (!(v.font =
		    text_font_open(font, font_len, (unsigned)atoi(argv[2]))) ||
	    tv_doc_load(&doc, text, len, 8)) {
		fprintf(stderr, "reference: no font or no memory\n");
		return 1;
	}
	v.w = (unsigned)atoi(argv[3]);
	v.h = (unsigned)atoi(argv[4]);
	for (int i = atoi(argv[5]); i > 0; i--)
		tv_view_key(&v, &doc, KEY_PAGEDOWN);
	if (!(pix = malloc((size_t)v.w * v.h * 4)))
		return 1;
	tv_view_draw(&v, &doc, pix, v.w);
	if (!(out = fopen(argv[7], "wb")))
		return 1;
	fprintf(out, "P6\n%u %u\n255\n", v.w, v.h);
	for (size_t i = 0; i < (size_t)v.w * v.h; i++) {
		fputc((int)(pix[i] >> 16 & 0xff), out);
		fputc((int)(pix[i] >> 8 & 0xff), out);
		fputc((int)(pix[i] & 0xff), out);
	}
	return fclose(out) ? 1 : 0;
}
