# The e1000 driver: a Nic session over an Intel 82540EM.
PROGS += e1000
e1000_SRC := drivers/nic/e1000/main.c
e1000_LIBS := nic platform_client packet base base_child config
