# The image viewer: a PNG file (libpng) in a window; and the test images of
# run/image_viewer.run, written at build time by run/image_viewer/images.py.
LIBC_PROGS += image_viewer
image_viewer_SRC := gui/image_viewer/main.c gui/image_viewer/decode.c
image_viewer_LIBS := gui png zlib text freetype input
gui/image_viewer_CFLAGS := -I$(B)/ports/libpng/src -I$(B)/ports/zlib/src \
	-I$(B)/ports/freetype/src/include
$(B)/libc-obj/gui/image_viewer/decode.o: | $(B)/ports/libpng/src/pnglibconf.h

IMAGE_VIEWER_TEST := $(addprefix $(B)/image_viewer/,rgba.png palette.png \
	grey.png corrupt.png truncated.png notpng.png rgba.expected.png \
	palette.expected.png grey.expected.png rgba.top.png rgba.scrolled.png \
	large.png large.top.png large.end.png)
$(IMAGE_VIEWER_TEST) &: run/image_viewer/images.py
	@mkdir -p $(B)/image_viewer
	@echo "  GEN $(B)/image_viewer"; $(PYTHON) run/image_viewer/images.py $(B)/image_viewer
image_viewer_test_images: $(IMAGE_VIEWER_TEST)
.PHONY: image_viewer_test_images
