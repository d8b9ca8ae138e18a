/*
 * QEMU's "edu" device (docs/specs/edu.rst in QEMU), which the platform
 * tests drive: its registers, and its BAR 0 mapped through a Platform
 * session.
 */
#pragma once

#include <stdint.h>

#define EDU_ID 0x00
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98

/* Device 0 of the session pf must be edu: its registers, or NULL (logged,
 * prefixed with who). */
volatile uint8_t *edu_map(uint64_t pf, const char *who);

/* Below 0x80 edu answers 32-bit accesses only, above both sizes. */
static inline uint32_t
edu_rd32(volatile uint8_t *regs, unsigned off)
{
	return *(volatile uint32_t *)(regs + off);
}

static inline void
edu_wr32(volatile uint8_t *regs, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(regs + off) = v;
}
