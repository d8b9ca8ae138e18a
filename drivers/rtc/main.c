/*
 * The RTC driver: reads the wall-clock time from the CMOS real-time clock
 * (I/O ports 0x70/0x71 from core's IO_PORT session) and serves it as Rtc
 * sessions. It reads twice until two reads agree, so an update of the
 * clock in between cannot tear the time, and handles BCD and 12-hour
 * formats as status register B says.
 */
#include <stdbool.h>

#include <base/error.h>
#include <base/io.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <session/io_port.h>
#include <session/pd.h>
#include <session/rtc.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static uint8_t
cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned
bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 0xfu);
}

struct rtc_time {
	unsigned year, month, day, hour, minute, second;
};

static void
read_once(struct rtc_time *t)
{
	uint8_t b = cmos(0x0b), hour;
	bool binary = b & 0x04, h24 = b & 0x02;

	while (cmos(0x0a) & 0x80)
		; /* an update is in progress: at most about 2 ms */
	t->second = bcd(cmos(0x00), binary);
	t->minute = bcd(cmos(0x02), binary);
	hour = cmos(0x04);
	t->hour = bcd(hour & 0x7f, binary);
	if (!h24 && (hour & 0x80))
		t->hour = (t->hour % 12) + 12;
	else if (!h24 && t->hour == 12)
		t->hour = 0;
	t->day = bcd(cmos(0x07), binary);
	t->month = bcd(cmos(0x08), binary);
	t->year = bcd(cmos(0x09), binary) + 100 * bcd(cmos(0x32), binary);
	if (t->year < 1970)
		t->year += 2000 - 100 * bcd(cmos(0x32), binary);
}

#define SESSIONS 8u

static struct session_slot slots[SESSIONS];
static struct session_table table = {"rtc", 0, SESSIONS, slots};
static uint64_t ep;

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct rtc_time a, b;
	int e;

	if (!badge && MSG_LABEL(info) == ROOT_CREATE) {
		if ((e = server_session_open(&table, ep,
			 RIGHT_SEND | RIGHT_GRANT, r)) < 0)
			r->error = e;
		return;
	}
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		server_session_close(&table, w[0]);
		return;
	}
	if ((e = session_table_lookup(&table, badge)) < 0) {
		r->error = e;
		return;
	}
	if (MSG_LABEL(info) != RTC_TIME) {
		r->error = -E_NOSYS;
		return;
	}
	do {
		read_once(&a);
		read_once(&b);
	} while (memcmp(&a, &b, sizeof(a)));
	w[0] = a.year;
	w[1] = a.month;
	w[2] = a.day;
	w[3] = a.hour;
	w[4] = a.minute;
	w[5] = a.second;
	r->words = 6;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t io, id, rcv = slot_alloc();

	if (session_open_args("IO_PORT", "", "base=0x70 size=2", 0, &io, &id) ||
	    rpc_call(io, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL) || !rcv ||
	    object_create(KOBJ_ENDPOINT, &ep) || service_announce("Rtc", ep)) {
		log_printf("cannot get the CMOS clock");
		return 1;
	}
	server_loop(ep, rcv, handle);
}
