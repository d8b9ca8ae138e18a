# The PS/2 driver: i8042 keyboard and mouse, an Input session.
PROGS += ps2
ps2_SRC := drivers/ps2/main.c drivers/ps2/controller.c \
	drivers/ps2/keyboard.c drivers/ps2/mouse.c
ps2_LIBS := base base_child config
