# Modern virtio devices over PCI and split virtqueues (include/virtio/pci.h).
LIBS += virtio
virtio_SRC := lib/virtio/pci.c
