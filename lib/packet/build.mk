# The packet-stream ring (lib/packet/README.md) and its host unit test.
LIBS += packet
packet_SRC := lib/packet/packet_stream.c
HOST_TESTS += packet_test
packet_test_SRC := lib/packet/packet_stream.c lib/packet/test_packet.c
