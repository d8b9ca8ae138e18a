# report_rom: reports in, ROMs out.
PROGS += report_rom
report_rom_SRC := services/report_rom/main.c
report_rom_LIBS := base base_child config
