/*
 * Host tests of the VMM's virtio-mmio layout: the windows below the I/O APIC, one after the
 * other and never overlapping it or each other, the free ISA lines, the block device only with
 * disk=, and the Linux command line in virtio_mmio.device=SIZE@BASE:IRQ form, refused whole
 * when it does not fit.
 */
#include "virtio_layout.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static void layout_windows_and_lines(void **state)
{
    vmm_virtio_layout_t layout;

    (void)state;
    virtio_layout_make(false, &layout);
    assert_int_equal(layout.count, 2);
    assert_int_equal(layout.kind[0], VMM_VIRTIO_CONSOLE);
    assert_int_equal(layout.kind[1], VMM_VIRTIO_RNG);
    virtio_layout_make(true, &layout);
    assert_int_equal(layout.count, 3);
    assert_int_equal(layout.kind[2], VMM_VIRTIO_BLOCK);
    for (unsigned i = 0; i < layout.count; i++) {
        assert_int_equal(layout.device[i].base, 0xfeb00000u + 0x200u * i);
        assert_int_equal(layout.device[i].size, 0x200);
        assert_true(layout.device[i].base + layout.device[i].size <= 0xfec00000u);
        /* Not the PIT, the cascade, COM1, the RTC or the SCI. */
        assert_true(layout.device[i].irq != 0 && layout.device[i].irq != 2 &&
                    layout.device[i].irq != 4 && layout.device[i].irq != 8 &&
                    layout.device[i].irq != 9 && layout.device[i].irq < 16);
        for (unsigned k = 0; k < i; k++) {
            assert_int_not_equal(layout.device[i].irq, layout.device[k].irq);
        }
    }
}

static void linux_command_line(void **state)
{
    vmm_virtio_layout_t layout;
    char out[256];
    const char *expected = "virtio_mmio.device=512@0xfeb00000:5 "
                           "virtio_mmio.device=512@0xfeb00200:10 "
                           "virtio_mmio.device=512@0xfeb00400:11";

    (void)state;
    virtio_layout_make(true, &layout);
    assert_int_equal(virtio_layout_cmdline(&layout, out, sizeof(out)), strlen(expected));
    assert_string_equal(out, expected);
    assert_int_equal(virtio_layout_cmdline(&layout, out, strlen(expected) + 1), strlen(expected));
    assert_int_equal(virtio_layout_cmdline(&layout, out, strlen(expected)), 0);
    assert_string_equal(out, "");
    assert_int_equal(virtio_layout_cmdline(&layout, out, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(layout_windows_and_lines),
            cmocka_unit_test(linux_command_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
