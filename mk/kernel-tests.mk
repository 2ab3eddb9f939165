# tests/kernel: the kernel test suite, a root task run under QEMU TCG, QEMU KVM (when usable)
# and Bochs (GRUB ISO). Each run must end with "N passed, 0 failed", N >= KTEST_MIN_TESTS. The
# kernel runs with panic_poweroff: a kernel panic ends the run at once, not at its timeout.

KTEST_DIR       := tests/kernel
KTEST_ELF       := $(BUILD)/tests/kernel/ktest.elf
KTEST_ISO       := $(BUILD)/tests/kernel/ktest.iso
KTEST_C_SRCS    := $(sort $(wildcard $(KTEST_DIR)/*.c))
KTEST_OBJS      := $(patsubst %,$(BUILD)/user/obj/%.o,$(KTEST_C_SRCS) $(KTEST_DIR)/stubs.S \
	$(KTEST_DIR)/hostile_stubs.S $(KTEST_DIR)/pv_stubs.S $(KTEST_DIR)/vcpu_guest.S)
KTEST_MIN_TESTS := 60

$(KTEST_ELF): $(KTEST_OBJS) $(BUILD)/user/libruntime.a $(BUILD)/user/obj/lib/runtime/crt0.S.o \
		lib/runtime/user.ld
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(USER_LINK)

# Two boot modules for the modules group (tests/kernel/test_modules.c says their patterns): the
# suite's runs pass them after the suite itself, the first with words after its path.
KTEST_MODULE_A := $(BUILD)/tests/kernel/ktest-module-a.bin
KTEST_MODULE_B := $(BUILD)/tests/kernel/ktest-module-b.bin
KTEST_MODULES  := "$(KTEST_MODULE_A) role=test words kept" $(KTEST_MODULE_B)

$(KTEST_MODULE_A):
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)python3 -c \
		'import sys; sys.stdout.buffer.write(bytes((i * 7 + 3) & 255 for i in range(12345)))' >$@
$(KTEST_MODULE_B):
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)python3 -c \
		'import sys; sys.stdout.buffer.write(bytes(((i >> 8) ^ i) & 255 for i in range(8192)))' >$@

$(KTEST_ISO): $(KTEST_ELF) $(BUILD)/kernel/beaml4.elf tools/mkiso.sh $(KTEST_MODULE_A) $(KTEST_MODULE_B)
	$(call quiet,ISO,$@)tools/mkiso.sh --append panic_poweroff $@ $(BUILD)/kernel/beaml4.elf \
		$(KTEST_ELF) $(KTEST_MODULES)

-include $(KTEST_OBJS:.o=.d)

.PHONY: kernel-tests test-kernel
##dev build the kernel test suite, a root task (tests/kernel)
kernel-tests: $(KTEST_ELF)

##dev the kernel test suite under QEMU TCG (two CPUs), KVM (when usable), Bochs
test-kernel: kernel $(KTEST_ELF) $(KTEST_ISO) $(KTEST_MODULE_A) $(KTEST_MODULE_B)
	$(call quiet,TEST,$(KTEST_DIR)/run-suite.sh)$(KTEST_DIR)/run-suite.sh \
		$(BUILD)/kernel/beaml4.elf $(KTEST_ELF) $(KTEST_ISO) $(KTEST_MIN_TESTS) \
		$(BUILD)/tests/kernel $(KTEST_MODULES)

TEST_TARGETS += test-kernel
LINT_SOURCES += $(KTEST_C_SRCS)
