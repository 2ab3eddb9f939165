# tools/ and the scripts' command line (tests/tools/run-tools-help.sh): every script answers
# --help and -h with its usage and does nothing else, refuses unknown options, and `make help`
# lists every suite of `make test` without building or installing anything.

.PHONY: test-tools-help
##dev every script's --help and -h and refusal of unknown options; make help
test-tools-help:
	$(call quiet,TEST,tests/tools/run-tools-help.sh)tests/tools/run-tools-help.sh \
		$(TEST_TARGETS)

TEST_TARGETS += test-tools-help
