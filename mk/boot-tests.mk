# Boot tests: the kernel booted on every path (QEMU TCG multiboot1/PVH/multiboot2 ISO, KVM when
# usable, Bochs) with its summary checked against the host; and host tests of the platform
# layer's pure logic (loader parsers, memory map, MADT, CRC32) under the sanitizers.

BOOT_TEST_DIR  := tests/system/boot
BOOT_ARCH_DIR  := kernel/arch/x86/64
BOOT_TEST_WORK := $(BUILD)/tests/boot
BOOT_TSC_TOOL  := $(BUILD)/host/boot/host_tsc_hz

$(BOOT_TSC_TOOL): $(BOOT_TEST_DIR)/host_tsc_hz.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $< -o $@

# The platform's pure logic, compiled for the host against a fake physical memory.
BOOT_HOST_TEST := $(BUILD)/host/boot/test_platform
BOOT_HOST_SRCS := $(wildcard $(BOOT_TEST_DIR)/host/*.c) \
	$(addprefix $(BOOT_ARCH_DIR)/platform/,boot_params.c multiboot1.c multiboot2.c pvh.c \
		memory_map.c boot_memory.c acpi.c madt.c crc32.c platform_error.c pvclock.c \
		kernel_window_span.c)
BOOT_HOST_HDRS := $(wildcard $(BOOT_TEST_DIR)/host/*.h $(BOOT_ARCH_DIR)/platform/*.h \
	$(BOOT_ARCH_DIR)/include/arch/*.h)

$(BOOT_HOST_TEST): $(BOOT_HOST_SRCS) $(BOOT_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -I$(BOOT_ARCH_DIR)/include \
		-Ikernel/include -I$(BOOT_ARCH_DIR)/platform \
		$(BOOT_HOST_SRCS) -lcmocka -lz -o $@

.PHONY: test-boot test-boot-system test-boot-host
##dev host unit tests of the platform layer (loaders, memory map, MADT, CRC32)
test-boot-host: $(BOOT_HOST_TEST)
	$(call quiet,TEST,$(BOOT_HOST_TEST))timeout 300 $(BOOT_HOST_TEST)

##dev boot the kernel on every path (QEMU TCG, KVM, Bochs); check its summary
test-boot-system: kernel $(BOOT_TSC_TOOL)
	$(call quiet,TEST,$(BOOT_TEST_DIR)/run-boot-tests.sh)$(BOOT_TEST_DIR)/run-boot-tests.sh \
		$(KERNEL_ELF) $(BOOT_TSC_TOOL) $(BOOT_TEST_WORK)

##dev test-boot-host and test-boot-system
test-boot: test-boot-host test-boot-system

TEST_TARGETS += test-boot
LINT_SOURCES += $(BOOT_TEST_DIR)/host_tsc_hz.c $(wildcard $(BOOT_TEST_DIR)/host/*.c)
