# services/dbg, the operator's shell (mk/services.mk builds and embeds it like every service):
#
#   make test-dbg-host   host unit tests of its pure parts (cmocka, ASan/UBSan): the terminal's
#                        byte decoder, the line editor, scancode sets 1 and 2 with the US layout,
#                        the command dispatcher over the real table, the shell's console protocol
#   make test-dbg        boots beaml4 under QEMU TCG and drives the shell over the serial line
#                        and the PS/2 keyboard in scancode sets 2 (qboot) and 1 (the GRUB CD,
#                        SeaBIOS) (tests/system/dbg/run-dbg.py)

DBG_DIR        := services/dbg
DBG_HOST_OUT   := $(BUILD)/host/dbg
DBG_HOST_FLAGS := $(HOST_CFLAGS) $(HOST_SANITIZE) -I$(DBG_DIR) -Iinclude -Ilib/sel4/include \
	-Ilib/ipc/include -Ilib/runtime/include -Ilib/fmt/include
DBG_HEADERS     = $(wildcard $(DBG_DIR)/*.h)

# Each test and the sources it links (beside lib/fmt).
DBG_TEST_terminal := key terminal
DBG_TEST_editor   := key editor
DBG_TEST_scancode := key scancode keymap
DBG_TEST_command  := command table output
DBG_TEST_shell    := key editor command output shell
DBG_HOST_TESTS    := terminal editor scancode command shell
DBG_HOST_BINS     := $(patsubst %,$(DBG_HOST_OUT)/test_%,$(DBG_HOST_TESTS))

$(DBG_HOST_OUT)/test_%: tests/host/dbg/test_%.c $(wildcard $(DBG_DIR)/*.c) $(DBG_HEADERS) \
		lib/fmt/fmt.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(DBG_HOST_FLAGS) $< \
		$(patsubst %,$(DBG_DIR)/%.c,$(DBG_TEST_$*)) lib/fmt/fmt.c -lcmocka -o $@

.PHONY: test-dbg-host test-dbg
##dev host unit tests of dbg: terminal decoder, line editor, scancode sets 1 and 2, commands
test-dbg-host: $(DBG_HOST_BINS)
	$(call quiet,TEST,$(DBG_HOST_OUT)/test_terminal)timeout 300 $(DBG_HOST_OUT)/test_terminal
	$(call quiet,TEST,$(DBG_HOST_OUT)/test_editor)timeout 300 $(DBG_HOST_OUT)/test_editor
	$(call quiet,TEST,$(DBG_HOST_OUT)/test_scancode)timeout 300 $(DBG_HOST_OUT)/test_scancode
	$(call quiet,TEST,$(DBG_HOST_OUT)/test_command)timeout 300 $(DBG_HOST_OUT)/test_command
	$(call quiet,TEST,$(DBG_HOST_OUT)/test_shell)timeout 300 $(DBG_HOST_OUT)/test_shell

# The GRUB CD is mk/run.mk's: named by its path, which this earlier fragment cannot take from
# run.mk's variable.
##dev boot beaml4 in QEMU TCG and drive dbg's shell over serial and the PS/2 keyboard
test-dbg: kernel $(INIT_ELF) $(BUILD)/beaml4.iso
	$(call quiet,TEST,tests/system/dbg/run-dbg.py)timeout 240 tests/system/dbg/run-dbg.py \
		$(BUILD)/kernel/beaml4.elf $(INIT_ELF) $(BUILD)/beaml4.iso $(BUILD)/tests/dbg

TEST_TARGETS += test-dbg-host test-dbg
LINT_SOURCES += $(sort $(wildcard tests/host/dbg/*.c))
