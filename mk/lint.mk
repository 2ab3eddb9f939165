# Static checks over the whole tree: formatting (clang-format), cppcheck, clang-tidy.
# Components add their C sources to LINT_SOURCES; headers are found through git.

LINT_HEADERS = $(shell git ls-files '*.h' 2>/dev/null)
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --error-exitcode=1 \
	--inline-suppr -q --std=c11 --platform=unix64 -D__x86_64__ \
	--suppress=missingIncludeSystem --suppress=unusedStructMember --suppress=unmatchedSuppression
# valist.Uninitialized is off: clang 14's analyzer loses track of a va_copy'd list passed by
# pointer (lib/fmt does that to share one argument cursor between helpers).
CLANG_TIDY_CHECKS := -*,bugprone-*,-bugprone-easily-swappable-parameters,\
-bugprone-reserved-identifier,-bugprone-assignment-in-if-condition,clang-analyzer-*,\
-clang-analyzer-valist.Uninitialized,\
-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,\
-clang-analyzer-security.insecureAPI.strcpy,cert-err34-c,misc-redundant-expression
LINT_INCLUDES := -Iinclude -Ikernel/include -Ikernel/arch/x86/64/include \
	$(patsubst %,-I%,$(wildcard lib/*/include))

.PHONY: test-lint format-check cppcheck clang-tidy lint format
FORMAT_FILES = $(sort $(LINT_SOURCES) $(LINT_HEADERS))
##dev check that every C source and header is formatted as .clang-format says
format-check:
	$(call quiet,LINT,clang-format ($(words $(FORMAT_FILES)) files))clang-format --dry-run \
		-Werror $(FORMAT_FILES)
	@echo "format-check: $(words $(FORMAT_FILES)) files clean"

##dev cppcheck over every C source
cppcheck:
	$(call quiet,LINT,cppcheck ($(words $(sort $(LINT_SOURCES))) files))cppcheck $(CPPCHECK_FLAGS) \
		$(LINT_INCLUDES) $(sort $(LINT_SOURCES))
	@echo "cppcheck: $(words $(sort $(LINT_SOURCES))) files clean"

# clang-tidy in three configurations: the libraries as host code, the kernel and the user-mode
# programs (root tasks, kernel tests, IPC benchmark) freestanding with their own include paths.
# Host-only test programs (tests/host, tests/fuzz, tests/system) are covered by -Werror builds
# under ASan/UBSan and cppcheck.
CLANG_TIDY_LIB_SOURCES = $(filter lib/%,$(sort $(LINT_SOURCES)))
CLANG_TIDY_KERNEL_SOURCES = $(filter kernel/%,$(sort $(LINT_SOURCES)))
CLANG_TIDY_USER_SOURCES = $(filter services/% tests/kernel/% tests/kernel-smoke/% bench/ipc/% bench/vcpu/%,\
	$(sort $(LINT_SOURCES)))
CLANG_TIDY_FREESTANDING := -std=gnu11 -ffreestanding -fno-builtin
# clang-tidy SOURCES -- FLAGS: every warning is an error; the "N warnings generated" chatter of
# suppressed headers is dropped.
define clang_tidy_run
	$(call quiet,LINT,clang-tidy ($(words $(1)) files))clang-tidy --quiet --warnings-as-errors='*' \
		--checks='$(CLANG_TIDY_CHECKS)' $(1) -- $(2) 2>&1 | \
		grep -v '^[0-9]* warnings generated' ; test $${PIPESTATUS[0]} -eq 0
endef
##dev clang-tidy over libraries, kernel and user programs, each with its flags
clang-tidy: $(INIT_GEN)/version.h
	$(call clang_tidy_run,$(CLANG_TIDY_LIB_SOURCES),-std=gnu11 $(LINT_INCLUDES))
	$(call clang_tidy_run,$(CLANG_TIDY_KERNEL_SOURCES),$(CLANG_TIDY_FREESTANDING) \
		-Iinclude -Ikernel/include -Ikernel/arch/x86/64/include -Ilib/fmt/include)
	$(call clang_tidy_run,$(CLANG_TIDY_USER_SOURCES),$(CLANG_TIDY_FREESTANDING) -Iinclude \
		$(patsubst %,-I%,$(wildcard lib/*/include)) -I$(INIT_GEN))
	@echo "clang-tidy: $(words $(CLANG_TIDY_LIB_SOURCES) $(CLANG_TIDY_KERNEL_SOURCES) \
		$(CLANG_TIDY_USER_SOURCES)) files clean"

##dev every static check: clang-format, cppcheck, clang-tidy on the whole tree
test-lint: format-check cppcheck clang-tidy

##dev the same as test-lint
lint: test-lint

##dev reformat every C source and header in place, as format-check wants them
format:
	$(call quiet,FORMAT,$(words $(FORMAT_FILES)) files)clang-format -i $(FORMAT_FILES)

TEST_TARGETS += test-lint
