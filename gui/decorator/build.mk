# The decorator: frames for wm's windows, drawn with FreeType.
LIBC_PROGS += decorator
decorator_SRC := gui/decorator/main.c
decorator_LIBS := gui text freetype input
