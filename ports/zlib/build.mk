# zlib, built against musl from its unpacked source, and its own two test
# programs (test/example.c, test/infcover.c) as Bulkhead components.
ZLIB := $(B)/ports/zlib/src
LIBC_LIBS += zlib
zlib_SRC := $(addprefix $(ZLIB)/,adler32.c compress.c crc32.c deflate.c \
	gzclose.c gzlib.c gzread.c gzwrite.c infback.c inffast.c inflate.c \
	inftrees.c trees.c uncompr.c zutil.c)
PORT_INCLUDES += -I$(ZLIB)
LIBC_PROGS += test_zlib_example test_zlib_infcover
test_zlib_example_SRC := $(ZLIB)/test/example.c
test_zlib_example_LIBS := zlib
test_zlib_infcover_SRC := $(ZLIB)/test/infcover.c
test_zlib_infcover_LIBS := zlib
# The sources exist once prepared (named here, so make keeps them).
$(zlib_SRC) $(test_zlib_example_SRC) $(test_zlib_infcover_SRC): $(ZLIB)/.prepared ;
