# tests/kernel-smoke: the kernel's own quick self-check, a tiny root task with raw system calls,
# run under QEMU TCG and (when usable) KVM. The full kernel suite is tests/kernel.

SMOKE_DIR    := tests/kernel-smoke
SMOKE_ELF    := $(BUILD)/kernel/smoke/smoke.elf
SMOKE_OBJ    := $(BUILD)/kernel/smoke/obj
SMOKE_CFLAGS := $(FREESTANDING_CFLAGS) -Iinclude

SMOKE_C_SRCS := $(sort $(wildcard $(SMOKE_DIR)/*.c))
SMOKE_C_OBJS := $(patsubst $(SMOKE_DIR)/%.c,$(SMOKE_OBJ)/%.o,$(SMOKE_C_SRCS))

$(SMOKE_OBJ)/%.o: $(SMOKE_DIR)/%.c $(SMOKE_DIR)/smoke.h $(wildcard include/sel4/*.h)
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(SMOKE_CFLAGS) -c $< -o $@

$(SMOKE_OBJ)/start.o: $(SMOKE_DIR)/start.S
	@mkdir -p $(dir $@)
	$(call quiet,AS,$<)$(CC) $(SMOKE_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(SMOKE_ELF): $(SMOKE_OBJ)/start.o $(SMOKE_C_OBJS) $(SMOKE_DIR)/smoke.ld
	$(call quiet,LD,$@)$(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
		-T $(SMOKE_DIR)/smoke.ld -o $@ $(SMOKE_OBJ)/start.o $(SMOKE_C_OBJS)

.PHONY: kernel-smoke test-kernel-smoke
##dev build the kernel's quick self-check, a tiny root task (tests/kernel-smoke)
kernel-smoke: $(SMOKE_ELF)

##dev the kernel's quick self-check (QEMU TCG and KVM) and two broken root tasks
test-kernel-smoke: kernel $(SMOKE_ELF)
	$(call quiet,TEST,$(SMOKE_ELF))tools/run-qemu.sh --timeout 60 $(KERNEL_ELF) $(SMOKE_ELF) \
		>$(BUILD)/kernel/smoke/tcg.log 2>&1; \
		status=$$?; grep '^smoke:' $(BUILD)/kernel/smoke/tcg.log; \
		[ $$status -eq 0 ] || { echo "test-kernel-smoke [tcg]: exit status $$status"; \
		tail -5 $(BUILD)/kernel/smoke/tcg.log; exit 1; }
	@for bad in truncated text; do \
		if [ $$bad = truncated ]; then head -c 200 $(SMOKE_ELF) >$(BUILD)/kernel/smoke/bad.elf; \
		else printf 'this is not an executable\n' >$(BUILD)/kernel/smoke/bad.elf; fi; \
		tools/run-qemu.sh --timeout 30 $(KERNEL_ELF) $(BUILD)/kernel/smoke/bad.elf \
			>$(BUILD)/kernel/smoke/bad.log 2>&1; status=$$?; \
		line=$$(grep 'boot error: root task image' $(BUILD)/kernel/smoke/bad.log); \
		if [ $$status -ne 3 ] || [ -z "$$line" ]; then \
			echo "test-kernel-smoke [$$bad ELF]: expected a root task image boot error and exit 3, got $$status"; \
			tail -3 $(BUILD)/kernel/smoke/bad.log; exit 1; fi; \
		echo "test-kernel-smoke [$$bad ELF]: $$line"; \
	done
	@if tools/kvm-usable.sh; then \
		tools/run-qemu.sh --kvm --timeout 300 $(KERNEL_ELF) $(SMOKE_ELF) \
			>$(BUILD)/kernel/smoke/kvm.log 2>&1; status=$$?; \
		grep '^smoke: null' $(BUILD)/kernel/smoke/kvm.log; \
		[ $$status -eq 0 ] || { echo "test-kernel-smoke [kvm]: exit status $$status"; \
			grep -v '^smoke: ok' $(BUILD)/kernel/smoke/kvm.log | tail -5; exit 1; }; \
	else echo "test-kernel-smoke [kvm]: skipped: KVM not usable"; fi

TEST_TARGETS += test-kernel-smoke
LINT_SOURCES += $(SMOKE_C_SRCS)
