/*
 * IRQ objects: an interrupt line bound to a signal. When the line fires it
 * is masked and the signal submitted; the driver acknowledges with irq_ack
 * when it has served the device, which unmasks the line.
 */
#include "kernel.h"

static struct irq *irqs[IRQ_LINES];

int
irq_bind(uint64_t pa, uint64_t line, struct cap *sig)
{
	struct irq *irq = phys_to_virt(pa);

	if (line >= IRQ_LINES || line == 2) /* 2: the PICs' cascade */
		return -E_RANGE;
	if (irqs[line])
		return -E_BUSY;
	memset(irq, 0, KOBJ_SMALL);
	irq->line = (unsigned)line;
	cap_copy(&irq->sig, sig, RIGHT_SEND, 0);
	irqs[line] = irq;
	irq_line_mask((unsigned)line, false);
	return 0;
}

void
irq_raise(unsigned line)
{
	struct irq *irq = irqs[line];

	if (irq && irq->sig.obj)
		signal_submit((struct signal *)irq->sig.obj, irq->sig.badge);
}

void
irq_destroy(struct irq *irq)
{
	irq_line_mask(irq->line, true);
	irqs[irq->line] = NULL;
	cap_delete(&irq->sig);
}

long
sys_irq_ack(uint64_t cap)
{
	struct cap *c;
	int e;

	if ((e = cap_lookup(current()->pd, cap, KOBJ_IRQ, RIGHT_SEND, &c)))
		return e;
	irq_line_mask(((struct irq *)c->obj)->line, false);
	return 0;
}
