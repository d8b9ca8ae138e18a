/*
 * The stacking order of all views, back to front. Domains keep their
 * layers apart (a smaller layer is always in front); within a layer a
 * client moves its own views to the front or back or next to another of
 * its own views.
 */
#include "nitpicker.h"

struct view *stack[STACK_MAX];
unsigned nstack;

void
stack_remove(struct view *v)
{
	for (unsigned i = 0; i < nstack; i++) {
		if (stack[i] == v) {
			for (unsigned j = i + 1; j < nstack; j++)
				stack[j - 1] = stack[j];
			nstack--;
			return;
		}
	}
}

static unsigned
index_of(const struct view *v)
{
	for (unsigned i = 0; i < nstack; i++)
		if (stack[i] == v)
			return i;
	return nstack;
}

/* The view must not be in the stack; neighbour is one of its session's. */
void
stack_insert(struct view *v, unsigned how, struct view *neighbour)
{
	unsigned layer = v->s->dom->layer, at;

	switch (how) {
	case GUI_STACK_ABOVE:
		at = index_of(neighbour) + 1;
		break;
	case GUI_STACK_BELOW:
		at = index_of(neighbour);
		break;
	case GUI_STACK_BACK:
		/* after every view of a layer further back */
		for (at = 0; at < nstack && stack[at]->s->dom->layer > layer;
		     at++)
			;
		break;
	default:
		/* before the first view of a layer further in front */
		for (at = 0; at < nstack && stack[at]->s->dom->layer >= layer;
		     at++)
			;
		break;
	}
	if (at > nstack)
		at = nstack;
	for (unsigned j = nstack; j > at; j--)
		stack[j] = stack[j - 1];
	stack[at] = v;
	nstack++;
}

/* The frontmost view whose content is at (x, y) on the screen. */
struct view *
view_at(int x, int y)
{
	for (unsigned i = nstack; i-- > 0;) {
		struct view *v = stack[i];

		if (v->buf && x >= v->r.x && y >= v->r.y &&
		    x < v->r.x + v->r.w && y < v->r.y + v->r.h)
			return v;
	}
	return 0;
}

/* Where a domain's coordinates have their 0, 0 on the screen. */
void
origin_of(const struct domain *d, int *x, int *y)
{
	*x = d->xpos;
	*y = d->ypos;
	if (d->origin == ORIGIN_TOP_RIGHT || d->origin == ORIGIN_BOTTOM_RIGHT)
		*x += (int)screen.w;
	if (d->origin == ORIGIN_BOTTOM_LEFT || d->origin == ORIGIN_BOTTOM_RIGHT)
		*y += (int)screen.h;
}
