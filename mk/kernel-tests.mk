# tests/kernel: the kernel test suite, a root task run under QEMU TCG, QEMU KVM (when usable)
# and Bochs (GRUB ISO). Each run must end with "N passed, 0 failed", N >= KTEST_MIN_TESTS. The
# kernel runs with panic_poweroff: a kernel panic ends the run at once, not at its timeout.

KTEST_DIR       := tests/kernel
KTEST_ELF       := $(BUILD)/tests/kernel/ktest.elf
KTEST_ISO       := $(BUILD)/tests/kernel/ktest.iso
KTEST_C_SRCS    := $(sort $(wildcard $(KTEST_DIR)/*.c))
KTEST_OBJS      := $(patsubst %,$(BUILD)/user/obj/%.o,$(KTEST_C_SRCS) $(KTEST_DIR)/stubs.S \
	$(KTEST_DIR)/hostile_stubs.S)
KTEST_MIN_TESTS := 60

$(KTEST_ELF): $(KTEST_OBJS) $(BUILD)/user/libruntime.a $(BUILD)/user/obj/lib/runtime/crt0.S.o \
		lib/runtime/user.ld
	@mkdir -p $(dir $@)
	$(USER_LINK)

$(KTEST_ISO): $(KTEST_ELF) $(BUILD)/kernel/beaml4.elf tools/mkiso.sh
	tools/mkiso.sh --append panic_poweroff $@ $(BUILD)/kernel/beaml4.elf $(KTEST_ELF)

-include $(KTEST_OBJS:.o=.d)

.PHONY: kernel-tests test-kernel
kernel-tests: $(KTEST_ELF)

test-kernel: kernel $(KTEST_ELF) $(KTEST_ISO)
	$(KTEST_DIR)/run-suite.sh $(BUILD)/kernel/beaml4.elf $(KTEST_ELF) $(KTEST_ISO) \
		$(KTEST_MIN_TESTS) $(BUILD)/tests/kernel

TEST_TARGETS += test-kernel
LINT_SOURCES += $(KTEST_C_SRCS)
