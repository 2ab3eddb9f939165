# The test guest (guests/testguest): one set of objects linked twice, low (at 1 MiB) and high
# (at 0xffffffff80000000, loaded at 1 MiB), and each image also copied with its multiboot1
# magic cleared so that QEMU boots it through the PVH note. -mcmodel=kernel code links at
# both addresses: every absolute reference is a sign-extended 32-bit value.

TESTGUEST_DIR := guests/testguest
TESTGUEST_OUT := $(BUILD)/guests/testguest
TESTGUEST_OBJ := $(TESTGUEST_OUT)/obj

TESTGUEST_SRCS := $(sort $(shell find $(TESTGUEST_DIR) -name '*.c' -o -name '*.S')) lib/fmt/fmt.c
TESTGUEST_OBJS := $(patsubst %,$(TESTGUEST_OBJ)/%.o,$(TESTGUEST_SRCS))
TESTGUEST_IMAGES := $(addprefix $(TESTGUEST_OUT)/testguest-,low.elf high.elf low-pvh.elf \
	high-pvh.elf)

# -fno-tree-loop-distribute-patterns: GCC would otherwise turn string.c's loops into calls
# to themselves.
TESTGUEST_CFLAGS := $(FREESTANDING_CFLAGS) -mcmodel=kernel -fno-tree-loop-distribute-patterns \
	-I$(TESTGUEST_DIR)/include -Ilib/fmt/include -MMD -MP
TESTGUEST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(TESTGUEST_DIR)/testguest.ld

$(TESTGUEST_OBJ)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(TESTGUEST_CFLAGS) -c $< -o $@

$(TESTGUEST_OBJ)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call quiet,AS,$<)$(CC) $(TESTGUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(TESTGUEST_OUT)/testguest-low.elf: $(TESTGUEST_OBJS) $(TESTGUEST_DIR)/testguest.ld
	$(call quiet,LD,$@)$(LD) $(TESTGUEST_LDFLAGS) --defsym=VIRT_OFFSET=0 -o $@ $(TESTGUEST_OBJS)

$(TESTGUEST_OUT)/testguest-high.elf: $(TESTGUEST_OBJS) $(TESTGUEST_DIR)/testguest.ld
	$(call quiet,LD,$@)$(LD) $(TESTGUEST_LDFLAGS) --defsym=VIRT_OFFSET=0xffffffff80000000 -o $@ \
		$(TESTGUEST_OBJS)

$(TESTGUEST_OUT)/testguest-%-pvh.elf: $(TESTGUEST_OUT)/testguest-%.elf \
		$(TESTGUEST_DIR)/drop-multiboot1.py
	$(call quiet,GEN,$@)$(TESTGUEST_DIR)/drop-multiboot1.py $< $@

-include $(TESTGUEST_OBJS:.o=.d)

.PHONY: testguest
##dev build the test guest's four images (multiboot1/PVH, linked low/high)
testguest: $(TESTGUEST_IMAGES)
all: testguest

# Every program in every variant bare under QEMU TCG; the outputs stay in build/ as the
# reference for differential runs under beaml4 (tests/system/guest/run-bare.sh --help).
TESTGUEST_BARE_OUT := $(BUILD)/tests/guest/bare

.PHONY: test-guest-bare
##dev every test-guest program, four variants, bare under QEMU TCG (references)
test-guest-bare: $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/guest/run-bare.sh)tests/system/guest/run-bare.sh \
		$(TESTGUEST_OUT) $(TESTGUEST_BARE_OUT)

TEST_TARGETS += test-guest-bare

# The x2apic program's reference is Bochs (QEMU 7.2 TCG has no x2APIC): it must run its checks
# there, not skip them.
.PHONY: test-guest-bochs
##dev the test guest's x2apic program in Bochs, its reference
test-guest-bochs: $(TESTGUEST_OUT)/testguest-high.elf
	@mkdir -p $(TESTGUEST_BARE_OUT)
	$(call quiet,TEST,tests/system/guest/run-bochs.sh)tests/system/guest/run-bochs.sh $< x2apic \
		>$(TESTGUEST_BARE_OUT)/bochs-x2apic.log; \
		status=$$?; cat $(TESTGUEST_BARE_OUT)/bochs-x2apic.log; \
		[ $$status -eq 0 ] && grep -q '^== x2apic: [1-9][0-9]* checks passed' \
			$(TESTGUEST_BARE_OUT)/bochs-x2apic.log || \
		{ echo "test-guest-bochs: x2apic did not pass its checks in Bochs (status $$status)"; exit 1; }

TEST_TARGETS += test-guest-bochs

# Static checks: clang-format and cppcheck through LINT_SOURCES; clang-tidy with the guest's
# own include path (its string.h must not shadow the host's for the other lint runs).
TESTGUEST_LINT_SOURCES := $(filter $(TESTGUEST_DIR)/%.c,$(TESTGUEST_SRCS))
LINT_SOURCES += $(TESTGUEST_LINT_SOURCES)

.PHONY: clang-tidy-testguest
clang-tidy-testguest:
	$(call clang_tidy_run,$(TESTGUEST_LINT_SOURCES),$(CLANG_TIDY_FREESTANDING) \
		-I$(TESTGUEST_DIR)/include -Ilib/fmt/include)
	@echo "clang-tidy: $(words $(TESTGUEST_LINT_SOURCES)) test-guest files clean"

test-lint: clang-tidy-testguest
