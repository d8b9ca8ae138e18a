# Core, the root task, and the library of its parts that kernel test root
# tasks share.
LIBS += core_lib
core_lib_SRC := core/memory.c core/caps.c core/serial.c core/pd_session.c core/dataspace.c core/region_map.c core/init.c
PROGS += core
core_SRC := core/main.c core/service.c core/parent.c core/pd_service.c core/rom.c core/io.c
core_LIBS := core_lib base
