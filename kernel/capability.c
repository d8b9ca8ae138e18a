/*
 * Capability slots and their derivation tree. Derivation scheme: every copy
 * (cap_derive, or a capability sent in a message) becomes a child of the
 * slot it was copied from. Revoking a slot deletes its whole subtree, so
 * every capability that was ever delegated from it, directly or through
 * others, stops working; the slot itself stays. Deleting a slot moves its
 * children up to its parent, so that the original can still revoke them.
 * An object dies when the last slot naming it is deleted.
 */
#include "kernel.h"

int
cap_lookup(struct pd *pd, uint64_t idx, unsigned type, unsigned rights,
    struct cap **out)
{
	struct cap *c;

	if (idx == CAP_NULL || idx >= pd->ncaps)
		return -E_CAP;
	c = cap_at(pd, idx);
	if (!c->obj || (type && c->obj->type != type))
		return -E_CAP;
	if ((c->rights & rights) != rights)
		return -E_RIGHTS;
	*out = c;
	return 0;
}

int
cap_empty_slot(struct pd *pd, uint64_t idx, struct cap **out)
{
	if (idx == CAP_NULL || idx >= pd->ncaps)
		return -E_CAP;
	if (cap_at(pd, idx)->obj)
		return -E_EXISTS;
	*out = cap_at(pd, idx);
	return 0;
}

/* A badge is set once, on the first copy of an unbadged capability. */
void
cap_copy(struct cap *dst, struct cap *src, unsigned rights, uint64_t badge)
{
	dst->obj = src->obj;
	dst->obj->refs++;
	dst->rights = src->rights & rights;
	dst->badge = src->badge ? src->badge : badge;
	dst->parent = src;
	dst->child = NULL;
	dst->prev = NULL;
	dst->next = src->child;
	if (src->child)
		src->child->prev = dst;
	src->child = dst;
}

static void
unlink(struct cap *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (c->parent)
		c->parent->child = c->next;
	if (c->next)
		c->next->prev = c->prev;
}

void
cap_delete(struct cap *c)
{
	struct kobj *o = c->obj;

	if (!o)
		return;
	if (o->type == KOBJ_REPLY) {
		reply_drop(c);
		return;
	}
	unlink(c);
	while (c->child) {
		struct cap *ch = c->child;

		c->child = ch->next;
		ch->parent = c->parent;
		ch->prev = NULL;
		ch->next = NULL;
		if (c->parent) {
			ch->next = c->parent->child;
			if (ch->next)
				ch->next->prev = ch;
			c->parent->child = ch;
		}
	}
	memset(c, 0, sizeof(*c));
	obj_unref(o);
}

void
cap_revoke(struct cap *c)
{
	while (c->child) {
		struct cap *leaf = c->child;

		while (leaf->child)
			leaf = leaf->child;
		cap_delete(leaf);
	}
}

long
sys_cap_derive(uint64_t src, uint64_t pd, uint64_t dst, uint64_t rights,
    uint64_t badge)
{
	struct pd *target = current()->pd;
	struct cap *s, *d, *p;
	int e;

	if ((e = cap_lookup(target, src, 0, 0, &s)))
		return e;
	/* A parked reply is one-shot: a copy could answer twice. */
	if (s->obj->type == KOBJ_REPLY)
		return -E_RIGHTS;
	if (pd) {
		if ((e = cap_lookup(target, pd, KOBJ_PD, RIGHT_SEND, &p)))
			return e;
		if (!(s->rights & RIGHT_GRANT))
			return -E_RIGHTS;
		target = (struct pd *)p->obj;
	}
	if (badge && s->obj->type != KOBJ_ENDPOINT &&
	    s->obj->type != KOBJ_SIGNAL)
		return -E_INVAL;
	if ((e = cap_empty_slot(target, dst, &d)))
		return e;
	cap_copy(d, s, (unsigned)rights, badge);
	return 0;
}

long
sys_cap_delete(uint64_t slot)
{
	struct cap *c;
	int e;

	if ((e = cap_lookup(current()->pd, slot, 0, 0, &c)))
		return e;
	cap_delete(c);
	obj_reap();
	return 0;
}

long
sys_cap_revoke(uint64_t slot)
{
	struct cap *c;
	int e;

	if ((e = cap_lookup(current()->pd, slot, 0, 0, &c)))
		return e;
	cap_revoke(c);
	obj_reap();
	return 0;
}

long
sys_cap_info(uint64_t slot)
{
	struct cap *c;
	int e;

	if ((e = cap_lookup(current()->pd, slot, 0, 0, &c)))
		return e;
	return c->obj->type | (c->rights << 8);
}

/* Lets a server check that a capability it received names its own object. */
long
sys_cap_same(uint64_t a, uint64_t b)
{
	struct cap *x, *y;
	int e;

	if ((e = cap_lookup(current()->pd, a, 0, 0, &x)) ||
	    (e = cap_lookup(current()->pd, b, 0, 0, &y)))
		return e;
	return x->obj == y->obj;
}
