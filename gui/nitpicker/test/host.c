/*
 * Host unit test of nitpicker's pieces that need no kernel: the stacking
 * order across layers, the view under a point, domain origins, and the
 * label font (every printable character drawn, nothing wider than 5).
 */
#include <stdio.h>
#include <string.h>

#include <test/check.h>

#include "../nitpicker.h"

struct screen screen = {.w = 1024, .h = 768};
struct session sessions[SESSIONS_MAX];
bool verbose;

static struct domain front = {.name = "front", .layer = 1};
static struct domain back = {.name = "back", .layer = 2};
static struct buffer buf = {.used = true, .w = 100, .h = 100};

static struct view *
view(struct session *s, unsigned id, int x, int y, int w, int h)
{
	struct view *v = &s->views[id - 1];

	v->used = true;
	v->id = id;
	v->s = s;
	v->buf = &buf;
	v->r = (struct rect){x, y, w, h};
	return v;
}

static bool
order(struct view *a, struct view *b, struct view *c, struct view *d)
{
	return nstack == 4 && stack[0] == a && stack[1] == b && stack[2] == c &&
	    stack[3] == d;
}

static void
test_stack(void)
{
	struct session *s1 = &sessions[0], *s2 = &sessions[1],
		       *s3 = &sessions[2];
	struct view *v1, *v2, *v3, *v4;

	s1->dom = s2->dom = &back;
	s3->dom = &front;
	v1 = view(s1, 1, 0, 0, 100, 100);
	v2 = view(s2, 1, 50, 50, 100, 100);
	v3 = view(s3, 1, 80, 80, 10, 10);
	v4 = view(s1, 2, 200, 200, 10, 10);
	stack_insert(v3, GUI_STACK_FRONT, NULL);
	stack_insert(v1, GUI_STACK_FRONT, NULL);
	stack_insert(v2, GUI_STACK_FRONT, NULL);
	stack_insert(v4, GUI_STACK_FRONT, NULL);
	/* A front layer stays in front whatever the back layer does. */
	CHECK(order(v1, v2, v4, v3));
	stack_remove(v4);
	stack_insert(v4, GUI_STACK_BACK, NULL);
	CHECK(order(v4, v1, v2, v3));
	stack_remove(v1);
	stack_insert(v1, GUI_STACK_ABOVE, v4);
	CHECK(order(v4, v1, v2, v3));
	stack_remove(v4);
	stack_insert(v4, GUI_STACK_ABOVE, v1);
	CHECK(order(v1, v4, v2, v3));
	stack_remove(v1);
	stack_insert(v1, GUI_STACK_BELOW, v4);
	CHECK(order(v1, v4, v2, v3));
	stack_remove(v3);
	stack_insert(v3, GUI_STACK_BACK, NULL);
	CHECK(order(v1, v4, v2, v3));

	CHECK(view_at(60, 60) == v2);
	CHECK(view_at(85, 85) == v3);
	CHECK(view_at(10, 10) == v1);
	CHECK(view_at(205, 205) == v4);
	CHECK(view_at(500, 500) == NULL);
	CHECK(view_at(100, 10) == NULL); /* right of v1: x + w is outside */
	stack_remove(v2);
	CHECK(view_at(60, 60) == v1);
	CHECK(nstack == 3);
}

static void
test_origin(void)
{
	struct domain d = {.xpos = -10, .ypos = 5};
	int x, y;

	origin_of(&d, &x, &y);
	CHECK(x == -10 && y == 5);
	d.origin = ORIGIN_BOTTOM_RIGHT;
	origin_of(&d, &x, &y);
	CHECK(x == 1014 && y == 773);
	d.origin = ORIGIN_TOP_RIGHT;
	origin_of(&d, &x, &y);
	CHECK(x == 1014 && y == 5);
	d.origin = ORIGIN_BOTTOM_LEFT;
	origin_of(&d, &x, &y);
	CHECK(x == -10 && y == 773);
}

static bool
blank(const uint8_t *g)
{
	for (unsigned j = 0; j < GLYPH_H; j++)
		if (g[j])
			return false;
	return true;
}

static void
test_font(void)
{
	CHECK(blank(font_glyph(' ')));
	for (char c = '!'; c <= '~'; c++) {
		const uint8_t *g = font_glyph(c);

		CHECK(!blank(g));
		for (unsigned j = 0; j < GLYPH_H; j++)
			CHECK(g[j] < 32);
		/* Letters and digits all differ from each other. */
		for (char d = '!'; d < c; d++)
			CHECK(memcmp(g, font_glyph(d), GLYPH_H) || c == d);
	}
	CHECK(!memcmp(font_glyph('\n'), font_glyph('?'), GLYPH_H));
	CHECK(!memcmp(font_glyph((char)0xe9), font_glyph('?'), GLYPH_H));
}

int
main(void)
{
	test_stack();
	test_origin();
	test_font();
	printf("%d checks, %d failed\n", checks, failures);
	return failures != 0;
}
