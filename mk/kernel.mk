# The beaml4 kernel: one freestanding ELF image (PVH note, multiboot1 and multiboot2 headers).

KERNEL_DIR   := kernel
KERNEL_ARCH  := $(KERNEL_DIR)/arch/x86/64
KERNEL_ELF   := $(BUILD)/kernel/beaml4.elf
KERNEL_OBJ   := $(BUILD)/kernel/obj

KERNEL_SRCS := $(sort $(shell find $(KERNEL_DIR)/src $(KERNEL_ARCH) -name '*.c' -o -name '*.S')) \
	lib/fmt/fmt.c
KERNEL_OBJS := $(patsubst %,$(KERNEL_OBJ)/%.o,$(KERNEL_SRCS))

# Position-independent code generation lets the kernel run in the kernel window at
# 0xffff800000000000 without the large code model; the link itself is static.
KERNEL_CFLAGS := $(filter-out -fno-pic -fno-pie,$(FREESTANDING_CFLAGS)) -fpie \
	-fvisibility=hidden -mcmodel=small \
	-I$(KERNEL_DIR)/include -I$(KERNEL_ARCH)/include -Iinclude -Ilib/fmt/include -MMD -MP
KERNEL_ASFLAGS := $(KERNEL_CFLAGS) -D__ASSEMBLY__
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(KERNEL_ARCH)/linker.ld

$(KERNEL_OBJ)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_OBJ)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call quiet,AS,$<)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_ARCH)/linker.ld
	$(call quiet,LD,$@)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

-include $(KERNEL_OBJS:.o=.d)

.PHONY: kernel
##dev build the kernel (build/kernel/beaml4.elf)
kernel: $(KERNEL_ELF)
all: kernel
LINT_SOURCES += $(filter %.c,$(KERNEL_SRCS))
