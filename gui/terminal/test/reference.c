/*
 * The reference picture of run/terminal.run, drawn on the host: the
 * client's text and the typed line through the same screen model, line
 * discipline and renderer (FreeType from the same source, the same
 * font), written as a PPM the scenario compares its screenshot with.
 *
 *     reference DejaVuSansMono.ttf DejaVuSansMono-Bold.ttf out.ppm
 *
 * With three more arguments it draws a file's bytes instead, as a program
 * would write them, on a screen of COLSxROWS cells (run/desktop_test):
 *
 *     reference REGULAR.ttf BOLD.ttf out.ppm COLS ROWS TEXT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ldisc.h"
#include "../render.h"
#include "../vt.h"
#include "script.h"

static void *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)n)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "reference: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
echo(void *ctx, const char *s, size_t n)
{
	vt_write(ctx, s, n);
}

static void
no_refresh(void *ctx, unsigned x, unsigned y, unsigned w, unsigned h)
{
}

static void
put(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

int
main(int argc, char **argv)
{
	static struct ldisc ld;
	struct vt vt;
	struct render r;
	struct render_colors colors;
	struct font *font;
	size_t len, blen;
	void *reg, *bold;
	unsigned cw, ch, w, h, cols = SCRIPT_COLS, rows = SCRIPT_ROWS;
	uint32_t *pix;
	FILE *out;
	char *text = NULL;
	size_t tlen = 0;

	if (argc == 7) {
		cols = (unsigned)atoi(argv[4]);
		rows = (unsigned)atoi(argv[5]);
		text = slurp(argv[6], &tlen);
	} else if (argc != 4 || !cols || !rows) {
		fprintf(stderr,
		    "usage: reference REGULAR.ttf BOLD.ttf OUT.ppm "
		    "[COLS ROWS TEXT]\n");
		return 2;
	}
	reg = slurp(argv[1], &len);
	bold = slurp(argv[2], &blen);
	if (!(font = font_open(reg, len, bold, blen, SCRIPT_FONT_PX))) {
		fprintf(stderr, "reference: FreeType cannot use the font\n");
		return 1;
	}
	font_cell(font, &cw, &ch);
	w = cols * cw;
	h = rows * ch;
	render_colors_default(&colors);
	if (!(pix = calloc((size_t)w * h, 4)) ||
	    vt_init(&vt, cols, rows, 1000) ||
	    render_init(&r, font, &colors, pix, w, h, cols, rows))
		return 1;
	ldisc_init(&ld, echo, &vt);
	if (text) {
		vt_write(&vt, text, tlen);
	} else {
		/* The client's banner and prompt, the typed line, the answer.
		 */
		put(&vt, SCRIPT_BANNER SCRIPT_PROMPT);
		ldisc_input(&ld, SCRIPT_TYPED "\r", strlen(SCRIPT_TYPED) + 1);
		put(&vt,
		    SCRIPT_GOT_BEFORE SCRIPT_TYPED SCRIPT_GOT_AFTER
			SCRIPT_PROMPT);
	}
	render_update(&r, &vt, no_refresh, NULL);
	if (!(out = fopen(argv[3], "wb")))
		return 1;
	fprintf(out, "P6\n%u %u\n255\n", w, h);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		unsigned char rgb[3] = {pix[i] >> 16, pix[i] >> 8, pix[i]};

		fwrite(rgb, 1, 3, out);
	}
	fclose(out);
	printf("reference: %ux%u cells of %ux%u, %s, %s\n", cols, rows, cw, ch,
	    font_name(font), argv[3]);
	return 0;
}
