# Text for GUI programs on FreeType (include/gui/text.h).
LIBC_LIBS += text
text_SRC := lib/text/text.c
lib/text_CFLAGS := -I$(B)/ports/freetype/src/include
$(B)/libc-obj/lib/text/text.o: | $(B)/ports/freetype/src/.prepared
