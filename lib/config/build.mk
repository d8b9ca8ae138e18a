# The config parser (include/base/config.h), its host unit test and its
# libFuzzer target.
CONFIG_PARSER := lib/config/parse.c lib/config/node.c lib/config/write.c \
	lib/config/label.c
LIBS += config
config_SRC := $(CONFIG_PARSER) lib/config/rom.c
HOST_TESTS += test_config
test_config_SRC := $(CONFIG_PARSER) lib/config/test_config.c
FUZZ_TESTS += fuzz_config
fuzz_config_SRC := $(CONFIG_PARSER) lib/config/fuzz_config.c
