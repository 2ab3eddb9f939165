# The kernel built with UBSan checks that trap (-fsanitize-undefined-trap-on-error: a ud2 at the
# offending instruction, no runtime), with the kernel test suite and the smoke test (its own
# fuzzer) under QEMU TCG and the boot tests (every loader, machine and emulator they use) run on
# it. Undefined behaviour they provoke in the
# kernel (a shift past the word, an overflowing signed sum, an index past an array, a misaligned or
# null access) becomes a kernel-mode #UD, hence a panic naming the instruction, which
# tests/kernel/run-ubsan.sh turns into a source line.

KUBSAN_OBJ    := $(BUILD)/kernel-ubsan/obj
KUBSAN_ELF    := $(BUILD)/kernel-ubsan/beaml4.elf
KUBSAN_OBJS   := $(patsubst %,$(KUBSAN_OBJ)/%.o,$(KERNEL_SRCS))
KUBSAN_CFLAGS := $(KERNEL_CFLAGS) -fsanitize=undefined -fsanitize-undefined-trap-on-error

$(KUBSAN_OBJ)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$< [ubsan])$(CC) $(KUBSAN_CFLAGS) -c $< -o $@

$(KUBSAN_OBJ)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call quiet,AS,$< [ubsan])$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(KUBSAN_ELF): $(KUBSAN_OBJS) $(KERNEL_ARCH)/linker.ld
	$(call quiet,LD,$@)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KUBSAN_OBJS)

-include $(KUBSAN_OBJS:.o=.d)

.PHONY: kernel-ubsan test-kernel-ubsan
##dev build the kernel with trapping UBSan checks (build/kernel-ubsan/beaml4.elf)
kernel-ubsan: $(KUBSAN_ELF)

##dev the kernel suite, the smoke test and the boot tests on the UBSan kernel
test-kernel-ubsan: $(KUBSAN_ELF) $(KTEST_ELF) $(SMOKE_ELF) $(BOOT_TSC_TOOL) $(KTEST_MODULE_A) \
		$(KTEST_MODULE_B)
	$(call quiet,TEST,$(KTEST_ELF) [ubsan])tests/kernel/run-ubsan.sh \
		$(KUBSAN_ELF) $(KTEST_ELF) $(BUILD)/kernel-ubsan/suite $(KTEST_MODULES)
	$(call quiet,TEST,$(SMOKE_ELF) [ubsan])tests/kernel/run-ubsan.sh \
		$(KUBSAN_ELF) $(SMOKE_ELF) $(BUILD)/kernel-ubsan/smoke
	$(call quiet,TEST,$(KUBSAN_ELF) [boot tests])$(BOOT_TEST_DIR)/run-boot-tests.sh \
		$(KUBSAN_ELF) $(BOOT_TSC_TOOL) $(BUILD)/kernel-ubsan/boot

TEST_TARGETS += test-kernel-ubsan
