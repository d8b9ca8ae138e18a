# The decorator: frames for wm's windows, drawn with FreeType.
LIBC_PROGS += decorator
decorator_SRC := gui/decorator/main.c gui/nitpicker/test/gui.c
decorator_LIBS := text freetype input
