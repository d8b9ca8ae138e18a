# The platform driver: PCI enumeration, devices handed out by policy.
PROGS += platform
platform_SRC := drivers/platform/main.c drivers/platform/pci.c \
	drivers/platform/acpi.c
platform_LIBS := base base_child config
