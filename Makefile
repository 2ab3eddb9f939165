# beaml4 top-level build.
#
#   make run    install dependencies, build, boot beaml4 in QEMU
#   make test   install dependencies, build, run every test suite
#   make bench  run the benchmarks
#   make help   list the targets a user and a developer need
#
# Each component brings a fragment in mk/ that appends to the lists below; this file only
# defines the toolchains, the build output and the top-level targets.
#
# `make help` is made of annotations: a comment line "##user TEXT" or "##dev TEXT" directly above
# a target's rule (or above a setting, "##dev VALUE: TEXT") gives its line in the list.

.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

BUILD ?= build

# Build output: one short line per step, a verb and the path of what it makes or runs
# ("  CC      kernel/src/kernel/cspace.c"); errors and warnings still appear in full. A recipe
# starts a step with $(call quiet,VERB,PATH) followed by the command, and prefixes any further
# command of the same step with $(Q). With V=1 both expand to nothing: every command is printed.
##dev 1: print every command in full instead of one short line per build step
V ?= 0
ifeq ($(V),1)
Q :=
quiet =
else
Q := @
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

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

.PHONY: all setup test bench run lint format-check clean help
##dev the default goal: what the fragments add to it (kernel, test guest)
all:

##user install the Debian packages the project needs (only what is missing)
setup:
	@./tools/setup.sh

include $(sort $(wildcard mk/*.mk))

##user install what is missing, build, run every test suite
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

##user install what is missing, build, run the benchmarks
bench: setup
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)

##user install what is missing, build, boot beaml4 in QEMU (Ctrl-A X quits)
run: setup
	@$(MAKE) --no-print-directory $(RUN_TARGET)

##user remove everything built (the build/ folder)
clean:
	$(call quiet,CLEAN,$(BUILD))rm -rf $(BUILD)

# Reads the annotations only: builds nothing, installs nothing.
##user list these targets and settings
help:
	@tools/make-help.sh Makefile $(sort $(wildcard mk/*.mk))
