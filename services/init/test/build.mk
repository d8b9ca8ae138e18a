# Test components for init's scenarios.
PROGS += test_hello_server test_hello_client test_hog test_config_watcher \
	test_reconfig test_crasher test_bench_rpc \
	test_beater test_iomem test_rm test_sequencer test_session_hostile \
	test_forger test_config_steps test_rom_server
test_hello_server_SRC := services/init/test/hello_server.c
test_hello_server_LIBS := base base_child config
test_hello_client_SRC := services/init/test/hello_client.c
test_hello_client_LIBS := base base_child config
test_hog_SRC := services/init/test/hog.c
test_hog_LIBS := base base_child
test_config_watcher_SRC := services/init/test/config_watcher.c
test_config_watcher_LIBS := base base_child config
test_reconfig_SRC := services/init/test/reconfig.c services/init/test/state.c
test_reconfig_LIBS := base base_child config
test_crasher_SRC := services/init/test/crasher.c
test_crasher_LIBS := base base_child
test_bench_rpc_SRC := services/init/test/bench_rpc.c
test_bench_rpc_LIBS := base base_child config
test_beater_SRC := services/init/test/beater.c
test_beater_LIBS := base base_child
test_iomem_SRC := services/init/test/iomem.c
test_iomem_LIBS := base base_child
test_rm_SRC := services/init/test/rm.c
test_rm_LIBS := base base_child
test_sequencer_SRC := services/init/test/sequencer.c
test_sequencer_LIBS := base base_child config
test_session_hostile_SRC := services/init/test/hostile.c
test_session_hostile_LIBS := base base_child config
test_forger_SRC := services/init/test/forger.c
test_forger_LIBS := base base_child config
test_config_steps_SRC := services/init/test/config_steps.c services/init/test/state.c
test_config_steps_LIBS := base base_child config
test_rom_server_SRC := services/init/test/rom_server.c
test_rom_server_LIBS := base base_child config
