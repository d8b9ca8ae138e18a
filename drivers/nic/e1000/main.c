/*
 * e1000: the driver of an Intel 82540EM (QEMU's e1000, the default -nic
 * of its pc machine, and what many PCs and VirtualBox offer), served as a
 * Nic session by lib/nic (nic/driver.h). See README.md.
 *
 * Legacy receive and transmit descriptor rings of 64 entries, each with a
 * 2 KiB buffer, in DMA memory of the driver's own; the interrupt is the
 * device's INTx line (it has no MSI), shared if the platform says so:
 * reading ICR tells what happened and clears it, then the line is
 * acknowledged.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>
#include <nic/driver.h>
#include <platform/client.h>
#include <session/irq.h>
#include <session/nic.h>
#include <session/platform.h>

#define INTEL 0x8086u
#define E1000_82540EM 0x100eu

/* Registers (the 8254x family's software developer's manual, 13). */
#define CTRL 0x0000
#define STATUS 0x0008
#define ICR 0x00c0
#define IMS 0x00d0
#define IMC 0x00d8
#define RCTL 0x0100
#define TCTL 0x0400
#define TIPG 0x0410
#define RDBAL 0x2800
#define RDBAH 0x2804
#define RDLEN 0x2808
#define RDH 0x2810
#define RDT 0x2818
#define TDBAL 0x3800
#define TDBAH 0x3804
#define TDLEN 0x3808
#define TDH 0x3810
#define TDT 0x3818
#define MTA 0x5200
#define RAL0 0x5400
#define RAH0 0x5404

#define CTRL_SLU (1u << 6)
#define CTRL_RST (1u << 26)
#define STATUS_LU (1u << 1)
#define RCTL_EN (1u << 1)
#define RCTL_BAM (1u << 15)
#define RCTL_SECRC (1u << 26)
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define TCTL_CT (0x10u << 4)
#define TCTL_COLD (0x40u << 12)
#define INT_TXDW (1u << 0)
#define INT_LSC (1u << 2)
#define INT_RXDMT0 (1u << 4)
#define INT_RXO (1u << 6)
#define INT_RXT0 (1u << 7)
#define DESC_DD 1u
#define DESC_EOP 2u
#define TX_EOP 1u
#define TX_IFCS 2u
#define TX_RS 8u

#define N 64u
#define BUF 2048u

struct rx_desc {
	uint64_t addr;
	uint16_t length, csum;
	uint8_t status, errors;
	uint16_t special;
};

struct tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso, cmd, status, css;
	uint16_t special;
};

static volatile uint8_t *regs;
static volatile struct rx_desc *rxd;
static volatile struct tx_desc *txd;
static uint8_t *rx_buf, *tx_buf;
static uint64_t rx_bus, tx_bus, irq;
static unsigned rx_next;
/* The order in which transmit slots were given to the device. */
static unsigned tx_order[N], tx_head, tx_tail;

static uint32_t
rd(unsigned reg)
{
	return *(volatile uint32_t *)(regs + reg);
}

static void
wr(unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(regs + reg) = v;
}

static bool
link(void)
{
	return rd(STATUS) & STATUS_LU;
}

static void
interrupt(void)
{
	rd(ICR); /* clears it; the rings say what happened */
	rpc_call(irq, IRQ_ACK, 0, 0, 0, NULL);
}

/* Slot s's descriptor is the next one in the ring: the device sends in
 * ring order, so slots are given and finished in that order. */
static void
tx_put(unsigned s, const void *frame, uint32_t len)
{
	unsigned d = tx_tail % N;

	memcpy(tx_buf + s * BUF, frame, len);
	txd[d].addr = tx_bus + s * BUF;
	txd[d].length = (uint16_t)len;
	txd[d].cmd = TX_EOP | TX_IFCS | TX_RS;
	txd[d].status = 0;
	tx_order[d] = s;
	tx_tail++;
}

static void
tx_kick(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(TDT, tx_tail % N);
}

static bool
tx_done(unsigned *s)
{
	unsigned d = tx_head % N;

	if (tx_head == tx_tail || !(txd[d].status & DESC_DD))
		return false;
	*s = tx_order[d];
	tx_head++;
	return true;
}

static bool
rx_take(const uint8_t **frame, uint32_t *size, unsigned *h)
{
	unsigned d = rx_next;

	if (!(rxd[d].status & DESC_DD))
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*frame = rx_buf + d * BUF;
	/* A frame in one buffer only (2 KiB holds the largest). */
	*size = (rxd[d].status & DESC_EOP) && rxd[d].length <= BUF
	    ? rxd[d].length
	    : 0;
	*h = d;
	rx_next = (d + 1) % N;
	return true;
}

static void
rx_back(unsigned h)
{
	rxd[h].status = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	wr(RDT, h); /* the device owns everything up to h again */
}

static void
rx_kick(void)
{
}

static struct nic_device nic = {.name = "e1000",
    .tx_slots = N - 1, /* a full ring would look empty */
    .link = link,
    .interrupt = interrupt,
    .tx_put = tx_put,
    .tx_kick = tx_kick,
    .tx_done = tx_done,
    .rx_take = rx_take,
    .rx_back = rx_back,
    .rx_kick = rx_kick};

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t *w = utcb_self()->msg, pf, ep, irq_sig, size, rb, tb;
	uint32_t ral, rah;
	void *p;

	if (platform_open_device("e1000", INTEL, E1000_82540EM, 2ul << 20, &pf))
		return 1;
	if (platform_map_bar(pf, 0, 0, &regs, &size) || size < 0x6000) {
		log_printf("e1000: BAR0 not mapped");
		return 1;
	}
	/* The interrupt arrives on our endpoint with its own badge. */
	if (nic_driver_endpoint(&ep, &irq_sig) || !(irq = slot_alloc()) ||
	    (w[0] = 0, rpc_call(pf, PLATFORM_IRQ, 1, 0, irq, NULL)) ||
	    rpc_call(irq, IRQ_SIGH, 0, irq_sig, 0, NULL)) {
		log_printf("e1000: no interrupt");
		return 1;
	}
	if (platform_dma(pf, 4096, &p, &rb) || !(rxd = p, 1) ||
	    platform_dma(pf, 4096, &p, &tb) || !(txd = p, 1) ||
	    platform_dma(pf, N * BUF, &p, &rx_bus) || !(rx_buf = p, 1) ||
	    platform_dma(pf, N * BUF, &p, &tx_bus)) {
		log_printf("e1000: no DMA buffers");
		return 1;
	}
	tx_buf = p;
	/* Reset, with every interrupt masked, then the link up. */
	wr(IMC, 0xffffffffu);
	wr(CTRL, rd(CTRL) | CTRL_RST);
	for (unsigned i = 0; (rd(CTRL) & CTRL_RST) && i < 1000000; i++)
		;
	wr(IMC, 0xffffffffu);
	rd(ICR);
	wr(CTRL, rd(CTRL) | CTRL_SLU);
	/* The address the EEPROM gave the receive address register. */
	ral = rd(RAL0);
	rah = rd(RAH0);
	nic.mac = ral | (uint64_t)(rah & 0xffff) << 32;
	wr(RAH0, rah | 1u << 31);
	for (unsigned i = 0; i < 128; i++)
		wr(MTA + 4 * i, 0);
	for (unsigned d = 0; d < N; d++) {
		rxd[d].addr = rx_bus + d * BUF;
		rxd[d].status = 0;
	}
	wr(RDBAL, (uint32_t)rb);
	wr(RDBAH, (uint32_t)(rb >> 32));
	wr(RDLEN, N * sizeof(struct rx_desc));
	wr(RDH, 0);
	wr(RDT, N - 1);
	wr(TDBAL, (uint32_t)tb);
	wr(TDBAH, (uint32_t)(tb >> 32));
	wr(TDLEN, N * sizeof(struct tx_desc));
	wr(TDH, 0);
	wr(TDT, 0);
	w[0] = 0;
	w[1] = 1;
	if (rpc_call(pf, PLATFORM_BUS_MASTER, 2, 0, 0, NULL)) {
		log_printf("e1000: no bus mastering");
		return 1;
	}
	wr(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC); /* 2 KiB buffers */
	wr(TIPG, 10 | 8u << 10 | 6u << 20);
	wr(TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	wr(IMS, INT_TXDW | INT_LSC | INT_RXDMT0 | INT_RXO | INT_RXT0);
	nic_driver_serve(&nic, ep);
}
