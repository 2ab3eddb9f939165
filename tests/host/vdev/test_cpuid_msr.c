/*
 * Host tests of the CPUID and MSR policies, on two made-up hosts (an Intel and an AMD part) and
 * on the machine running the test: what must never show (VMX, SVM, MONITOR, TSX, SGX, PKU,
 * LA57, performance counters, speculation controls, XSAVES), what the flags add (x2APIC,
 * TSC-deadline, PCID, FSGSBASE, SMEP/SMAP/UMIP, INVPCID, 1 GiB pages, RDTSCP/RDPID), what
 * follows the guest (OSXSAVE, APIC, the XSAVE size), the hypervisor leaf, topology for one
 * vCPU, leaf 0x15's ratio, out-of-range leaves per vendor; then every kind of MSR: context
 * registers validated (EFER, PAT, canonical addresses, reserved halves), MTRRs kept and
 * validated, constants, vendor-only MSRs, the local APIC's, and #GP for the rest.
 */
#include "vdev_test.h"

#include <vdev/msr.h>
#include <cpuid.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define BIT(n) (1u << (n))

static vdev_cpuid_policy_t policy_for(const cpuid_table_t *table, uint32_t features, uint64_t xcr0)
{
    vdev_cpuid_policy_t p = {.host = cpuid_table_host,
                             .host_context = (void *)table,
                             .features = features,
                             .xcr0_allowed = xcr0,
                             .apic_id = 5};

    vdev_cpuid_init(&p);
    return p;
}

static vdev_cpuid_regs_t q(const vdev_cpuid_policy_t *p, const vdev_cpuid_guest_t *g, uint32_t leaf,
                           uint32_t subleaf)
{
    vdev_cpuid_regs_t r;

    vdev_cpuid(p, g, leaf, subleaf, &r);
    return r;
}

/* Bits no policy may ever show. */
static void never_shown(const vdev_cpuid_policy_t *p)
{
    vdev_cpuid_regs_t l1 = q(p, NULL, 1, 0);
    vdev_cpuid_regs_t l7 = q(p, NULL, 7, 0);
    vdev_cpuid_regs_t e1 = q(p, NULL, 0x80000001, 0);

    assert_int_equal(l1.ecx & (BIT(3) | BIT(5) | BIT(6) | BIT(15) | BIT(18)), 0); /* MONITOR,
                                                                 VMX, SMX, PDCM, DCA */
    assert_int_equal(l1.edx & (BIT(7) | BIT(14) | BIT(18) | BIT(21) | BIT(22) | BIT(28)), 0);
    assert_true(l1.ecx & BIT(31)); /* hypervisor */
    assert_int_equal(l7.eax, 0);
    assert_int_equal(l7.ebx & (BIT(1) | BIT(2) | BIT(4) | BIT(11) | BIT(14) | BIT(25)), 0);
    assert_int_equal(l7.ecx & (BIT(3) | BIT(4) | BIT(7) | BIT(16) | BIT(30)), 0);
    assert_int_equal(l7.edx & ~(BIT(4) | BIT(14)), 0);
    assert_int_equal(e1.ecx & (BIT(2) | BIT(9) | BIT(10) | BIT(22) | BIT(23) | BIT(29)), 0);
    assert_int_equal(e1.edx & BIT(25), 0); /* FFXSR */
    assert_int_equal(q(p, NULL, 5, 0).ecx, 0);
    assert_int_equal(q(p, NULL, 6, 0).eax, 0);
    assert_int_equal(q(p, NULL, 0xa, 0).eax, 0);
    assert_int_equal(q(p, NULL, 0xd, 1).eax & BIT(3), 0); /* XSAVES */
    assert_int_equal(q(p, NULL, 0x80000008, 0).ecx, 0);   /* one core */
}

static void intel_host(void **state)
{
    vdev_cpuid_policy_t p = policy_for(&cpuid_intel_skylake, 0, 0x3);
    vdev_cpuid_guest_t guest = {.osxsave = true, .apic_enabled = false, .xcr0 = 3};
    vdev_cpuid_regs_t r;

    (void)state;
    assert_int_equal(p.vendor, VDEV_VENDOR_INTEL);
    never_shown(&p);
    r = q(&p, NULL, 0, 0);
    assert_int_equal(r.eax, 0xd);
    assert_int_equal(r.ebx, 0x756e6547);
    r = q(&p, NULL, 1, 0);
    assert_int_equal(r.eax, 0x00050654);
    assert_int_equal(r.ebx, 0x05010800); /* APIC ID 5, one logical processor, CLFLUSH 8 */
    assert_int_equal(r.ecx & (BIT(17) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | BIT(28)), 0);
    assert_true(r.edx & BIT(9));  /* APIC, enabled after reset */
    assert_true(r.ecx & BIT(13)); /* CX16 passes */
    r = q(&p, &guest, 1, 0);
    assert_int_equal(r.edx & BIT(9), 0);  /* the guest disabled its APIC */
    assert_int_equal(r.ecx & BIT(27), 0); /* no XSAVE offered: no OSXSAVE either */
    r = q(&p, NULL, 7, 0);
    assert_int_equal(r.ebx & (BIT(0) | BIT(5) | BIT(7) | BIT(10) | BIT(16) | BIT(20)), 0);
    assert_true(r.ebx & BIT(3)); /* BMI1 passes */
    assert_int_equal(q(&p, NULL, 7, 1).ebx, 0);
    /* Cache leaves with one core and one thread. */
    r = q(&p, NULL, 4, 1);
    assert_int_equal(r.eax, 0x1c004122 & ~0xfc000000u & ~0x03ffc000u);
    /* Topology of one vCPU with the VM's APIC ID. */
    r = q(&p, NULL, 0xb, 0);
    assert_int_equal(r.eax, 0);
    assert_int_equal(r.ebx, 1);
    assert_int_equal(r.ecx, 0x100);
    assert_int_equal(r.edx, 5);
    assert_int_equal(q(&p, NULL, 0xb, 1).ecx, 0x201);
    r = q(&p, NULL, 0xb, 2);
    assert_int_equal(r.ebx, 0);
    assert_int_equal(r.ecx, 2);
    /* No XSAVE offered: leaf 0xd is empty. */
    assert_int_equal(q(&p, NULL, 0xd, 0).eax, 0);
    /* Out of range on Intel: the highest basic leaf's values. */
    r = q(&p, NULL, 0x20, 0);
    assert_int_equal(r.eax, q(&p, NULL, 0xd, 0).eax);
    r = q(&p, NULL, 0x80000009, 0);
    assert_int_equal(r.ebx, q(&p, NULL, 0xd, 0).ebx);
}

static void flags_add_features(void **state)
{
    uint32_t all = VDEV_CPUID_X2APIC | VDEV_CPUID_TSC_DEADLINE | VDEV_CPUID_PCID |
                   VDEV_CPUID_INVPCID | VDEV_CPUID_XSAVE | VDEV_CPUID_FSGSBASE | VDEV_CPUID_SMEP |
                   VDEV_CPUID_SMAP | VDEV_CPUID_UMIP | VDEV_CPUID_PAGE1GB | VDEV_CPUID_RDTSCP;
    vdev_cpuid_policy_t p = policy_for(&cpuid_intel_skylake, all, 0x7);
    vdev_cpuid_guest_t guest = {.osxsave = true, .apic_enabled = true, .xcr0 = 7};
    vdev_cpuid_regs_t r;

    (void)state;
    never_shown(&p);
    r = q(&p, &guest, 1, 0);
    assert_int_equal(r.ecx & (BIT(17) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | BIT(28)),
                     BIT(17) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | BIT(28));
    r = q(&p, NULL, 7, 0);
    assert_int_equal(r.ebx & (BIT(0) | BIT(5) | BIT(7) | BIT(10) | BIT(20)),
                     BIT(0) | BIT(5) | BIT(7) | BIT(10) | BIT(20));
    assert_int_equal(r.ebx & BIT(16), 0); /* AVX-512 needs its XSAVE state */
    assert_int_equal(r.ecx & BIT(2), 0);  /* UMIP: the host has none */
    r = q(&p, NULL, 0x80000001, 0);
    assert_int_equal(r.edx & (BIT(26) | BIT(27)), BIT(26) | BIT(27));
    /* XSAVE: x87, SSE, AVX; sizes for what the guest enabled. */
    r = q(&p, &guest, 0xd, 0);
    assert_int_equal(r.eax, 7);
    assert_int_equal(r.edx, 0);
    assert_int_equal(r.ebx, 0x340);
    assert_int_equal(r.ecx, 0x340);
    guest.xcr0 = 3;
    assert_int_equal(q(&p, &guest, 0xd, 0).ebx, 576);
    assert_int_equal(q(&p, &guest, 0xd, 1).eax, 0x7); /* XSAVEOPT, XSAVEC, XGETBV1 */
    assert_int_equal(q(&p, &guest, 0xd, 2).eax, 0x100);
    assert_int_equal(q(&p, &guest, 0xd, 3).eax, 0); /* MPX is not offered */
    /* With AVX-512 allowed. */
    p = policy_for(&cpuid_intel_skylake, all, 0xff);
    assert_int_equal(p.xcr0_supported, 0xe7);
    guest.xcr0 = 0xe7;
    assert_int_equal(q(&p, &guest, 0xd, 0).ebx, 0xa80);
    assert_true(q(&p, NULL, 7, 0).ebx & BIT(16));
    assert_int_equal(q(&p, &guest, 0xd, 9).eax, 0); /* PKRU is not offered */
}

static void amd_host(void **state)
{
    vdev_cpuid_policy_t p = policy_for(&cpuid_amd_epyc, VDEV_CPUID_XSAVE, 0x7);
    vdev_cpuid_regs_t r;

    (void)state;
    assert_int_equal(p.vendor, VDEV_VENDOR_AMD);
    never_shown(&p);
    r = q(&p, NULL, 0x80000000, 0);
    assert_int_equal(r.eax, 0x80000008);
    assert_int_equal(r.ebx, 0x68747541);
    r = q(&p, NULL, 0x80000001, 0);
    assert_int_equal(r.ecx & BIT(2), 0); /* SVM */
    assert_true(r.ecx & BIT(5));         /* LZCNT */
    assert_true(r.edx & BIT(29));        /* long mode */
    assert_true(r.edx & BIT(20));        /* NX */
    assert_int_equal(r.edx & (BIT(26) | BIT(27)), 0);
    assert_true(r.edx & BIT(9));                         /* AMD's copy of the APIC bit */
    assert_int_equal(q(&p, NULL, 0x8000000a, 0).eax, 0); /* SVM's leaf: out of range */
    assert_int_equal(q(&p, NULL, 0x20, 0).eax, 0);       /* AMD: zeros */
    r = q(&p, NULL, 0x80000008, 0);
    assert_int_equal(r.eax, 0x3028);
    assert_int_equal(r.ebx & BIT(12), 0);
    assert_true(q(&p, NULL, 1, 0).ecx & BIT(26));
    assert_int_equal(q(&p, NULL, 0xd, 0).eax, 7);
}

static void hypervisor_leaf_and_tsc(void **state)
{
    vdev_cpuid_policy_t p = policy_for(&cpuid_intel_skylake, 0, 0);
    vdev_cpuid_regs_t r;
    char signature[13];

    (void)state;
    r = q(&p, NULL, 0x40000000, 0);
    assert_int_equal(r.eax, 0x40000000);
    memcpy(signature, &r.ebx, 4);
    memcpy(signature + 4, &r.ecx, 4);
    memcpy(signature + 8, &r.edx, 4);
    signature[12] = '\0';
    assert_string_equal(signature, "beaml4beaml4");
    r = q(&p, NULL, 0x40000001, 0);
    assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
    assert_int_equal(q(&p, NULL, 0x15, 0).ecx, q(&p, NULL, 0xd, 0).ecx); /* beyond the max */
    p.tsc_hz = 2500000000ull;
    p.apic_timer_hz = 1000000000ull;
    assert_int_equal(q(&p, NULL, 0, 0).eax, 0x15);
    r = q(&p, NULL, 0x15, 0);
    assert_int_equal(r.eax, 2);
    assert_int_equal(r.ebx, 5);
    assert_int_equal(r.ecx, 1000000000);
    p.tsc_hz = 2399999999ull; /* a ratio that needs precision */
    r = q(&p, NULL, 0x15, 0);
    assert_int_equal((uint64_t)r.ecx * r.ebx / r.eax, 2399999999ull);
    assert_int_equal(q(&p, NULL, 0x10, 0).eax, 0);
}

static void cpuid_host(void *context, uint32_t leaf, uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    (void)context;
    __cpuid_count(leaf, subleaf, out->eax, out->ebx, out->ecx, out->edx);
}

static void this_machine(void **state)
{
    vdev_cpuid_policy_t p = {.host = cpuid_host, .features = VDEV_CPUID_XSAVE, .xcr0_allowed = 7};
    vdev_cpuid_regs_t r;

    (void)state;
    vdev_cpuid_init(&p);
    never_shown(&p);
    r = q(&p, NULL, 0, 0);
    printf("this machine: vendor %.4s%.4s%.4s, %u, basic leaves up to %#x shown\n", (char *)&r.ebx,
           (char *)&r.edx, (char *)&r.ecx, (unsigned)p.vendor, r.eax);
    for (uint32_t leaf = 0; leaf <= 0x20; leaf++) {
        for (uint32_t sub = 0; sub < 4; sub++) {
            vdev_cpuid_regs_t a = q(&p, NULL, leaf, sub);
            vdev_cpuid_regs_t b = q(&p, NULL, leaf, sub);
            assert_memory_equal(&a, &b, sizeof(a)); /* a pure function of its inputs */
        }
    }
}

/* ---- MSRs ---- */

typedef struct msr_env {
    vdev_msr_config_t config;
    vdev_msr_state_t state;
    vdev_lapic_t lapic;
    vdev_msr_cpu_t cpu;
} msr_env_t;

static void msr_setup(msr_env_t *e, vdev_cpu_vendor_t vendor)
{
    vdev_lapic_config_t lapic = {.id = 0,
                                 .bsp = true,
                                 .x2apic = true,
                                 .tsc_deadline = true,
                                 .phys_addr_bits = 39,
                                 .timer_hz = 1000000000ull,
                                 .tsc_hz = 1000000000ull};

    e->config = (vdev_msr_config_t){
            .vendor = vendor, .nx = true, .tsc_aux = true, .phys_addr_bits = 39};
    vdev_msr_state_init(&e->state);
    vdev_lapic_init(&e->lapic, &lapic, NULL);
    e->cpu =
            (vdev_msr_cpu_t){.efer = VDEV_EFER_LME | VDEV_EFER_LMA | VDEV_EFER_SCE, .paging = true};
}

static vdev_msr_result_t rd(msr_env_t *e, uint32_t index, uint64_t *value)
{
    return vdev_msr_read(&e->config, &e->state, &e->lapic, index, value, 0);
}

static vdev_msr_result_t wr(msr_env_t *e, uint32_t index, uint64_t value)
{
    return vdev_msr_write(&e->config, &e->state, &e->lapic, &e->cpu, index, &value, 0);
}

static vdev_msr_result_t wr_out(msr_env_t *e, uint32_t index, uint64_t value, uint64_t *out)
{
    *out = value;
    return vdev_msr_write(&e->config, &e->state, &e->lapic, &e->cpu, index, out, 0);
}

static void context_registers(void **state)
{
    msr_env_t e;
    uint64_t v;

    (void)state;
    msr_setup(&e, VDEV_VENDOR_INTEL);
    assert_int_equal(rd(&e, VDEV_MSR_EFER, &v), VDEV_MSR_CONTEXT);
    assert_int_equal(rd(&e, VDEV_MSR_FS_BASE, &v), VDEV_MSR_CONTEXT);
    assert_int_equal(rd(&e, VDEV_MSR_TSC, &v), VDEV_MSR_CONTEXT);
    /* EFER: LMA is the vCPU's; LME may not change under paging; reserved bits #GP. */
    assert_int_equal(wr_out(&e, VDEV_MSR_EFER, VDEV_EFER_LME | VDEV_EFER_NXE, &v),
                     VDEV_MSR_CONTEXT);
    assert_int_equal(v, VDEV_EFER_LME | VDEV_EFER_LMA | VDEV_EFER_NXE);
    assert_int_equal(wr(&e, VDEV_MSR_EFER, VDEV_EFER_SCE), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_EFER, VDEV_EFER_LME | (1u << 12)), VDEV_MSR_GP); /* SVME */
    assert_int_equal(wr(&e, VDEV_MSR_EFER, VDEV_EFER_LME | (1u << 14)), VDEV_MSR_GP); /* FFXSR */
    assert_int_equal(wr(&e, VDEV_MSR_EFER, VDEV_EFER_LME | (1ull << 63)), VDEV_MSR_GP);
    e.cpu.paging = false;
    assert_int_equal(wr_out(&e, VDEV_MSR_EFER, 0, &v), VDEV_MSR_CONTEXT);
    assert_int_equal(v, VDEV_EFER_LMA);
    e.config.nx = false;
    assert_int_equal(wr(&e, VDEV_MSR_EFER, VDEV_EFER_NXE), VDEV_MSR_GP);
    /* PAT: every byte a memory type (0, 1, 4, 5, 6, 7). */
    assert_int_equal(wr(&e, VDEV_MSR_PAT, 0x0007040600070406ull), VDEV_MSR_CONTEXT);
    assert_int_equal(wr(&e, VDEV_MSR_PAT, 0x0007010600070106ull), VDEV_MSR_CONTEXT);
    assert_int_equal(wr(&e, VDEV_MSR_PAT, 0x0007040600070402ull), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_PAT, 0x0307040600070406ull), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_PAT, 0x0007040600070416ull), VDEV_MSR_GP);
    /* Canonical addresses. */
    assert_int_equal(wr(&e, VDEV_MSR_LSTAR, 0xffffffff81000000ull), VDEV_MSR_CONTEXT);
    assert_int_equal(wr(&e, VDEV_MSR_LSTAR, 0x0000800000000000ull), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_KERNEL_GS_BASE, 0xffff7fffffffffffull), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_SYSENTER_EIP, 0x00007fffffffffffull), VDEV_MSR_CONTEXT);
    assert_int_equal(wr(&e, VDEV_MSR_STAR, UINT64_MAX), VDEV_MSR_CONTEXT);
    /* Reserved upper halves. */
    assert_int_equal(wr(&e, VDEV_MSR_SFMASK, 0x47700), VDEV_MSR_CONTEXT);
    assert_int_equal(wr(&e, VDEV_MSR_SFMASK, 1ull << 32), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_TSC_AUX, 0x89abcdef), VDEV_MSR_CONTEXT);
    assert_int_equal(wr(&e, VDEV_MSR_TSC_AUX, 1ull << 32), VDEV_MSR_GP);
    e.config.tsc_aux = false;
    assert_int_equal(rd(&e, VDEV_MSR_TSC_AUX, &v), VDEV_MSR_GP);
}

static void mtrrs_kept(void **state)
{
    msr_env_t e;
    uint64_t v;

    (void)state;
    msr_setup(&e, VDEV_VENDOR_INTEL);
    assert_int_equal(rd(&e, VDEV_MSR_MTRRCAP, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0x508);
    assert_int_equal(wr(&e, VDEV_MSR_MTRRCAP, 0), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_MTRR_DEF_TYPE, 0xc06), VDEV_MSR_OK);
    assert_int_equal(rd(&e, VDEV_MSR_MTRR_DEF_TYPE, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0xc06);
    assert_int_equal(wr(&e, VDEV_MSR_MTRR_DEF_TYPE, 0xc02), VDEV_MSR_GP); /* type 2 */
    assert_int_equal(wr(&e, VDEV_MSR_MTRR_DEF_TYPE, 0x1006), VDEV_MSR_GP);
    assert_int_equal(wr(&e, 0x200, 0x80000006), VDEV_MSR_OK);      /* base, WB */
    assert_int_equal(wr(&e, 0x201, 0x7f80000800ull), VDEV_MSR_OK); /* mask, valid */
    assert_int_equal(wr(&e, 0x201, 0x8000000800ull), VDEV_MSR_GP); /* above 39 bits */
    assert_int_equal(wr(&e, 0x201, 0x7f80000801ull), VDEV_MSR_GP); /* reserved */
    assert_int_equal(wr(&e, 0x20e, 0x80000107), VDEV_MSR_GP);      /* type 7 */
    assert_int_equal(rd(&e, 0x201, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0x7f80000800ull);
    assert_int_equal(wr(&e, VDEV_MSR_MTRR_FIX_64K, 0x0606060606060606ull), VDEV_MSR_OK);
    assert_int_equal(wr(&e, 0x26f, 0x0500000000000000ull), VDEV_MSR_OK);
    assert_int_equal(wr(&e, 0x268, 0x0003000000000000ull), VDEV_MSR_GP);
    assert_int_equal(rd(&e, 0x26f, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0x0500000000000000ull);
    assert_int_equal(rd(&e, 0x260, &v), VDEV_MSR_GP); /* between the fixed ranges */
}

static void constants_and_vendors(void **state)
{
    msr_env_t e;
    uint64_t v;

    (void)state;
    msr_setup(&e, VDEV_VENDOR_INTEL);
    assert_int_equal(rd(&e, VDEV_MSR_FEATURE_CONTROL, &v), VDEV_MSR_OK);
    assert_int_equal(v, 1); /* locked, VMX off */
    assert_int_equal(wr(&e, VDEV_MSR_FEATURE_CONTROL, 5), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_MSR_BIOS_SIGN_ID, 0), VDEV_MSR_OK);
    assert_int_equal(rd(&e, VDEV_MSR_BIOS_SIGN_ID, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(rd(&e, VDEV_MSR_MISC_ENABLE, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0x1801);
    assert_int_equal(wr(&e, VDEV_MSR_MISC_ENABLE, 0x40000), VDEV_MSR_OK); /* MWAIT: ignored */
    assert_int_equal(rd(&e, VDEV_MSR_MISC_ENABLE, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0x1800);
    assert_int_equal(wr(&e, VDEV_MSR_DEBUGCTL, 0), VDEV_MSR_OK);
    assert_int_equal(wr(&e, VDEV_MSR_DEBUGCTL, 2), VDEV_MSR_GP);
    assert_int_equal(rd(&e, VDEV_MSR_AMD_HWCR, &v), VDEV_MSR_GP);
    msr_setup(&e, VDEV_VENDOR_AMD);
    assert_int_equal(rd(&e, VDEV_MSR_MISC_ENABLE, &v), VDEV_MSR_GP);
    assert_int_equal(rd(&e, VDEV_MSR_FEATURE_CONTROL, &v), VDEV_MSR_GP);
    assert_int_equal(rd(&e, VDEV_MSR_AMD_HWCR, &v), VDEV_MSR_OK);
    assert_int_equal(v, 1u << 24);
    assert_int_equal(rd(&e, VDEV_MSR_AMD_DE_CFG, &v), VDEV_MSR_OK);
    assert_int_equal(v, 2);
    assert_int_equal(wr(&e, VDEV_MSR_AMD_DE_CFG, 2), VDEV_MSR_OK);
    assert_int_equal(rd(&e, VDEV_MSR_AMD_SYSCFG, &v), VDEV_MSR_OK);
    assert_int_equal(wr(&e, VDEV_MSR_AMD_SYSCFG, 0), VDEV_MSR_GP);
}

static void everything_else_gp(void **state)
{
    msr_env_t e;
    uint64_t v;
    const uint32_t hidden[] = {0x4b5c6d7e, 0x3b,  0x48,  0x49,       0x10a,      0x179,
                               0x17a,      0xe7,  0xe8,  0xda0,      0xc0010114, 0xc0010117,
                               0xc0010000, 0x38f, 0x186, 0xc0000104, 0x900,      0xffffffff};

    (void)state;
    for (int vendor = VDEV_VENDOR_INTEL; vendor <= VDEV_VENDOR_AMD; vendor++) {
        msr_setup(&e, (vdev_cpu_vendor_t)vendor);
        for (unsigned i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
            assert_int_equal(rd(&e, hidden[i], &v), VDEV_MSR_GP);
            assert_int_equal(v, 0);
            assert_int_equal(wr(&e, hidden[i], 0), VDEV_MSR_GP);
            assert_int_equal(vdev_msr_kind(&e.config, hidden[i]), VDEV_MSR_KIND_GP);
        }
    }
}

static void local_apic_msrs(void **state)
{
    msr_env_t e;
    uint64_t v;

    (void)state;
    msr_setup(&e, VDEV_VENDOR_INTEL);
    assert_int_equal(rd(&e, VDEV_APIC_BASE_MSR, &v), VDEV_MSR_OK);
    assert_int_equal(v, 0xfee00900);
    assert_int_equal(rd(&e, 0x802, &v), VDEV_MSR_GP); /* xAPIC mode */
    assert_int_equal(wr(&e, VDEV_APIC_BASE_MSR, 0xfee00000 | VDEV_APIC_BASE_EXTD), VDEV_MSR_GP);
    assert_int_equal(wr(&e, VDEV_APIC_BASE_MSR, 0xfee00c00), VDEV_MSR_OK);
    assert_int_equal(rd(&e, 0x802, &v), VDEV_MSR_OK);
    assert_int_equal(rd(&e, VDEV_TSC_DEADLINE_MSR, &v), VDEV_MSR_OK);
    assert_int_equal(vdev_msr_kind(&e.config, 0x8ff), VDEV_MSR_KIND_APIC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(intel_host),         cmocka_unit_test(flags_add_features),
            cmocka_unit_test(amd_host),           cmocka_unit_test(hypervisor_leaf_and_tsc),
            cmocka_unit_test(this_machine),       cmocka_unit_test(context_registers),
            cmocka_unit_test(mtrrs_kept),         cmocka_unit_test(constants_and_vendors),
            cmocka_unit_test(everything_else_gp), cmocka_unit_test(local_apic_msrs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
