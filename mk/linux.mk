# The Linux guest (docs/linux-guest.md): Debian's kernel package and busybox-static, fetched
# with apt-get download into $(BUILD)/linux/ (never installed), the BusyBox initramfs, and the
# bare QEMU run that a Linux guest under beaml4 is compared with:
#
#   make test-linux-bare   Debian's bzImage with the initramfs bare under QEMU TCG, its console
#                          checked (tests/system/linux/run-bare.sh), the boot time as a figure
#   make test-linux-loader the same kernel booted from the VMM's Linux loader's output
#   make test-linux-pv-refusal  the bzImage as a PV VM under beaml4: refused by its VMM
#   make test-linux-svm    the same kernel under beaml4 in AMD-V mode, checked against bare
#   make test-linux-vtx    the same in VT-x mode with beaml4 in Bochs (make test-slow)
#   make test-linux-ext4   the same kernel in AMD-V mode keeps a file on ext4 on the machine's
#                          virtio-blk disk across a reboot of its VM
#   make bench-linux-dd    dd's throughput on a virtio-blk disk, bare against beaml4 AMD-V
#   make test-linux-fuzz   the Linux loader fuzzed (LINUX_FUZZ_TEST_SECONDS)
#
# The VMM's host tests load the same bzImage when it is there (VMM_TEST_BZIMAGE below).

LINUX_OUT       := $(BUILD)/linux
LINUX_BZIMAGE   := $(LINUX_OUT)/bzImage
LINUX_INITRAMFS := $(LINUX_OUT)/initramfs.cpio.gz
LINUX_BARE_LOG  := $(BUILD)/tests/linux/bare/console.log

$(LINUX_BZIMAGE):
	$(call quiet,FETCH,$@)./tools/fetch-linux.sh $(BUILD) >/dev/null

$(LINUX_INITRAMFS): tools/make-initramfs.sh tests/system/linux/guest-init.sh $(LINUX_BZIMAGE)
	$(call quiet,GEN,$@)./tools/make-initramfs.sh $(BUILD) >/dev/null

.PHONY: linux-initramfs
##dev the Linux guest's BusyBox initramfs (build/linux/initramfs.cpio.gz)
linux-initramfs: $(LINUX_INITRAMFS)

.PHONY: test-linux-bare
##dev Debian's Linux with the BusyBox initramfs bare under QEMU TCG: console checked, boot time
test-linux-bare: $(LINUX_BZIMAGE) $(LINUX_INITRAMFS)
	$(call quiet,TEST,tests/system/linux/run-bare.sh)tests/system/linux/run-bare.sh \
		$(LINUX_BZIMAGE) $(LINUX_INITRAMFS) $(dir $(LINUX_BARE_LOG))

TEST_TARGETS += test-linux-bare

# The VMM's Linux loader run on the host, its output booted by QEMU through a stand-in for the
# hardware back end's first entry (tests/system/linux/run-loader.sh); its console must show the
# lines the bare run's does (expected.txt). Built like the VMM's host tests (mk/vmm.mk).
LINUX_LOADER_DUMP := $(BUILD)/tests/linux/loader_dump

$(LINUX_LOADER_DUMP): tests/system/linux/loader_dump.c $(wildcard services/vmm/*.c services/vmm/*.h)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(VMM_HOST_FLAGS) $< $(VMM_PURE_SRCS) $(VMM_HOST_LIBS) -o $@

.PHONY: test-linux-loader
##dev Debian's Linux booted under QEMU TCG from the VMM's loader, 64- and 32-bit entries
test-linux-loader: $(LINUX_LOADER_DUMP) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS)
	$(call quiet,TEST,tests/system/linux/run-loader.sh)tests/system/linux/run-loader.sh \
		$(LINUX_LOADER_DUMP) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) $(BUILD)/tests/linux/loader
	$(call quiet,TEST,tests/system/linux/run-loader.sh --entry32)tests/system/linux/run-loader.sh \
		--entry32 $(LINUX_LOADER_DUMP) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) \
		$(BUILD)/tests/linux/loader-32

TEST_TARGETS += test-linux-loader
LINT_SOURCES += tests/system/linux/loader_dump.c

# A bzImage declared as a PV VM under beaml4: its VMM refuses it, the machine goes on
# (tests/system/linux/run-pv-refusal.sh).
.PHONY: test-linux-pv-refusal
##dev Debian's bzImage as a PV VM under beaml4: refused by its VMM, the machine goes on
test-linux-pv-refusal: kernel $(INIT_ELF) $(LINUX_BZIMAGE)
	$(call quiet,TEST,tests/system/linux/run-pv-refusal.sh)tests/system/linux/run-pv-refusal.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(LINUX_BZIMAGE) $(BUILD)/tests/linux/pv-refusal.log

TEST_TARGETS += test-linux-pv-refusal

# The same kernel as a VM under beaml4 in AMD-V mode (QEMU TCG -cpu max), its console checked
# against the bare run's (tests/system/linux/run-hw.sh), the boot time beside the bare one.
.PHONY: test-linux-svm
##dev Debian's Linux under beaml4 in AMD-V mode (QEMU TCG): console checked against bare, boot time
test-linux-svm: kernel $(INIT_ELF) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) test-linux-bare
	$(call quiet,TEST,tests/system/linux/run-hw.sh)tests/system/linux/run-hw.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) \
		$(dir $(LINUX_BARE_LOG)) $(BUILD)/tests/linux/svm

TEST_TARGETS += test-linux-svm

# The kernel in AMD-V mode with the machine's virtio-blk disk (an ext4 image made by the test) as
# its disk=dev:0: it writes a file, its VM reboots, it reads the file back; the image is then
# checked on the host (tests/system/linux/run-ext4.sh, about 35-50 s).
.PHONY: test-linux-ext4
##dev Debian's Linux under beaml4 (AMD-V) writes a file on ext4 on a virtio-blk disk, reboots, reads it
test-linux-ext4: kernel $(INIT_ELF) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS)
	$(call quiet,TEST,tests/system/linux/run-ext4.sh)tests/system/linux/run-ext4.sh \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) \
		$(BUILD)/tests/linux/ext4

TEST_TARGETS += test-linux-ext4

# dd on /dev/vda, bare (virtio-blk-pci) against under beaml4 in AMD-V mode (virtio-mmio over
# the machine's disk): tests/system/linux/run-dd.sh, about 35 s for LINUX_DD_MIB MiB.
##dev 128: MiB that make bench-linux-dd writes and reads on each side
LINUX_DD_MIB ?= 128
.PHONY: bench-linux-dd
##dev dd write and read of Linux's virtio-blk disk, bare against under beaml4 (AMD-V): MiB/s, ratio
bench-linux-dd: kernel $(INIT_ELF) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS)
	$(call quiet,BENCH,tests/system/linux/run-dd.sh)tests/system/linux/run-dd.sh \
		--mib $(LINUX_DD_MIB) $(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(LINUX_BZIMAGE) \
		$(LINUX_INITRAMFS) $(BUILD)/bench/linux-dd

BENCH_TARGETS += bench-linux-dd

# VT-x is Bochs': beaml4 from a GRUB ISO, every instruction of Linux's boot emulated (about
# 3.5 minutes here, an hour allowed), in make test-slow.
.PHONY: test-linux-vtx
##dev Debian's Linux under beaml4 in VT-x mode (Bochs): console checked against bare
test-linux-vtx: kernel $(INIT_ELF) $(LINUX_BZIMAGE) $(LINUX_INITRAMFS) test-linux-bare
	$(call quiet,TEST,tests/system/linux/run-hw.sh --mode vtx --bochs)tests/system/linux/run-hw.sh \
		--mode vtx --bochs --timeout 3600 $(BUILD)/kernel/beaml4.elf $(INIT_ELF) \
		$(LINUX_BZIMAGE) $(LINUX_INITRAMFS) $(dir $(LINUX_BARE_LOG)) $(BUILD)/tests/linux/vtx

TEST_SLOW_TARGETS += test-linux-vtx

# The Linux loader fuzzed (tests/fuzz/vmm/fuzz_bzimage.c): hostile headers, command lines and
# initrds, every acceptance checked against the image, every refusal leaving RAM untouched.
LINUX_FUZZ_BIN := $(BUILD)/fuzz/vmm/fuzz_bzimage
##dev 10: seconds of the Linux loader's fuzzer in make test (test-linux-fuzz)
LINUX_FUZZ_TEST_SECONDS ?= 10

$(LINUX_FUZZ_BIN): tests/fuzz/vmm/fuzz_bzimage.c $(wildcard services/vmm/*.c services/vmm/*.h)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(FUZZ_CC) $(VMM_HOST_FLAGS) -fsanitize=fuzzer $< $(VMM_PURE_SRCS) \
		$(VMM_HOST_LIBS) -o $@

.PHONY: test-linux-fuzz fuzz-bzimage
##dev the Linux loader's fuzzer for LINUX_FUZZ_TEST_SECONDS (its log shown on a finding)
test-linux-fuzz: $(LINUX_FUZZ_BIN)
	$(call quiet,FUZZ,$< ($(LINUX_FUZZ_TEST_SECONDS) s))status=0; \
	timeout $$(($(LINUX_FUZZ_TEST_SECONDS) + 120)) $< -max_total_time=$(LINUX_FUZZ_TEST_SECONDS) \
		-artifact_prefix=$(dir $<) >$<.log 2>&1 || status=$$?; \
	if [ $$status -ne 0 ]; then cat $<.log; echo "test-linux-fuzz: FAILED"; exit 1; fi; \
	grep -E '^Done' $<.log; echo "test-linux-fuzz: passed, nothing found"

##dev fuzz the Linux loader for FUZZ_SECONDS
fuzz-bzimage: $(LINUX_FUZZ_BIN)
	$(call quiet,FUZZ,$< ($(FUZZ_SECONDS) s))$< -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(dir $<)

TEST_TARGETS += test-linux-fuzz
LINT_SOURCES += tests/fuzz/vmm/fuzz_bzimage.c

# tests/host/vmm/test_load_linux.c loads the real bzImage when this file exists (else skips it).
test-vmm-host: export VMM_TEST_BZIMAGE := $(abspath $(LINUX_BZIMAGE))
