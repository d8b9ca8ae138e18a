# The timer driver: PIT ticks, Timer sessions.
PROGS += timer
timer_SRC := drivers/timer/main.c
timer_LIBS := base base_child
