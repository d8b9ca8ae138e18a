# The base library: start-up, strings, formatting. Children also link
# base_child, their side of the parent protocol (log and exit).
LIBS += base base_child
base_SRC := lib/base/start.S lib/base/string.c lib/base/format.c \
	lib/base/elf.c lib/base/msg.c lib/base/session_table.c
base_child_SRC := lib/base/parent.c lib/base/runtime.c lib/base/heap.c \
	lib/base/child.c lib/base/parent_side.c lib/base/timer.c \
	lib/base/server.c
HOST_TESTS += test_session_table
test_session_table_SRC := lib/base/session_table.c lib/base/format.c \
	lib/base/test/test_session_table.c
# The message parsers with hostile lengths, on the host.
HOST_TESTS += test_msg
test_msg_SRC := lib/base/msg.c lib/base/test/test_msg.c
