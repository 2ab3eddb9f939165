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

.PHONY: test-virtio-host
##dev host tests of the virtio service: its protocol's decoder, its check of the device's rings
test-virtio-host: $(VIRTIO_IPC_HOST_TEST) $(VIRTIO_BLK_HOST_TEST)
	$(call quiet,TEST,$(VIRTIO_IPC_HOST_TEST))timeout 300 $(VIRTIO_IPC_HOST_TEST)
	$(call quiet,TEST,$(VIRTIO_BLK_HOST_TEST))timeout 300 $(VIRTIO_BLK_HOST_TEST)

TEST_TARGETS += test-virtio-host
LINT_SOURCES += tests/host/ipc/test_ipc_virtio.c tests/host/virtio/test_blk_check.c

.PHONY: test-virtio
##dev boot beaml4 with a virtio-blk disk: blktest reads, writes, flushes; the image is checked
test-virtio: kernel $(INIT_ELF)
	$(call quiet,TEST,tests/system/virtio/run-blktest.sh)tests/system/virtio/run-blktest.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(BUILD)/tests/virtio

TEST_TARGETS += test-virtio
