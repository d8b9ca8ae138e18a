# The packet-stream ring (lib/packet/README.md) and its host unit test.
LIBS += packet
packet_SRC := lib/packet/packet_stream.c lib/packet/session.c
HOST_TESTS += packet_test
packet_test_SRC := lib/packet/packet_stream.c lib/packet/test_packet.c
# A Block server over RAM and its clients, honest and hostile: a packet
# stream carried by a session (run/packet_block.run, run/bench_packet.run).
PROGS += test_block_ram test_block_client
test_block_ram_SRC := lib/packet/test/block_ram.c
test_block_ram_LIBS := packet base base_child config
test_block_client_SRC := lib/packet/test/block_client.c
test_block_client_LIBS := packet base base_child config
# A Nic hub and its clients, honest and hostile: a session with a stream
# in each direction (run/packet_nic.run).
PROGS += test_nic_hub test_nic_client
test_nic_hub_SRC := lib/packet/test/nic_hub.c
test_nic_hub_LIBS := packet base base_child config
test_nic_client_SRC := lib/packet/test/nic_client.c
test_nic_client_LIBS := packet base base_child config
