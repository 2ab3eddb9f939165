# bench/ipc: IPC round-trip and null system call cycles, under QEMU KVM (-cpu host, when usable)
# and TCG; each figure is printed with the command that produced it.

BENCH_IPC_DIR    := bench/ipc
BENCH_IPC_ELF    := $(BUILD)/bench/ipc/bench-ipc.elf
BENCH_IPC_C_SRCS := $(sort $(wildcard $(BENCH_IPC_DIR)/*.c))
BENCH_IPC_OBJS   := $(patsubst %,$(BUILD)/user/obj/%.o,$(BENCH_IPC_C_SRCS) $(BENCH_IPC_DIR)/pv_sites.S)

$(BENCH_IPC_ELF): $(BENCH_IPC_OBJS) $(BUILD)/user/libruntime.a \
		$(BUILD)/user/obj/lib/runtime/crt0.S.o lib/runtime/user.ld
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(USER_LINK)

-include $(BENCH_IPC_OBJS:.o=.d)

.PHONY: bench-ipc
##dev IPC round trip and null system call cycles, QEMU KVM (when usable) and TCG
bench-ipc: kernel $(BENCH_IPC_ELF)
	$(call quiet,BENCH,$(BENCH_IPC_DIR)/run.sh)$(BENCH_IPC_DIR)/run.sh $(BUILD)/kernel/beaml4.elf \
		$(BENCH_IPC_ELF)

BENCH_TARGETS += bench-ipc
LINT_SOURCES += $(BENCH_IPC_C_SRCS)

# Host unit test of the statistics, against a qsort reference.
BENCH_IPC_HOST_TEST := $(BUILD)/host/bench/test_stats

$(BENCH_IPC_HOST_TEST): tests/host/bench/test_stats.c $(BENCH_IPC_DIR)/stats.c \
		$(BENCH_IPC_DIR)/stats.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) \
		tests/host/bench/test_stats.c $(BENCH_IPC_DIR)/stats.c -lcmocka -o $@

.PHONY: test-bench-ipc-stats
##dev host unit test of the IPC benchmark's statistics (against qsort)
test-bench-ipc-stats: $(BENCH_IPC_HOST_TEST)
	$(call quiet,TEST,$(BENCH_IPC_HOST_TEST))timeout 300 $(BENCH_IPC_HOST_TEST)

TEST_TARGETS += test-bench-ipc-stats
LINT_SOURCES += tests/host/bench/test_stats.c
