# A driver's side of the Platform session (include/platform/client.h).
LIBS += platform_client
platform_client_SRC := lib/platform/client.c
