# The terminal emulator: a Gui client that provides the Terminal session.
# Its core (vt_*.c, ldisc.c, keys.c) has no I/O and is host-tested and
# fuzzed; render.c draws with FreeType, so the component is built against
# musl (LIBC_PROGS) like every FreeType program.
TERMINAL_CORE := gui/terminal/vt_screen.c gui/terminal/vt_parse.c \
	gui/terminal/vt_resize.c \
	gui/terminal/ldisc.c gui/terminal/keys.c
HOST_TESTS += test_terminal_core
test_terminal_core_SRC := $(TERMINAL_CORE) gui/terminal/test/test_vt.c \
	lib/input/keymap.c lib/input/names.c
FUZZ_TESTS += fuzz_terminal
fuzz_terminal_SRC := gui/terminal/vt_screen.c gui/terminal/vt_parse.c \
	gui/terminal/vt_resize.c \
	gui/terminal/ldisc.c gui/terminal/test/fuzz_terminal.c

LIBC_PROGS += terminal
terminal_SRC := gui/terminal/main.c gui/terminal/render.c $(TERMINAL_CORE)
terminal_LIBS := gui freetype input
gui/terminal_CFLAGS := -I$(B)/ports/freetype/src/include
$(B)/libc-obj/gui/terminal/render.o: | $(B)/ports/freetype/src/.prepared

# The test client of run/terminal.run, and the host's reference picture
# it is compared with (the same FreeType source and font, test/script.h).
PROGS += test_terminal_client
test_terminal_client_SRC := gui/terminal/test/client.c
test_terminal_client_LIBS := base base_child config
TERMINAL_FT := $(B)/ports/freetype/src
$(B)/gui/terminal/reference: gui/terminal/test/reference.c \
		gui/terminal/test/script.h gui/terminal/render.c \
		gui/terminal/render.h $(TERMINAL_CORE) \
		$(wildcard ports/freetype/files/*) | $(TERMINAL_FT)/.prepared
	@mkdir -p $(@D)
	@echo "  CC  $@ (host)"; $(CC) -std=gnu11 -O1 -g -w \
		$(FT_FLAGS) -Iinclude \
		-o $@ gui/terminal/test/reference.c gui/terminal/render.c \
		$(TERMINAL_CORE) lib/input/keymap.c lib/input/names.c \
		$(addprefix $(TERMINAL_FT)/src/,$(FT_FILES))
TERMINAL_FONTS := $(B)/ports/dejavu/src/DejaVuSansMono.ttf \
	$(B)/ports/dejavu/src/DejaVuSansMono-Bold.ttf
$(B)/gui/terminal/reference.ppm: $(B)/gui/terminal/reference $(TERMINAL_FONTS)
	@$< $(TERMINAL_FONTS) $@

# The renderer's host test: incremental drawing equals drawing once, and
# every changed pixel is in a reported rectangle (FreeType from the port).
HOST_PORT_TESTS += test_terminal_render
test_terminal_render_SRC = gui/terminal/test/test_render.c \
	gui/terminal/render.c $(TERMINAL_CORE) lib/input/keymap.c \
	lib/input/names.c $(addprefix $(TERMINAL_FT)/src/,$(FT_FILES))
test_terminal_render_CFLAGS = -Iinclude $(FT_FLAGS) \
	'-DFONT_REGULAR="$(word 1,$(TERMINAL_FONTS))"' \
	'-DFONT_BOLD="$(word 2,$(TERMINAL_FONTS))"'
test_terminal_render_DEPS = $(TERMINAL_FT)/.prepared $(TERMINAL_FONTS)
# run/desktop_test's reference: a shell's echo on an 80x24 terminal.
$(B)/gui/terminal/hello.ppm: $(B)/gui/terminal/reference $(TERMINAL_FONTS) \
		run/desktop/hello.txt
	@$< $(TERMINAL_FONTS) $@ 80 24 run/desktop/hello.txt
