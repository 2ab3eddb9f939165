# bench/pv: PV mode's trap round trips and workloads, bare against beaml4 PV, under QEMU TCG
# (cycles), TCG counting instructions and KVM where usable (bench/pv/run.sh --help); bench-hw
# adds the same guest in AMD-V mode (TCG) and VT-x mode (Bochs) beside them. init and the test
# guest are named by their paths: their fragments are read after this one.

BENCH_PV_OUT   := $(BUILD)/bench/pv
BENCH_PV_INIT  := $(BUILD)/services/init/init.elf
BENCH_PV_GUEST := $(BUILD)/guests/testguest/testguest-high-pvh.elf

.PHONY: bench-pv
##dev PV trap round trips (cycles, instructions) with the VMM's share; fast vs plain path; workloads bare vs PV
bench-pv: kernel $(BENCH_PV_INIT) $(BENCH_PV_GUEST) $(BENCH_IPC_ELF)
	$(call quiet,BENCH,bench/pv/run.sh)bench/pv/run.sh $(BUILD)/kernel/beaml4.elf $(BENCH_PV_INIT) \
		$(BENCH_PV_GUEST) $(BENCH_IPC_ELF) $(BENCH_PV_OUT)

BENCH_TARGETS += bench-pv

.PHONY: bench-hw
##dev VM-exit round trips (CPUID, hypercall, port, MMIO, ...) bare, PV, AMD-V (TCG), VT-x (Bochs), with ratios
bench-hw: kernel $(BENCH_PV_INIT) $(BENCH_PV_GUEST) $(BENCH_IPC_ELF)
	$(call quiet,BENCH,bench/pv/run.sh --svm)bench/pv/run.sh --svm $(BUILD)/kernel/beaml4.elf \
		$(BENCH_PV_INIT) $(BENCH_PV_GUEST) $(BENCH_IPC_ELF) $(BUILD)/bench/hw

BENCH_TARGETS += bench-hw
