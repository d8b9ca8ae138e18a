# Test components that attack core (run/walls_core.run, run/walls_fuzz.run).
PROGS += test_walls test_fuzz_calls test_ticker
test_walls_SRC := core/test/walls.c
test_walls_LIBS := base base_child
test_fuzz_calls_SRC := core/test/fuzz_calls.c
test_fuzz_calls_LIBS := base base_child config
test_ticker_SRC := core/test/ticker.c
test_ticker_LIBS := base base_child
