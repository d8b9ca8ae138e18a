# The framebuffer driver (Bochs VBE: -vga std, bochs-display) and its test.
PROGS += fb test_fb
fb_SRC := drivers/fb/main.c drivers/fb/bochs.c
fb_LIBS := base base_child config
test_fb_SRC := drivers/fb/test/main.c
test_fb_LIBS := base base_child config
