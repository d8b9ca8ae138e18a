# Core, the root task, and the library of its parts that kernel test root
# tasks share.
LIBS += core_lib
core_lib_SRC := core/memory.c core/caps.c core/serial.c core/pd_session.c core/init.c
PROGS += core
core_SRC := core/main.c core/service.c
core_LIBS := core_lib base
