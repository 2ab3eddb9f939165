# services/virtio (built and embedded in init by mk/services.mk): host tests of its protocol's
# decoder, and the system test that boots beaml4 with a virtio-blk disk and checks the image.

VIRTIO_IPC_HOST_TEST := $(BUILD)/host/ipc/test_ipc_virtio

$(VIRTIO_IPC_HOST_TEST): tests/host/ipc/test_ipc_virtio.c lib/ipc/virtio.c lib/ipc/msg.c \
		lib/ipc/include/ipc/virtio.h lib/ipc/include/ipc/msg.h lib/sel4/src/ipc_buffer.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-Ilib/ipc/include tests/host/ipc/test_ipc_virtio.c lib/ipc/virtio.c lib/ipc/msg.c \
		lib/sel4/src/ipc_buffer.c -lcmocka -o $@

# The driver's check of what a device writes to the used ring, against hostile rings.
VIRTIO_BLK_HOST_TEST := $(BUILD)/host/virtio/test_blk_check

$(VIRTIO_BLK_HOST_TEST): tests/host/virtio/test_blk_check.c services/virtio/blk_check.c \
		services/virtio/virtq.c $(wildcard services/virtio/*.h) lib/ipc/include/ipc/virtio.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-Ilib/ipc/include -Ilib/runtime/include -Iservices/virtio tests/host/virtio/test_blk_check.c \
		services/virtio/blk_check.c services/virtio/virtq.c -lcmocka -o $@

# The network driver's check of the device's rings, and nettest's parser of received frames.
VIRTIO_NET_HOST_TEST := $(BUILD)/host/virtio/test_net_check

$(VIRTIO_NET_HOST_TEST): tests/host/virtio/test_net_check.c services/virtio/net_check.c \
		services/virtio/virtq.c services/nettest/frames.c $(wildcard services/virtio/*.h) \
		services/nettest/frames.h lib/ipc/include/ipc/virtio.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-Ilib/ipc/include -Ilib/runtime/include -Iservices/virtio -Iservices/nettest \
		tests/host/virtio/test_net_check.c services/virtio/net_check.c services/virtio/virtq.c \
		services/nettest/frames.c -lcmocka -o $@

.PHONY: test-virtio-host
##dev host tests of the virtio service: its decoder, its checks of the devices' rings, frames
test-virtio-host: $(VIRTIO_IPC_HOST_TEST) $(VIRTIO_BLK_HOST_TEST) $(VIRTIO_NET_HOST_TEST)
	$(call quiet,TEST,$(VIRTIO_IPC_HOST_TEST))timeout 300 $(VIRTIO_IPC_HOST_TEST)
	$(call quiet,TEST,$(VIRTIO_BLK_HOST_TEST))timeout 300 $(VIRTIO_BLK_HOST_TEST)
	$(call quiet,TEST,$(VIRTIO_NET_HOST_TEST))timeout 300 $(VIRTIO_NET_HOST_TEST)

TEST_TARGETS += test-virtio-host
LINT_SOURCES += tests/host/ipc/test_ipc_virtio.c tests/host/virtio/test_blk_check.c \
	tests/host/virtio/test_net_check.c

.PHONY: test-virtio
##dev boot beaml4 with a virtio-blk disk: blktest reads, writes, flushes; the image is checked
test-virtio: kernel $(INIT_ELF)
	$(call quiet,TEST,tests/system/virtio/run-blktest.sh)tests/system/virtio/run-blktest.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(BUILD)/tests/virtio

TEST_TARGETS += test-virtio

.PHONY: test-virtio-net
##dev boot beaml4 with a virtio-net device: nettest echoes TCP from the host through 127.0.0.1
test-virtio-net: kernel $(INIT_ELF)
	$(call quiet,TEST,tests/system/virtio/run-nettest.py)tests/system/virtio/run-nettest.py \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(BUILD)/tests/virtio-net

TEST_TARGETS += test-virtio-net
