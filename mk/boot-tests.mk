# Boot tests: the kernel booted on every path (QEMU TCG multiboot1/PVH/multiboot2 ISO, KVM when
# usable, Bochs) with its summary checked against the host; and host tests of the platform
# layer's pure logic (loader parsers, memory map, MADT, CRC32) under the sanitizers.

BOOT_TEST_DIR  := tests/system/boot
BOOT_TEST_WORK := $(BUILD)/tests/boot
BOOT_TSC_TOOL  := $(BUILD)/host/boot/host_tsc_hz

$(BOOT_TSC_TOOL): $(BOOT_TEST_DIR)/host_tsc_hz.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $< -o $@

.PHONY: test-boot test-boot-system
test-boot-system: kernel $(BOOT_TSC_TOOL)
	$(BOOT_TEST_DIR)/run-boot-tests.sh $(KERNEL_ELF) $(BOOT_TSC_TOOL) $(BOOT_TEST_WORK)

test-boot: test-boot-system

TEST_TARGETS += test-boot
LINT_SOURCES += $(BOOT_TEST_DIR)/host_tsc_hz.c
