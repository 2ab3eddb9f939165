# services/init: the root task (first version): banner, boot summary, idle or power-off.
# Its system test boots it with exit_after_boot and checks what it prints.

INIT_DIR     := services/init
INIT_ELF     := $(BUILD)/services/init/init.elf
INIT_GEN     := $(BUILD)/services/init/gen
INIT_C_SRCS  := $(sort $(wildcard $(INIT_DIR)/*.c))
INIT_OBJS    := $(patsubst %,$(BUILD)/user/obj/%.o,$(INIT_C_SRCS))
BEAML4_VERSION := 0.1.0+g$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

$(INIT_OBJS): USER_EXTRA_CFLAGS := -I$(INIT_GEN)
$(INIT_OBJS): $(INIT_GEN)/version.h

# Rewritten only when the version changes, so that init rebuilds exactly then.
.PHONY: init-version-check
$(INIT_GEN)/version.h: init-version-check
	@mkdir -p $(dir $@)
	@line='#define BEAML4_VERSION "$(BEAML4_VERSION)"'; \
		echo "$$line" | cmp -s - $@ || echo "$$line" >$@

$(INIT_ELF): $(INIT_OBJS) $(BUILD)/user/libruntime.a $(BUILD)/user/obj/lib/runtime/crt0.S.o \
		lib/runtime/user.ld
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(USER_LINK)

-include $(INIT_OBJS:.o=.d)

.PHONY: init test-init-boot
##dev build init, the root task (build/services/init/init.elf)
init: $(INIT_ELF)

##dev boot init under QEMU TCG and KVM; check its summary, KVM boot under 100 ms
test-init-boot: kernel $(INIT_ELF)
	$(call quiet,TEST,tests/system/init-boot.sh)tests/system/init-boot.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF)

TEST_TARGETS += test-init-boot
# Its KVM boot-time bound needs an otherwise idle machine, also under make -j.
TEST_SOLO_TARGETS += test-init-boot
LINT_SOURCES += $(INIT_C_SRCS)

# Host unit test of the boot summary arithmetic, sanitizers on.
INIT_HOST_TEST := $(BUILD)/host/init/test_summary

$(INIT_HOST_TEST): tests/host/init/test_summary.c $(INIT_DIR)/summary.c $(INIT_DIR)/summary.h \
		lib/runtime/bootinfo.c tests/host/runtime/fake_bootinfo.h \
		$(wildcard include/sel4/*.h lib/sel4/include/sel4/*.h lib/runtime/include/runtime/*.h)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -Iinclude -Ilib/sel4/include \
		-Ilib/runtime/include tests/host/init/test_summary.c $(INIT_DIR)/summary.c \
		lib/runtime/bootinfo.c -lcmocka -o $@

# Host unit test of the VM mode resolution (requested mode against the machine's VT-x/AMD-V).
INIT_MODE_TEST := $(BUILD)/host/init/test_vm_mode

$(INIT_MODE_TEST): tests/host/init/test_vm_mode.c $(INIT_DIR)/vm_mode.c $(INIT_DIR)/vm_mode.h \
		lib/fmt/fmt.c $(wildcard lib/vmdecl/*.c lib/vmdecl/*.h lib/vmdecl/include/vmdecl/*.h \
		include/sel4/*.h)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -I$(INIT_DIR) -Iinclude \
		-Ilib/sel4/include -Ilib/fmt/include -Ilib/vmdecl/include tests/host/init/test_vm_mode.c \
		$(INIT_DIR)/vm_mode.c lib/fmt/fmt.c $(sort $(wildcard lib/vmdecl/*.c)) -lcmocka -o $@

.PHONY: test-init-host
##dev host unit tests of init: boot summary arithmetic, VM mode resolution
test-init-host: $(INIT_HOST_TEST) $(INIT_MODE_TEST)
	$(call quiet,TEST,$(INIT_HOST_TEST))timeout 300 $(INIT_HOST_TEST)
	$(call quiet,TEST,$(INIT_MODE_TEST))timeout 300 $(INIT_MODE_TEST)

TEST_TARGETS += test-init-host
LINT_SOURCES += tests/host/init/test_summary.c tests/host/init/test_vm_mode.c
