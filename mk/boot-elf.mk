# The root task's ELF image (kernel/arch/x86/64/kernel/boot_elf.c and the loader in
# boot_root_task.c): host unit tests of elf_parse under ASan/UBSan, with synthetic images and the
# project's own root tasks cut at every length; a libFuzzer target; a system test that boots the
# kernel with malformed root-task images made from init and checks each boot error.
#
#   make test-boot-elf-host               unit tests
#   make test-boot-elf-fuzz               20 s of fuzzing
#   make fuzz-boot-elf FUZZ_SECONDS=N     longer fuzzing run
#   make test-bad-root-task               the system test (QEMU TCG)
#
# The other fragments' variables are not defined yet when this one is read (mk/*.mk in name
# order), so their outputs are named by path here.

BOOT_ELF_OUT      := $(BUILD)/host/boot_elf
BOOT_ELF_TESTDIR  := tests/host/boot_elf
BOOT_ELF_FUZZDIR  := tests/fuzz/boot_elf
BOOT_ELF_KERNEL   := kernel/arch/x86/64
# The parser and the kernel's own rule for user addresses (vspace.c); the sections of vspace.c
# that need the rest of the kernel are unused here and dropped by the linker.
BOOT_ELF_SRCS     := $(BOOT_ELF_KERNEL)/kernel/boot_elf.c $(BOOT_ELF_KERNEL)/object/vspace.c
BOOT_ELF_HDRS     := $(wildcard $(BOOT_ELF_KERNEL)/include/arch/*.h \
	$(BOOT_ELF_KERNEL)/include/arch/*/*.h kernel/include/kernel/*.h include/sel4/*.h)
BOOT_ELF_INCLUDES := -I$(BOOT_ELF_KERNEL)/include -Ikernel/include -Iinclude
BOOT_ELF_GC       := -ffunction-sections -fdata-sections -Wl,--gc-sections
BOOT_ELF_BUILDER  := $(BOOT_ELF_TESTDIR)/elf_builder.c $(BOOT_ELF_TESTDIR)/elf_builder.h
BOOT_ELF_ROOT_TASKS := $(BUILD)/services/init/init.elf $(BUILD)/tests/kernel/ktest.elf

BOOT_ELF_FUZZ_TEST_SECONDS ?= 20
##dev N: how long the fuzz-* targets run, in seconds (default 600)
FUZZ_SECONDS ?= 600

$(BOOT_ELF_OUT)/test_boot_elf: $(BOOT_ELF_TESTDIR)/test_boot_elf.c $(BOOT_ELF_BUILDER) \
		$(BOOT_ELF_SRCS) $(BOOT_ELF_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(BOOT_ELF_GC) \
		$(BOOT_ELF_INCLUDES) $(BOOT_ELF_TESTDIR)/test_boot_elf.c $(BOOT_ELF_TESTDIR)/elf_builder.c \
		$(BOOT_ELF_SRCS) -lcmocka -o $@

# vspace.c without coverage instrumentation: its pc-table would keep the functions that need the
# rest of the kernel alive through the linker's garbage collection.
$(BOOT_ELF_OUT)/fuzz_vspace.o: $(BOOT_ELF_KERNEL)/object/vspace.c $(BOOT_ELF_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$< [fuzz])$(FUZZ_CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror \
		-fsanitize=address,undefined -fno-sanitize-recover=all -ffunction-sections \
		-fdata-sections $(BOOT_ELF_INCLUDES) -c $< -o $@

$(BOOT_ELF_OUT)/fuzz_boot_elf: $(BOOT_ELF_FUZZDIR)/fuzz_boot_elf.c $(BOOT_ELF_BUILDER) \
		$(BOOT_ELF_KERNEL)/kernel/boot_elf.c $(BOOT_ELF_OUT)/fuzz_vspace.o $(BOOT_ELF_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(FUZZ_CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(BOOT_ELF_GC) \
		$(BOOT_ELF_INCLUDES) \
		$(BOOT_ELF_FUZZDIR)/fuzz_boot_elf.c $(BOOT_ELF_TESTDIR)/elf_builder.c \
		$(BOOT_ELF_KERNEL)/kernel/boot_elf.c $(BOOT_ELF_OUT)/fuzz_vspace.o -o $@

.PHONY: test-boot-elf-host test-boot-elf-fuzz fuzz-boot-elf test-bad-root-task test-boot-elf
##dev host unit tests of the root task's ELF parser, images cut at every length
test-boot-elf-host: $(BOOT_ELF_OUT)/test_boot_elf $(BOOT_ELF_ROOT_TASKS)
	$(call quiet,TEST,$<)timeout 300 $< $(BOOT_ELF_ROOT_TASKS)

# Bounded fuzzing: a fixed wall-clock budget, corpus kept under build/ between runs; the inputs
# in seeds/ (findings, kept as regressions) run first. The whole log is shown on a finding.
BOOT_ELF_FUZZ_ARGS = -max_len=4096 -print_final_stats=1 -artifact_prefix=$(BOOT_ELF_OUT)/ \
	$(BOOT_ELF_OUT)/corpus $(BOOT_ELF_FUZZDIR)/seeds

##dev 20 s of fuzzing the root task's ELF parser (its seeds first)
test-boot-elf-fuzz: $(BOOT_ELF_OUT)/fuzz_boot_elf
	@mkdir -p $(BOOT_ELF_OUT)/corpus
	$(call quiet,FUZZ,$< ($(BOOT_ELF_FUZZ_TEST_SECONDS) s))status=0; \
	timeout $$(($(BOOT_ELF_FUZZ_TEST_SECONDS) + 120)) $< \
		-max_total_time=$(BOOT_ELF_FUZZ_TEST_SECONDS) $(BOOT_ELF_FUZZ_ARGS) \
		>$(BOOT_ELF_OUT)/fuzz.log 2>&1 || status=$$?; \
	if [ $$status -ne 0 ]; then cat $(BOOT_ELF_OUT)/fuzz.log; \
		echo "test-boot-elf-fuzz: FAILED (status $$status)"; exit 1; fi; \
	grep -E '^(Done|stat::new_units_added)' $(BOOT_ELF_OUT)/fuzz.log; \
	echo "test-boot-elf-fuzz: passed ($(BOOT_ELF_FUZZ_TEST_SECONDS) s, nothing found)"

##dev fuzz the root task's ELF parser for FUZZ_SECONDS
fuzz-boot-elf: $(BOOT_ELF_OUT)/fuzz_boot_elf
	@mkdir -p $(BOOT_ELF_OUT)/corpus
	$(call quiet,FUZZ,$< ($(FUZZ_SECONDS) s))$< -max_total_time=$(FUZZ_SECONDS) \
		$(BOOT_ELF_FUZZ_ARGS)

##dev boot the kernel with malformed root-task images; check each boot error
test-bad-root-task: kernel $(BUILD)/services/init/init.elf
	$(call quiet,TEST,tests/system/boot/bad-root-task.sh)tests/system/boot/bad-root-task.sh \
		$(BUILD)/kernel/beaml4.elf $(BUILD)/services/init/init.elf $(BUILD)/tests/bad-root-task

##dev test-boot-elf-host, test-boot-elf-fuzz and test-bad-root-task
test-boot-elf: test-boot-elf-host test-boot-elf-fuzz test-bad-root-task

TEST_TARGETS += test-boot-elf-host test-boot-elf-fuzz test-bad-root-task
LINT_SOURCES += $(BOOT_ELF_TESTDIR)/test_boot_elf.c $(BOOT_ELF_TESTDIR)/elf_builder.c \
	$(BOOT_ELF_FUZZDIR)/fuzz_boot_elf.c
