# lib/vdev: the VMM's device models (docs/vmm-devices.md). Freestanding C like the other
# libraries; host tests with cmocka under ASan/UBSan, a libFuzzer target over the whole platform.
#
#   make test-vdev                   freestanding check (no libc, no writable data), host tests
#   make test-vdev-fuzz              VDEV_FUZZ_TEST_SECONDS of fuzzing (20 s)
#   make fuzz-vdev FUZZ_SECONDS=N    a longer fuzzing run
#   make lint-vdev                   clang-format, cppcheck and clang-tidy on lib/vdev's files
#
# In tests/host/vdev each test_*.c is a test program; the other .c files are helpers linked into
# every test and the fuzzer. The freestanding archive is $(VDEV_LIB), with $(VDEV_INCLUDE).

VDEV_DIR        := lib/vdev
VDEV_INCLUDE    := -I$(VDEV_DIR)/include -Ilib/pv/include
# The virtio devices reach guest RAM only through lib/pv's checked accessors (pv/memory.h).
VDEV_PV_MEMORY  := lib/pv/memory.c
VDEV_SRCS       := $(sort $(wildcard $(VDEV_DIR)/*.c))
VDEV_HDRS       := $(wildcard $(VDEV_DIR)/*.h $(VDEV_DIR)/include/vdev/*.h)
VDEV_OUT        := $(BUILD)/vdev
VDEV_LIB        := $(VDEV_OUT)/libvdev.a
VDEV_FS_OBJS    := $(patsubst $(VDEV_DIR)/%.c,$(VDEV_OUT)/freestanding/%.o,$(VDEV_SRCS))
VDEV_TEST_DIR   := tests/host/vdev
VDEV_TEST_SRCS  := $(sort $(wildcard $(VDEV_TEST_DIR)/test_*.c))
VDEV_TEST_HELP  := $(filter-out $(VDEV_TEST_SRCS),$(sort $(wildcard $(VDEV_TEST_DIR)/*.c)))
VDEV_TEST_HDRS  := $(wildcard $(VDEV_TEST_DIR)/*.h)
VDEV_TEST_BINS  := $(patsubst $(VDEV_TEST_DIR)/%.c,$(VDEV_OUT)/tests/%,$(VDEV_TEST_SRCS))
# test_acpi_tables and the fuzzer read what the builder wrote with lib/acpi.
VDEV_ACPI_SRCS  := $(sort $(wildcard lib/acpi/*.c))
VDEV_TEST_EXTRA_test_acpi_tables := $(VDEV_ACPI_SRCS) -Ilib/acpi/include
VDEV_TEST_EXTRA_test_acpi_virtio := $(VDEV_ACPI_SRCS) -Ilib/acpi/include
VDEV_FUZZ_DIR   := tests/fuzz/vdev
VDEV_FUZZ_SRC   := $(VDEV_FUZZ_DIR)/fuzz_vdev.c
VDEV_FUZZ_BIN   := $(VDEV_OUT)/fuzz_vdev
VDEV_FUZZ_FLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
VDEV_FUZZ_ARGS   = -max_len=4096 -len_control=0 -timeout=10 -print_final_stats=1 -artifact_prefix=$(VDEV_OUT)/ \
	$(VDEV_OUT)/corpus $(wildcard $(VDEV_FUZZ_DIR)/seeds)
# The virtio devices have a fuzzer of their own (tests/fuzz/virtio): rings and registers.
VIRTIO_FUZZ_DIR  := tests/fuzz/virtio
VIRTIO_FUZZ_SRC  := $(VIRTIO_FUZZ_DIR)/fuzz_virtio.c
VIRTIO_FUZZ_BIN  := $(VDEV_OUT)/fuzz_virtio
VIRTIO_FUZZ_ARGS  = -max_len=4096 -timeout=10 -print_final_stats=1 -artifact_prefix=$(VDEV_OUT)/virtio- \
	$(VDEV_OUT)/virtio-corpus $(wildcard $(VIRTIO_FUZZ_DIR)/seeds)
##dev 10: seconds of fuzzing the virtio devices in make test (test-virtio-fuzz)
VIRTIO_FUZZ_TEST_SECONDS ?= 10
##dev 20: seconds of fuzzing lib/vdev in make test (test-vdev-fuzz)
VDEV_FUZZ_TEST_SECONDS ?= 20
FUZZ_SECONDS    ?= 600
# Only these symbols may stay undefined in the freestanding archive.
VDEV_ALLOWED_UNDEFINED := memcpy memset memmove memcmp pv_memory_read pv_memory_write \
	pv_memory_span pv_memory_span_mut
VDEV_LINT_FILES  = $(VDEV_SRCS) $(VDEV_HDRS) $(VDEV_TEST_SRCS) $(VDEV_TEST_HELP) \
	$(VDEV_TEST_HDRS) $(wildcard $(VDEV_FUZZ_DIR)/*.c) $(VIRTIO_FUZZ_SRC)

LINT_SOURCES += $(VDEV_SRCS) $(VDEV_TEST_SRCS) $(VDEV_TEST_HELP) $(wildcard $(VDEV_FUZZ_DIR)/*.c) \
	$(VIRTIO_FUZZ_SRC)
TEST_TARGETS += test-vdev test-vdev-fuzz test-virtio-fuzz

.PHONY: test-vdev test-vdev-fuzz fuzz-vdev vdev-freestanding vdev-host-tests lint-vdev \
	test-virtio-fuzz fuzz-virtio

$(VDEV_OUT)/freestanding/%.o: $(VDEV_DIR)/%.c $(VDEV_HDRS)
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(FREESTANDING_CFLAGS) $(VDEV_INCLUDE) -c $< -o $@

$(VDEV_LIB): $(VDEV_FS_OBJS)
	@rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

# Freestanding: every file builds with FREESTANDING_CFLAGS, the archive needs nothing from
# outside but the memory functions, and it has no writable data (all state is the caller's).
vdev-freestanding: $(VDEV_LIB)
	@undefined=$$(nm -u $< | awk 'NF == 2 { print $$2 }' | sort -u); \
	defined=$$(nm --defined-only $< | awk 'NF == 3 { print $$3 }' | tr '\n' ' '); \
	bad=""; for s in $$undefined; do \
		case " $(VDEV_ALLOWED_UNDEFINED) $$defined " in *" $$s "*) ;; *) bad="$$bad $$s";; esac; \
	done; \
	if [ -n "$$bad" ]; then echo "vdev: freestanding archive needs:$$bad" >&2; exit 1; fi; \
	writable=$$(size -A $(VDEV_FS_OBJS) | awk '$$1 ~ /^\.(data|bss)/ && $$2 != 0'); \
	if [ -n "$$writable" ]; then echo "vdev: writable data:"; echo "$$writable"; exit 1; fi; \
	echo "vdev: $(words $(VDEV_FS_OBJS)) files build freestanding, no writable data"

$(VDEV_OUT)/tests/%: $(VDEV_TEST_DIR)/%.c $(VDEV_TEST_HELP) $(VDEV_TEST_HDRS) $(VDEV_SRCS) \
		$(VDEV_HDRS) $(VDEV_ACPI_SRCS) $(VDEV_PV_MEMORY)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(VDEV_INCLUDE) \
		-I$(VDEV_DIR) -I$(VDEV_TEST_DIR) $< $(VDEV_TEST_HELP) $(VDEV_SRCS) $(VDEV_PV_MEMORY) \
		$(VDEV_TEST_EXTRA_$*) -lcmocka -o $@

$(VDEV_FUZZ_BIN): $(VDEV_FUZZ_SRC) $(VDEV_TEST_HELP) $(VDEV_TEST_HDRS) $(VDEV_SRCS) $(VDEV_HDRS) \
		$(VDEV_ACPI_SRCS) $(VDEV_PV_MEMORY)
	@mkdir -p $(@D)
	$(call quiet,FUZZCC,$@)$(FUZZ_CC) $(VDEV_FUZZ_FLAGS) $(VDEV_INCLUDE) -I$(VDEV_TEST_DIR) \
		-Ilib/acpi/include $(VDEV_FUZZ_SRC) $(VDEV_TEST_HELP) $(VDEV_SRCS) $(VDEV_ACPI_SRCS) \
		$(VDEV_PV_MEMORY) -o $@

vdev-host-tests: $(VDEV_TEST_BINS)
	@set -e; for t in $(VDEV_TEST_BINS); do \
		echo "== $$t"; timeout 600 $$t; \
	done

##dev lib/vdev: freestanding check and the device models' host tests (ASan/UBSan)
test-vdev: vdev-freestanding vdev-host-tests
	@echo "test-vdev: passed"

# Bounded fuzzing: a fixed wall-clock budget, the corpus kept under build/ between runs, the
# inputs in seeds/ (findings kept as regressions) first. The whole log is shown on a finding.
##dev lib/vdev: VDEV_FUZZ_TEST_SECONDS of fuzzing every port, MMIO offset and MSR
test-vdev-fuzz: $(VDEV_FUZZ_BIN)
	@mkdir -p $(VDEV_OUT)/corpus
	$(call quiet,FUZZ,$< ($(VDEV_FUZZ_TEST_SECONDS) s))status=0; \
	timeout $$(($(VDEV_FUZZ_TEST_SECONDS) + 120)) $< \
		-max_total_time=$(VDEV_FUZZ_TEST_SECONDS) $(VDEV_FUZZ_ARGS) \
		>$(VDEV_OUT)/fuzz.log 2>&1 || status=$$?; \
	if [ $$status -ne 0 ]; then cat $(VDEV_OUT)/fuzz.log; \
		echo "test-vdev-fuzz: FAILED (status $$status)"; exit 1; fi; \
	grep -E '^(Done|stat::new_units_added)|DONE +cov' $(VDEV_OUT)/fuzz.log; \
	echo "test-vdev-fuzz: passed ($(VDEV_FUZZ_TEST_SECONDS) s, nothing found)"

$(VIRTIO_FUZZ_BIN): $(VIRTIO_FUZZ_SRC) $(VDEV_SRCS) $(VDEV_HDRS) $(VDEV_PV_MEMORY)
	@mkdir -p $(@D)
	$(call quiet,FUZZCC,$@)$(FUZZ_CC) $(VDEV_FUZZ_FLAGS) $(VDEV_INCLUDE) $(VIRTIO_FUZZ_SRC) \
		$(VDEV_SRCS) $(VDEV_PV_MEMORY) -o $@

##dev lib/vdev: VIRTIO_FUZZ_TEST_SECONDS of fuzzing the virtio transport, rings and devices
test-virtio-fuzz: $(VIRTIO_FUZZ_BIN)
	@mkdir -p $(VDEV_OUT)/virtio-corpus
	$(call quiet,FUZZ,$< ($(VIRTIO_FUZZ_TEST_SECONDS) s))status=0; \
	timeout $$(($(VIRTIO_FUZZ_TEST_SECONDS) + 120)) $< \
		-max_total_time=$(VIRTIO_FUZZ_TEST_SECONDS) $(VIRTIO_FUZZ_ARGS) \
		>$(VDEV_OUT)/virtio-fuzz.log 2>&1 || status=$$?; \
	if [ $$status -ne 0 ]; then cat $(VDEV_OUT)/virtio-fuzz.log; \
		echo "test-virtio-fuzz: FAILED (status $$status)"; exit 1; fi; \
	grep -E '^(Done|stat::new_units_added)|DONE +cov' $(VDEV_OUT)/virtio-fuzz.log; \
	echo "test-virtio-fuzz: passed ($(VIRTIO_FUZZ_TEST_SECONDS) s, nothing found)"

##dev fuzz the virtio devices for FUZZ_SECONDS
fuzz-virtio: $(VIRTIO_FUZZ_BIN)
	@mkdir -p $(VDEV_OUT)/virtio-corpus
	$(call quiet,FUZZ,$< ($(FUZZ_SECONDS) s))$< -max_total_time=$(FUZZ_SECONDS) $(VIRTIO_FUZZ_ARGS)

##dev fuzz lib/vdev's platform for FUZZ_SECONDS
fuzz-vdev: $(VDEV_FUZZ_BIN)
	@mkdir -p $(VDEV_OUT)/corpus
	$(call quiet,FUZZ,$< ($(FUZZ_SECONDS) s))$< -max_total_time=$(FUZZ_SECONDS) $(VDEV_FUZZ_ARGS)

##dev lib/vdev's files only: clang-format, cppcheck, clang-tidy (host flags)
lint-vdev:
	$(call quiet,LINT,clang-format (vdev))clang-format --dry-run -Werror $(VDEV_LINT_FILES)
	$(call quiet,LINT,cppcheck (vdev))cppcheck $(CPPCHECK_FLAGS) $(LINT_INCLUDES) \
		-I$(VDEV_TEST_DIR) $(VDEV_SRCS) $(VDEV_TEST_SRCS) $(VDEV_TEST_HELP) \
		$(wildcard $(VDEV_FUZZ_DIR)/*.c)
	$(call clang_tidy_run,$(VDEV_SRCS),-std=gnu11 $(LINT_INCLUDES))
	@echo "lint-vdev: clean"

.SECONDARY: $(VDEV_FS_OBJS)
