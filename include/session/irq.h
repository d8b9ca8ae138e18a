/*
 * The IRQ session, provided by core: one interrupt line ("irq=0"), for one
 * component at a time. The line fires the client's signal and stays masked
 * until the client acknowledges it.
 */
#pragma once

#include <base/parent.h>

enum irq_label {
	IRQ_SIGH = 1, /* the signal cap the line fires */
	IRQ_ACK = 2,  /* served: unmask the line */
};
