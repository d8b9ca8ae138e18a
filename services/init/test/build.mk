# Test components for init's scenarios.
PROGS += test_hello_server test_hello_client test_hog
test_hello_server_SRC := services/init/test/hello_server.c
test_hello_server_LIBS := base base_child config
test_hello_client_SRC := services/init/test/hello_client.c
test_hello_client_LIBS := base base_child config
test_hog_SRC := services/init/test/hog.c
test_hog_LIBS := base base_child
