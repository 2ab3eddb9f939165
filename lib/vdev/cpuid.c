/*
 * The guest's CPUID: every leaf is built from an allowlist over the host's value (a bit not
 * listed here is never shown) or made up whole. Pure: reads the policy and the host callback,
 * writes only *out.
 */
#include <vdev/cpuid.h>

#define BIT(n) (1u << (n))

/* Leaf 1 ECX / EDX passed through from the host. */
#define L1_ECX_PASS                                                                                \
    (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_PCID         BIT(17)
#define L1_ECX_X2APIC       BIT(21)
#define L1_ECX_TSC_DEADLINE BIT(24)
#define L1_ECX_XSAVE        BIT(26)
#define L1_ECX_OSXSAVE      BIT(27)
#define L1_ECX_AVX_FAMILY   (BIT(12) | BIT(28) | BIT(29)) /* FMA, AVX, F16C */
#define L1_ECX_HYPERVISOR   BIT(31)
#define L1_EDX_PASS                                                                                \
    (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(11) | BIT(12) |   \
     BIT(13) | BIT(15) | BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) | BIT(25) | BIT(26) |     \
     BIT(27))
#define L1_EDX_APIC BIT(9)

/* Leaf 7 subleaf 0. */
#define L7_EBX_PASS                                                                                \
    (BIT(3) | BIT(6) | BIT(8) | BIT(9) | BIT(13) | BIT(18) | BIT(19) | BIT(23) | BIT(24) | BIT(29))
#define L7_EBX_FSGSBASE BIT(0)
#define L7_EBX_AVX2     BIT(5)
#define L7_EBX_SMEP     BIT(7)
#define L7_EBX_INVPCID  BIT(10)
#define L7_EBX_SMAP     BIT(20)
#define L7_EBX_AVX512                                                                              \
    (BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31))
#define L7_ECX_PASS   (BIT(8) | BIT(27) | BIT(28))
#define L7_ECX_UMIP   BIT(2)
#define L7_ECX_AVX    (BIT(9) | BIT(10)) /* VAES, VPCLMULQDQ */
#define L7_ECX_AVX512 (BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14))
#define L7_ECX_RDPID  BIT(22)
#define L7_EDX_PASS   (BIT(4) | BIT(14)) /* FSRM, SERIALIZE */

/* Leaf 0x80000001. */
#define E1_ECX_PASS (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(21))
#define E1_ECX_AVX  (BIT(11) | BIT(16)) /* XOP, FMA4 */
#define E1_EDX_PASS                                                                                \
    (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(11) | BIT(12) |   \
     BIT(13) | BIT(15) | BIT(16) | BIT(17) | BIT(20) | BIT(22) | BIT(23) | BIT(24) | BIT(29) |     \
     BIT(30) | BIT(31))
#define E1_EDX_APIC          BIT(9)
#define E1_EDX_PAGE1GB       BIT(26)
#define E1_EDX_RDTSCP        BIT(27)
#define E7_EDX_INVARIANT_TSC BIT(8)
#define E8_EBX_PASS          (BIT(0) | BIT(2) | BIT(9)) /* CLZERO, XSaveErPtr, WBNOINVD */

#define XCR0_LEGACY         0x3ull /* x87, SSE */
#define XCR0_YMM            0x4ull
#define XCR0_AVX512         0xe0ull /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_KNOWN          0xe7ull /* the components whose features may show (no MPX, PKRU, AMX) */
#define XSAVE_LEGACY_SIZE   576u    /* legacy area + XSAVE header */
#define XSAVE_SUBLEAF1_PASS (BIT(0) | BIT(1) | BIT(2)) /* XSAVEOPT, XSAVEC, XGETBV(1) */

#define LEAF_0XB_TYPE_SMT  1u
#define LEAF_0XB_TYPE_CORE 2u
#define BASIC_MAX          0xdu
#define BASIC_MAX_TSC      0x15u
#define EXTENDED_MAX       0x80000008u
#define EXTENDED_FIRST     0x80000000u

static void host_leaf(const vdev_cpuid_policy_t *policy, uint32_t leaf, uint32_t subleaf,
                      vdev_cpuid_regs_t *out)
{
    bool in_extended = leaf >= EXTENDED_FIRST;

    *out = (vdev_cpuid_regs_t){0};
    if (policy->host == NULL || (!in_extended && leaf > policy->host_max_basic) ||
        (in_extended && leaf > policy->host_max_extended)) {
        return;
    }
    policy->host(policy->host_context, leaf, subleaf, out);
}

void vdev_cpuid_init(vdev_cpuid_policy_t *policy)
{
    vdev_cpuid_regs_t r = {0};

    if (policy->host != NULL) {
        policy->host(policy->host_context, 0, 0, &r);
    }
    policy->host_max_basic = r.eax;
    if (r.ebx == 0x756e6547u && r.edx == 0x49656e69u && r.ecx == 0x6c65746eu) {
        policy->vendor = VDEV_VENDOR_INTEL; /* GenuineIntel */
    } else if (r.ebx == 0x68747541u && r.edx == 0x69746e65u && r.ecx == 0x444d4163u) {
        policy->vendor = VDEV_VENDOR_AMD; /* AuthenticAMD */
    } else {
        policy->vendor = VDEV_VENDOR_OTHER;
    }
    r = (vdev_cpuid_regs_t){0};
    if (policy->host != NULL) {
        policy->host(policy->host_context, EXTENDED_FIRST, 0, &r);
    }
    policy->host_max_extended = r.eax >= EXTENDED_FIRST && r.eax < 0x8000ffffu ? r.eax : 0;
    policy->xcr0_supported = 0;
    if (policy->features & VDEV_CPUID_XSAVE) {
        host_leaf(policy, 1, 0, &r);
        if (r.ecx & L1_ECX_XSAVE) {
            host_leaf(policy, 0xd, 0, &r);
            policy->xcr0_supported =
                    ((uint64_t)r.edx << 32 | r.eax) & policy->xcr0_allowed & XCR0_KNOWN;
        }
        if ((policy->xcr0_supported & XCR0_LEGACY) != XCR0_LEGACY) {
            policy->xcr0_supported = 0; /* XSAVE without x87 and SSE is not offered */
        }
        /* AVX-512 state only as a whole, and only on top of AVX. */
        if ((policy->xcr0_supported & XCR0_AVX512) != XCR0_AVX512 ||
            !(policy->xcr0_supported & XCR0_YMM)) {
            policy->xcr0_supported &= ~XCR0_AVX512;
        }
    }
}

static bool offers(const vdev_cpuid_policy_t *policy, uint32_t feature)
{
    return (policy->features & feature) != 0;
}

static bool xsave_on(const vdev_cpuid_policy_t *policy)
{
    return policy->xcr0_supported != 0;
}

static bool ymm_on(const vdev_cpuid_policy_t *policy)
{
    return (policy->xcr0_supported & XCR0_YMM) != 0;
}

static bool avx512_on(const vdev_cpuid_policy_t *policy)
{
    return (policy->xcr0_supported & XCR0_AVX512) == XCR0_AVX512;
}

uint32_t vdev_cpuid_max_basic(const vdev_cpuid_policy_t *policy)
{
    return policy->tsc_hz != 0 && policy->apic_timer_hz != 0 && policy->apic_timer_hz <= UINT32_MAX
                   ? BASIC_MAX_TSC
                   : BASIC_MAX;
}

static uint32_t max_extended(const vdev_cpuid_policy_t *policy)
{
    if (policy->host_max_extended < EXTENDED_FIRST) {
        return EXTENDED_FIRST;
    }
    return policy->host_max_extended < EXTENDED_MAX ? policy->host_max_extended : EXTENDED_MAX;
}

static void leaf_1(const vdev_cpuid_policy_t *policy, const vdev_cpuid_guest_t *guest,
                   vdev_cpuid_regs_t *out)
{
    vdev_cpuid_regs_t h;
    uint32_t ecx_pass = L1_ECX_PASS;

    host_leaf(policy, 1, 0, &h);
    if (offers(policy, VDEV_CPUID_PCID)) {
        ecx_pass |= L1_ECX_PCID;
    }
    if (xsave_on(policy)) {
        ecx_pass |= L1_ECX_XSAVE;
    }
    if (ymm_on(policy)) {
        ecx_pass |= L1_ECX_AVX_FAMILY;
    }
    out->eax = h.eax;
    out->ebx = (h.ebx & 0xffffu) | (1u << 16) | ((policy->apic_id & 0xffu) << 24);
    out->ecx = (h.ecx & ecx_pass) | L1_ECX_HYPERVISOR;
    if (offers(policy, VDEV_CPUID_X2APIC)) {
        out->ecx |= L1_ECX_X2APIC;
    }
    if (offers(policy, VDEV_CPUID_TSC_DEADLINE)) {
        out->ecx |= L1_ECX_TSC_DEADLINE;
    }
    if (xsave_on(policy) && guest->osxsave) {
        out->ecx |= L1_ECX_OSXSAVE;
    }
    out->edx = (h.edx & L1_EDX_PASS) | (guest->apic_enabled ? L1_EDX_APIC : 0u);
}

static void leaf_7(const vdev_cpuid_policy_t *policy, uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    vdev_cpuid_regs_t h;
    uint32_t ebx = L7_EBX_PASS;
    uint32_t ecx = L7_ECX_PASS;

    *out = (vdev_cpuid_regs_t){0};
    if (subleaf != 0) {
        return;
    }
    host_leaf(policy, 7, 0, &h);
    ebx |= offers(policy, VDEV_CPUID_FSGSBASE) ? L7_EBX_FSGSBASE : 0u;
    ebx |= offers(policy, VDEV_CPUID_SMEP) ? L7_EBX_SMEP : 0u;
    ebx |= offers(policy, VDEV_CPUID_SMAP) ? L7_EBX_SMAP : 0u;
    ebx |= offers(policy, VDEV_CPUID_INVPCID) ? L7_EBX_INVPCID : 0u;
    ebx |= ymm_on(policy) ? L7_EBX_AVX2 : 0u;
    ebx |= avx512_on(policy) ? L7_EBX_AVX512 : 0u;
    ecx |= offers(policy, VDEV_CPUID_UMIP) ? L7_ECX_UMIP : 0u;
    ecx |= offers(policy, VDEV_CPUID_RDTSCP) ? L7_ECX_RDPID : 0u;
    ecx |= ymm_on(policy) ? L7_ECX_AVX : 0u;
    ecx |= avx512_on(policy) ? L7_ECX_AVX512 : 0u;
    out->ebx = h.ebx & ebx;
    out->ecx = h.ecx & ecx;
    out->edx = h.edx & L7_EDX_PASS;
}

/* The topology of one vCPU per package (leaf 0xb). */
static void leaf_topology(const vdev_cpuid_policy_t *policy, uint32_t subleaf,
                          vdev_cpuid_regs_t *out)
{
    *out = (vdev_cpuid_regs_t){.ecx = subleaf & 0xffu, .edx = policy->apic_id};
    if (subleaf == 0) {
        out->ebx = 1;
        out->ecx |= LEAF_0XB_TYPE_SMT << 8;
    } else if (subleaf == 1) {
        out->ebx = 1;
        out->ecx |= LEAF_0XB_TYPE_CORE << 8;
    }
}

/* Bytes an XSAVE area needs for the components in `mask` (standard format). */
static uint32_t xsave_size(const vdev_cpuid_policy_t *policy, uint64_t mask)
{
    uint32_t size = XSAVE_LEGACY_SIZE;

    for (uint32_t i = 2; i < 63; i++) {
        vdev_cpuid_regs_t h;

        if (!(mask & (1ull << i))) {
            continue;
        }
        host_leaf(policy, 0xd, i, &h);
        if (h.ebx + h.eax > size) {
            size = h.ebx + h.eax;
        }
    }
    return size;
}

static void leaf_xsave(const vdev_cpuid_policy_t *policy, const vdev_cpuid_guest_t *guest,
                       uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    uint64_t supported = policy->xcr0_supported;
    vdev_cpuid_regs_t h;

    *out = (vdev_cpuid_regs_t){0};
    if (!xsave_on(policy)) {
        return;
    }
    if (subleaf == 0) {
        out->eax = (uint32_t)supported;
        out->edx = (uint32_t)(supported >> 32);
        out->ebx = xsave_size(policy, guest->xcr0 & supported);
        out->ecx = xsave_size(policy, supported);
    } else if (subleaf == 1) {
        host_leaf(policy, 0xd, 1, &h);
        out->eax = h.eax & XSAVE_SUBLEAF1_PASS;
        out->ebx = xsave_size(policy, guest->xcr0 & supported);
    } else if (subleaf < 63 && (supported & (1ull << subleaf))) {
        host_leaf(policy, 0xd, subleaf, &h);
        out->eax = h.eax;
        out->ebx = h.ebx;
        out->ecx = h.ecx & BIT(1); /* aligned in the compacted format; never a supervisor state */
    }
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* Leaf 0x15: TSC = crystal * EBX / EAX, with the APIC timer's clock as the crystal. */
static void leaf_tsc(const vdev_cpuid_policy_t *policy, vdev_cpuid_regs_t *out)
{
    uint64_t numerator = policy->tsc_hz;
    uint64_t denominator = policy->apic_timer_hz;
    uint64_t common = gcd(numerator, denominator);

    numerator /= common;
    denominator /= common;
    while (numerator > UINT32_MAX || denominator > UINT32_MAX) {
        numerator >>= 1;
        denominator >>= 1;
    }
    if (numerator == 0 || denominator == 0) {
        *out = (vdev_cpuid_regs_t){0};
        return;
    }
    *out = (vdev_cpuid_regs_t){.eax = (uint32_t)denominator,
                               .ebx = (uint32_t)numerator,
                               .ecx = (uint32_t)policy->apic_timer_hz};
}

static void basic(const vdev_cpuid_policy_t *policy, const vdev_cpuid_guest_t *guest, uint32_t leaf,
                  uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    vdev_cpuid_regs_t h;

    *out = (vdev_cpuid_regs_t){0};
    switch (leaf) {
    case 0:
        host_leaf(policy, 0, 0, &h);
        *out = (vdev_cpuid_regs_t){vdev_cpuid_max_basic(policy), h.ebx, h.ecx, h.edx};
        break;
    case 1:
        leaf_1(policy, guest, out);
        break;
    case 2:
        host_leaf(policy, 2, 0, out);
        break;
    case 4:
        host_leaf(policy, 4, subleaf, out);
        out->eax &= ~(0xfc000000u | 0x03ffc000u); /* one core, one thread per cache */
        break;
    case 7:
        leaf_7(policy, subleaf, out);
        break;
    case 0xb:
        leaf_topology(policy, subleaf, out);
        break;
    case 0xd:
        leaf_xsave(policy, guest, subleaf, out);
        break;
    case 0x15:
        leaf_tsc(policy, out);
        break;
    default:
        break; /* 3, 5, 6, 8-0xa, 0xc, 0xe-0x14: nothing to show */
    }
}

static void extended(const vdev_cpuid_policy_t *policy, const vdev_cpuid_guest_t *guest,
                     uint32_t leaf, vdev_cpuid_regs_t *out)
{
    vdev_cpuid_regs_t h;
    uint32_t ecx = E1_ECX_PASS;
    uint32_t edx = E1_EDX_PASS;

    host_leaf(policy, leaf, 0, &h);
    *out = (vdev_cpuid_regs_t){0};
    switch (leaf) {
    case 0x80000000:
        *out = (vdev_cpuid_regs_t){max_extended(policy), h.ebx, h.ecx, h.edx};
        break;
    case 0x80000001:
        ecx |= ymm_on(policy) ? E1_ECX_AVX : 0u;
        edx |= offers(policy, VDEV_CPUID_PAGE1GB) ? E1_EDX_PAGE1GB : 0u;
        edx |= offers(policy, VDEV_CPUID_RDTSCP) ? E1_EDX_RDTSCP : 0u;
        edx |= guest->apic_enabled ? E1_EDX_APIC : 0u; /* AMD's copy of leaf 1's bit */
        *out = (vdev_cpuid_regs_t){h.eax, h.ebx, h.ecx & ecx, h.edx & edx};
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
    case 0x80000005:
    case 0x80000006:
        *out = h; /* brand string, cache and TLB descriptions */
        break;
    case 0x80000007:
        out->edx = h.edx & E7_EDX_INVARIANT_TSC;
        break;
    case 0x80000008:
        out->eax = (h.eax & 0xffu) | (48u << 8);
        out->ebx = h.ebx & E8_EBX_PASS;
        break;
    default:
        break;
    }
}

void vdev_cpuid(const vdev_cpuid_policy_t *policy, const vdev_cpuid_guest_t *guest, uint32_t leaf,
                uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    static const vdev_cpuid_guest_t reset = {.osxsave = false, .apic_enabled = true, .xcr0 = 1};
    uint32_t max_basic = vdev_cpuid_max_basic(policy);

    if (guest == NULL) {
        guest = &reset;
    }
    if (leaf == VDEV_CPUID_HYPERVISOR_LEAF) {
        *out = (vdev_cpuid_regs_t){VDEV_CPUID_HYPERVISOR_LEAF, VDEV_CPUID_SIGNATURE_EBX,
                                   VDEV_CPUID_SIGNATURE_ECX, VDEV_CPUID_SIGNATURE_EDX};
        return;
    }
    if (leaf <= max_basic) {
        basic(policy, guest, leaf, subleaf, out);
        return;
    }
    if (leaf >= EXTENDED_FIRST && leaf <= max_extended(policy)) {
        extended(policy, guest, leaf, out);
        return;
    }
    if (leaf > VDEV_CPUID_HYPERVISOR_LEAF && leaf <= 0x4fffffffu) {
        *out = (vdev_cpuid_regs_t){0};
        return;
    }
    /* Out of range: Intel answers with the highest basic leaf, AMD with zeros. */
    if (policy->vendor == VDEV_VENDOR_INTEL) {
        basic(policy, guest, max_basic, subleaf, out);
    } else {
        *out = (vdev_cpuid_regs_t){0};
    }
}
