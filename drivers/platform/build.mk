# The platform driver: PCI enumeration, devices handed out by policy.
PROGS += platform
platform_SRC := drivers/platform/main.c drivers/platform/pci.c \
	drivers/platform/acpi.c
platform_LIBS := base base_child config
# A driver of QEMU's edu device for run/dma.run: DMA buffers, hostile asks.
PROGS += test_dma
test_dma_SRC := drivers/platform/test/dma.c drivers/platform/test/edu.c
test_dma_LIBS := base base_child config
# A driver of edu's interrupt for run/irq.run: MSI, or a shared INTx line.
PROGS += test_irq
test_irq_SRC := drivers/platform/test/irq.c drivers/platform/test/edu.c
test_irq_LIBS := base base_child config
# A virtio-net driver as far as its MSI-X interrupt, for run/irq_msix.run.
PROGS += test_virtio_irq
test_virtio_irq_SRC := drivers/platform/test/virtio_irq.c
test_virtio_irq_LIBS := virtio platform_client base base_child config
