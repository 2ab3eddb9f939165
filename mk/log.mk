# services/log (built and embedded in init by mk/services.mk): a host unit test of its COM1
# driver against a model of a 16550 whose other end reads or stops reading.

LOG_DIR       := services/log
LOG_HOST_TEST := $(BUILD)/host/log/test_uart

$(LOG_HOST_TEST): tests/host/log/test_uart.c $(LOG_DIR)/uart.c $(LOG_DIR)/uart.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-I$(LOG_DIR) tests/host/log/test_uart.c -lcmocka -o $@

.PHONY: test-log-host
##dev host unit test of the log service's COM1 driver: a line that stops reading, interrupts
test-log-host: $(LOG_HOST_TEST)
	$(call quiet,TEST,$(LOG_HOST_TEST))timeout 300 $(LOG_HOST_TEST)

TEST_TARGETS += test-log-host
LINT_SOURCES += tests/host/log/test_uart.c
