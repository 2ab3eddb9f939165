# make run: boots beaml4 with init in QEMU, interactively (serial on this terminal, Ctrl-A X to
# quit), with KVM when it is usable.

.PHONY: run-qemu
run-qemu: kernel $(BUILD)/services/init/init.elf
	@accel="-accel tcg -cpu max"; \
		if tools/kvm-usable.sh; then accel="-accel kvm -cpu host"; fi; \
		echo "run: QEMU $$accel; Ctrl-A X quits"; \
		qemu-system-x86_64 -M q35 $$accel -m 256 -bios /usr/share/qemu/qboot.rom \
			-kernel $(BUILD)/kernel/beaml4.elf -initrd $(BUILD)/services/init/init.elf \
			-nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04; \
		true

RUN_TARGET := run-qemu
