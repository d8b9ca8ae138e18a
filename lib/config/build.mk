# The config parser (include/base/config.h), its host unit test and its
# libFuzzer target.
LIBS += config
config_SRC := lib/config/parse.c lib/config/node.c
HOST_TESTS += test_config
test_config_SRC := $(config_SRC) lib/config/test_config.c
FUZZ_TESTS += fuzz_config
fuzz_config_SRC := $(config_SRC) lib/config/fuzz_config.c
