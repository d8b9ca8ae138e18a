# nitpicker, the GUI multiplexer, and its test clients.
PROGS += nitpicker test_gui_client
nitpicker_SRC := gui/nitpicker/main.c gui/nitpicker/draw.c \
	gui/nitpicker/view.c gui/nitpicker/input.c gui/nitpicker/font.c
nitpicker_LIBS := base base_child config input
test_gui_client_SRC := gui/nitpicker/test/client.c
test_gui_client_LIBS := gui base base_child config input
PROGS += test_gui_hostile
test_gui_hostile_SRC := gui/nitpicker/test/hostile.c
test_gui_hostile_LIBS := gui base base_child config input
PROGS += test_gui_bench
test_gui_bench_SRC := gui/nitpicker/test/bench.c
test_gui_bench_LIBS := gui base base_child config input
HOST_TESTS += test_nitpicker_host
test_nitpicker_host_SRC := gui/nitpicker/view.c gui/nitpicker/font.c \
	gui/nitpicker/test/host.c
