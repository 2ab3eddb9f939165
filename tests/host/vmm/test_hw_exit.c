/*
 * The hardware modes' exit decoder (services/vmm/hw_exit.c): seL4_VMEnter's message registers
 * as the kernel fills them for VT-x and AMD-V. Words are built here from the manuals' layouts
 * (Intel SDM Vol. 3C Appendix C, Tables 28-3, 28-5, 28-7; AMD APM Vol. 2 Appendix C, 15.10.2,
 * 15.25.6), not from the decoder's constants; hostile words at and past every field's limit
 * must decode to something the handlers refuse (UNKNOWN, an I/O size of 0, a length of 0).
 */
#include "hw_exit.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define VMX false
#define SVM true

/* Register words of one exit (the rest zero). */
typedef struct exit_words {
    uint64_t reason, qualification, length, info2, rip;
} exit_words_t;

static hw_exit_t decode(bool svm, exit_words_t words)
{
    uint64_t mr[SEL4_VMENTER_NUM_FAULT_MSGS];
    hw_exit_t exit;

    memset(mr, 0, sizeof(mr));
    mr[SEL4_VMENTER_CALL_EIP_MR] = words.rip;
    mr[SEL4_VMENTER_FAULT_REASON_MR] = words.reason;
    mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = words.qualification;
    mr[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR] = words.length;
    mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] = words.info2;
    memset(&exit, 0xa5, sizeof(exit)); /* the decoder must set every field */
    hw_exit_decode(svm, mr, &exit);
    return exit;
}

static hw_exit_kind_t kind_of(bool svm, uint64_t reason)
{
    return decode(svm, (exit_words_t){.reason = reason, .length = 2}).kind;
}

/* What every decoded exit must satisfy, whatever the words were. */
static void assert_exit_in_range(const hw_exit_t *exit)
{
    assert_true((unsigned)exit->kind < HW_EXIT_KINDS);
    assert_true(exit->length <= 15);
    assert_true(exit->io.size == 0 || exit->io.size == 1 || exit->io.size == 2 ||
                exit->io.size == 4);
    assert_true(exit->cr.cr <= 15 && exit->cr.gpr <= 15);
    assert_true((unsigned)exit->cr.access <= HW_CR_LMSW);
    if (exit->kind == HW_EXIT_GUEST_PHYSICAL) {
        assert_int_equal(exit->length, 0);
    }
}

/* An I/O exit with its operands; flags: bit 0 IN, bit 1 string, bit 2 REP. */
static void assert_io(const hw_exit_t *exit, unsigned size, uint16_t port, unsigned flags)
{
    assert_int_equal(exit->kind, HW_EXIT_IO);
    assert_int_equal(exit->io.size, size);
    assert_int_equal(exit->io.port, port);
    assert_int_equal(exit->io.in, (flags & 1) != 0);
    assert_int_equal(exit->io.string, (flags & 2) != 0);
    assert_int_equal(exit->io.rep, (flags & 4) != 0);
}

/* ---- VT-x ---- */

static void test_vmx_kinds(void **state)
{
    static const struct {
        uint64_t reason;
        hw_exit_kind_t kind;
    } table[] = {
            {2, HW_EXIT_TRIPLE_FAULT},
            {7, HW_EXIT_INTERRUPT_WINDOW},
            {8, HW_EXIT_NMI_WINDOW},
            {10, HW_EXIT_CPUID},
            {12, HW_EXIT_HLT},
            {18, HW_EXIT_HYPERCALL},
            {28, HW_EXIT_CR},
            {29, HW_EXIT_DR},
            {30, HW_EXIT_IO},
            {31, HW_EXIT_MSR_READ},
            {32, HW_EXIT_MSR_WRITE},
            {40, HW_EXIT_PAUSE},
            {48, HW_EXIT_GUEST_PHYSICAL},
            {55, HW_EXIT_XSETBV},
            /* WBINVD and INVD are done; RDPMC is #GP (no counters); GETSEC, the VMX
             * instructions, MWAIT and MONITOR #UD (not offered). */
            {54, HW_EXIT_SKIP},
            {13, HW_EXIT_SKIP},
            {15, HW_EXIT_GP},
            {11, HW_EXIT_UD},
            {19, HW_EXIT_UD},
            {20, HW_EXIT_UD},
            {21, HW_EXIT_UD},
            {22, HW_EXIT_UD},
            {23, HW_EXIT_UD},
            {24, HW_EXIT_UD},
            {25, HW_EXIT_UD},
            {26, HW_EXIT_UD},
            {27, HW_EXIT_UD},
            {36, HW_EXIT_UD},
            {39, HW_EXIT_UD},
            {50, HW_EXIT_UD},
            {53, HW_EXIT_UD},
            {59, HW_EXIT_UD},
    };
    bool listed[HW_EXIT_KINDS] = {false};

    (void)state;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        hw_exit_t exit = decode(VMX, (exit_words_t){.reason = table[i].reason, .length = 3});
        assert_int_equal(exit.kind, table[i].kind);
        assert_int_equal(exit.reason, table[i].reason);
        assert_int_equal(exit.length, table[i].kind == HW_EXIT_GUEST_PHYSICAL ? 0 : 3);
        listed[table[i].kind] = true;
    }
    /* Every other basic reason the VMM never asks for: the VM ends with the numbers. */
    for (uint64_t reason = 0; reason <= 0xffff; reason++) {
        bool known = false;
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
            known = known || table[i].reason == reason;
        }
        if (!known) {
            assert_int_equal(kind_of(VMX, reason), HW_EXIT_UNKNOWN);
        }
    }
    /* VMX has no exit of its own for CR8 (a CR access) and no kernel-reason kind here. */
    for (unsigned kind = 1; kind < HW_EXIT_KINDS; kind++) {
        assert_true(listed[kind] || kind == HW_EXIT_CR8 || kind == HW_EXIT_INVALID_STATE ||
                    kind == HW_EXIT_ENTRY_FAILED);
    }
}

static void test_vmx_entry_failure(void **state)
{
    const uint64_t failed = 1ull << 31;

    (void)state;
    assert_int_equal(kind_of(VMX, failed | 33), HW_EXIT_INVALID_STATE);
    /* The failure bit with any other basic reason: MSR loading (34), machine check (41), and
     * reasons that are exits only without the bit. */
    static const uint64_t others[] = {0, 2, 10, 12, 18, 28, 30, 31, 32, 34, 41, 48, 0xffff};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_int_equal(kind_of(VMX, failed | others[i]), HW_EXIT_UNKNOWN);
    }
    /* Invalid guest state without the failure bit is not an exit a CPU makes. */
    assert_int_equal(kind_of(VMX, 33), HW_EXIT_UNKNOWN);
}

static void test_vmx_reason_high_bits(void **state)
{
    (void)state;
    /* Bits 16..26 and 30 are zero in every exit reason (SDM Vol. 3C, "Basic VM-Exit
     * Information": the exit reason's format), bit 27
     * marks an exit from an enclave (never offered), bit 29 one from VMX root operation (the
     * dual-monitor treatment, never used): a CPUID, I/O or EPT exit carrying any of them is not
     * one the VMM can trust. Bits 32..63 do not exist in the 32-bit field. */
    static const unsigned bits[] = {16, 17, 20, 26, 27, 29, 30, 32, 40, 63};
    static const uint64_t basics[] = {10, 12, 18, 28, 30, 31, 32, 48};
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        for (size_t j = 0; j < sizeof(basics) / sizeof(basics[0]); j++) {
            hw_exit_t exit = decode(VMX, (exit_words_t){.reason = basics[j] | (1ull << bits[i]),
                                                        .qualification = 0x12345678,
                                                        .length = 2});
            assert_int_equal(exit.kind, HW_EXIT_UNKNOWN);
            assert_int_equal(exit.reason, basics[j] | (1ull << bits[i]));
            assert_exit_in_range(&exit);
        }
    }
    /* Bit 28, a pending MTF exit, accompanies an ordinary exit: decoded as that exit. */
    assert_int_equal(kind_of(VMX, (1ull << 28) | 10), HW_EXIT_CPUID);
}

static void test_vmx_kernel_reasons(void **state)
{
    (void)state;
    assert_int_equal(kind_of(VMX, seL4_VMEnter_Reason_NoGuestRoot), HW_EXIT_ENTRY_FAILED);
    assert_int_equal(kind_of(VMX, seL4_VMEnter_Reason_EntryFailed), HW_EXIT_ENTRY_FAILED);
    assert_int_equal(kind_of(VMX, seL4_VMEnter_Reason_BadArgument), HW_EXIT_ENTRY_FAILED);
    assert_int_equal(kind_of(SVM, seL4_VMEnter_Reason_NoGuestRoot), HW_EXIT_ENTRY_FAILED);
    assert_int_equal(kind_of(SVM, seL4_VMEnter_Reason_EntryFailed), HW_EXIT_ENTRY_FAILED);
    assert_int_equal(kind_of(SVM, seL4_VMEnter_Reason_BadArgument), HW_EXIT_ENTRY_FAILED);
    /* Beside them, in the kernel's range, words whose low half is a CPU exit: never one. */
    static const uint64_t near[] = {0x7fff0000, 0x7fff0004, 0x7fff000a, 0x7fff001e,
                                    0x7fff0030, 0x7fff0072, 0x7fff007b, 0x7fff0400};
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
        assert_int_equal(kind_of(VMX, near[i]), HW_EXIT_UNKNOWN);
        assert_int_equal(kind_of(SVM, near[i]), HW_EXIT_UNKNOWN);
    }
}

/* SDM Table 28-5: size - 1 in bits 2:0, IN in bit 3, string 4, REP 5, port in 31:16. */
static uint64_t vmx_io_word(unsigned size_code, bool in, bool string, bool rep, uint16_t port)
{
    return size_code | (in ? 1u << 3 : 0) | (string ? 1u << 4 : 0) | (rep ? 1u << 5 : 0) |
           ((uint64_t)port << 16);
}

static void test_vmx_io(void **state)
{
    static const uint16_t ports[] = {0, 1, 0x3f8, 0x3ff, 0x8000, 0xfffe, 0xffff};

    (void)state;
    for (unsigned code = 0; code < 8; code++) {
        unsigned size = code == 0 ? 1 : code == 1 ? 2 : code == 3 ? 4 : 0; /* 2, 4..7: none */
        for (unsigned flags = 0; flags < 8; flags++) {
            for (size_t p = 0; p < sizeof(ports) / sizeof(ports[0]); p++) {
                uint64_t q = vmx_io_word(code, flags & 1, flags & 2, flags & 4, ports[p]);
                /* Bit 6 (immediate operand) and the undefined bits 63:32 change nothing. */
                for (unsigned noise = 0; noise < 3; noise++) {
                    uint64_t word = q | (noise == 1 ? 1u << 6 : 0) |
                                    (noise == 2 ? 0xffffffff00000000ull : 0);
                    hw_exit_t exit = decode(
                            VMX, (exit_words_t){.reason = 30, .qualification = word, .length = 1});
                    assert_io(&exit, size, ports[p], flags);
                    assert_int_equal(exit.qualification, word);
                    assert_int_equal(exit.length, 1);
                }
            }
        }
    }
}

static void test_vmx_length_limits(void **state)
{
    static const uint64_t lengths[] = {0, 1, 2, 14, 15, 16, 17, 255, 0x100000000ull, ~0ull};

    (void)state;
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        hw_exit_t exit = decode(VMX, (exit_words_t){.reason = 10, .length = lengths[i]});
        assert_int_equal(exit.length, lengths[i] <= 15 ? lengths[i] : 0);
        exit = decode(SVM, (exit_words_t){.reason = 0x72, .length = lengths[i]});
        assert_int_equal(exit.length, lengths[i] <= 15 ? lengths[i] : 0);
    }
}

/* SDM Table 28-3: CR number 3:0, access type 5:4, LMSW operand type 6, GPR 11:8, LMSW source
 * data 31:16. */
static void test_vmx_cr(void **state)
{
    static const uint16_t sources[] = {0, 1, 0xf, 0x8001, 0xffff};

    (void)state;
    for (unsigned cr = 0; cr < 16; cr++) {
        for (unsigned access = 0; access < 4; access++) {
            for (unsigned gpr = 0; gpr < 16; gpr++) {
                for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]); s++) {
                    uint64_t q = cr | (access << 4) | (1u << 6) | (gpr << 8) |
                                 ((uint64_t)sources[s] << 16) | 0xffffffff00000000ull;
                    hw_exit_t exit = decode(
                            VMX, (exit_words_t){.reason = 28, .qualification = q, .length = 3});
                    assert_int_equal(exit.kind, HW_EXIT_CR);
                    assert_int_equal(exit.cr.cr, cr);
                    assert_int_equal(exit.cr.access, access);
                    assert_int_equal(exit.cr.gpr, gpr);
                    assert_int_equal(exit.cr.lmsw_source, sources[s]);
                    assert_int_equal(exit.length, 3);
                }
            }
        }
    }
    assert_int_equal(HW_CR_TO, 0);
    assert_int_equal(HW_CR_FROM, 1);
    assert_int_equal(HW_CR_CLTS, 2);
    assert_int_equal(HW_CR_LMSW, 3);
}

/* Guest-physical addresses at the edges: page 0, the APICs, the PCI hole, MAXPHYADDR, 2^64-1. */
static const uint64_t gpas[] = {0, 0xfff, 0xfee00000, 0xd0000000, 0xfffffffffffffull, ~0ull};

/* One EPT violation or nested page fault: the address as it came, no length (the field is
 * undefined for them), the write and fetch bits as given. */
static void assert_guest_physical(bool svm, uint64_t reason, uint64_t q, bool write, bool fetch)
{
    for (size_t g = 0; g < sizeof(gpas) / sizeof(gpas[0]); g++) {
        hw_exit_t exit = decode(
                svm, (exit_words_t){
                             .reason = reason, .qualification = q, .length = 7, .info2 = gpas[g]});
        assert_int_equal(exit.kind, HW_EXIT_GUEST_PHYSICAL);
        assert_int_equal(exit.gpa, gpas[g]);
        assert_int_equal(exit.gpa_write, write);
        assert_int_equal(exit.gpa_fetch, fetch);
        assert_int_equal(exit.length, 0);
    }
}

/* SDM Table 28-7: read 0, write 1, fetch 2, then the entry's rights; the GPA in its own field. */
static void test_vmx_ept(void **state)
{
    (void)state;
    for (unsigned bits = 0; bits < 64; bits++) {
        assert_guest_physical(VMX, 48, bits, (bits & 2) != 0, (bits & 4) != 0);
    }
}

/* ---- AMD-V ---- */

static void test_svm_kinds(void **state)
{
    static const struct {
        uint64_t code;
        hw_exit_kind_t kind;
    } table[] = {
            {0x008, HW_EXIT_CR8},
            {0x018, HW_EXIT_CR8},
            {0x010, HW_EXIT_CR},
            {0x014, HW_EXIT_CR},
            {0x089, HW_EXIT_SKIP},
            {0x076, HW_EXIT_SKIP},
            {0x06f, HW_EXIT_GP},
            {0x080, HW_EXIT_UD},
            {0x082, HW_EXIT_UD},
            {0x083, HW_EXIT_UD},
            {0x084, HW_EXIT_UD},
            {0x085, HW_EXIT_UD},
            {0x086, HW_EXIT_UD},
            {0x07a, HW_EXIT_UD},
            {0x08a, HW_EXIT_UD},
            {0x08b, HW_EXIT_UD},
            {0x08c, HW_EXIT_UD},
            {0x08e, HW_EXIT_UD},
            {0x064, HW_EXIT_INTERRUPT_WINDOW},
            {0x072, HW_EXIT_CPUID},
            {0x074, HW_EXIT_NMI_WINDOW},
            {0x077, HW_EXIT_PAUSE},
            {0x078, HW_EXIT_HLT},
            {0x07b, HW_EXIT_IO},
            {0x07f, HW_EXIT_TRIPLE_FAULT},
            {0x081, HW_EXIT_HYPERCALL},
            {0x08d, HW_EXIT_XSETBV},
            {0x400, HW_EXIT_GUEST_PHYSICAL},
            {~0ull, HW_EXIT_INVALID_STATE},
    };
    bool listed[HW_EXIT_KINDS] = {false};

    (void)state;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        assert_int_equal(kind_of(SVM, table[i].code), table[i].kind);
        listed[table[i].kind] = true;
    }
    /* CR0 and CR4 writes (0x10, 0x14) name the register only: the instruction says the rest. */
    for (uint64_t cr = 0; cr <= 4; cr += 4) {
        hw_exit_t exit = decode(SVM, (exit_words_t){.reason = 0x10 + cr, .qualification = ~0ull});
        assert_int_equal(exit.cr.cr, cr);
        assert_int_equal(exit.cr.access, HW_CR_TO);
        assert_true(exit.cr.from_instruction);
    }
    /* MSR (0x7c): EXITINFO1 0 is RDMSR, 1 WRMSR, anything else nothing. */
    static const uint64_t infos[] = {0, 1, 2, 3, 0x100000000ull, ~0ull};
    for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
        hw_exit_t exit = decode(SVM, (exit_words_t){.reason = 0x7c, .qualification = infos[i]});
        assert_int_equal(exit.kind, infos[i] == 0   ? HW_EXIT_MSR_READ
                                    : infos[i] == 1 ? HW_EXIT_MSR_WRITE
                                                    : HW_EXIT_UNKNOWN);
    }
    listed[HW_EXIT_MSR_READ] = listed[HW_EXIT_MSR_WRITE] = true;
    /* DR0-DR7: reads 0x20-0x27, writes 0x30-0x37 (the instruction at RIP says which). DR8-15
     * do not exist (#UD before any intercept): their codes may decode either way, both safe. */
    for (uint64_t dr = 0; dr < 8; dr++) {
        assert_int_equal(kind_of(SVM, 0x20 + dr), HW_EXIT_DR);
        assert_int_equal(kind_of(SVM, 0x30 + dr), HW_EXIT_DR);
        hw_exit_kind_t high = kind_of(SVM, 0x28 + dr);
        assert_true(high == HW_EXIT_DR || high == HW_EXIT_UNKNOWN);
        assert_int_equal(kind_of(SVM, 0x38 + dr), HW_EXIT_UNKNOWN);
    }
    listed[HW_EXIT_DR] = true;
    /* Every other code up to 0x4ff (exceptions, INTR, NMI, SMI, VMRUN, RDTSC, CR and DR
     * accesses other than CR8...) and around the ends of the 64-bit word. */
    for (uint64_t code = 0; code < 0x500; code++) {
        bool known = code == 0x7c || (code >= 0x20 && code < 0x38);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
            known = known || table[i].code == code;
        }
        if (!known) {
            assert_int_equal(kind_of(SVM, code), HW_EXIT_UNKNOWN);
        }
    }
    static const uint64_t far[] = {0x1000, 0x100000072ull, 0x8000000000000072ull, ~1ull, ~0ull - 2};
    for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
        assert_int_equal(kind_of(SVM, far[i]), HW_EXIT_UNKNOWN);
    }
    for (unsigned kind = 1; kind < HW_EXIT_KINDS; kind++) {
        assert_true(listed[kind] || kind == HW_EXIT_CR || kind == HW_EXIT_ENTRY_FAILED);
    }
}

/* APM 15.10.2: IN (type) bit 0, string 2, REP 3, SZ8 4, SZ16 5, SZ32 6, A16/A32/A64 7..9,
 * segment 12:10, port 31:16. */
static uint64_t svm_io_word(unsigned size_bits, bool in, bool string, bool rep, uint16_t port)
{
    return (in ? 1u : 0) | (string ? 1u << 2 : 0) | (rep ? 1u << 3 : 0) | (size_bits << 4) |
           ((uint64_t)port << 16);
}

static void test_svm_io(void **state)
{
    static const uint16_t ports[] = {0, 0x3f8, 0x7fff, 0xffff};
    const uint64_t rip = 0x100000;

    (void)state;
    for (unsigned size_bits = 0; size_bits < 8; size_bits++) {
        /* Exactly one of SZ8, SZ16, SZ32: none or several is no size. */
        unsigned size = size_bits == 1 ? 1 : size_bits == 2 ? 2 : size_bits == 4 ? 4 : 0;
        for (unsigned flags = 0; flags < 8; flags++) {
            for (size_t p = 0; p < sizeof(ports) / sizeof(ports[0]); p++) {
                uint64_t info1 = svm_io_word(size_bits, flags & 1, flags & 2, flags & 4, ports[p]) |
                                 (1u << 8) | (3u << 10);
                hw_exit_t exit = decode(SVM, (exit_words_t){.reason = 0x7b,
                                                            .qualification = info1,
                                                            .info2 = rip + 2,
                                                            .rip = rip});
                assert_io(&exit, size, ports[p], flags);
                assert_int_equal(exit.length, 2);
            }
        }
    }
}

/* The length of an intercepted IN or OUT is EXITINFO2 (the next RIP) - RIP, whatever MR5 says;
 * an EXITINFO2 at or before RIP, or more than 15 bytes on, gives none. */
static void test_svm_io_length(void **state)
{
    static const uint64_t rips[] = {0, 0x1000, 0xffffffff80100000ull, ~0ull - 15, ~0ull};
    static const int64_t offsets[] = {-16, -1, 0, 1, 2, 15, 16, 17, 0x100000000ll};

    (void)state;
    for (size_t r = 0; r < sizeof(rips) / sizeof(rips[0]); r++) {
        for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
            uint64_t info2 = rips[r] + (uint64_t)offsets[o];
            /* A next RIP past the top of the address space wraps: not a length either. */
            bool fits = offsets[o] >= 1 && offsets[o] <= 15 && info2 > rips[r];
            unsigned expected = fits ? (unsigned)offsets[o] : 0;
            hw_exit_t exit = decode(
                    SVM, (exit_words_t){.reason = 0x7b,
                                        .qualification = svm_io_word(1, true, false, false, 0x80),
                                        .length = 3,
                                        .info2 = info2,
                                        .rip = rips[r]});
            assert_int_equal(exit.kind, HW_EXIT_IO);
            assert_int_equal(exit.length, expected);
        }
    }
}

/* APM 15.25.6: the #PF-style error code in EXITINFO1 (P 0, RW 1, US 2, RSV 3, ID 4, final
 * and table walk bits 32, 33), the guest-physical address in EXITINFO2. */
static void test_svm_npf(void **state)
{
    (void)state;
    for (unsigned bits = 0; bits < 32; bits++) {
        for (uint64_t walk = 0; walk < 4; walk++) {
            assert_guest_physical(SVM, 0x400, bits | (walk << 32), (bits & 2) != 0,
                                  (bits & 16) != 0);
        }
    }
}

/* ---- both ---- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(hw_exit_name(HW_EXIT_UNKNOWN), "unknown");
    for (unsigned a = 1; a < HW_EXIT_KINDS; a++) {
        const char *name = hw_exit_name((hw_exit_kind_t)a);
        assert_non_null(name);
        assert_true(strlen(name) > 0 && strlen(name) < 16);
        assert_string_not_equal(name, "unknown");
        for (size_t i = 0; name[i] != '\0'; i++) {
            assert_true((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
                        name[i] == '-');
        }
        for (unsigned b = 1; b < a; b++) {
            assert_string_not_equal(name, hw_exit_name((hw_exit_kind_t)b));
        }
    }
    assert_string_equal(hw_exit_name(HW_EXIT_CPUID), "cpuid");
    assert_string_equal(hw_exit_name(HW_EXIT_GUEST_PHYSICAL), "mmio");
    assert_string_equal(hw_exit_name(HW_EXIT_KINDS), "unknown");
    assert_string_equal(hw_exit_name((hw_exit_kind_t)(HW_EXIT_KINDS + 1)), "unknown");
    assert_string_equal(hw_exit_name((hw_exit_kind_t)0x7fffffff), "unknown");
    assert_string_equal(hw_exit_name((hw_exit_kind_t)-1), "unknown");
}

/* Random words, biased to the exits that carry operands: nothing out of range, ever. */
static void test_random_words(void **state)
{
    static const uint64_t vmx_reasons[] = {28, 30, 48, 33 | (1ull << 31), 10};
    static const uint64_t svm_codes[] = {0x7b, 0x400, 0x7c, 0x008, ~0ull};
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    (void)state;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t mr[SEL4_VMENTER_NUM_FAULT_MSGS];
        hw_exit_t exit;
        for (size_t w = 0; w < SEL4_VMENTER_NUM_FAULT_MSGS; w++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            mr[w] = seed;
        }
        bool svm = (i & 1) != 0;
        if ((i & 6) != 0) {
            mr[SEL4_VMENTER_FAULT_REASON_MR] =
                    svm ? svm_codes[(i >> 3) % 5] : vmx_reasons[(i >> 3) % 5];
        }
        if ((i & 24) == 8) {
            mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] = mr[SEL4_VMENTER_CALL_EIP_MR] + (i % 20);
        }
        hw_exit_decode(svm, mr, &exit);
        assert_exit_in_range(&exit);
        assert_int_equal(exit.reason, mr[SEL4_VMENTER_FAULT_REASON_MR]);
        assert_int_equal(exit.qualification, mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_vmx_kinds),
            cmocka_unit_test(test_vmx_entry_failure),
            cmocka_unit_test(test_vmx_reason_high_bits),
            cmocka_unit_test(test_vmx_kernel_reasons),
            cmocka_unit_test(test_vmx_io),
            cmocka_unit_test(test_vmx_length_limits),
            cmocka_unit_test(test_vmx_cr),
            cmocka_unit_test(test_vmx_ept),
            cmocka_unit_test(test_svm_kinds),
            cmocka_unit_test(test_svm_io),
            cmocka_unit_test(test_svm_io_length),
            cmocka_unit_test(test_svm_npf),
            cmocka_unit_test(test_names),
            cmocka_unit_test(test_random_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
