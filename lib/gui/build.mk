# The client side of the Gui session (include/gui/client.h), for every GUI
# program, with or without musl.
LIBS += gui
gui_SRC := lib/gui/client.c
