# services/virtio (built and embedded in init by mk/services.mk): host tests of its protocol's
# decoder, and the system test that boots beaml4 with a virtio-blk disk and checks the image.

VIRTIO_IPC_HOST_TEST := $(BUILD)/host/ipc/test_ipc_virtio

$(VIRTIO_IPC_HOST_TEST): tests/host/ipc/test_ipc_virtio.c lib/ipc/virtio.c lib/ipc/msg.c \
		lib/ipc/include/ipc/virtio.h lib/ipc/include/ipc/msg.h lib/sel4/src/ipc_buffer.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-Ilib/ipc/include tests/host/ipc/test_ipc_virtio.c lib/ipc/virtio.c lib/ipc/msg.c \
		lib/sel4/src/ipc_buffer.c -lcmocka -o $@

.PHONY: test-virtio-host
##dev host tests of the virtio service's protocol decoder (every field at and past its limits)
test-virtio-host: $(VIRTIO_IPC_HOST_TEST)
	$(call quiet,TEST,$(VIRTIO_IPC_HOST_TEST))timeout 300 $(VIRTIO_IPC_HOST_TEST)

TEST_TARGETS += test-virtio-host
LINT_SOURCES += tests/host/ipc/test_ipc_virtio.c

.PHONY: test-virtio
##dev boot beaml4 with a virtio-blk disk: blktest reads, writes, flushes; the image is checked
test-virtio: kernel $(INIT_ELF)
	$(call quiet,TEST,tests/system/virtio/run-blktest.sh)tests/system/virtio/run-blktest.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(BUILD)/tests/virtio

TEST_TARGETS += test-virtio
