# The software TLB's benchmark (bench/pv-shadow): lib/pv's fill, CR3-switch, INVLPG and eviction
# costs on a host model whose callbacks only count, built -O2 without sanitizers.
#
#   make bench-pv-shadow             median and minimum of 9 runs of each figure

PV_SHADOW_BENCH_SRCS := bench/pv-shadow/bench_shadow.c
PV_SHADOW_BENCH_BIN  := $(BUILD)/pv/bench/bench-pv-shadow
PV_SHADOW_BENCH_LIB  := lib/pv/memory.c $(sort $(wildcard lib/pv/walk*.c lib/pv/shadow*.c))
PV_SHADOW_BENCH_FLAGS = $(filter-out -O0 -O1 -O2 -O3 -g,$(HOST_CFLAGS)) -O2 -DNDEBUG

LINT_SOURCES  += $(PV_SHADOW_BENCH_SRCS)
BENCH_TARGETS += bench-pv-shadow

.PHONY: bench-pv-shadow

$(PV_SHADOW_BENCH_BIN): $(PV_SHADOW_BENCH_SRCS) $(PV_SHADOW_BENCH_LIB) $(wildcard lib/pv/*.h \
		lib/pv/include/pv/*.h)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(PV_SHADOW_BENCH_FLAGS) -Ilib/pv/include -Ilib/pv \
		$(PV_SHADOW_BENCH_SRCS) $(PV_SHADOW_BENCH_LIB) -o $@

##dev the software TLB's costs on a host model: fills per second, a fill, a CR3 switch, an eviction
bench-pv-shadow: $(PV_SHADOW_BENCH_BIN)
	$(call quiet,BENCH,$(PV_SHADOW_BENCH_BIN))$(PV_SHADOW_BENCH_BIN)
