# The RTC driver, and its test client.
PROGS += rtc test_rtc
rtc_SRC := drivers/rtc/main.c
rtc_LIBS := base base_child
test_rtc_SRC := drivers/rtc/test/rtc_client.c
test_rtc_LIBS := base base_child
