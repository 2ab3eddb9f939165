# beaml4 top-level build.
#
#   make run    install dependencies, build, boot beaml4 in QEMU
#   make test   install dependencies, build, run every test suite
#   make bench  run the benchmarks
#
# Each component brings a fragment in mk/ that appends to the lists below; this file only
# defines the toolchains and the top-level targets.

.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

BUILD ?= build

# Host tools: unit tests, model tests, fuzzers, benchmarks. Sanitizers on by default.
HOST_CC       ?= gcc
HOST_CFLAGS   ?= -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer
HOST_SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CC       ?= clang-14

# Freestanding target code: the kernel, services, guests. Libraries in lib/ build both ways.
CC            := gcc
LD            := ld
OBJCOPY       := objcopy
FREESTANDING_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-nostdinc -fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
	-mno-avx -mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-common \
	-isystem $(shell $(CC) -print-file-name=include)

TEST_TARGETS  :=
# Suites among TEST_TARGETS whose figures need the machine to themselves (a boot-time bound):
# make test runs them after all the others, one at a time, whatever -j says.
TEST_SOLO_TARGETS :=
BENCH_TARGETS :=
RUN_TARGET    :=
LINT_SOURCES  :=

.PHONY: all setup test bench run lint format-check clean
all:

setup:
	@./tools/setup.sh

include $(sort $(wildcard mk/*.mk))

test: setup
	@$(MAKE) --no-print-directory -k test-all

# -k in both phases: every suite runs even when another failed, and the status says so.
.PHONY: test-all test-shared test-solo
test-all:
	@status=0; \
	$(MAKE) --no-print-directory -k test-shared || status=1; \
	$(MAKE) --no-print-directory -k test-solo || status=1; \
	[ $$status -ne 0 ] || echo "make test: all suites passed ($(words $(TEST_TARGETS)) suites)"; \
	exit $$status

test-shared: $(filter-out $(TEST_SOLO_TARGETS),$(TEST_TARGETS))
test-solo: $(filter $(TEST_SOLO_TARGETS),$(TEST_TARGETS))
# The solo phase is serial whatever -j says (a sub-make's own -j1 would warn about the jobserver).
ifeq ($(MAKECMDGOALS),test-solo)
.NOTPARALLEL:
endif

bench: setup
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)

run: setup
	@$(MAKE) --no-print-directory $(RUN_TARGET)

clean:
	rm -rf $(BUILD)
