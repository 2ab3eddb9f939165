# lib/pv: the PV back end's guest-facing logic (docs/pv.md), freestanding and host-tested: the
# patch-point scanner, the guest page-table walker and software TLB, the PV vCPU (instruction
# emulation, exception and interrupt delivery, the 32-bit boot path). services/vmm links it with
# lib/x86dec and lib/elf and supplies the host side (seL4 mappings, devices, the vCPU thread).
#
#   make test-pv                     freestanding check, then every host test (cmocka, ASan/UBSan)
#   make test-pv-fuzz                PV_FUZZ_TEST_SECONDS of each fuzzer in tests/fuzz/pv
#   make fuzz-pv-NAME FUZZ_SECONDS=N a longer run of tests/fuzz/pv/fuzz_NAME.c
#
# In tests/host/pv each test_*.c is a test program; the other .c files are helpers linked into
# every test and every fuzzer (fake guest memory, guest builders). Tests get the project's ELF
# files as arguments (PV_TEST_ARGS), for the scanner's runs over real kernels.

PV_DIR         := lib/pv
PV_INCLUDE     := -I$(PV_DIR)/include -Ilib/x86dec/include -Ilib/elf/include -Iinclude
PV_SRCS        := $(sort $(wildcard $(PV_DIR)/*.c))
PV_HDRS        := $(wildcard $(PV_DIR)/*.h $(PV_DIR)/include/pv/*.h)
# lib/x86dec and lib/elf by path: this fragment is read before theirs.
PV_DEP_SRCS    := $(sort $(wildcard lib/x86dec/*.c lib/elf/*.c))
PV_DEP_HDRS    := $(wildcard lib/x86dec/*.h lib/x86dec/include/x86dec/*.h lib/elf/*.h \
	lib/elf/include/elf/*.h)
PV_OUT         := $(BUILD)/pv
PV_LIB         := $(PV_OUT)/libpv.a
PV_FS_OBJS     := $(patsubst $(PV_DIR)/%.c,$(PV_OUT)/freestanding/%.o,$(PV_SRCS))
PV_TEST_DIR    := tests/host/pv
PV_TEST_SRCS   := $(sort $(wildcard $(PV_TEST_DIR)/test_*.c))
PV_TEST_HELP   := $(filter-out $(PV_TEST_SRCS),$(sort $(wildcard $(PV_TEST_DIR)/*.c)))
PV_TEST_HDRS   := $(wildcard $(PV_TEST_DIR)/*.h)
PV_TEST_BINS   := $(patsubst $(PV_TEST_DIR)/%.c,$(PV_OUT)/tests/%,$(PV_TEST_SRCS))
PV_FUZZ_DIR    := tests/fuzz/pv
PV_FUZZ_SRCS   := $(sort $(wildcard $(PV_FUZZ_DIR)/fuzz_*.c))
PV_FUZZ_BINS   := $(patsubst $(PV_FUZZ_DIR)/%.c,$(PV_OUT)/%,$(PV_FUZZ_SRCS))
PV_FUZZ_FLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# The ELF files the scanner's tests read (those that exist when the tests run).
PV_TEST_ELFS    = $(wildcard $(BUILD)/guests/testguest/*.elf $(BUILD)/linux/vmlinux)
##dev 10: seconds of each lib/pv fuzzer in make test (test-pv-fuzz)
PV_FUZZ_TEST_SECONDS ?= 10
FUZZ_SECONDS         ?= 600
# Symbols the freestanding archive may leave to others: the memory functions, and lib/x86dec's
# and lib/elf's (linked beside it).
PV_ALLOWED_UNDEFINED := memcpy memset memmove memcmp
PV_ALLOWED_PREFIXES  := x86dec_ elf_

LINT_SOURCES += $(PV_SRCS) $(PV_TEST_SRCS) $(PV_TEST_HELP) $(PV_FUZZ_SRCS)
TEST_TARGETS += test-pv test-pv-fuzz

.PHONY: test-pv test-pv-fuzz pv-freestanding

$(PV_OUT)/freestanding/%.o: $(PV_DIR)/%.c $(PV_HDRS) $(PV_DEP_HDRS)
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(FREESTANDING_CFLAGS) $(PV_INCLUDE) -I$(PV_DIR) -c $< -o $@

$(PV_LIB): $(PV_FS_OBJS)
	@rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

# Freestanding: no libc but the memory functions, and no writable data (all state is the
# caller's: one VMM runs one VM, but the library does not assume it).
pv-freestanding: $(PV_LIB)
	@undefined=$$(nm -u $< | awk 'NF == 2 { print $$2 }' | sort -u); \
	defined=$$(nm --defined-only $< | awk 'NF == 3 { print $$3 }' | tr '\n' ' '); \
	bad=""; for s in $$undefined; do \
		case " $(PV_ALLOWED_UNDEFINED) $$defined " in *" $$s "*) continue;; esac; \
		ok=""; for p in $(PV_ALLOWED_PREFIXES); do case $$s in $$p*) ok=1;; esac; done; \
		[ -n "$$ok" ] || bad="$$bad $$s"; \
	done; \
	if [ -n "$$bad" ]; then echo "pv: freestanding archive needs:$$bad" >&2; exit 1; fi; \
	writable=$$(size -A $(PV_FS_OBJS) | awk '$$1 ~ /^\.(data|bss)/ && $$2 != 0'); \
	if [ -n "$$writable" ]; then echo "pv: writable data:"; echo "$$writable"; exit 1; fi; \
	echo "pv: $(words $(PV_FS_OBJS)) files build freestanding, no writable data"

# The library, its dependencies and the test helpers are compiled once for the host tests and
# once for the fuzzers; each test or fuzzer then only compiles its own file and links.
PV_HOST_SRCS   := $(PV_SRCS) $(PV_DEP_SRCS) $(PV_TEST_HELP)
PV_HOST_OBJS   := $(patsubst %.c,$(PV_OUT)/host/%.o,$(PV_HOST_SRCS))
PV_FUZZ_OBJS   := $(patsubst %.c,$(PV_OUT)/fuzz-objects/%.o,$(PV_HOST_SRCS))
PV_HOST_FLAGS   = $(PV_INCLUDE) -I$(PV_DIR) -Ilib/x86dec -I$(PV_TEST_DIR)
PV_ALL_HDRS     = $(PV_HDRS) $(PV_DEP_HDRS) $(PV_TEST_HDRS)
# Kept between runs (make would delete them as intermediates).
.SECONDARY: $(PV_HOST_OBJS) $(PV_FUZZ_OBJS)

$(PV_OUT)/host/%.o: %.c $(PV_ALL_HDRS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$<)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(PV_HOST_FLAGS) -c $< -o $@

$(PV_OUT)/fuzz-objects/%.o: %.c $(PV_ALL_HDRS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$< [fuzz])$(FUZZ_CC) $(filter-out -fsanitize=%,$(PV_FUZZ_FLAGS)) \
		-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all $(PV_HOST_FLAGS) \
		-c $< -o $@

$(PV_OUT)/tests/%: $(PV_TEST_DIR)/%.c $(PV_HOST_OBJS) $(PV_ALL_HDRS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(PV_HOST_FLAGS) $< \
		$(PV_HOST_OBJS) -lcmocka -o $@

$(PV_OUT)/fuzz_%: $(PV_FUZZ_DIR)/fuzz_%.c $(PV_FUZZ_OBJS) $(PV_ALL_HDRS)
	@mkdir -p $(@D)
	$(call quiet,FUZZCC,$@)$(FUZZ_CC) $(PV_FUZZ_FLAGS) $(PV_HOST_FLAGS) $< $(PV_FUZZ_OBJS) -o $@

##dev lib/pv: freestanding check and host tests (scanner, walker, software TLB, vCPU)
test-pv: pv-freestanding $(PV_TEST_BINS)
	@set -e; for t in $(PV_TEST_BINS); do \
		echo "== $$t"; timeout 600 $$t $(PV_TEST_ELFS); \
	done

##dev lib/pv: PV_FUZZ_TEST_SECONDS of each fuzzer in tests/fuzz/pv
test-pv-fuzz: $(PV_FUZZ_BINS)
	@set -e; for f in $(PV_FUZZ_BINS); do \
		name=$$(basename $$f); mkdir -p $(PV_OUT)/corpus/$$name; \
		status=0; timeout $$(($(PV_FUZZ_TEST_SECONDS) + 120)) $$f \
			-max_total_time=$(PV_FUZZ_TEST_SECONDS) -max_len=8192 -print_final_stats=1 \
			-artifact_prefix=$(PV_OUT)/$$name- $(PV_OUT)/corpus/$$name \
			$$(ls -d $(PV_FUZZ_DIR)/seeds/$$name 2>/dev/null) >$(PV_OUT)/$$name.log 2>&1 \
			|| status=$$?; \
		if [ $$status -ne 0 ]; then cat $(PV_OUT)/$$name.log; \
			echo "test-pv-fuzz: $$name FAILED (status $$status)"; exit 1; fi; \
		echo "test-pv-fuzz: $$name: $(PV_FUZZ_TEST_SECONDS) s, nothing found"; \
	done

##dev a longer run of one lib/pv fuzzer: make fuzz-pv-NAME FUZZ_SECONDS=N
fuzz-pv-%: $(PV_OUT)/fuzz_%
	@mkdir -p $(PV_OUT)/corpus/fuzz_$*
	$(call quiet,FUZZ,$< ($(FUZZ_SECONDS) s))$< -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-artifact_prefix=$(PV_OUT)/fuzz_$*- $(PV_OUT)/corpus/fuzz_$*
