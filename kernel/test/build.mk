# Kernel tests: a root task in core's place, and the children it starts.
PROGS += ktest ktchild
ktest_SRC := kernel/test/ktest.c
ktest_LIBS := core_lib base
ktchild_SRC := kernel/test/ktchild.c
ktchild_LIBS := base base_child
kernel/test_CFLAGS := -Icore
