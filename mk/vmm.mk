# services/vmm: the VMM, one per VM (docs/vmm.md). mk/services.mk builds and embeds it like every
# service; this fragment adds the libraries it links (lib/pv, lib/vdev, lib/x86dec beside the
# runtime) and its tests:
#
#   make test-vmm-host   host unit tests (cmocka, ASan/UBSan) of the VMM's pure parts: loaders,
#                        boot structures, firmware tables, console lines, the VMM protocol
#   make test-vmm        the test guest's programs bare under QEMU and as a PV VM under beaml4,
#                        compared; hostile guests (tests/system/vmm/run-differential.sh)
#   make test-vmm-svm    the same with the VM in AMD-V mode
#   make test-vmm-vtx    the same in VT-x mode with beaml4 in Bochs: one variant, six programs
#   make test-vmm-vtx-all  (make test-slow) four variants, every program, the hostile programs
#   make test-vmm-lifecycle  VMs started, killed, rebooted and crashed from the shell while one
#                        traps for ever (tests/system/vmm/run-lifecycle.py)
#
# This fragment is read before mk/x86dec.mk: the decoder's object is named by its path.

VMM_DIR        := services/vmm
VMM_X86DEC_OBJ := $(BUILD)/x86dec/x86dec-freestanding.o
VMM_INCLUDES   := -Ilib/pv/include -Ilib/vdev/include -Ilib/x86dec/include

$(SERVICE_vmm_OBJS): USER_EXTRA_CFLAGS := $(VMM_INCLUDES)
# The libraries go into one group with the runtime: lib/pv calls the memory functions the
# runtime defines, and the VMM calls all three.
$(SERVICE_vmm_ELF): $(PV_LIB) $(VDEV_LIB) $(VMM_X86DEC_OBJ)
$(SERVICE_vmm_ELF): USER_RUNTIME = --start-group $(PV_LIB) $(VDEV_LIB) \
	$(BUILD)/user/libruntime.a --end-group

# ---- host tests: the pure parts, compiled for the host with every library they use ----------
VMM_PURE_SRCS  := $(addprefix $(VMM_DIR)/,layout.c boot_area.c kernel_multiboot.c kernel_elf.c \
	console.c hypercall.c hw_exit.c \
	load.c boot_pvh.c boot_multiboot.c firmware.c kernel_bzimage.c boot_linux.c virtio_layout.c \
	machine_disk.c)
VMM_HOST_LIBS   = lib/pv/memory.c lib/fmt/fmt.c lib/ipc/vmm.c lib/ipc/vmm_stats.c lib/ipc/msg.c \
	lib/ipc/virtio.c lib/sel4/src/ipc_buffer.c \
	$(sort $(wildcard lib/elf/*.c lib/vdev/*.c lib/acpi/*.c))
VMM_HOST_DIR   := tests/host/vmm
VMM_HOST_OUT   := $(BUILD)/host/vmm
VMM_HOST_TESTS := $(sort $(wildcard $(VMM_HOST_DIR)/test_*.c))
VMM_HOST_HELP  := $(filter-out $(VMM_HOST_TESTS),$(sort $(wildcard $(VMM_HOST_DIR)/*.c)))
VMM_HOST_BINS  := $(patsubst $(VMM_HOST_DIR)/%.c,$(VMM_HOST_OUT)/%,$(VMM_HOST_TESTS))
VMM_HOST_FLAGS := $(HOST_CFLAGS) $(HOST_SANITIZE) -I$(VMM_DIR) -I$(VMM_HOST_DIR) \
	$(VMM_INCLUDES) -Iinclude -Ilib/sel4/include -Ilib/elf/include -Ilib/fmt/include \
	-Ilib/acpi/include -Ilib/ipc/include -Ilib/vdev

$(VMM_HOST_OUT)/test_%: $(VMM_HOST_DIR)/test_%.c $(VMM_HOST_HELP) $(wildcard $(VMM_HOST_DIR)/*.h) \
		$(VMM_PURE_SRCS) $(wildcard $(VMM_DIR)/*.h) $(VMM_HOST_LIBS)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(VMM_HOST_FLAGS) $< $(VMM_HOST_HELP) $(VMM_PURE_SRCS) \
		$(VMM_HOST_LIBS) -lcmocka -o $@

.PHONY: test-vmm-host
##dev host unit tests of the VMM: loaders, boot structures, firmware tables, the VMM protocol
test-vmm-host: $(VMM_HOST_BINS) $(TESTGUEST_IMAGES)
	@set -e; for t in $(VMM_HOST_BINS); do \
		echo "  TEST    $$t"; timeout 300 $$t $(TESTGUEST_IMAGES) >$$t.log 2>&1 || \
			{ cat $$t.log; echo "test-vmm-host: $$t FAILED"; exit 1; }; \
		grep -E '^\[  (PASSED|SKIPPED|FAILED) +\]' $$t.log; \
	done

TEST_TARGETS += test-vmm-host
LINT_SOURCES += $(VMM_HOST_TESTS) $(VMM_HOST_HELP)

# ---- system tests: the test guest under beaml4, compared with bare QEMU ---------------------
VMM_DIFF_OUT := $(BUILD)/tests/vmm/differential

.PHONY: test-vmm
##dev the test guest's programs bare under QEMU TCG and as a PV VM under beaml4, compared
test-vmm: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-differential.sh)tests/system/vmm/run-differential.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT) $(VMM_DIFF_OUT)

TEST_TARGETS += test-vmm

# AMD-V: make test compares two variants (each boot protocol, each link address once) with the
# hostile programs, about a minute; all four variants are in make test-slow.
.PHONY: test-vmm-svm test-vmm-svm-all
##dev the same comparison with the test guest under AMD-V (QEMU TCG -cpu max has SVM): two variants
test-vmm-svm: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-differential.sh --mode svm)\
		tests/system/vmm/run-differential.sh --mode svm --variants mb1-low,pvh-high \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT) $(VMM_DIFF_OUT)-svm

##dev the AMD-V comparison in all four variants (make test-slow)
test-vmm-svm-all: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-differential.sh --mode svm)\
		tests/system/vmm/run-differential.sh --mode svm \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT) $(VMM_DIFF_OUT)-svm-all

TEST_TARGETS += test-vmm-svm
TEST_SLOW_TARGETS += test-vmm-svm-all

# VT-x is Bochs' (its corei7_skylake_x has VMX with EPT and unrestricted guest): beaml4 boots
# from a GRUB ISO there, the reference stays bare QEMU. A Bochs run costs 20 s of BIOS and GRUB
# before the kernel: make test runs one boot with the programs that reach the VT-x paths most
# (#DB and #DF, guest paging over EPT, rings, the interrupt window, timer interrupts, VMCALL),
# about 40 s; the whole comparison (about 10 minutes) is in make test-slow.
VMM_VTX_PROGRAMS := exceptions,paging,user,irqflag,lapic,hypercall
VMM_VTX_DIFF     := tests/system/vmm/run-differential.sh --bochs --mode vtx --jobs 1

.PHONY: test-vmm-vtx
##dev the comparison with the test guest under VT-x in Bochs: one variant, six programs
test-vmm-vtx: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-differential.sh --bochs --mode vtx)$(VMM_VTX_DIFF) \
		--variants pvh-low --programs $(VMM_VTX_PROGRAMS) --hostile none \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT) $(VMM_DIFF_OUT)-vtx

TEST_TARGETS += test-vmm-vtx

.PHONY: test-vmm-vtx-all
##dev the whole comparison under VT-x in Bochs: four variants, every program, hostile programs
test-vmm-vtx-all: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-differential.sh --bochs --mode vtx)$(VMM_VTX_DIFF) \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT) $(VMM_DIFF_OUT)-vtx-all

TEST_SLOW_TARGETS += test-vmm-vtx-all

.PHONY: test-vmm-exit-status
##dev a guest ending through port 0xf4 (exit=port): the same status under beaml4 (PV, AMD-V) as bare
test-vmm-exit-status: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-exit-status.sh)tests/system/vmm/run-exit-status.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT)/testguest-low-pvh.elf \
		$(BUILD)/tests/vmm/exit-status

TEST_TARGETS += test-vmm-exit-status

.PHONY: test-vmm-lifecycle
##dev three PV VMs and the shell: one trapping for ever, vm start/kill/reboot, a VMM that faults
test-vmm-lifecycle: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-lifecycle.py)timeout 600 \
		tests/system/vmm/run-lifecycle.py $(BUILD)/kernel/beaml4.elf $(INIT_ELF) \
		$(TESTGUEST_OUT)/testguest-low-pvh.elf $(BUILD)/tests/vmm/lifecycle

TEST_TARGETS += test-vmm-lifecycle

MANY_VMS_ARGS = $(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(TESTGUEST_OUT)/testguest-low-pvh.elf

.PHONY: test-vmm-many
##dev 16 VMs at once (pv and auto), the 17th refused, vm stats, a spinning VM; 20 start/kill cycles leak nothing
# (about 2 minutes: in make test-slow, beside the 1,000-cycle run)
test-vmm-many: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-many-vms.py)timeout 600 \
		tests/system/vmm/run-many-vms.py --cycles 20 $(MANY_VMS_ARGS) $(BUILD)/tests/vmm/many

TEST_SLOW_TARGETS += test-vmm-many

.PHONY: test-vmm-many-slow
##dev test-vmm-many with 1,000 start/kill cycles of a pv and an auto VM (make test-slow)
test-vmm-many-slow: kernel $(INIT_ELF) $(TESTGUEST_IMAGES)
	$(call quiet,TEST,tests/system/vmm/run-many-vms.py)timeout 3600 \
		tests/system/vmm/run-many-vms.py --cycles 1000 $(MANY_VMS_ARGS) \
		$(BUILD)/tests/vmm/many-slow

TEST_SLOW_TARGETS += test-vmm-many-slow

##dev the test guest's virtio-blk program against a disk module in PV and AMD-V mode, hostile drivers (virtio-hostile) beside a good one, and vm stats's request counts (QEMU, ~30 s)
test-vmm-virtio: kernel init testguest
	$(Q)tests/system/vmm/run-virtio-blk.sh --out $(BUILD)/tests/virtio-blk
	$(Q)tests/system/vmm/run-virtio-hostile.sh $(BUILD)/tests/virtio-hostile
	$(Q)timeout 300 tests/system/vmm/run-virtio-stats.py $(BUILD)/kernel/beaml4.elf $(INIT_ELF) \
		$(TESTGUEST_OUT)/testguest-low-pvh.elf $(TESTGUEST_OUT)/testguest-high-pvh.elf \
		$(BUILD)/tests/virtio-blk/stats

TEST_TARGETS += test-vmm-virtio
.PHONY: test-vmm-virtio

##dev a VM's virtio-blk over a window of the machine's disk (disk=dev:0:...): written in PV mode, read back read-only in AMD-V mode, the image checked on the host; refusals; restarts from the shell (QEMU, ~10 s)
test-vmm-machine-disk: kernel init testguest
	$(Q)tests/system/vmm/run-machine-disk.py $(BUILD)/kernel/beaml4.elf $(INIT_ELF) \
		$(BUILD)/guests/testguest/testguest-low-pvh.elf \
		$(BUILD)/guests/testguest/testguest-high-pvh.elf $(BUILD)/tests/machine-disk

TEST_TARGETS += test-vmm-machine-disk
.PHONY: test-vmm-machine-disk
