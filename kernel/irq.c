/*
 * IRQ objects: an interrupt source bound to a signal. An edge-triggered
 * input and an MSI submit the signal each time they fire (the signal
 * counts them). A level-triggered input is masked when it fires, until
 * every driver bound to it has acknowledged with irq_ack: several
 * devices can share one such line, each driver with its own object.
 */
#include "kernel.h"

static struct irq *gsi[IRQ_GSI_MAX], *msi[IRQ_MSI_COUNT];
static unsigned due[IRQ_GSI_MAX]; /* acks a masked level input waits for */

static struct irq **
bound(unsigned source)
{
	return source & IRQ_MSI ? &msi[source & 0xff] : &gsi[source & 0xff];
}

int
irq_bind(uint64_t pa, uint64_t source, struct cap *sig)
{
	struct irq *irq = phys_to_virt(pa), **head;
	unsigned n = source & 0xff;

	if (source & ~(uint64_t)(0xff | IRQ_LEVEL | IRQ_LOW | IRQ_MSI) ||
	    ((source & IRQ_MSI) && (source & (IRQ_LEVEL | IRQ_LOW))))
		return -E_INVAL;
	if (n >= (source & IRQ_MSI ? IRQ_MSI_COUNT : irq_gsis()))
		return -E_RANGE;
	head = bound((unsigned)source);
	/* Only a level input is shared, and only in the mode it has. */
	if (*head && (!(source & IRQ_LEVEL) || (*head)->source != source))
		return -E_BUSY;
	memset(irq, 0, KOBJ_SMALL);
	irq->source = (unsigned)source;
	cap_copy(&irq->sig, sig, RIGHT_SEND, 0);
	irq->next = *head;
	*head = irq;
	if (!(source & IRQ_MSI) && !irq->next)
		irq_gsi_route(n, (unsigned)source, false);
	return 0;
}

/* Vector v arrived (the caller sends the EOI). */
void
irq_raise(unsigned v)
{
	bool is_msi = v >= IRQ_MSI_VECTOR;
	unsigned n = is_msi ? v - IRQ_MSI_VECTOR : v - 32;
	struct irq *irq;

	if (v < 32 || (!is_msi && n >= irq_gsis()))
		return;
	irq = is_msi ? msi[n] : gsi[n];
	if (irq && (irq->source & IRQ_LEVEL) && !due[n]) {
		irq_gsi_mask(n, true);
		for (struct irq *i = irq; i; i = i->next, due[n]++)
			i->pending = true;
	}
	for (; irq; irq = irq->next)
		if (irq->sig.obj)
			signal_submit((struct signal *)irq->sig.obj,
			    irq->sig.badge);
}

/* One driver is done with a level input: unmask it after the last. */
static void
served(struct irq *irq)
{
	unsigned n = irq->source & 0xff;

	if (irq->pending) {
		irq->pending = false;
		if (!--due[n])
			irq_gsi_mask(n, false);
	}
}

void
irq_destroy(struct irq *irq)
{
	struct irq **p = bound(irq->source);

	while (*p != irq)
		p = &(*p)->next;
	*p = irq->next;
	served(irq);
	if (!(irq->source & IRQ_MSI) && !gsi[irq->source & 0xff])
		irq_gsi_mask(irq->source & 0xff, true);
	cap_delete(&irq->sig);
}

long
sys_irq_ack(uint64_t cap)
{
	struct cap *c;
	int e;

	if ((e = cap_lookup(current()->pd, cap, KOBJ_IRQ, RIGHT_SEND, &c)))
		return e;
	served((struct irq *)c->obj);
	return 0;
}
