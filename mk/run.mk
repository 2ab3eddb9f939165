# make run: boots beaml4 with init in QEMU, interactively (serial on this terminal, Ctrl-A X to
# quit), with KVM when it is usable, and the test guest declared twice: as a PV VM (its console
# lines appear as "demo: ...") and as a VM in the machine's hardware mode (mode=auto: AMD-V under
# QEMU TCG, PV where the machine has neither; "hwdemo: ..."). Each runs every test program and
# then echoes COM1 input: `vm console demo` or `vm console hwdemo` in the shell types to it.

##dev FILE WORDS: the boot module make run declares a VM with ("" for none; commas in it doubled)
RUN_VM ?= $(BUILD)/guests/testguest/testguest-low-pvh.elf vm=demo mode=pv mem=96M cmdline="test=all$(comma)$(comma)echo"
##dev FILE WORDS: the second VM of make run ("" for none; commas in it doubled)
RUN_VM2 ?= $(BUILD)/guests/testguest/testguest-low-pvh.elf vm=hwdemo mode=auto mem=96M cmdline="test=all$(comma)$(comma)echo"
RUN_VM_FILE := $(firstword $(RUN_VM)) $(firstword $(RUN_VM2))
comma := ,

.PHONY: run-qemu
##dev what make run boots, without installing anything first
run-qemu: kernel $(BUILD)/services/init/init.elf $(RUN_VM_FILE)
	@accel="-accel tcg -cpu max"; \
		if tools/kvm-usable.sh; then accel="-accel kvm -cpu host"; fi; \
		echo "run: QEMU $$accel; Ctrl-A X quits"; \
		qemu-system-x86_64 -M q35 $$accel -m 512 -bios /usr/share/qemu/qboot.rom \
			-kernel $(BUILD)/kernel/beaml4.elf \
			-initrd '$(BUILD)/services/init/init.elf$(if $(RUN_VM),$(comma)$(RUN_VM))$(if $(RUN_VM2),$(comma)$(RUN_VM2))' \
			-nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04; \
		true

RUN_TARGET := run-qemu

# make iso: the bootable GRUB image (multiboot2) with init as the root task, for a real machine
# or Bochs. make run-bochs boots a copy whose init powers off after its summary (Bochs runs
# non-interactively here) and prints the serial output.
BEAML4_ISO       := $(BUILD)/beaml4.iso
BEAML4_BOCHS_ISO := $(BUILD)/beaml4-exit-after-boot.iso

$(BEAML4_ISO): $(BUILD)/kernel/beaml4.elf $(BUILD)/services/init/init.elf tools/mkiso.sh
	$(call quiet,ISO,$@)tools/mkiso.sh $@ $(BUILD)/kernel/beaml4.elf $(BUILD)/services/init/init.elf

$(BEAML4_BOCHS_ISO): $(BUILD)/kernel/beaml4.elf $(BUILD)/services/init/init.elf tools/mkiso.sh
	$(call quiet,ISO,$@)tools/mkiso.sh --append exit_after_boot $@ $(BUILD)/kernel/beaml4.elf \
		$(BUILD)/services/init/init.elf

.PHONY: iso run-bochs
##user build build/beaml4.iso, a BIOS-bootable GRUB image for a real machine
iso: $(BEAML4_ISO)

##user boot beaml4's GRUB image in Bochs (init powers off), print its serial output
run-bochs: $(BEAML4_BOCHS_ISO)
	$(call quiet,RUN,$(BEAML4_BOCHS_ISO))tools/run-bochs.sh $(BEAML4_BOCHS_ISO) 120
