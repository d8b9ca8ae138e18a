# busybox, built by its own kbuild from our config (ports/busybox/build.sh)
# into one relocatable object, linked as the LIBC_PROGS program busybox.
BUSYBOX_CFLAGS = $(patsubst $(MUSL)/%,$(abspath $(MUSL))/%, \
	$(filter-out -std=c11 -D_DEFAULT_SOURCE -O2 -MMD -MP -Iinclude \
	-I$(B)/gen/include -w,$(PORT_CFLAGS)))
LIBC_PROGS += busybox
busybox_SRC :=
busybox_LIBS := busybox
# kbuild knows what to rebuild; we only say when to ask it.
$(B)/lib/busybox.a: ports/busybox/build.sh ports/busybox/build.mk \
		ports/busybox/config ports/busybox/port $(B)/ports/musl/lib/libc.a
	+@sh ports/busybox/build.sh '$(BUSYBOX_CFLAGS)'
