/* Tests of the VCPU state helpers, the pending-interrupt bitmap, exit records and the VT-x
 * exit-qualification decoders. Qualifications are built by hand from the SDM tables for real
 * instructions (e.g. `mov %rax, %cr3`, `in (%dx), %eax`), then every encoding of the low 16
 * bits is swept against the table rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/irq_bitmap.h>
#include <algorithms/vcpu_exit.h>
#include <algorithms/vcpu_state.h>
#include <algorithms/vmx_qual.h>

#include "test_util.h"

static void test_masks(void **state)
{
    (void)state;
    vcpu_state_t s;
    vcpu_state_reset(&s);
    vcpu_mask_t cr = VCPU_MASK(VCPU_GROUP_CR0) | VCPU_MASK(VCPU_GROUP_CR4);
    assert_false(vcpu_state_is_valid(&s, cr));
    vcpu_state_mark_valid(&s, VCPU_MASK(VCPU_GROUP_CR0));
    assert_false(vcpu_state_is_valid(&s, cr)); /* all of the mask must be valid */
    vcpu_state_mark_dirty(&s, VCPU_MASK(VCPU_GROUP_CR4));
    assert_true(vcpu_state_is_valid(&s, cr));
    assert_true(vcpu_state_is_dirty(&s, cr)); /* any of the mask dirty */
    assert_false(vcpu_state_is_dirty(&s, VCPU_MASK(VCPU_GROUP_CR0)));
    assert_int_equal(vcpu_state_invalidate(&s, cr), ALG_ERR_BUSY);
    assert_true(vcpu_state_is_valid(&s, cr));
    vcpu_state_clear_dirty(&s, VCPU_MASK(VCPU_GROUP_CR4));
    assert_int_equal(vcpu_state_invalidate(&s, cr), ALG_OK);
    assert_int_equal(s.valid, 0);
    vcpu_state_mark_dirty(&s, ~(vcpu_mask_t)0); /* bits beyond the groups are ignored */
    assert_int_equal(s.dirty, VCPU_MASK_ALL);
    assert_int_equal(VCPU_MASK_ALL, ((vcpu_mask_t)1 << VCPU_GROUP_COUNT) - 1);
    assert_int_equal(__builtin_popcountll(VCPU_MASK_SEGMENTS), 8);
}

static void test_group_names(void **state)
{
    (void)state;
    for (unsigned g = 0; g < VCPU_GROUP_COUNT; g++) {
        const char *name = vcpu_group_name(g);
        assert_string_not_equal(name, "?");
        for (unsigned h = 0; h < g; h++) {
            assert_string_not_equal(name, vcpu_group_name(h));
        }
    }
    assert_string_equal(vcpu_group_name(VCPU_GROUP_CR3), "cr3");
    assert_string_equal(vcpu_group_name(VCPU_GROUP_COUNT), "?");
}

static void test_gpr_numbers_map_to_fields(void **state)
{
    (void)state;
    vcpu_state_t s;
    vcpu_state_reset(&s);
    /* x86 encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15. */
    uint64_t *const expect[16] = {&s.rax, &s.rcx, &s.rdx, &s.rbx, &s.rsp, &s.rbp, &s.rsi, &s.rdi,
                                  &s.r8,  &s.r9,  &s.r10, &s.r11, &s.r12, &s.r13, &s.r14, &s.r15};
    for (unsigned r = 0; r < 16; r++) {
        assert_ptr_equal(vcpu_gpr_slot(&s, r), expect[r]);
    }
    assert_null(vcpu_gpr_slot(&s, 16));
    assert_null(vcpu_gpr_slot(&s, UINT32_MAX));
}

static void test_gpr_access_sizes(void **state)
{
    (void)state;
    vcpu_state_t s;
    vcpu_state_reset(&s);
    assert_int_equal(vcpu_gpr_write(&s, VCPU_RBX, 8, 0x1122334455667788ull), ALG_OK);
    assert_true(vcpu_state_is_dirty(&s, VCPU_MASK(VCPU_GROUP_GPRS)));
    assert_int_equal(vcpu_gpr_write(&s, VCPU_RBX, 1, 0x1aa), ALG_OK); /* only the low byte */
    assert_int_equal(s.rbx, 0x11223344556677aaull);
    assert_int_equal(vcpu_gpr_write(&s, VCPU_RBX, 2, 0xbbcc), ALG_OK);
    assert_int_equal(s.rbx, 0x112233445566bbccull);
    assert_int_equal(vcpu_gpr_write(&s, VCPU_RBX, 4, 0xffffffffdeadbeefull), ALG_OK);
    assert_int_equal(s.rbx, 0xdeadbeefull); /* 32-bit writes zero-extend */
    uint64_t v = 0;
    s.r13 = 0x8877665544332211ull;
    assert_int_equal(vcpu_gpr_read(&s, VCPU_R13, 1, &v), ALG_OK);
    assert_int_equal(v, 0x11);
    assert_int_equal(vcpu_gpr_read(&s, VCPU_R13, 2, &v), ALG_OK);
    assert_int_equal(v, 0x2211);
    assert_int_equal(vcpu_gpr_read(&s, VCPU_R13, 4, &v), ALG_OK);
    assert_int_equal(v, 0x44332211);
    assert_int_equal(vcpu_gpr_read(&s, VCPU_R13, 8, &v), ALG_OK);
    assert_int_equal(v, 0x8877665544332211ull);
    vcpu_state_clear_dirty(&s, VCPU_MASK_ALL);
    assert_int_equal(vcpu_gpr_write(&s, 16, 8, 1), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(vcpu_gpr_write(&s, VCPU_RAX, 3, 1), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(vcpu_gpr_read(&s, VCPU_RAX, 0, &v), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(vcpu_gpr_read(&s, 17, 8, &v), ALG_ERR_INVALID_ARGUMENT);
    assert_false(vcpu_state_is_dirty(&s, VCPU_MASK_ALL)); /* rejected writes mark nothing */
}

static void test_segment_accessors(void **state)
{
    (void)state;
    /* A flat 64-bit ring-3 code segment: type 0xb, S, DPL 3, P, L, G. */
    vcpu_segment_t cs = {.selector = 0x33,
                         .base = 0,
                         .limit = 0xffffffff,
                         .attributes = 0xb | VCPU_SEG_S | (3u << VCPU_SEG_DPL_SHIFT) | VCPU_SEG_P |
                                       VCPU_SEG_L | VCPU_SEG_G};
    assert_int_equal(cs.attributes, 0xa0fb);
    assert_int_equal(vcpu_segment_dpl(&cs), 3);
    assert_int_equal(vcpu_segment_type(&cs), 0xb);
    assert_int_equal(cs.attributes & VCPU_SEG_RESERVED, 0);
    assert_int_equal(VCPU_SEG_UNUSABLE & VCPU_SEG_RESERVED, 0);
}

static void test_event_encoding(void **state)
{
    (void)state;
    uint32_t info = 1;
    vcpu_event_t none = {0};
    assert_int_equal(vcpu_event_to_vmx(&none, &info), ALG_OK);
    assert_int_equal(info, 0);
    /* #PF with an error code: vector 14, hardware exception (3), deliver error code, valid. */
    vcpu_event_t pf = {.pending = true,
                       .vector = 14,
                       .type = VCPU_EVENT_HARDWARE_EXCEPTION,
                       .has_error_code = true,
                       .error_code = 6};
    assert_int_equal(vcpu_event_to_vmx(&pf, &info), ALG_OK);
    assert_int_equal(info, 0x80000b0e);
    vcpu_event_t irq = {.pending = true, .vector = 0x20, .type = VCPU_EVENT_EXTERNAL_INTERRUPT};
    assert_int_equal(vcpu_event_to_vmx(&irq, &info), ALG_OK);
    assert_int_equal(info, 0x80000020);
    vcpu_event_t nmi = {.pending = true, .vector = 2, .type = VCPU_EVENT_NMI};
    assert_int_equal(vcpu_event_to_vmx(&nmi, &info), ALG_OK);
    assert_int_equal(info, 0x80000202);
    vcpu_event_t bad = {.pending = true, .vector = 3, .type = 1};
    assert_int_equal(vcpu_event_to_vmx(&bad, &info), ALG_ERR_MALFORMED);
    bad.type = 8;
    assert_int_equal(vcpu_event_to_vmx(&bad, &info), ALG_ERR_MALFORMED);

    vcpu_event_t e;
    assert_int_equal(vcpu_event_from_vmx(0x80000b0e, 6, 0, &e), ALG_OK);
    assert_true(e.pending && e.has_error_code);
    assert_int_equal(e.vector, 14);
    assert_int_equal(e.type, VCPU_EVENT_HARDWARE_EXCEPTION);
    assert_int_equal(e.error_code, 6);
    /* `int $0x80`: software interrupt, 2-byte instruction. */
    assert_int_equal(vcpu_event_from_vmx(0x80000480, 0xdead, 2, &e), ALG_OK);
    assert_int_equal(e.type, VCPU_EVENT_SOFTWARE_INTERRUPT);
    assert_int_equal(e.vector, 0x80);
    assert_false(e.has_error_code);
    assert_int_equal(e.error_code, 0); /* not valid: not copied */
    assert_int_equal(e.instruction_length, 2);
    assert_int_equal(vcpu_event_from_vmx(0x00000b0e, 6, 0, &e), ALG_OK); /* not valid */
    assert_false(e.pending);
    e.vector = 99;
    assert_int_equal(vcpu_event_from_vmx(0x80000100, 0, 0, &e), ALG_ERR_MALFORMED); /* type 1 */
    assert_int_equal(vcpu_event_from_vmx(0x80002020, 0, 0, &e), ALG_ERR_MALFORMED); /* bit 13 */
    assert_int_equal(e.vector, 99);
    /* Exit information may carry "NMI unblocking due to IRET" (bit 12). */
    assert_int_equal(vcpu_event_from_vmx(0x80001b0e, 0, 0, &e), ALG_OK);
    /* Every valid vector/type/error-code combination survives a round trip. */
    static const uint8_t types[] = {0, 2, 3, 4, 5, 6, 7};
    for (unsigned v = 0; v < 256; v++) {
        for (unsigned t = 0; t < sizeof types; t++) {
            vcpu_event_t in = {.pending = true,
                               .vector = (uint8_t)v,
                               .type = types[t],
                               .has_error_code = (v & 1) != 0,
                               .error_code = (v & 1) ? v * 3 : 0};
            vcpu_event_t out;
            assert_int_equal(vcpu_event_to_vmx(&in, &info), ALG_OK);
            assert_int_equal(vcpu_event_from_vmx(info, in.error_code, 0, &out), ALG_OK);
            assert_memory_equal(&in, &out, sizeof in);
        }
    }
}

static void test_irq_bitmap_against_flags(void **state)
{
    (void)state;
    irq_bitmap_t b;
    irq_bitmap_clear_all(&b);
    assert_true(irq_bitmap_empty(&b));
    assert_int_equal(irq_bitmap_highest(&b), IRQ_BITMAP_NONE);
    assert_int_equal(irq_bitmap_pop_highest(&b), IRQ_BITMAP_NONE);
    for (unsigned v = 0; v < 256; v++) {
        irq_bitmap_set(&b, (uint8_t)v);
    }
    for (int v = 255; v >= 0; v--) {
        assert_int_equal(irq_bitmap_pop_highest(&b), v);
    }
    assert_true(irq_bitmap_empty(&b));
    bool flags[256] = {false};
    test_rng_t rng;
    test_rng_init(&rng, test_seed("irq bitmap"));
    for (int op = 0; op < 100000; op++) {
        uint8_t v = (uint8_t)test_rng_next(&rng);
        unsigned roll = (unsigned)test_rng_below(&rng, 4);
        if (roll == 0) {
            irq_bitmap_set(&b, v);
            flags[v] = true;
        } else if (roll == 1) {
            irq_bitmap_clear(&b, v);
            flags[v] = false;
        } else if (roll == 2) {
            int want = IRQ_BITMAP_NONE;
            for (int i = 255; i >= 0 && want == IRQ_BITMAP_NONE; i--) {
                want = flags[i] ? i : IRQ_BITMAP_NONE;
            }
            assert_int_equal(irq_bitmap_pop_highest(&b), want);
            if (want != IRQ_BITMAP_NONE) {
                flags[want] = false;
            }
        } else {
            assert_int_equal(irq_bitmap_test(&b, v), flags[v]);
        }
    }
}

static void test_exit_kinds(void **state)
{
    (void)state;
    static const struct {
        uint32_t reason;
        vcpu_exit_kind_t kind;
    } cases[] = {
            {0, VCPU_EXIT_EXCEPTION},
            {1, VCPU_EXIT_EXTERNAL_INTERRUPT},
            {2, VCPU_EXIT_TRIPLE_FAULT},
            {7, VCPU_EXIT_INTERRUPT_WINDOW},
            {10, VCPU_EXIT_CPUID},
            {12, VCPU_EXIT_HLT},
            {14, VCPU_EXIT_INVLPG},
            {16, VCPU_EXIT_RDTSC},
            {17, VCPU_EXIT_UNKNOWN}, /* RSM: not named */
            {18, VCPU_EXIT_HYPERCALL},
            {19, VCPU_EXIT_VMX_INSTRUCTION},
            {27, VCPU_EXIT_VMX_INSTRUCTION},
            {28, VCPU_EXIT_CR_ACCESS},
            {29, VCPU_EXIT_DR_ACCESS},
            {30, VCPU_EXIT_IO},
            {31, VCPU_EXIT_RDMSR},
            {32, VCPU_EXIT_WRMSR},
            {33, VCPU_EXIT_ENTRY_FAILURE},
            {35, VCPU_EXIT_UNKNOWN},
            {48, VCPU_EXIT_EPT_VIOLATION},
            {49, VCPU_EXIT_EPT_MISCONFIG},
            {52, VCPU_EXIT_PREEMPTION_TIMER},
            {55, VCPU_EXIT_XSETBV},
            {56, VCPU_EXIT_UNKNOWN},
            {0xffff, VCPU_EXIT_UNKNOWN},
            {0x80000021, VCPU_EXIT_ENTRY_FAILURE}, /* bit 31 + invalid guest state */
            {0x80000000, VCPU_EXIT_ENTRY_FAILURE},
            {0x1000000a, VCPU_EXIT_CPUID}, /* high flag bits do not change the basic reason */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(vcpu_exit_kind_from_vmx(cases[i].reason), cases[i].kind);
    }
    for (unsigned k = 0; k < VCPU_EXIT_KIND_COUNT; k++) {
        assert_string_not_equal(vcpu_exit_kind_name(k), "?");
        for (unsigned j = 0; j < k; j++) {
            assert_string_not_equal(vcpu_exit_kind_name(k), vcpu_exit_kind_name(j));
        }
    }
    assert_string_equal(vcpu_exit_kind_name(VCPU_EXIT_KIND_COUNT), "?");
}

static void test_exit_records(void **state)
{
    (void)state;
    vcpu_exit_t e;
    memset(&e, 0xff, sizeof e);
    vcpu_exit_init_vmx(&e, VMX_EXIT_EPT_VIOLATION, 0x181);
    assert_int_equal(e.source, VCPU_EXIT_SOURCE_VMX);
    assert_int_equal(e.kind, VCPU_EXIT_EPT_VIOLATION);
    assert_int_equal(e.raw_reason, 48);
    assert_int_equal(e.qualification, 0x181);
    assert_int_equal(e.fields, VCPU_EXIT_HAS_QUALIFICATION);
    assert_false(vcpu_exit_has(&e, VCPU_EXIT_HAS_PHYSICAL));
    vcpu_exit_set_physical(&e, 0xfee00000);
    vcpu_exit_set_linear(&e, 0xffffffff81000000ull);
    vcpu_exit_set_length(&e, 3);
    assert_true(vcpu_exit_has(&e, VCPU_EXIT_HAS_PHYSICAL | VCPU_EXIT_HAS_LINEAR));
    assert_true(vcpu_exit_has(&e, VCPU_EXIT_HAS_LENGTH));
    assert_false(vcpu_exit_has(&e, VCPU_EXIT_HAS_ERROR_CODE | VCPU_EXIT_HAS_LENGTH));
    assert_int_equal(e.guest_physical, 0xfee00000);
    vcpu_exit_init_pv(&e, VCPU_EXIT_EXCEPTION, 14);
    assert_int_equal(e.source, VCPU_EXIT_SOURCE_PV);
    assert_int_equal(e.fields, 0);
    vcpu_exit_set_vector(&e, 14);
    vcpu_exit_set_error_code(&e, 7);
    assert_true(vcpu_exit_has(&e, VCPU_EXIT_HAS_VECTOR | VCPU_EXIT_HAS_ERROR_CODE));
    assert_int_equal(e.error_code, 7);
    vcpu_exit_init_pv(&e, (vcpu_exit_kind_t)1000, 1);
    assert_int_equal(e.kind, VCPU_EXIT_UNKNOWN);
}

static void test_cr_access_instructions(void **state)
{
    (void)state;
    vmx_cr_access_t d;
    /* mov %rax, %cr3: CR 3, MOV to CR (0), GPR 0. */
    assert_int_equal(vmx_cr_access_decode(0x3, &d), ALG_OK);
    assert_int_equal(d.cr, 3);
    assert_int_equal(d.type, VMX_CR_MOV_TO);
    assert_int_equal(d.gpr, VCPU_RAX);
    /* mov %cr8, %r15: CR 8, MOV from CR (1), GPR 15. */
    assert_int_equal(vmx_cr_access_decode(0xf18, &d), ALG_OK);
    assert_int_equal(d.cr, 8);
    assert_int_equal(d.type, VMX_CR_MOV_FROM);
    assert_int_equal(d.gpr, VCPU_R15);
    /* mov %rsp, %cr4 and mov %cr0, %rsi. */
    assert_int_equal(vmx_cr_access_decode(0x404, &d), ALG_OK);
    assert_int_equal(d.gpr, VCPU_RSP);
    assert_int_equal(vmx_cr_access_decode(0x610, &d), ALG_OK);
    assert_int_equal(d.cr, 0);
    assert_int_equal(d.gpr, VCPU_RSI);
    /* clts */
    assert_int_equal(vmx_cr_access_decode(0x20, &d), ALG_OK);
    assert_int_equal(d.type, VMX_CR_CLTS);
    /* lmsw (%rdi) with source 0x0011: memory operand, data in 31:16. */
    assert_int_equal(vmx_cr_access_decode(0x00110070, &d), ALG_OK);
    assert_int_equal(d.type, VMX_CR_LMSW);
    assert_true(d.lmsw_memory);
    assert_int_equal(d.lmsw_data, 0x11);
    /* lmsw %ax with source 0xfff1. */
    assert_int_equal(vmx_cr_access_decode(0xfff10030, &d), ALG_OK);
    assert_false(d.lmsw_memory);
    assert_int_equal(d.lmsw_data, 0xfff1);
    /* Rejected, leaving `d` unchanged. */
    d.cr = 77;
    assert_int_equal(vmx_cr_access_decode(0x2, &d), ALG_ERR_MALFORMED);    /* CR2 never exits */
    assert_int_equal(vmx_cr_access_decode(0x83, &d), ALG_ERR_MALFORMED);   /* bit 7 */
    assert_int_equal(vmx_cr_access_decode(0x1003, &d), ALG_ERR_MALFORMED); /* bit 12 */
    assert_int_equal(vmx_cr_access_decode(1ull << 32 | 3, &d), ALG_ERR_MALFORMED);
    assert_int_equal(vmx_cr_access_decode(0x00010003, &d), ALG_ERR_MALFORMED); /* MOV + data */
    assert_int_equal(vmx_cr_access_decode(0x43, &d), ALG_ERR_MALFORMED);       /* MOV + memory */
    assert_int_equal(vmx_cr_access_decode(0x23, &d), ALG_ERR_MALFORMED);       /* CLTS + CR3 */
    assert_int_equal(vmx_cr_access_decode(0x120, &d), ALG_ERR_MALFORMED);      /* CLTS + GPR */
    assert_int_equal(vmx_cr_access_decode(0x00010020, &d), ALG_ERR_MALFORMED); /* CLTS + data */
    assert_int_equal(vmx_cr_access_decode(0x130, &d), ALG_ERR_MALFORMED);      /* LMSW + GPR */
    assert_int_equal(d.cr, 77);
}

static void test_cr_access_sweep(void **state)
{
    (void)state;
    /* Every value of bits 15:0, with several LMSW data patterns, against the table rules. */
    static const uint64_t data[] = {0, 1, 0x8001, 0xffff};
    for (uint64_t low = 0; low <= 0xffff; low++) {
        for (unsigned k = 0; k < 4; k++) {
            uint64_t q = low | (data[k] << 16);
            unsigned cr = low & 0xf;
            unsigned type = (low >> 4) & 3;
            bool mem = (low >> 6) & 1;
            unsigned gpr = (low >> 8) & 0xf;
            bool reserved = (low & 0x80) != 0 || (low & 0xf000) != 0;
            bool ok;
            if (reserved) {
                ok = false;
            } else if (type <= 1) {
                ok = (cr == 0 || cr == 3 || cr == 4 || cr == 8) && !mem && data[k] == 0;
            } else if (type == 2) {
                ok = cr == 0 && gpr == 0 && !mem && data[k] == 0;
            } else {
                ok = cr == 0 && gpr == 0;
            }
            vmx_cr_access_t d;
            alg_error_t err = vmx_cr_access_decode(q, &d);
            if (err != (ok ? ALG_OK : ALG_ERR_MALFORMED)) {
                fail_msg("qualification %#llx: got %s", (unsigned long long)q, alg_error_name(err));
            }
            if (ok) {
                assert_int_equal(d.cr, cr);
                assert_int_equal(d.type, type);
                assert_int_equal(d.gpr, gpr);
                assert_int_equal(d.lmsw_memory, mem);
                assert_int_equal(d.lmsw_data, data[k]);
            }
        }
    }
}

static void test_dr_access(void **state)
{
    (void)state;
    vmx_dr_access_t d;
    /* mov %rax, %dr7 */
    assert_int_equal(vmx_dr_access_decode(0x7, &d), ALG_OK);
    assert_int_equal(d.dr, 7);
    assert_false(d.from_dr);
    assert_int_equal(d.gpr, VCPU_RAX);
    /* mov %dr6, %rbx */
    assert_int_equal(vmx_dr_access_decode(0x316, &d), ALG_OK);
    assert_int_equal(d.dr, 6);
    assert_true(d.from_dr);
    assert_int_equal(d.gpr, VCPU_RBX);
    assert_int_equal(vmx_dr_access_decode(0x8, &d), ALG_ERR_MALFORMED);    /* bit 3 */
    assert_int_equal(vmx_dr_access_decode(0x20, &d), ALG_ERR_MALFORMED);   /* bit 5 */
    assert_int_equal(vmx_dr_access_decode(0x1000, &d), ALG_ERR_MALFORMED); /* bit 12 */
}

static void test_io_instructions(void **state)
{
    (void)state;
    vmx_io_access_t d;
    /* out %al, $0x80: 1 byte, OUT, immediate, port 0x80. */
    assert_int_equal(vmx_io_decode(0x00800040, &d), ALG_OK);
    assert_int_equal(d.size, 1);
    assert_false(d.in);
    assert_false(d.string);
    assert_false(d.rep);
    assert_true(d.immediate);
    assert_int_equal(d.port, 0x80);
    /* in (%dx), %eax with DX = 0x3f8: 4 bytes (encoding 3), IN. */
    assert_int_equal(vmx_io_decode(0x03f8000b, &d), ALG_OK);
    assert_int_equal(d.size, 4);
    assert_true(d.in);
    assert_false(d.immediate);
    assert_int_equal(d.port, 0x3f8);
    /* rep outsw with DX = 0x1f0: 2 bytes, string, REP. */
    assert_int_equal(vmx_io_decode(0x01f00031, &d), ALG_OK);
    assert_int_equal(d.size, 2);
    assert_true(d.string);
    assert_true(d.rep);
    assert_int_equal(d.port, 0x1f0);
    /* Port 0xffff is representable. */
    assert_int_equal(vmx_io_decode(0xffff0008, &d), ALG_OK);
    assert_int_equal(d.port, 0xffff);
    d.port = 1234;
    assert_int_equal(vmx_io_decode(0x2, &d), ALG_ERR_MALFORMED);    /* size encoding 2 */
    assert_int_equal(vmx_io_decode(0x4, &d), ALG_ERR_MALFORMED);    /* size encoding 4 */
    assert_int_equal(vmx_io_decode(0x80, &d), ALG_ERR_MALFORMED);   /* bit 7 */
    assert_int_equal(vmx_io_decode(0x8000, &d), ALG_ERR_MALFORMED); /* bit 15 */
    assert_int_equal(vmx_io_decode(1ull << 40, &d), ALG_ERR_MALFORMED);
    assert_int_equal(d.port, 1234);
    /* Sweep of bits 15:0 with port 0x1234. */
    for (uint64_t low = 0; low <= 0xffff; low++) {
        uint64_t q = low | (0x1234ull << 16);
        unsigned enc = low & 7;
        bool ok = (low & 0xff80) == 0 && (enc == 0 || enc == 1 || enc == 3);
        alg_error_t err = vmx_io_decode(q, &d);
        assert_int_equal(err, ok ? ALG_OK : ALG_ERR_MALFORMED);
        if (ok) {
            assert_int_equal(d.size, enc == 0 ? 1 : enc == 1 ? 2 : 4);
            assert_int_equal(d.in, (low >> 3) & 1);
            assert_int_equal(d.string, (low >> 4) & 1);
            assert_int_equal(d.rep, (low >> 5) & 1);
            assert_int_equal(d.immediate, (low >> 6) & 1);
            assert_int_equal(d.port, 0x1234);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_masks),
            cmocka_unit_test(test_group_names),
            cmocka_unit_test(test_gpr_numbers_map_to_fields),
            cmocka_unit_test(test_gpr_access_sizes),
            cmocka_unit_test(test_segment_accessors),
            cmocka_unit_test(test_event_encoding),
            cmocka_unit_test(test_irq_bitmap_against_flags),
            cmocka_unit_test(test_exit_kinds),
            cmocka_unit_test(test_exit_records),
            cmocka_unit_test(test_cr_access_instructions),
            cmocka_unit_test(test_cr_access_sweep),
            cmocka_unit_test(test_dr_access),
            cmocka_unit_test(test_io_instructions),
    };
    return cmocka_run_group_tests_name("vcpu", tests, NULL, NULL);
}
