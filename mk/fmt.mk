# lib/fmt: the formatter shared by the kernel and user space, tested against glibc's snprintf.

FMT_TEST_BIN := $(BUILD)/host/fmt/test_fmt

$(FMT_TEST_BIN): tests/host/fmt/test_fmt.c lib/fmt/fmt.c lib/fmt/include/fmt/fmt.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) -Wno-format-security $(HOST_SANITIZE) \
		-Ilib/fmt/include tests/host/fmt/test_fmt.c lib/fmt/fmt.c -lcmocka -o $@

.PHONY: test-fmt
##dev host unit tests of lib/fmt, the formatter, against glibc's snprintf
test-fmt: $(FMT_TEST_BIN)
	$(call quiet,TEST,$(FMT_TEST_BIN))timeout 300 $(FMT_TEST_BIN)

TEST_TARGETS += test-fmt
LINT_SOURCES += lib/fmt/fmt.c
