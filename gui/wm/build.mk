# wm, the window manager (a Gui server above nitpicker).
PROGS += wm
wm_SRC := gui/wm/main.c
wm_LIBS := base base_child config input
