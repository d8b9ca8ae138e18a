# Bulkhead's build: kernel, core and every component, with the host gcc used
# as a freestanding x86_64 toolchain. Each component says what to build in its
# build.mk; the rules that turn that into files live here, once.

.DEFAULT_GOAL := all
# No built-in rules: every rule is in this file.
MAKEFLAGS += -r
B := build

CC := gcc
FUZZ_CC := clang
LD := ld
OBJCOPY := objcopy
PYTHON := python3

# Flags for everything that runs inside Bulkhead.
WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wno-unused-parameter
TARGET_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-stack-protector \
	-fno-pic -fno-pie -fno-builtin -nostdinc -mno-red-zone \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -I$(B)/gen/include $(WARN) -MMD -MP

# The system-call ABI, generated from kernel/syscalls.def (see kernel/).
ABI_GEN := $(B)/gen/kernel/kernel_syscalls.h $(B)/gen/include/kernel/syscalls.h

# Components and their libraries: each build.mk appends to PROGS or LIBS and
# sets NAME_SRC, NAME_LIBS (programs) and NAME_SRC (libraries).
PROGS :=
LIBC_PROGS :=
LIBC_LIBS :=
PORT_INCLUDES :=
HOST_PORT_TESTS :=
LIBS :=
HOST_TESTS :=
FUZZ_TESTS :=
include $(sort $(wildcard */build.mk */*/build.mk */*/*/build.mk))

USER_CFLAGS := $(TARGET_CFLAGS) -mcmodel=small -mgeneral-regs-only
USER_LDSCRIPT := lib/base/user.ld

obj = $(patsubst %.c,$(B)/obj/%.o,$(patsubst %.S,$(B)/obj/%.o,$(1)))

$(B)/obj/%.o: %.c | $(ABI_GEN)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(USER_CFLAGS) $($(*D)_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(USER_CFLAGS) -c $< -o $@

define lib_rule
$(B)/lib/$(1).a: $(call obj,$($(1)_SRC))
	@mkdir -p $$(@D)
	@echo "  AR  $$@"; rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rule,$(l))))

define prog_rule
$(B)/bin/$(1): $(call obj,$($(1)_SRC)) $(foreach l,$($(1)_LIBS),$(B)/lib/$(l).a) $(USER_LDSCRIPT)
	@mkdir -p $$(@D)
	@echo "  LD  $$@"; $(LD) -nostdlib -static -z max-page-size=0x1000 -T $(USER_LDSCRIPT) \
		-o $$@ $(call obj,$($(1)_SRC)) --start-group \
		$(foreach l,$($(1)_LIBS),$(B)/lib/$(l).a) --end-group
$(1): $(B)/bin/$(1)
.PHONY: $(1)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

# The kernel: its own code model and link script; the ABI is generated.
# Link-time optimisation lets the IPC fast path inline across files.
KERNEL_CFLAGS := $(TARGET_CFLAGS) -mcmodel=kernel -mgeneral-regs-only \
	-fomit-frame-pointer -flto -Ikernel -Ikernel/arch/x86_64 \
	-I$(B)/gen/kernel
KERNEL_OBJ := $(patsubst %,$(B)/kobj/%.o,$(basename $(KERNEL_SRC)))

$(ABI_GEN) &: kernel/syscalls.def kernel/gen_abi.py
	@mkdir -p $(B)/gen/kernel $(B)/gen/include/kernel
	$(PYTHON) kernel/gen_abi.py $< $(ABI_GEN)

$(B)/kobj/%.o: %.c | $(ABI_GEN)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(B)/kobj/%.o: %.S | $(ABI_GEN)
	@mkdir -p $(@D)
	@echo "  CC  $<"; $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(B)/kernel/kernel.elf: $(KERNEL_OBJ) $(KERNEL_LDSCRIPT)
	@mkdir -p $(@D)
	@echo "  LD  $@"; $(CC) $(KERNEL_CFLAGS) -nostdlib -static -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none \
		-Wl,-T,$(KERNEL_LDSCRIPT) -o $@ $(KERNEL_OBJ) -lgcc

# QEMU's -kernel loads multiboot1 images only as 32-bit ELF.
$(B)/kernel/kernel32.elf: $(B)/kernel/kernel.elf
	@echo "  OBJCOPY $@"; $(OBJCOPY) -O elf32-i386 $< $@

kernel: $(B)/kernel/kernel.elf $(B)/kernel/kernel32.elf

# Programs linked with musl (ports/musl): hosted C, the libc backend of
# lib/libc underneath. Each build.mk adds to LIBC_PROGS and sets NAME_SRC.
MUSL := $(B)/ports/musl
LIBC_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -g -fno-stack-protector -fno-pic -fno-pie \
	-fno-asynchronous-unwind-tables -nostdinc -isystem $(MUSL)/include \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -I$(B)/gen/include $(WARN) -MMD -MP
LIBC_BACKEND := lib/libc/syscall.c lib/libc/vfs.c lib/libc/fd.c lib/libc/dev.c \
	lib/libc/pipe.c lib/libc/remote.c lib/libc/poll.c lib/libc/thread.c \
	lib/libc/spawn.c lib/libc/children.c lib/libc/signal.c
LIBC_CRT := $(B)/libc-obj/lib/libc/crt0.o
libc_obj = $(patsubst %.c,$(B)/libc-obj/%.o,$(1))

$(MUSL)/lib/libc.a: ports/musl/build.sh ports/musl/port ports/musl/files/*
	@sh ports/musl/build.sh

$(B)/libc-obj/%.o: %.c | $(ABI_GEN) $(MUSL)/lib/libc.a
	@mkdir -p $(@D)
	@echo "  CC  $< (libc)"; $(CC) $(LIBC_CFLAGS) $($(*D)_CFLAGS) -c $< -o $@

# Third-party sources of ports (unpacked under build/ports/NAME/src by
# ports/tool/prepare.sh): their own warnings are not ours to fail on.
PORT_CFLAGS := $(filter-out -Werror $(WARN),$(LIBC_CFLAGS)) -w
$(B)/libc-obj/$(B)/ports/%.o: $(B)/ports/%.c | $(ABI_GEN) $(MUSL)/lib/libc.a
	@mkdir -p $(@D)
	@echo "  CC  $< (port)"; $(CC) $(PORT_CFLAGS) $(PORT_INCLUDES) \
		$(PORT_FLAGS_$(firstword $(subst /, ,$*))) -c $< -o $@
$(B)/ports/%/src/.prepared: ports/%/port
	@sh ports/tool/prepare.sh $*

# Libraries built against musl (ports): NAME_SRC; programs name them in
# NAME_LIBS.
define libc_lib_rule
$(B)/lib/$(1).a: $(call libc_obj,$($(1)_SRC))
	@mkdir -p $$(@D)
	@echo "  AR  $$@"; rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIBC_LIBS),$(eval $(call libc_lib_rule,$(l))))

define libc_prog_rule
$(B)/bin/$(1): $(call libc_obj,$($(1)_SRC) $(LIBC_BACKEND)) $(LIBC_CRT) \
		$(foreach l,$($(1)_LIBS),$(B)/lib/$(l).a) \
		$(B)/lib/base_child.a $(B)/lib/base.a $(B)/lib/config.a \
		$(MUSL)/lib/libc.a $(USER_LDSCRIPT)
	@mkdir -p $$(@D)
	@echo "  LD  $$@"; $(LD) -nostdlib -static -z max-page-size=0x1000 \
		-T $(USER_LDSCRIPT) -o $$@ $(LIBC_CRT) \
		$(call libc_obj,$($(1)_SRC) $(LIBC_BACKEND)) --start-group \
		$(foreach l,$($(1)_LIBS),$(B)/lib/$(l).a) $(B)/lib/base_child.a $(B)/lib/base.a $(B)/lib/config.a \
		$(MUSL)/lib/libc.a \
		$(shell $(CC) -print-libgcc-file-name) --end-group
$(1): $(B)/bin/$(1)
.PHONY: $(1)
endef
$(foreach p,$(LIBC_PROGS),$(eval $(call libc_prog_rule,$(p))))

prepare/%:
	@sh ports/tool/prepare.sh $*

all: kernel $(PROGS) $(LIBC_PROGS) $(foreach l,$(LIBS),$(B)/lib/$(l).a) host-tests fuzz-tests

# Host unit tests: our lib code built for the host with sanitizers;
# NAME_CFLAGS adds flags (such as the host libc's feature macros).
HOST_CFLAGS := -std=c11 -O1 -g -Iinclude -I$(B)/gen/include $(WARN) \
	-fsanitize=address,undefined -fno-sanitize-recover=all -DHOST_TEST
define host_test_rule
$(B)/host-test/$(1): $($(1)_SRC) | $(ABI_GEN)
	@mkdir -p $$(@D)
	$(CC) $(HOST_CFLAGS) $($(1)_CFLAGS) -MMD -MP -o $$@ $($(1)_SRC)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))
# Host tests that build third-party port sources: their warnings are not
# ours to fail on. NAME_SRC, NAME_CFLAGS, NAME_DEPS (prepared sources).
define host_port_test_rule
$(B)/host-test/$(1): $($(1)_SRC) | $($(1)_DEPS)
	@mkdir -p $$(@D)
	@echo "  CC  $$@ (host, port)"; $(CC) -std=gnu11 -O1 -g -w \
		$($(1)_CFLAGS) -o $$@ $($(1)_SRC)
endef
$(foreach t,$(HOST_PORT_TESTS),$(eval $(call host_port_test_rule,$(t))))
host-tests: $(foreach t,$(HOST_TESTS) $(HOST_PORT_TESTS),$(B)/host-test/$(t))
# What run/tool/test.py runs besides scenarios: one "KIND NAME" a line.
list-tests:
	@for t in $(HOST_TESTS) $(HOST_PORT_TESTS); do echo "host-test $$t"; done
	@for t in $(FUZZ_TESTS); do echo "fuzz $$t"; done
.PHONY: list-tests

# Fuzz targets: the same lib code as a libFuzzer binary; make test runs each.
FUZZ_CFLAGS := -std=c11 -O1 -g -Iinclude -I$(B)/gen/include $(WARN) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DHOST_TEST
define fuzz_rule
$(B)/fuzz/$(1): $($(1)_SRC)
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$^
endef
$(foreach t,$(FUZZ_TESTS),$(eval $(call fuzz_rule,$(t))))
fuzz-tests: $(foreach t,$(FUZZ_TESTS),$(B)/fuzz/$(t))

setup:
	@bash run/tool/setup.sh

# run/NAME for every scenario run/NAME.run (files under run/ are not targets)
SCENARIOS := $(patsubst %.run,%,$(wildcard run/*.run))
$(SCENARIOS): run/%: setup
	$(PYTHON) run/tool/run.py run/$*.run
.PHONY: $(SCENARIOS)

run: setup
	$(PYTHON) run/tool/run.py --interactive run/desktop.run

test: setup
	$(MAKE) all
	$(PYTHON) run/tool/test.py

bench: setup
	$(MAKE) all
	$(PYTHON) run/tool/bench.py

# The desktop of run/desktop.run (its targets, modules and config).
image: setup
	$(PYTHON) run/tool/run.py --make-iso $(B)/bulkhead.iso run/desktop.run

# Code lines (cloc) of the kernel (its tests apart: they are not in it),
# and of core.
sloc:
	@count() { cloc --quiet --csv --include-lang=C,'C/C++ Header',Assembly \
		"$$@" | awk -F, '$$2=="SUM"{print $$5}'; }; \
	echo "kernel: $$(count kernel --exclude-dir=test) code lines (budget 6000)"; \
	echo "kernel tests: $$(count kernel/test) code lines"; \
	echo "core: $$(count core) code lines"

clean:
	rm -rf $(B)

.PHONY: all setup run test bench image sloc clean host-tests fuzz-tests kernel
-include $(shell find $(B)/obj $(B)/kobj $(B)/libc-obj $(B)/host-test -name '*.d' 2>/dev/null)
