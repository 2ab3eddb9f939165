# bench/vcpu: the seL4_VMEnter round trip (a guest's CPUID exit back to its VMM thread and the
# entry again), SVM under QEMU TCG (cycles, and instructions under -icount), VMX under Bochs
# (cycles, informative only); each figure is printed with the command that produced it.

BENCH_VCPU_DIR    := bench/vcpu
BENCH_VCPU_ELF    := $(BUILD)/bench/vcpu/bench-vcpu.elf
BENCH_VCPU_ISO    := $(BUILD)/bench/vcpu/bench-vcpu.iso
BENCH_VCPU_C_SRCS := $(sort $(wildcard $(BENCH_VCPU_DIR)/*.c))
BENCH_VCPU_OBJS   := $(patsubst %,$(BUILD)/user/obj/%.o,$(BENCH_VCPU_C_SRCS) bench/ipc/stats.c)

$(BENCH_VCPU_ELF): $(BENCH_VCPU_OBJS) $(BUILD)/user/libruntime.a \
		$(BUILD)/user/obj/lib/runtime/crt0.S.o lib/runtime/user.ld
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(USER_LINK)

$(BENCH_VCPU_ISO): $(BENCH_VCPU_ELF) $(BUILD)/kernel/beaml4.elf tools/mkiso.sh
	$(call quiet,ISO,$@)tools/mkiso.sh $@ $(BUILD)/kernel/beaml4.elf $(BENCH_VCPU_ELF)

-include $(BENCH_VCPU_OBJS:.o=.d)

.PHONY: bench-vcpu
##dev VMEnter round trip: SVM under QEMU TCG (cycles, -icount instructions), VMX under Bochs
bench-vcpu: kernel $(BENCH_VCPU_ELF) $(BENCH_VCPU_ISO)
	$(call quiet,BENCH,$(BENCH_VCPU_DIR)/run.sh)$(BENCH_VCPU_DIR)/run.sh \
		$(BUILD)/kernel/beaml4.elf $(BENCH_VCPU_ELF) $(BENCH_VCPU_ISO)

BENCH_TARGETS += bench-vcpu
LINT_SOURCES += $(BENCH_VCPU_C_SRCS)
