/*
 * Host test of the renderer (render.c, FreeType from the port's source,
 * DejaVu Sans Mono): drawing only what changed, after every small piece
 * of output, must give the same pixels as drawing the final screen once,
 * and every pixel that changed must lie in a rectangle the renderer
 * reported for GUI_REFRESH. Scrolling (moved pixels), the scrollback
 * view, the alternate screen, colours and the cursor are all exercised.
 *
 * The fonts' paths are built in (FONT_REGULAR, FONT_BOLD); arguments
 * can name others: test_terminal_render REGULAR.ttf BOLD.ttf
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <test/check.h>

#include "../render.h"
#include "../vt.h"

#ifndef FONT_REGULAR
#define FONT_REGULAR "DejaVuSansMono.ttf"
#define FONT_BOLD "DejaVuSansMono-Bold.ttf"
#endif

#define COLS 37
#define ROWS 11

static uint32_t *now, *before;
static unsigned w, h;
static unsigned char *covered;

static void *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)n)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
refresh(void *ctx, unsigned x, unsigned y, unsigned rw, unsigned rh)
{
	CHECK(x + rw <= w && y + rh <= h && rw && rh);
	for (unsigned j = y; j < y + rh && j < h; j++)
		for (unsigned i = x; i < x + rw && i < w; i++)
			covered[j * w + i] = 1;
}

/* Every changed pixel was reported. */
static int
all_covered(void)
{
	for (size_t i = 0; i < (size_t)w * h; i++)
		if (now[i] != before[i] && !covered[i])
			return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	struct font *font;
	struct render inc, full;
	struct render_colors colors;
	struct vt vt;
	uint32_t *fresh;
	size_t len, blen, n, at = 0;
	void *reg, *bold;
	unsigned cw, ch, updates = 0, uncovered = 0;
	char text[1 << 16];

	reg = slurp(argc > 1 ? argv[1] : FONT_REGULAR, &len);
	bold = slurp(argc > 2 ? argv[2] : FONT_BOLD, &blen);
	font = font_open(reg, len, bold, blen, 14);
	CHECK(font != NULL);
	if (!font)
		return 1;
	font_cell(font, &cw, &ch);
	w = COLS * cw + 3; /* a buffer wider than the cells */
	h = ROWS * ch;
	now = calloc((size_t)w * h, 4);
	before = calloc((size_t)w * h, 4);
	fresh = calloc((size_t)w * h, 4);
	covered = calloc((size_t)w * h, 1);
	render_colors_default(&colors);
	CHECK(vt_init(&vt, COLS, ROWS, 50) == 0);
	CHECK(render_init(&inc, font, &colors, now, w, h, COLS, ROWS) == 0);

	/* The output: lines that scroll, colours, the alternate screen,
	 * erasing, the cursor hidden and shown, a look into the scrollback. */
	n = 0;
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "\033[%dmline %d \033[1;3%dmbold\033[0m %s\r\n", 30 + i % 8,
		    i, i % 8, i % 5 ? "" : "\xe2\x94\x80\xc3\xa4");
	n += (size_t)snprintf(text + n, sizeof(text) - n,
	    "\033[?1049h\033[2J\033[5;5H\033[7malt\033[0m\033[?25l"
	    "\033[3;1H\033[2K\033[?25h\033[10;30Hx\033[?1049l"
	    "\033[4;4H\033[1P\033[2L\033[2;8r\033[8;1H\n\n\n\033[r"
	    "\033[38;2;10;200;30mrgb\033[48;5;100m256\033[0m\033[K"
	    "\033[5mblink\033[8mhidden\033[0m\033[9mstrike\033[0m");
	srand(7);
	while (at < n) {
		size_t k = 1 + (size_t)rand() % 40;

		if (k > n - at)
			k = n - at;
		vt_write(&vt, text + at, k);
		at += k;
		if (rand() % 7 == 0)
			vt_view_scroll(&vt, rand() % 9 - 3);
		if (rand() % 11 == 0)
			inc.focused = !inc.focused;
		memcpy(before, now, (size_t)w * h * 4);
		memset(covered, 0, (size_t)w * h);
		render_update(&inc, &vt, refresh, NULL);
		uncovered += !all_covered();
		updates++;
	}
	CHECK(uncovered == 0);
	CHECK(updates > 20);
	/* The same screen drawn once from nothing. */
	CHECK(render_init(&full, font, &colors, fresh, w, h, COLS, ROWS) == 0);
	full.focused = inc.focused;
	render_update(&full, &vt, refresh, NULL);
	CHECK(memcmp(now, fresh, (size_t)w * h * 4) == 0);
	/* Nothing changed, nothing drawn. */
	memset(covered, 0, (size_t)w * h);
	render_update(&inc, &vt, refresh, NULL);
	n = 0;
	for (size_t i = 0; i < (size_t)w * h; i++)
		n += covered[i];
	CHECK(n == 0);
	printf("test_terminal_render: %u updates, cell %ux%u, %d checks, %d "
	       "failed\n",
	    updates, cw, ch, checks, failures);
	return failures ? 1 : 0;
}
