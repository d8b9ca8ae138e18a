/*
 * A hostile test component for core's walls: it asks for what the kernel
 * drives (reset ports, the PIC, the local APIC), takes region maps until
 * core says no, unmaps a terabyte region map, and tries to replace its own
 * fault signal and clear its fault record. Each must be refused or
 * contained; then it reads a boot module that follows an empty one and
 * does honest work with region maps, which must still succeed.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/abi.h>
#include <kernel/syscalls.h>
#include <session/irq.h>
#include <session/pd.h>

#define RMS 512u
#define TIB (1ull << 40)
#define HUGE_VA (1ull << 44)
#define VIEW_VA 0x40000000ull

static uint64_t rms[RMS];

static long
pd(uint64_t label, uint64_t w0, uint64_t send, uint64_t *cap)
{
	if (cap)
		*cap = slot_alloc();
	utcb_self()->msg[0] = w0;
	return rpc_call(CAP_PD, label, 1, send, cap ? *cap : 0, NULL);
}

static long
attach(uint64_t rm, uint64_t ds, uint64_t offset)
{
	utcb_self()->msg[0] = offset;
	utcb_self()->msg[1] = MAP_W;
	return rpc_call(rm, RM_ATTACH, 2, ds, 0, NULL);
}

static long
map(uint64_t ds, uint64_t va)
{
	utcb_self()->msg[0] = va;
	utcb_self()->msg[1] = MAP_W;
	return rpc_call(CAP_PD, PD_MAP, 2, ds, 0, NULL);
}

/* Each device range the kernel drives must be refused. */
static int
devices(void)
{
	static const char *const asks[][2] = {{"IO_PORT", "base=0xcf9 size=1"},
	    {"IO_PORT", "base=0x92 size=1"}, {"IO_PORT", "base=0x20 size=2"},
	    {"IO_PORT", "base=0xf0 size=0x10"},
	    {"IO_MEM", "base=0xfee00000 size=0x1000"},
	    {"IO_MEM", "base=0xfec00000 size=0x1000"}};
	uint64_t cap, id;
	int bad = 0;

	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		int e =
		    session_open_args(asks[i][0], "", asks[i][1], 0, &cap, &id);

		log_printf("%s '%s': error %d", asks[i][0], asks[i][1], -e);
		if (!e) {
			session_close(cap, id);
			bad = 1;
		}
	}
	return bad;
}

/*
 * Interrupt sources: none past the I/O APIC's inputs, a level line shared
 * only in its own mode, an edge line not at all, MSI vectors until core
 * has no more (each session holds one).
 */
static int
irqs(void)
{
	static const char *const bad_asks[] = {"irq=24",
	    "irq=0xffffffffffffffff", "irq=9", "irq=9 level=1 low=1"};
	static uint64_t msi[IRQ_MSI_COUNT + 1][2];
	uint64_t a[2], b[2], cap, id;
	unsigned n = 0;
	int bad = 0, e;

	if (session_open_args("IRQ", "", "irq=9 level=1", 0, &a[0], &a[1]) ||
	    session_open_args("IRQ", "", "irq=9 level=1", 0, &b[0], &b[1])) {
		log_printf("IRQ: a level line not shared");
		return 1;
	}
	/* IRQ_SIGH with a capability that is no signal is refused and
	 * leaves nothing behind: a real signal is taken after it, and the
	 * close frees what there is once. */
	uint64_t sig, copy = slot_alloc();

	e = (int)rpc_call(a[0], IRQ_SIGH, 0, CAP_PD, 0, NULL);
	if (!e || object_create(KOBJ_SIGNAL, &sig) || !copy ||
	    sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT, 0) ||
	    rpc_call(a[0], IRQ_SIGH, 0, copy, 0, NULL)) {
		log_printf("IRQ: a signal after a refused one: NOT taken");
		bad = 1;
	} else {
		log_printf("IRQ: no signal refused (error %d), then one taken",
		    -e);
	}
	for (unsigned i = 0; i < sizeof(bad_asks) / sizeof(bad_asks[0]); i++) {
		e = session_open_args("IRQ", "", bad_asks[i], 0, &cap, &id);
		log_printf("IRQ '%s': error %d", bad_asks[i], -e);
		if (!e) {
			session_close(cap, id);
			bad = 1;
		}
	}
	while (n <= IRQ_MSI_COUNT &&
	    !(e = session_open_args("IRQ", "", "msi=1", 0, &msi[n][0],
		  &msi[n][1])))
		n++;
	log_printf("IRQ: %u MSI vectors, then error %d", n, -e);
	bad |= n > IRQ_MSI_COUNT;
	for (unsigned i = 0; i < n; i++)
		session_close(msi[i][0], msi[i][1]);
	session_close(a[0], a[1]);
	session_close(b[0], b[1]);
	return bad;
}

/* Region maps until core refuses; core's pool must outlast us. */
static int
many_region_maps(void)
{
	unsigned n;
	long e = 0;

	for (n = 0; n < RMS && !(e = pd(PD_RM_CREATE, 4096, 0, &rms[n])); n++)
		;
	log_printf("region maps: %u made, then error %ld", n, -e);
	for (unsigned i = 0; i < n; i++)
		if (rpc_call(CAP_PD, PD_FREE, 0, rms[i], 0, NULL))
			return 1;
	for (unsigned i = 0; i <= n && i < RMS; i++) {
		sys_cap_delete(rms[i]);
		slot_free(rms[i]);
	}
	return n == RMS;
}

/* A terabyte region map, one page attached and touched, then unmapped. */
static int
huge_region_map(void)
{
	uint64_t rm, ds;
	void *page;
	long e;

	if ((e = pd(PD_RM_CREATE, TIB, 0, &rm)) ||
	    (e = ram_alloc(4096, &page, &ds)) ||
	    (e = attach(rm, ds, TIB / 2)) || (e = map(rm, HUGE_VA))) {
		log_printf("terabyte region map: error %ld", -e);
		return 1;
	}
	*(volatile uint64_t *)(HUGE_VA + TIB / 2) = 42;
	if ((e = pd(PD_UNMAP, HUGE_VA, 0, NULL)) ||
	    (e = rpc_call(CAP_PD, PD_FREE, 0, rm, 0, NULL)) ||
	    *(volatile uint64_t *)page != 42) {
		log_printf("terabyte region map: unmap error %ld", -e);
		return 1;
	}
	log_printf("a terabyte region map unmapped");
	sys_cap_delete(rm);
	slot_free(rm);
	return ram_free(page, ds);
}

/* Our own PD capability has no say over our faults. */
static int
faults(void)
{
	uint64_t sig;
	long e;

	if (object_create(KOBJ_SIGNAL, &sig))
		return 1;
	e = pd(PD_FAULT_SIGH, 0, sig, NULL);
	log_printf("replacing the fault signal: error %ld", -e);
	if (e != -E_DENIED)
		return 1;
	e = pd(PD_FAULT, 0, 0, NULL);
	log_printf("clearing the fault record: error %ld", -e);
	return e != -E_DENIED;
}

/* A module after an empty one is itself, not the empty one. */
static int
roms(void)
{
	const void *data;
	size_t size;
	int e;

	if ((e = rom_attach("empty", &data, &size)))
		log_printf("ROM 'empty': error %d", -e);
	else
		log_printf("ROM 'empty': %lu bytes", size);
	if ((e = rom_attach("after_empty", &data, &size)) || size < 5 ||
	    memcmp(data, "after", 5)) {
		log_printf("ROM 'after_empty' is wrong (error %d)", -e);
		return 1;
	}
	log_printf("ROM 'after_empty': %lu bytes, as written", size);
	return 0;
}

/* What an honest component does still works. */
static int
honest(void)
{
	uint64_t rm, ds;
	void *page;

	if (pd(PD_RM_CREATE, 1 << 20, 0, &rm) || ram_alloc(4096, &page, &ds) ||
	    attach(rm, ds, 8192) || map(rm, VIEW_VA))
		return 1;
	*(volatile uint64_t *)(VIEW_VA + 8192) = 7;
	if (*(volatile uint64_t *)page != 7)
		return 1;
	log_printf("an honest region map works");
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	if (devices() || irqs() || many_region_maps() || huge_region_map() ||
	    faults() || roms() || honest())
		return 1;
	log_printf("all walls held");
	return 0;
}
