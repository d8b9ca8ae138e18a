# init: starts, routes and ends components as its config says.
PROGS += init
init_SRC := services/init/main.c services/init/child.c services/init/route.c \
	services/init/check.c services/init/server.c
init_LIBS := base base_child config
