# lib/algorithms: the shared data structures (idalloc, unialloc, ptmgr, sgtree, ringbuf, VCPU
# state). `make test-algorithms` proves the library builds freestanding and links against
# nothing but memcpy/memset/memmove/memcmp, then runs the host unit and model tests under
# ASan+UBSan and the threaded ring-buffer test under TSan. `make bench-alloc` runs the
# allocator benchmarks. Kernel and services link $(ALG_LIB) and add $(ALG_INCLUDE).

ALG_DIR       := lib/algorithms
ALG_INCLUDE   := -I$(ALG_DIR)/include
ALG_SRCS      := $(sort $(wildcard $(ALG_DIR)/*.c))
ALG_HDRS      := $(wildcard $(ALG_DIR)/*.h $(ALG_DIR)/include/algorithms/*.h)
ALG_OUT       := $(BUILD)/algorithms
ALG_LIB       := $(ALG_OUT)/libalgorithms.a
ALG_FS_OBJS   := $(patsubst $(ALG_DIR)/%.c,$(ALG_OUT)/freestanding/%.o,$(ALG_SRCS))
ALG_HOST_OBJS := $(patsubst $(ALG_DIR)/%.c,$(ALG_OUT)/host/%.o,$(ALG_SRCS))
ALG_TSAN_OBJS := $(patsubst $(ALG_DIR)/%.c,$(ALG_OUT)/tsan/%.o,$(ALG_SRCS))

ALG_TEST_DIR   := tests/host/algorithms
ALG_TEST_SRCS  := $(sort $(wildcard $(ALG_TEST_DIR)/test_*.c))
ALG_TEST_HELP  := $(sort $(wildcard $(ALG_TEST_DIR)/fake_*.c))
ALG_TEST_HDRS  := $(wildcard $(ALG_TEST_DIR)/*.h)
ALG_TEST_BINS  := $(patsubst $(ALG_TEST_DIR)/%.c,$(ALG_OUT)/tests/%,$(ALG_TEST_SRCS))
ALG_TSAN_BIN   := $(ALG_OUT)/tsan/test_ringbuf
ALG_TSAN_FLAGS := -fsanitize=thread
ALG_BENCH_BIN  := $(ALG_OUT)/bench/bench_alloc
ALG_BENCH_SRCS := $(sort $(wildcard bench/alloc/*.c))
ALG_BENCH_FLAGS := $(filter-out -O0 -O1 -O2 -O3 -g,$(HOST_CFLAGS)) -O2 -DNDEBUG

# Only these libc symbols may remain undefined in the freestanding objects.
ALG_ALLOWED_UNDEFINED := memcpy memset memmove memcmp

LINT_SOURCES  += $(ALG_SRCS) $(ALG_TEST_SRCS) $(ALG_TEST_HELP) $(ALG_BENCH_SRCS)
TEST_TARGETS  += test-algorithms
BENCH_TARGETS += bench-alloc

.PHONY: test-algorithms algorithms-freestanding algorithms-host-tests algorithms-tsan-test \
	lint-algorithms bench-alloc

$(ALG_OUT)/freestanding/%.o: $(ALG_DIR)/%.c $(ALG_HDRS)
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(FREESTANDING_CFLAGS) $(ALG_INCLUDE) -c $< -o $@

$(ALG_LIB): $(ALG_FS_OBJS)
	@rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

# Proof of freestanding: every file compiled with FREESTANDING_CFLAGS, and the archive needs
# no symbol from outside itself except the four memory functions.
algorithms-freestanding: $(ALG_LIB)
	@undefined=$$(nm -u $(ALG_LIB) | awk 'NF == 2 { print $$2 }' | sort -u); \
	defined=$$(nm --defined-only $(ALG_LIB) | awk 'NF == 3 { print $$3 }' | tr '\n' ' '); \
	bad=""; for s in $$undefined; do \
		case " $(ALG_ALLOWED_UNDEFINED) $$defined " in *" $$s "*) ;; *) bad="$$bad $$s";; esac; \
	done; \
	if [ -n "$$bad" ]; then echo "algorithms: freestanding objects need:$$bad" >&2; exit 1; fi; \
	echo "algorithms: $(words $(ALG_FS_OBJS)) files build freestanding; external symbols:" \
		$$(for s in $$undefined; do case " $$defined " in *" $$s "*) ;; *) printf '%s ' $$s;; esac; done)

$(ALG_OUT)/host/%.o: $(ALG_DIR)/%.c $(ALG_HDRS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$<)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(ALG_INCLUDE) -c $< -o $@

$(ALG_OUT)/tests/%: $(ALG_TEST_DIR)/%.c $(ALG_TEST_HELP) $(ALG_TEST_HDRS) $(ALG_HOST_OBJS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(ALG_INCLUDE) \
		-I$(ALG_TEST_DIR) $< $(ALG_TEST_HELP) $(ALG_HOST_OBJS) -o $@ -lcmocka -pthread -lm

$(ALG_OUT)/tsan/%.o: $(ALG_DIR)/%.c $(ALG_HDRS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$< [tsan])$(HOST_CC) $(HOST_CFLAGS) $(ALG_TSAN_FLAGS) $(ALG_INCLUDE) \
		-c $< -o $@

$(ALG_TSAN_BIN): $(ALG_TEST_DIR)/test_ringbuf.c $(ALG_TEST_HDRS) $(ALG_TSAN_OBJS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(ALG_TSAN_FLAGS) $(ALG_INCLUDE) \
		-I$(ALG_TEST_DIR) $< $(ALG_TSAN_OBJS) -o $@ -lcmocka -pthread -lm

algorithms-host-tests: $(ALG_TEST_BINS)
	@set -e; for t in $(ALG_TEST_BINS); do \
		echo "== $$t"; timeout 600 $$t; \
	done

algorithms-tsan-test: $(ALG_TSAN_BIN)
	@echo "== $(ALG_TSAN_BIN) (ThreadSanitizer)"
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" timeout 600 $(ALG_TSAN_BIN)

lint-algorithms:
	$(call quiet,LINT,clang-format (algorithms))clang-format --dry-run -Werror $(ALG_SRCS) \
		$(ALG_HDRS) $(ALG_TEST_SRCS) $(ALG_TEST_HELP) $(ALG_TEST_HDRS) $(ALG_BENCH_SRCS)
	$(call quiet,LINT,cppcheck (algorithms))cppcheck \
		--enable=warning,style,performance,portability --error-exitcode=1 --inline-suppr -q \
		--std=c11 $(ALG_INCLUDE) -I$(ALG_TEST_DIR) $(ALG_SRCS) $(ALG_TEST_SRCS) $(ALG_TEST_HELP) \
		$(ALG_BENCH_SRCS)
	@echo "algorithms: clang-format and cppcheck clean"

##dev lib/algorithms: freestanding check, lint, unit and model tests (sanitizers)
test-algorithms: lint-algorithms algorithms-freestanding algorithms-host-tests algorithms-tsan-test
	@echo "test-algorithms: passed"

$(ALG_BENCH_BIN): $(ALG_BENCH_SRCS) $(ALG_SRCS) $(ALG_HDRS)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(ALG_BENCH_FLAGS) $(ALG_INCLUDE) $(ALG_BENCH_SRCS) \
		$(ALG_SRCS) -o $@

##dev allocator benchmarks (lib/algorithms)
bench-alloc: $(ALG_BENCH_BIN)
	$(call quiet,BENCH,$(ALG_BENCH_BIN))$(ALG_BENCH_BIN)

# Objects are intermediates of pattern rules; keep them so reruns do not rebuild everything.
.SECONDARY: $(ALG_FS_OBJS) $(ALG_HOST_OBJS) $(ALG_TSAN_OBJS)
