# x86dec: the x86-64 instruction decoder (lib/x86dec), its tests and its benchmark.
#
#   make test-x86dec                 freestanding check, unit tests (ASan/UBSan), the privileged-
#                                    instruction table, systematic and real-code differential
#                                    tests against Zydis (as Intel and as AMD), bounded fuzzing
#   make fuzz-x86dec FUZZ_SECONDS=N  longer fuzzing run
#   make bench-x86dec                throughput against Zydis

X86DEC_DIR      := lib/x86dec
X86DEC_SRCS     := $(sort $(wildcard $(X86DEC_DIR)/*.c))
X86DEC_HDRS     := $(wildcard $(X86DEC_DIR)/*.h $(X86DEC_DIR)/include/x86dec/*.h)
X86DEC_OUT      := $(BUILD)/x86dec
X86DEC_TESTDIR  := tests/host/x86dec
X86DEC_FUZZDIR  := tests/fuzz/x86dec
X86DEC_INCLUDES := -I$(X86DEC_DIR)/include -I$(X86DEC_DIR)
X86DEC_ORACLE   := $(X86DEC_TESTDIR)/oracle.c
X86DEC_ORACLE_H := $(X86DEC_TESTDIR)/oracle.h
X86DEC_TABLE    := $(X86DEC_TESTDIR)/privileged_table.c $(X86DEC_TESTDIR)/privileged_table.h
# Differential tools and the benchmark decode hundreds of millions of instructions: optimised,
# no sanitizers (the unit tests and the fuzzer carry those).
X86DEC_TOOL_CFLAGS := $(filter-out -O1,$(HOST_CFLAGS)) -O2

FUZZ_SECONDS    ?= 600
X86DEC_FUZZ_TEST_SECONDS ?= 60
X86DEC_SWEEP_MIN_BYTES   := 10000000

# Real code for the sweep: Linux (fetched once), GCC's compilers and every ELF in /usr/bin.
X86DEC_VMLINUX     := $(BUILD)/linux/vmlinux
X86DEC_SWEEP_FILES := $(X86DEC_VMLINUX) $(wildcard /usr/lib/gcc/x86_64-linux-gnu/*/cc1 \
	/usr/lib/gcc/x86_64-linux-gnu/*/cc1plus /usr/lib/gcc/x86_64-linux-gnu/*/lto1) /usr/bin/*

# ---- freestanding build: no libc, no undefined symbols, no writable data ----------------
X86DEC_FREE_OBJS := $(patsubst $(X86DEC_DIR)/%.c,$(X86DEC_OUT)/freestanding/%.o,$(X86DEC_SRCS))

$(X86DEC_OUT)/freestanding/%.o: $(X86DEC_DIR)/%.c $(X86DEC_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(FREESTANDING_CFLAGS) $(X86DEC_INCLUDES) -c $< -o $@

$(X86DEC_OUT)/x86dec-freestanding.o: $(X86DEC_FREE_OBJS)
	$(call quiet,LD,$@)$(LD) -r -o $@ $^

.PHONY: x86dec-freestanding
x86dec-freestanding: $(X86DEC_OUT)/x86dec-freestanding.o
	@undefined=$$(nm -u $<); if [ -n "$$undefined" ]; then \
		echo "x86dec: freestanding object needs external symbols:"; echo "$$undefined"; exit 1; fi
	@writable=$$(size -A $< | awk '$$1 ~ /^\.(data|bss)/ && $$2 != 0'); if [ -n "$$writable" ]; then \
		echo "x86dec: freestanding object has mutable global state:"; echo "$$writable"; exit 1; fi
	@echo "x86dec: freestanding build OK (no external symbols, no .data/.bss)"

# ---- host programs -----------------------------------------------------------------------
$(X86DEC_OUT)/x86dec-unit: $(X86DEC_SRCS) $(X86DEC_HDRS) $(X86DEC_TESTDIR)/test_x86dec.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(X86DEC_INCLUDES) \
		$(X86DEC_SRCS) $(X86DEC_TESTDIR)/test_x86dec.c -lcmocka -o $@

$(X86DEC_OUT)/x86dec-table: $(X86DEC_SRCS) $(X86DEC_HDRS) $(X86DEC_ORACLE) $(X86DEC_ORACLE_H) \
		$(X86DEC_TABLE) $(X86DEC_TESTDIR)/test_table.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(X86DEC_INCLUDES) \
		$(X86DEC_SRCS) $(X86DEC_ORACLE) $(filter %.c,$(X86DEC_TABLE)) \
		$(X86DEC_TESTDIR)/test_table.c -lcmocka -lZydis -lcapstone -o $@

$(X86DEC_OUT)/x86dec-enumerate: $(X86DEC_SRCS) $(X86DEC_HDRS) $(X86DEC_ORACLE) $(X86DEC_ORACLE_H) \
		$(X86DEC_TESTDIR)/enumerate.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(X86DEC_TOOL_CFLAGS) $(X86DEC_INCLUDES) $(X86DEC_SRCS) \
		$(X86DEC_ORACLE) $(X86DEC_TESTDIR)/enumerate.c -lZydis -lcapstone -o $@

$(X86DEC_OUT)/x86dec-sweep: $(X86DEC_SRCS) $(X86DEC_HDRS) $(X86DEC_ORACLE) $(X86DEC_ORACLE_H) \
		$(X86DEC_TESTDIR)/sweep.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(X86DEC_TOOL_CFLAGS) $(X86DEC_INCLUDES) $(X86DEC_SRCS) \
		$(X86DEC_ORACLE) $(X86DEC_TESTDIR)/sweep.c -lZydis -lcapstone -o $@

$(X86DEC_OUT)/x86dec-fuzz: $(X86DEC_SRCS) $(X86DEC_HDRS) $(X86DEC_ORACLE) $(X86DEC_ORACLE_H) \
		$(X86DEC_FUZZDIR)/fuzz_x86dec.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(FUZZ_CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(X86DEC_INCLUDES) \
		$(X86DEC_SRCS) $(X86DEC_ORACLE) $(X86DEC_FUZZDIR)/fuzz_x86dec.c -lZydis -lcapstone -o $@

$(X86DEC_OUT)/x86dec-bench: $(X86DEC_SRCS) $(X86DEC_HDRS) bench/decoder/bench_decoder.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(X86DEC_TOOL_CFLAGS) $(X86DEC_INCLUDES) $(X86DEC_SRCS) \
		bench/decoder/bench_decoder.c -lZydis -o $@

$(X86DEC_VMLINUX):
	$(call quiet,FETCH,$@)./tools/fetch-linux.sh $(BUILD)

# ---- test steps --------------------------------------------------------------------------
.PHONY: x86dec-unit x86dec-table x86dec-enumerate x86dec-sweep x86dec-fuzz-short fuzz-x86dec \
	x86dec-lint
x86dec-unit: $(X86DEC_OUT)/x86dec-unit
	$(call quiet,TEST,$<)timeout 300 $<

x86dec-table: $(X86DEC_OUT)/x86dec-table
	$(call quiet,TEST,$<)timeout 300 $<

x86dec-enumerate: $(X86DEC_OUT)/x86dec-enumerate
	$(call quiet,TEST,$<)timeout 900 $< all 50

x86dec-sweep: $(X86DEC_OUT)/x86dec-sweep $(X86DEC_VMLINUX)
	$(call quiet,TEST,$< (Intel))timeout 1800 $< -q --min-bytes $(X86DEC_SWEEP_MIN_BYTES) \
		$(X86DEC_SWEEP_FILES)
	$(call quiet,TEST,$< (AMD))timeout 900 $< -q --amd $(X86DEC_VMLINUX) \
		$(wildcard /usr/lib/gcc/x86_64-linux-gnu/*/cc1)
	$(call quiet,TEST,$< (Capstone))timeout 900 $< -q --capstone $(X86DEC_VMLINUX)

# Bounded fuzzing: a fixed wall-clock budget, corpus kept under build/ between runs.
x86dec-fuzz-short: $(X86DEC_OUT)/x86dec-fuzz
	@mkdir -p $(X86DEC_OUT)/corpus
	$(call quiet,FUZZ,$< ($(X86DEC_FUZZ_TEST_SECONDS) s))set -o pipefail; \
	timeout $$(($(X86DEC_FUZZ_TEST_SECONDS) + 300)) $< \
		-max_total_time=$(X86DEC_FUZZ_TEST_SECONDS) -max_len=32 -print_final_stats=1 \
		-artifact_prefix=$(X86DEC_OUT)/ $(X86DEC_OUT)/corpus 2>&1 | tail -n 8

##dev fuzz the instruction decoder against Zydis for FUZZ_SECONDS
fuzz-x86dec: $(X86DEC_OUT)/x86dec-fuzz
	@mkdir -p $(X86DEC_OUT)/corpus
	$(call quiet,FUZZ,$< ($(FUZZ_SECONDS) s))$< -max_total_time=$(FUZZ_SECONDS) -max_len=32 \
		-print_final_stats=1 -artifact_prefix=$(X86DEC_OUT)/ $(X86DEC_OUT)/corpus

X86DEC_LINT := $(X86DEC_SRCS) $(X86DEC_HDRS) $(wildcard $(X86DEC_TESTDIR)/*.[ch]) \
	$(wildcard $(X86DEC_FUZZDIR)/*.c) bench/decoder/bench_decoder.c

x86dec-lint:
	$(call quiet,LINT,clang-format (x86dec))clang-format --dry-run -Werror $(X86DEC_LINT)
	$(call quiet,LINT,cppcheck (x86dec))cppcheck --enable=warning,style,performance,portability \
		--error-exitcode=1 --inline-suppr -q --std=c11 $(X86DEC_INCLUDES) \
		$(filter %.c,$(X86DEC_LINT))
	@echo "x86dec: clang-format and cppcheck clean"

.PHONY: test-x86dec bench-x86dec
##dev the instruction decoder: unit, table and differential tests, 60 s of fuzzing
test-x86dec: x86dec-freestanding x86dec-lint x86dec-unit x86dec-table x86dec-enumerate \
		x86dec-sweep x86dec-fuzz-short
	@echo "test-x86dec: all steps passed"

##dev the instruction decoder's throughput against Zydis
bench-x86dec: $(X86DEC_OUT)/x86dec-bench $(X86DEC_VMLINUX)
	$(call quiet,BENCH,$<)$< -r 3 $(X86DEC_VMLINUX) $(wildcard /usr/lib/gcc/x86_64-linux-gnu/*/cc1)

TEST_TARGETS  += test-x86dec
BENCH_TARGETS += bench-x86dec
LINT_SOURCES  += $(filter %.c,$(X86DEC_LINT))
