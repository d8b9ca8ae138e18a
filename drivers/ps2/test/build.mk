# The Input test client, and the host test of the PS/2 decoders.
PROGS += test_input
test_input_SRC := drivers/ps2/test/input.c
test_input_LIBS := base base_child config input
HOST_TESTS += test_ps2_decode
test_ps2_decode_SRC := drivers/ps2/keyboard.c drivers/ps2/mouse.c \
	drivers/ps2/test/decode.c
