# The Linux guest (docs/linux-guest.md): Debian's kernel package and busybox-static, fetched
# with apt-get download into $(BUILD)/linux/ (never installed), the BusyBox initramfs, and the
# bare QEMU run that a Linux guest under beaml4 is compared with:
#
#   make test-linux-bare   Debian's bzImage with the initramfs bare under QEMU TCG, its console
#                          checked (tests/system/linux/run-bare.sh), the boot time as a figure
#
# The VMM's host tests load the same bzImage when it is there (VMM_TEST_BZIMAGE below).

LINUX_OUT       := $(BUILD)/linux
LINUX_BZIMAGE   := $(LINUX_OUT)/bzImage
LINUX_INITRAMFS := $(LINUX_OUT)/initramfs.cpio.gz

$(LINUX_BZIMAGE):
	$(call quiet,FETCH,$@)./tools/fetch-linux.sh $(BUILD) >/dev/null

$(LINUX_INITRAMFS): tools/make-initramfs.sh tests/system/linux/guest-init.sh
	$(call quiet,GEN,$@)./tools/make-initramfs.sh $(BUILD) >/dev/null

.PHONY: linux-initramfs
##dev the Linux guest's BusyBox initramfs (build/linux/initramfs.cpio.gz)
linux-initramfs: $(LINUX_INITRAMFS)

.PHONY: test-linux-bare
##dev Debian's Linux with the BusyBox initramfs bare under QEMU TCG: console checked, boot time
test-linux-bare: $(LINUX_BZIMAGE) $(LINUX_INITRAMFS)
	$(call quiet,TEST,tests/system/linux/run-bare.sh)tests/system/linux/run-bare.sh \
		$(LINUX_BZIMAGE) $(LINUX_INITRAMFS) $(BUILD)/tests/linux/bare

TEST_TARGETS += test-linux-bare

# tests/host/vmm/test_load_linux.c loads the real bzImage when this file exists (else skips it).
test-vmm-host: export VMM_TEST_BZIMAGE := $(abspath $(LINUX_BZIMAGE))
