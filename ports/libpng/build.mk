# libpng, built against musl with zlib, with the configuration upstream
# ships prebuilt (scripts/pnglibconf.h.prebuilt), and its own pngtest.
PNG := $(B)/ports/libpng/src
LIBC_LIBS += png
png_SRC := $(addprefix $(PNG)/,png.c pngerror.c pngget.c pngmem.c \
	pngpread.c pngread.c pngrio.c pngrtran.c pngrutil.c pngset.c \
	pngtrans.c pngwio.c pngwrite.c pngwtran.c pngwutil.c)
PORT_INCLUDES += -I$(PNG)
$(PNG)/%.c: $(PNG)/.prepared $(PNG)/pnglibconf.h ;
$(PNG)/pnglibconf.h: $(PNG)/.prepared
	cp $(PNG)/scripts/pnglibconf.h.prebuilt $@
$(PNG)/pngtest.png: $(PNG)/.prepared ;
LIBC_PROGS += test_pngtest
test_pngtest_SRC := $(PNG)/pngtest.c
test_pngtest_LIBS := png zlib
