/*
 * The IRQ session, provided by core: one interrupt source. "irq=G" is
 * I/O APIC input G (a GSI; ISA IRQ 0 is GSI 2 on PCs, the others are
 * their own numbers), edge-triggered and active high unless "level=1"
 * and "low=1" say otherwise; "msi=1" is a message-signalled vector whose
 * address and data IRQ_MSI_MESSAGE tells. An edge input or MSI fires the
 * client's signal once per interrupt; a level input stays masked from
 * its arrival until every session sharing it has acknowledged.
 */
#pragma once

#include <base/parent.h>

enum irq_label {
	IRQ_SIGH = 1,        /* the signal cap the line fires */
	IRQ_ACK = 2,         /* served: unmask the line */
	IRQ_MSI_MESSAGE = 3, /* MSI: w0 the address, w1 the data to write */
};
