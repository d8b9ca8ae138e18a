# A client of a NIC driver on QEMU's user network (run/nic_virtio.run).
PROGS += test_nic_probe
test_nic_probe_SRC := drivers/nic/test/probe.c
test_nic_probe_LIBS := packet base base_child config
