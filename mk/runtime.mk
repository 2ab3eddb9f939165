# lib/runtime: start-up code, TLS, threads, memory and string functions, printf, slot/untyped
# allocation and address-space helpers for beaml4 user programs, plus the user link layout.
#
# Other fragments are included before this one, so they name the archive and crt0 by path
# ($(BUILD)/user/...) in prerequisites, and use USER_CFLAGS / USER_LINK only in recipes.

USER_OBJ      := $(BUILD)/user/obj
# USER_EXTRA_CFLAGS: set per target by components (e.g. an include path for generated headers).
USER_CFLAGS    = $(FREESTANDING_CFLAGS) $(SEL4_INCLUDES) -Ilib/runtime/include -Ilib/fmt/include \
	-Ilib/ipc/include -Ilib/algorithms/include -Ilib/elf/include -Ilib/vmdecl/include \
	-Ilib/acpi/include -Ilib/pci/include $(USER_EXTRA_CFLAGS) -MMD -MP
USER_ASFLAGS   = $(USER_CFLAGS) -D__ASSEMBLY__
USER_LDSCRIPT := lib/runtime/user.ld
USER_LDFLAGS  := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(USER_LDSCRIPT)
USER_CRT0     := $(USER_OBJ)/lib/runtime/crt0.S.o
USER_RUNTIME  := $(BUILD)/user/libruntime.a
# $(USER_LINK) links $@ from the objects among its prerequisites, crt0 first, the runtime last.
USER_LINK      = $(LD) $(USER_LDFLAGS) -o $@ $(USER_CRT0) \
	$(filter-out $(USER_CRT0) $(USER_RUNTIME) $(USER_LDSCRIPT),$(filter %.o,$^)) $(USER_RUNTIME)

RUNTIME_C_SRCS := $(sort $(wildcard lib/runtime/*.c))
RUNTIME_S_SRCS := lib/runtime/thread_start.S
# The archive also carries what every program may use: libsel4, the formatter, the typed IPC
# messages (lib/ipc), the algorithms (ring buffer, timer tree, allocators), the parsers of ELF
# files, VM declarations and ACPI tables, and PCI enumeration.
IPC_C_SRCS     := $(sort $(wildcard lib/ipc/*.c))
RUNTIME_OBJS   := $(patsubst %,$(USER_OBJ)/%.o,$(RUNTIME_C_SRCS) $(RUNTIME_S_SRCS) \
	$(sort $(wildcard lib/sel4/src/*.c)) \
	lib/fmt/fmt.c $(IPC_C_SRCS) $(sort $(wildcard lib/algorithms/*.c)) \
	$(sort $(wildcard lib/elf/*.c)) $(sort $(wildcard lib/vmdecl/*.c)) \
	$(sort $(wildcard lib/acpi/*.c)) $(sort $(wildcard lib/pci/*.c)))

$(USER_OBJ)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_OBJ)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call quiet,AS,$<)$(CC) $(USER_ASFLAGS) -c $< -o $@

$(USER_RUNTIME): $(RUNTIME_OBJS)
	@rm -f $@
	$(call quiet,AR,$@)ar rcs $@ $^

-include $(RUNTIME_OBJS:.o=.d) $(USER_CRT0:.o=.d)

.PHONY: user-runtime
##dev build the user-space runtime (libruntime.a, crt0) every user program links
user-runtime: $(USER_RUNTIME) $(USER_CRT0)

LINT_SOURCES += $(RUNTIME_C_SRCS) $(IPC_C_SRCS)

# Host unit test of the runtime's pure logic (boot info parsing), sanitizers on.
RUNTIME_HOST_TEST := $(BUILD)/host/runtime/test_bootinfo

$(RUNTIME_HOST_TEST): tests/host/runtime/test_bootinfo.c lib/runtime/bootinfo.c \
		tests/host/runtime/fake_bootinfo.h \
		$(wildcard include/sel4/*.h lib/sel4/include/sel4/*.h lib/runtime/include/runtime/*.h)
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -Iinclude -Ilib/sel4/include \
		-Ilib/runtime/include tests/host/runtime/test_bootinfo.c lib/runtime/bootinfo.c -lcmocka \
		-o $@

# The string functions against glibc's, compiled under rt_* names to live beside them.
RUNTIME_STRING_TEST := $(BUILD)/host/runtime/test_string
RUNTIME_STRING_RENAME := -Dmemcpy=rt_memcpy -Dmemmove=rt_memmove -Dmemset=rt_memset \
	-Dmemcmp=rt_memcmp -Dstrlen=rt_strlen -Dstrcmp=rt_strcmp -Dstrncmp=rt_strncmp \
	-Dstrstr=rt_strstr

$(RUNTIME_STRING_TEST): tests/host/runtime/test_string.c lib/runtime/string.c \
		lib/runtime/include/runtime/string.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) -fno-builtin $(RUNTIME_STRING_RENAME) \
		-Ilib/runtime/include -c lib/runtime/string.c -o $@.string.o
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) tests/host/runtime/test_string.c $@.string.o \
		-lcmocka -o $@

# The heap against a model; its malloc/calloc/free are renamed so as not to replace glibc's.
RUNTIME_HEAP_TEST := $(BUILD)/host/runtime/test_heap

$(RUNTIME_HEAP_TEST): tests/host/runtime/test_heap.c lib/runtime/heap.c lib/runtime/string.c \
		lib/runtime/include/runtime/heap.h
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) -Dmalloc=rt_malloc \
		-Dcalloc=rt_calloc -Dfree=rt_free -Ilib/runtime/include tests/host/runtime/test_heap.c \
		lib/runtime/heap.c -lcmocka -o $@

# lib/ipc's message form and every protocol's decoder (the IPC buffer is never touched).
IPC_HOST_TEST := $(BUILD)/host/ipc/test_ipc

$(IPC_HOST_TEST): tests/host/ipc/test_ipc.c $(IPC_C_SRCS) $(wildcard lib/ipc/include/ipc/*.h) \
		lib/sel4/src/ipc_buffer.c
	@mkdir -p $(dir $@)
	$(call quiet,HOSTCC,$@)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SANITIZE) $(SEL4_INCLUDES) \
		-Ilib/ipc/include tests/host/ipc/test_ipc.c $(IPC_C_SRCS) lib/sel4/src/ipc_buffer.c \
		-lcmocka -o $@

.PHONY: test-runtime-host
##dev host unit tests of the runtime: boot info, strings against glibc's, heap, IPC decoders
test-runtime-host: $(RUNTIME_HOST_TEST) $(RUNTIME_STRING_TEST) $(RUNTIME_HEAP_TEST) $(IPC_HOST_TEST)
	$(call quiet,TEST,$(RUNTIME_HOST_TEST))timeout 300 $(RUNTIME_HOST_TEST)
	$(call quiet,TEST,$(RUNTIME_STRING_TEST))timeout 300 $(RUNTIME_STRING_TEST)
	$(call quiet,TEST,$(RUNTIME_HEAP_TEST))timeout 300 $(RUNTIME_HEAP_TEST)
	$(call quiet,TEST,$(IPC_HOST_TEST))timeout 300 $(IPC_HOST_TEST)

TEST_TARGETS += test-runtime-host
LINT_SOURCES += tests/host/runtime/test_bootinfo.c tests/host/runtime/test_string.c \
	tests/host/runtime/test_heap.c tests/host/ipc/test_ipc.c
