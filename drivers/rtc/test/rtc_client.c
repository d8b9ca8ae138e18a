/* A test client of the RTC driver: prints the time it gets. */
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/rtc.h>

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t rtc, id, *w = utcb_self()->msg;

	if (session_open("Rtc", "", 0, &rtc, &id) ||
	    rpc_call(rtc, RTC_TIME, 0, 0, 0, NULL)) {
		log_printf("no time");
		return 1;
	}
	log_printf("time: %04lu-%02lu-%02lu %02lu:%02lu:%02lu UTC", w[0], w[1],
	    w[2], w[3], w[4], w[5]);
	return 0;
}
