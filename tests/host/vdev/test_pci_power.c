/*
 * Host tests of PCI configuration mechanism 1 and of the power ports: the host bridge's IDs and
 * class, byte/word/dword reads at every offset of CONFIG_DATA, the enable bit, absent functions
 * and buses, BAR sizing (memory, 64-bit, I/O), capability lists, write-1-to-clear status bits;
 * the debug-exit status (v << 1) | 1, ACPI S5 through PM1a_CNT (and other sleep types
 * ignored), the PM timer's rate and TMR_STS, the reset control register, first request kept.
 */
#include "vdev_test.h"

#include <vdev/pci.h>
#include <vdev/power.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

static uint32_t cfg_read(vdev_pci_t *pci, uint8_t devfn, uint8_t offset, unsigned size)
{
    vdev_pci_address_write(pci, VDEV_PCI_ADDRESS_ENABLE | (uint32_t)devfn << 8 | (offset & 0xfcu));
    return vdev_pci_data_read(pci, offset & 3u, size);
}

static void cfg_write(vdev_pci_t *pci, uint8_t devfn, uint8_t offset, unsigned size, uint32_t value)
{
    vdev_pci_address_write(pci, VDEV_PCI_ADDRESS_ENABLE | (uint32_t)devfn << 8 | (offset & 0xfcu));
    vdev_pci_data_write(pci, offset & 3u, size, value);
}

static void host_bridge(void **state)
{
    vdev_pci_t pci;

    (void)state;
    vdev_pci_init(&pci);
    assert_int_equal(cfg_read(&pci, 0, 0x00, 4), 0x29c08086);
    assert_int_equal(cfg_read(&pci, 0, 0x00, 2), 0x8086);
    assert_int_equal(cfg_read(&pci, 0, 0x02, 2), 0x29c0);
    assert_int_equal(cfg_read(&pci, 0, 0x03, 1), 0x29);
    assert_int_equal(cfg_read(&pci, 0, 0x08, 4), 0x06000000);
    assert_int_equal(cfg_read(&pci, 0, 0x0b, 1), 0x06);
    assert_int_equal(cfg_read(&pci, 0, 0x0e, 1), 0x00);
    assert_int_equal(cfg_read(&pci, 0, 0x04, 2), 0x0006);
    cfg_write(&pci, 0, 0x04, 2, 0x0000); /* hardwired */
    assert_int_equal(cfg_read(&pci, 0, 0x04, 2), 0x0006);
    cfg_write(&pci, 0, 0x00, 4, 0);
    assert_int_equal(cfg_read(&pci, 0, 0x00, 4), 0x29c08086);
    assert_int_equal(cfg_read(&pci, 0, 0x10, 4), 0); /* no BARs */
    assert_int_equal(cfg_read(&pci, 0, 0xfc, 4), 0);
}

static void absent_and_disabled(void **state)
{
    vdev_pci_t pci;

    (void)state;
    vdev_pci_init(&pci);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(1, 0), 0, 4), 0xffffffff);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(0, 1), 0, 2), 0xffff);
    vdev_pci_address_write(&pci, VDEV_PCI_ADDRESS_ENABLE | 1u << 16); /* bus 1 */
    assert_int_equal(vdev_pci_data_read(&pci, 0, 4), 0xffffffff);
    vdev_pci_address_write(&pci, 0); /* enable bit clear */
    assert_int_equal(vdev_pci_data_read(&pci, 0, 4), 0xffffffff);
    vdev_pci_address_write(&pci, 0xffffffff);
    assert_int_equal(vdev_pci_address_read(&pci), 0x80fffffc); /* reserved bits read 0 */
    assert_int_equal(pci.absent, 4);
    assert_int_equal(vdev_pci_data_read(&pci, 2, 4), 0xffffffff); /* past the data port */
}

static void config_helper(void **state)
{
    vdev_pci_t pci;
    vdev_pci_config_t dev;
    uint8_t first, second;

    (void)state;
    vdev_pci_init(&pci);
    vdev_pci_config_init(&dev, 0x1af4, 0x1041, 0x020000, 1, 0);
    assert_true(vdev_pci_config_set_bar(&dev, 0, 0x1000, VDEV_PCI_BAR_MEM32));
    assert_true(vdev_pci_config_set_bar(&dev, 1, 0x40, VDEV_PCI_BAR_IO));
    assert_true(vdev_pci_config_set_bar(&dev, 2, 1ull << 33,
                                        VDEV_PCI_BAR_MEM64 | VDEV_PCI_BAR_PREFETCH));
    assert_false(vdev_pci_config_set_bar(&dev, 5, 0x1000, VDEV_PCI_BAR_MEM64));
    assert_false(vdev_pci_config_set_bar(&dev, 4, 0x1001, VDEV_PCI_BAR_MEM32));
    assert_false(vdev_pci_config_set_bar(&dev, 4, 8, VDEV_PCI_BAR_MEM32));
    assert_true(vdev_pci_register(&pci, VDEV_PCI_DEVFN(3, 0), &vdev_pci_config_ops, &dev));
    assert_false(vdev_pci_register(&pci, VDEV_PCI_DEVFN(3, 0), &vdev_pci_config_ops, &dev));
    /* Sizing: all-ones in, the size's mask and the kind bits out. */
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x10, 4, 0xffffffff);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x10, 4), 0xfffff000);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x14, 4, 0xffffffff);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x14, 4), 0x0000ffc1);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x18, 4, 0xffffffff);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x1c, 4, 0xffffffff);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x18, 4), 0x0000000c);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x1c, 4), 0xfffffffe);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x10, 4, 0xfebf1234);
    assert_int_equal(vdev_pci_config_bar_address(&dev, 0), 0xfebf1000);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x18, 4, 0);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x1c, 4, 0x4);
    assert_int_equal(vdev_pci_config_bar_address(&dev, 2), 0x400000000ull);
    /* Byte writes change only their byte; the command register's defined bits. */
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x04, 1, 0xff);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x04, 2), 0x0047);
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x3c, 1, 0x0b);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x3c, 4), 0x0000000b);
    /* Capabilities: a chain from 0x34, the status bit set. */
    first = vdev_pci_config_add_capability(&dev, 0x09, 16);
    second = vdev_pci_config_add_capability(&dev, 0x11, 12);
    assert_int_equal(first, 0x40);
    assert_int_equal(second, 0x50);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x34, 1), 0x40);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x40, 2), 0x5009);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x50, 2), 0x0011);
    assert_true(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x06, 2) & VDEV_PCI_STATUS_CAPABILITIES);
    for (unsigned i = 0; i < 20; i++) {
        vdev_pci_config_add_capability(&dev, 0x05, 12);
    }
    assert_int_equal(vdev_pci_config_add_capability(&dev, 0x05, 12), 0); /* full */
    /* Status error bits are write-1-to-clear. */
    dev.bytes[0x07] = 0xf9;
    cfg_write(&pci, VDEV_PCI_DEVFN(3, 0), 0x06, 2, 0x0100);
    assert_int_equal(cfg_read(&pci, VDEV_PCI_DEVFN(3, 0), 0x07, 1), 0xf8);
}

static void debug_exit(void **state)
{
    vdev_power_t power;

    (void)state;
    vdev_power_init(&power);
    assert_int_equal(power.exit.kind, VDEV_EXIT_NONE);
    vdev_power_debug_exit_write(&power, 0, 1, 0x21);
    assert_int_equal(power.exit.kind, VDEV_EXIT_DEBUG_EXIT);
    assert_int_equal(power.exit.status, 0x43);
    vdev_power_debug_exit_write(&power, 0, 4, 0);
    assert_int_equal(power.exit.status, 0x43); /* the first request stays */
    assert_int_equal(power.exit.requests, 2);
    vdev_power_init(&power);
    vdev_power_debug_exit_write(&power, 0, 4, 0xffffffff);
    assert_int_equal(power.exit.status, 0x1ffffffffull);
    assert_int_equal(vdev_power_debug_exit_read(&power, 0, 1), UINT64_MAX);
}

static void acpi_power_off(void **state)
{
    vdev_power_t power;

    (void)state;
    vdev_power_init(&power);
    assert_int_equal(vdev_power_pm_read(&power, 4, 2, 0), 0x0001); /* SCI_EN */
    vdev_power_pm_write(&power, 4, 2, 5u << 10, 0);                /* SLP_TYP alone: nothing */
    assert_int_equal(power.exit.kind, VDEV_EXIT_NONE);
    assert_int_equal(vdev_power_pm_read(&power, 4, 2, 0), 0x1401);
    vdev_power_pm_write(&power, 4, 2, 3u << 10 | 0x2000, 0); /* S3: not declared */
    assert_int_equal(power.exit.kind, VDEV_EXIT_NONE);
    assert_int_equal(power.sleep_requests, 1);
    vdev_power_pm_write(&power, 5, 1, (5u << 10 | 0x2000) >> 8, 0); /* the high byte */
    assert_int_equal(power.exit.kind, VDEV_EXIT_POWER_OFF);
    assert_int_equal(power.exit.status, 0);
    assert_int_equal(vdev_power_pm_read(&power, 4, 2, 0) & 0x2000, 0); /* SLP_EN reads 0 */
}

static void pm_timer_and_status(void **state)
{
    vdev_power_t power;
    uint64_t one_second = 1000000000ull;

    (void)state;
    vdev_power_init(&power);
    assert_int_equal(vdev_power_pm_read(&power, 8, 4, one_second), 3579545);
    assert_int_equal(vdev_power_pm_read(&power, 8, 4, 10 * one_second), 35795454 & 0xffffff);
    assert_int_equal(vdev_power_pm_read(&power, 9, 1, one_second), (3579545 >> 8) & 0xff);
    assert_int_equal(vdev_power_pm_read(&power, 0, 2, one_second), 0);
    /* Bit 23 changes every 2^23 ticks (2.34 s): TMR_STS, cleared by writing 1. */
    assert_int_equal(vdev_power_pm_read(&power, 0, 2, 3 * one_second) & 1, 1);
    vdev_power_pm_write(&power, 0, 2, 1, 3 * one_second);
    assert_int_equal(vdev_power_pm_read(&power, 0, 2, 4 * one_second) & 1, 0);
    assert_int_equal(vdev_power_pm_read(&power, 0, 2, 5 * one_second) & 1, 1);
    vdev_power_pm_write(&power, 2, 2, 0xffff, 0);
    assert_int_equal(vdev_power_pm_read(&power, 2, 2, 0), 0x0521);
    vdev_power_pm_write(&power, 8, 4, 0, 0); /* the timer is read-only */
    assert_int_equal(vdev_power_pm_read(&power, 8, 4, one_second), 3579545);
}

static void reset_register(void **state)
{
    vdev_power_t power;

    (void)state;
    vdev_power_init(&power);
    vdev_power_reset_write(&power, 0x02);
    assert_int_equal(power.exit.kind, VDEV_EXIT_NONE);
    assert_int_equal(vdev_power_reset_read(&power), 0x02);
    vdev_power_reset_write(&power, 0x06);
    assert_int_equal(power.exit.kind, VDEV_EXIT_RESET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(host_bridge),    cmocka_unit_test(absent_and_disabled),
            cmocka_unit_test(config_helper),  cmocka_unit_test(debug_exit),
            cmocka_unit_test(acpi_power_off), cmocka_unit_test(pm_timer_and_status),
            cmocka_unit_test(reset_register),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
