# The patch scanner's benchmark (bench/pv-scan): time and host instructions to scan the test
# guest's images and, when fetched, Debian's vmlinux, with what each scan finds; lib/pv built -O2
# without sanitizers.
#
#   make bench-pv-scan               5 scans of each image (minimum and median), then one counted
#                                    by cachegrind (bench/pv-scan/run.sh)

PV_SCAN_BENCH_SRCS := bench/pv-scan/bench_scan.c
PV_SCAN_BENCH_BIN  := $(BUILD)/pv/bench/bench-pv-scan
PV_SCAN_BENCH_LIB   = lib/pv/memory.c tests/host/pv/patch_guest.c $(sort $(wildcard \
	lib/pv/patch*.c lib/x86dec/*.c lib/elf/*.c))
PV_SCAN_BENCH_FLAGS = $(filter-out -O0 -O1 -O2 -O3 -g,$(HOST_CFLAGS)) -O2 -DNDEBUG
PV_SCAN_BENCH_ELFS  = $(wildcard $(BUILD)/guests/testguest/*.elf $(BUILD)/linux/vmlinux)

LINT_SOURCES  += $(PV_SCAN_BENCH_SRCS)
BENCH_TARGETS += bench-pv-scan

.PHONY: bench-pv-scan

$(PV_SCAN_BENCH_BIN): $(PV_SCAN_BENCH_SRCS) $(PV_SCAN_BENCH_LIB) $(wildcard lib/pv/*.h \
		lib/pv/include/pv/*.h lib/x86dec/*.h lib/elf/*.h tests/host/pv/patch_guest.h)
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(PV_SCAN_BENCH_FLAGS) -Ilib/pv/include -Ilib/pv \
		-Ilib/x86dec/include -Ilib/elf/include -Iinclude -Itests/host/pv \
		$(PV_SCAN_BENCH_SRCS) $(PV_SCAN_BENCH_LIB) -o $@

##dev the patch scanner on the test guest's images and vmlinux: time, instructions, sites found
bench-pv-scan: $(PV_SCAN_BENCH_BIN) testguest
	$(call quiet,BENCH,bench/pv-scan/run.sh)bench/pv-scan/run.sh $(PV_SCAN_BENCH_BIN) \
		$(PV_SCAN_BENCH_ELFS)
