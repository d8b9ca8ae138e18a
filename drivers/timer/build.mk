# The timer driver: PIT ticks, Timer sessions.
PROGS += timer
timer_SRC := drivers/timer/main.c
timer_LIBS := base base_child
PROGS += test_timeouts
test_timeouts_SRC := drivers/timer/test/timeouts.c
test_timeouts_LIBS := base base_child config
PROGS += test_stale
test_stale_SRC := drivers/timer/test/stale.c
test_stale_LIBS := base base_child config
