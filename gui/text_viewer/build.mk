# The text viewer: a UTF-8 file in a window (lib/text, DejaVu Sans Mono).
# doc.c has no I/O and is host-tested; view.c draws, and is built for the
# host too, for the reference pictures of run/text_viewer.run.
LIBC_PROGS += text_viewer
text_viewer_SRC := gui/text_viewer/main.c gui/text_viewer/doc.c \
	gui/text_viewer/view.c
text_viewer_LIBS := gui text freetype input
HOST_TESTS += test_text_viewer_doc
test_text_viewer_doc_SRC := gui/text_viewer/doc.c gui/text_viewer/test/test_doc.c

# The reference pictures: the first page of run/text_viewer/notes.txt in a
# 560x300 window of DejaVu Sans Mono 14 px, after one Page Down, and in
# the window resized to 360x200.
TV_FT := $(B)/ports/freetype/src
TV_FONT := $(B)/ports/dejavu/src/DejaVuSansMono.ttf
$(B)/text_viewer/reference: gui/text_viewer/test/reference.c \
		gui/text_viewer/doc.c gui/text_viewer/doc.h \
		gui/text_viewer/view.c gui/text_viewer/view.h lib/text/text.c \
		| $(TV_FT)/.prepared
	@mkdir -p $(@D)
	@echo "  CC  $@ (host)"; $(CC) -std=gnu11 -O1 -g -w \
		$(FT_FLAGS) -Iinclude \
		-o $@ gui/text_viewer/test/reference.c gui/text_viewer/doc.c \
		gui/text_viewer/view.c lib/text/text.c \
		$(addprefix $(TV_FT)/src/,$(FT_FILES))
$(B)/text_viewer/top.ppm: $(B)/text_viewer/reference $(TV_FONT) \
		run/text_viewer/notes.txt
	@$< $(TV_FONT) 14 560 300 0 run/text_viewer/notes.txt $@
$(B)/text_viewer/pgdn.ppm: $(B)/text_viewer/reference $(TV_FONT) \
		run/text_viewer/notes.txt
	@$< $(TV_FONT) 14 560 300 1 run/text_viewer/notes.txt $@
$(B)/text_viewer/small.ppm: $(B)/text_viewer/reference $(TV_FONT) \
		run/text_viewer/notes.txt
	@$< $(TV_FONT) 14 360 200 0 run/text_viewer/notes.txt $@
text_viewer_references: $(B)/text_viewer/top.ppm $(B)/text_viewer/pgdn.ppm \
	$(B)/text_viewer/small.ppm
.PHONY: text_viewer_references
