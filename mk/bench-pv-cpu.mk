# The PV vCPU's benchmark (bench/pv-cpu): nanoseconds and instructions per emulated trap (CPUID
# at a patched site, MOV to CR3, an exception delivered from user mode, an interrupt injected,
# SYSCALL, IRETQ) on the vCPU tests' fake machine, built -O2 without sanitizers.
#
#   make bench-pv-cpu                median and minimum of 9 runs of each figure, and the
#                                    instructions per trap counted by valgrind (bench/pv-cpu/run.sh)

PV_CPU_BENCH_SRCS := bench/pv-cpu/bench_cpu.c
PV_CPU_BENCH_BIN  := $(BUILD)/pv/bench/bench-pv-cpu
PV_CPU_BENCH_LIB   = lib/pv/memory.c tests/host/pv/cpu_harness.c $(sort $(wildcard \
	lib/pv/cpu*.c lib/pv/emulate*.c lib/pv/deliver*.c lib/pv/segment*.c lib/pv/walk*.c \
	lib/x86dec/*.c))
PV_CPU_BENCH_FLAGS = $(filter-out -O0 -O1 -O2 -O3 -g,$(HOST_CFLAGS)) -O2 -DNDEBUG

LINT_SOURCES  += $(PV_CPU_BENCH_SRCS)
BENCH_TARGETS += bench-pv-cpu

.PHONY: bench-pv-cpu

$(PV_CPU_BENCH_BIN): $(PV_CPU_BENCH_SRCS) $(PV_CPU_BENCH_LIB) $(wildcard lib/pv/*.h \
		lib/pv/include/pv/*.h lib/x86dec/*.h tests/host/pv/cpu_*.h)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(PV_CPU_BENCH_FLAGS) -Ilib/pv/include -Ilib/pv \
		-Ilib/x86dec/include -Ilib/x86dec -Iinclude -Itests/host/pv $(PV_CPU_BENCH_SRCS) \
		$(PV_CPU_BENCH_LIB) -o $@

##dev the PV vCPU's cost per emulated trap on the host: ns and instructions (CPUID, MOV CR3, ...)
bench-pv-cpu: $(PV_CPU_BENCH_BIN)
	$(call quiet,BENCH,bench/pv-cpu/run.sh)bench/pv-cpu/run.sh $(PV_CPU_BENCH_BIN)
