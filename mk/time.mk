# services/time (built and embedded in init by mk/services.mk): host unit tests of its timer
# queue and clock arithmetic (the timer-latency figures are bench-services', mk/services.mk).

TIME_DIR       := services/time
TIME_HOST_TEST := $(BUILD)/host/time/test_time

$(TIME_HOST_TEST): tests/host/time/test_time.c $(TIME_DIR)/queue.c $(TIME_DIR)/queue.h \
		$(TIME_DIR)/clock.c $(TIME_DIR)/clock.h lib/algorithms/sgtree.c \
		lib/algorithms/include/algorithms/sgtree.h lib/ipc/include/ipc/time.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-Ilib/ipc/include -Ilib/algorithms/include -I$(TIME_DIR) tests/host/time/test_time.c \
		$(TIME_DIR)/queue.c $(TIME_DIR)/clock.c lib/algorithms/sgtree.c -lcmocka -o $@

.PHONY: test-time-host
##dev host unit tests of the time service: its queue against a model, the clock arithmetic
test-time-host: $(TIME_HOST_TEST)
	$(call quiet,TEST,$(TIME_HOST_TEST))timeout 300 $(TIME_HOST_TEST)

TEST_TARGETS += test-time-host
LINT_SOURCES += tests/host/time/test_time.c

