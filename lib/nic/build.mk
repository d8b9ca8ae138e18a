# The Nic session of a NIC driver, written once (include/nic/driver.h).
LIBS += nic
nic_SRC := lib/nic/driver.c
