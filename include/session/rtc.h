/* The Rtc session, provided by the RTC driver: the wall-clock time (UTC). */
#pragma once

#include <base/parent.h>

enum rtc_label {
	/* -> w0: year, w1: month (1-12), w2: day, w3: hour, w4: minute,
	 * w5: second */
	RTC_TIME = 1,
};
