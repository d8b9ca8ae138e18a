# The panel: launcher buttons and a clock along the top of the screen.
LIBC_PROGS += panel
panel_SRC := gui/panel/main.c
panel_LIBS := gui text freetype input
