# The panel: launcher buttons and a clock along the top of the screen.
LIBC_PROGS += panel
panel_SRC := gui/panel/main.c gui/nitpicker/test/gui.c
panel_LIBS := text freetype input
