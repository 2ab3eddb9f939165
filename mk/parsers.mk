# The parsers of untrusted input for user space (docs/parsers.md): lib/elf (executables),
# lib/acpi (firmware tables through a memory-reading callback), lib/pci (configuration space
# through a dword-reading callback), lib/vmdecl (VM declarations on module command lines).
# One template per library:
#
#   make test-LIB                      freestanding build check, then the host unit tests
#                                      (cmocka, ASan/UBSan)
#   make test-LIB-fuzz                 PARSER_FUZZ_TEST_SECONDS of libFuzzer (clang-14)
#   make fuzz-LIB FUZZ_SECONDS=N       a longer fuzzing run
#   make test-parsers                  all of the above for the four libraries
#
# In tests/host/LIB, each test_*.c is a test program and every other .c file a helper linked
# into the tests and the fuzzer (builders, simulators). Each library's freestanding archive is
# $(BUILD)/parsers/LIB/libLIB.a, with -Ilib/LIB/include.

PARSER_LIBS              := elf vmdecl acpi pci
PARSER_OUT               := $(BUILD)/parsers
PARSER_FUZZ_TEST_SECONDS ?= 15
FUZZ_SECONDS             ?= 600
# Only these symbols may stay undefined in a freestanding archive (the runtime provides them).
PARSER_ALLOWED_UNDEFINED := memcpy memset memmove memcmp
PARSER_FUZZ_FLAGS        := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Arguments of each library's host tests: the project's own ELF files for lib/elf (those in the
# list that exist; init and the kernel suite are built first).
PARSER_ELF_FILES := $(BUILD)/services/init/init.elf $(BUILD)/tests/kernel/ktest.elf
PARSER_ELF_EXTRA  = $(wildcard $(BUILD)/kernel/beaml4.elf $(BUILD)/guests/testguest/*.elf \
	$(BUILD)/linux/vmlinux)
PARSER_TEST_ARGS_elf    = $(PARSER_ELF_FILES) $(PARSER_ELF_EXTRA)
PARSER_TEST_DEPS_elf    = $(PARSER_ELF_FILES)
# lib/acpi: the directory of tables dumped from QEMU and Bochs (fixtures/make-fixture.py).
PARSER_TEST_ARGS_acpi   = tests/host/acpi/fixtures
PARSER_FUZZ_MAX_LEN_elf    := 8192
PARSER_FUZZ_MAX_LEN_acpi   := 8192
PARSER_FUZZ_MAX_LEN_pci    := 4096
PARSER_FUZZ_MAX_LEN_vmdecl := 1024

# $(1): the library's name.
define parser_template
$(1)_DIR        := lib/$(1)
$(1)_SRCS       := $$(sort $$(wildcard lib/$(1)/*.c))
$(1)_HDRS       := $$(wildcard lib/$(1)/*.h lib/$(1)/include/$(1)/*.h)
$(1)_OUT        := $(PARSER_OUT)/$(1)
$(1)_LIB        := $(PARSER_OUT)/$(1)/lib$(1).a
$(1)_INCLUDE    := -Ilib/$(1)/include
$(1)_FS_OBJS    := $$(patsubst lib/$(1)/%.c,$(PARSER_OUT)/$(1)/freestanding/%.o,$$($(1)_SRCS))
$(1)_TEST_SRCS  := $$(sort $$(wildcard tests/host/$(1)/test_*.c))
$(1)_TEST_HELP  := $$(filter-out $$($(1)_TEST_SRCS),$$(sort $$(wildcard tests/host/$(1)/*.c)))
$(1)_TEST_HDRS  := $$(wildcard tests/host/$(1)/*.h)
$(1)_TEST_BINS  := $$(patsubst tests/host/$(1)/%.c,$(PARSER_OUT)/$(1)/tests/%,$$($(1)_TEST_SRCS))
$(1)_FUZZ_SRC   := tests/fuzz/$(1)/fuzz_$(1).c
$(1)_FUZZ_BIN   := $(PARSER_OUT)/$(1)/fuzz_$(1)
$(1)_FUZZ_ARGS   = -max_len=$$(PARSER_FUZZ_MAX_LEN_$(1)) -print_final_stats=1 \
	-artifact_prefix=$(PARSER_OUT)/$(1)/ $(PARSER_OUT)/$(1)/corpus \
	$$(wildcard tests/fuzz/$(1)/seeds)

$(PARSER_OUT)/$(1)/freestanding/%.o: lib/$(1)/%.c $$($(1)_HDRS)
	@mkdir -p $$(@D)
	$$(call quiet,CC,$$<)$$(CC) $$(FREESTANDING_CFLAGS) $$($(1)_INCLUDE) -c $$< -o $$@

$$($(1)_LIB): $$($(1)_FS_OBJS)
	@rm -f $$@
	$$(call quiet,AR,$$@)ar rcs $$@ $$^

# Freestanding: every file builds with FREESTANDING_CFLAGS, the archive needs nothing from
# outside but the memory functions, and it has no writable data (no state between calls).
.PHONY: $(1)-freestanding
$(1)-freestanding: $$($(1)_LIB)
	@undefined=$$$$(nm -u $$< | awk 'NF == 2 { print $$$$2 }' | sort -u); \
	defined=$$$$(nm --defined-only $$< | awk 'NF == 3 { print $$$$3 }' | tr '\n' ' '); \
	bad=""; for s in $$$$undefined; do \
		case " $(PARSER_ALLOWED_UNDEFINED) $$$$defined " in *" $$$$s "*) ;; *) bad="$$$$bad $$$$s";; esac; \
	done; \
	if [ -n "$$$$bad" ]; then echo "$(1): freestanding archive needs:$$$$bad" >&2; exit 1; fi; \
	writable=$$$$(size -A $$($(1)_FS_OBJS) | awk '$$$$1 ~ /^\.(data|bss)/ && $$$$2 != 0'); \
	if [ -n "$$$$writable" ]; then echo "$(1): writable data:"; echo "$$$$writable"; exit 1; fi; \
	echo "$(1): $$(words $$($(1)_FS_OBJS)) files build freestanding, no writable data"

$(PARSER_OUT)/$(1)/tests/%: tests/host/$(1)/%.c $$($(1)_TEST_HELP) $$($(1)_TEST_HDRS) \
		$$($(1)_SRCS) $$($(1)_HDRS)
	@mkdir -p $$(@D)
	$$(call quiet,HOSTCC,$$@)$$(HOST_CC) $$(HOST_CFLAGS) $$(HOST_SANITIZE) $$($(1)_INCLUDE) \
		-Itests/host/$(1) $$< $$($(1)_TEST_HELP) $$($(1)_SRCS) -lcmocka -o $$@

$$($(1)_FUZZ_BIN): $$($(1)_FUZZ_SRC) $$($(1)_TEST_HELP) $$($(1)_TEST_HDRS) $$($(1)_SRCS) \
		$$($(1)_HDRS)
	@mkdir -p $$(@D)
	$$(call quiet,HOSTCC,$$@)$$(FUZZ_CC) $(PARSER_FUZZ_FLAGS) $$($(1)_INCLUDE) -Itests/host/$(1) \
		$$($(1)_FUZZ_SRC) $$($(1)_TEST_HELP) $$($(1)_SRCS) -o $$@

.PHONY: test-$(1) test-$(1)-fuzz fuzz-$(1)
##dev each parser library (test-elf, ...): freestanding check, host unit tests
test-$(1): $(1)-freestanding $$($(1)_TEST_BINS) $$(PARSER_TEST_DEPS_$(1))
	@set -e; for t in $$($(1)_TEST_BINS); do \
		echo "== $$$$t"; timeout 600 $$$$t $$(PARSER_TEST_ARGS_$(1)); \
	done

# Bounded fuzzing: a fixed wall-clock budget, the corpus kept under build/ between runs, the
# inputs in seeds/ (findings kept as regressions) first. The whole log is shown on a finding.
##dev each parser library (test-elf-fuzz, ...): PARSER_FUZZ_TEST_SECONDS of fuzzing
test-$(1)-fuzz: $$($(1)_FUZZ_BIN)
	@mkdir -p $(PARSER_OUT)/$(1)/corpus
	$$(call quiet,FUZZ,$$< ($$(PARSER_FUZZ_TEST_SECONDS) s))status=0; \
	timeout $$$$(($$(PARSER_FUZZ_TEST_SECONDS) + 120)) $$< \
		-max_total_time=$$(PARSER_FUZZ_TEST_SECONDS) $$($(1)_FUZZ_ARGS) \
		>$(PARSER_OUT)/$(1)/fuzz.log 2>&1 || status=$$$$?; \
	if [ $$$$status -ne 0 ]; then cat $(PARSER_OUT)/$(1)/fuzz.log; \
		echo "test-$(1)-fuzz: FAILED (status $$$$status)"; exit 1; fi; \
	grep -E '^(Done|stat::new_units_added)|DONE +cov' $(PARSER_OUT)/$(1)/fuzz.log; \
	echo "test-$(1)-fuzz: passed ($$(PARSER_FUZZ_TEST_SECONDS) s, nothing found)"

##dev fuzz a parser library (fuzz-elf, ...) for FUZZ_SECONDS
fuzz-$(1): $$($(1)_FUZZ_BIN)
	@mkdir -p $(PARSER_OUT)/$(1)/corpus
	$$(call quiet,FUZZ,$$< ($$(FUZZ_SECONDS) s))$$< -max_total_time=$$(FUZZ_SECONDS) \
		$$($(1)_FUZZ_ARGS)

TEST_TARGETS += test-$(1) test-$(1)-fuzz
LINT_SOURCES += $$($(1)_SRCS) $$($(1)_TEST_SRCS) $$($(1)_TEST_HELP) $$(wildcard $$($(1)_FUZZ_SRC))
.SECONDARY: $$($(1)_FS_OBJS)
endef

$(foreach lib,$(PARSER_LIBS),$(eval $(call parser_template,$(lib))))

.PHONY: test-parsers
##dev every parser library's tests and bounded fuzzing
test-parsers: $(foreach lib,$(PARSER_LIBS),test-$(lib) test-$(lib)-fuzz)
