# Keyboard layouts, key names and the Input ring's reader, for every program
# that takes input; and their host unit test.
LIBS += input
input_SRC := lib/input/keymap.c lib/input/names.c lib/input/reader.c
HOST_TESTS += test_input_lib
test_input_lib_SRC := $(input_SRC) lib/input/test_input_lib.c
