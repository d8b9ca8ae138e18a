# FreeType, with our module list (TrueType, sfnt, psnames, smooth), built
# against musl; render.c draws a line of DejaVu Sans in Bulkhead
# (test_freetype) and on the host (test_freetype_host), both checked
# against the same checksum.
FT := $(B)/ports/freetype/src
FT_FONT := $(B)/ports/dejavu/src/DejaVuSans.ttf
FT_FILES := base/ftsystem.c base/ftinit.c base/ftdebug.c base/ftbase.c \
	base/ftbitmap.c truetype/truetype.c sfnt/sfnt.c psnames/psnames.c \
	smooth/smooth.c
# Our module list and options (ports/freetype/files): no gzip, no zlib.
FT_FLAGS := -I$(FT)/include -Iports/freetype/files -DFT2_BUILD_LIBRARY \
	'-DFT_CONFIG_MODULES_H=<ftmodule.h>' \
	'-DFT_CONFIG_OPTIONS_H=<ftoption.h>'
LIBC_LIBS += freetype
freetype_SRC := $(addprefix $(FT)/src/,$(FT_FILES))
PORT_FLAGS_freetype := $(FT_FLAGS)
$(FT_FONT): ports/dejavu/port
	@sh ports/tool/prepare.sh dejavu

LIBC_PROGS += test_freetype
test_freetype_SRC := ports/freetype/test/render.c
test_freetype_LIBS := freetype
ports/freetype/test_CFLAGS := -I$(FT)/include
$(B)/libc-obj/ports/freetype/test/render.o: | $(FT)/.prepared

HOST_PORT_TESTS += test_freetype_host
test_freetype_host_SRC := ports/freetype/test/render.c \
	$(addprefix $(FT)/src/,$(FT_FILES))
test_freetype_host_CFLAGS := $(FT_FLAGS) '-DFONT_PATH="$(FT_FONT)"'
test_freetype_host_DEPS := $(FT)/.prepared $(FT_FONT)
# The sources exist once prepared (named here, so make keeps them).
$(freetype_SRC): $(FT)/.prepared ;
