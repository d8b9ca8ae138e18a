# The virtio-net driver: a Nic session over a modern virtio-net device.
PROGS += virtio_net
virtio_net_SRC := drivers/nic/virtio_net/main.c
virtio_net_LIBS := nic virtio platform_client packet base base_child config
