# libpng, built against musl with zlib, with the configuration upstream
# ships prebuilt (scripts/pnglibconf.h.prebuilt), and its own pngtest.
PNG := $(B)/ports/libpng/src
LIBC_LIBS += png
png_SRC := $(addprefix $(PNG)/,png.c pngerror.c pngget.c pngmem.c \
	pngpread.c pngread.c pngrio.c pngrtran.c pngrutil.c pngset.c \
	pngtrans.c pngwio.c pngwrite.c pngwtran.c pngwutil.c)
PORT_INCLUDES += -I$(PNG)
$(PNG)/pnglibconf.h: $(PNG)/.prepared
	cp $(PNG)/scripts/pnglibconf.h.prebuilt $@
$(PNG)/pngtest.png: $(PNG)/.prepared ;
LIBC_PROGS += test_pngtest
test_pngtest_SRC := $(PNG)/pngtest.c
test_pngtest_LIBS := png zlib
# The sources exist once prepared (named here, so make keeps them); they
# include zlib's headers.
$(png_SRC) $(test_pngtest_SRC): $(PNG)/.prepared $(PNG)/pnglibconf.h \
	$(B)/ports/zlib/src/.prepared ;
