# make test-slow: the suites too long for make test (whole runs in Bochs, where every guest
# instruction is emulated and VT-x is too). Each fragment adds its own to TEST_SLOW_TARGETS;
# they run one after the other (each runs one emulator at a time), and every one runs even when
# another failed.

TEST_SLOW_TARGETS +=

.PHONY: test-slow
##user install what is missing, build, run the slow suites (Bochs runs of VT-x; an hour or more)
test-slow: setup
	@status=0; \
	for suite in $(TEST_SLOW_TARGETS); do \
		$(MAKE) --no-print-directory $$suite || status=1; \
	done; \
	[ $$status -ne 0 ] || echo "make test-slow: all suites passed ($(words $(TEST_SLOW_TARGETS)) suites)"; \
	exit $$status
