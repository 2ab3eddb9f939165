/*
 * The vCPU tests' fake machine (cpu_harness.h): guest RAM with identity-mapped 4-level page
 * tables, descriptor tables like the test guest's, and recording callbacks. Every value placed
 * here is written out from the SDM's layouts, not produced by the code under test.
 */
#include "cpu_harness.h"

#include <stdlib.h>
#include <string.h>

#define PD_HIGH 0x5000u /* the page directory of 3-4 GiB */

#define MSR_APIC_BASE 0x1bu

/* ---- environment callbacks ---- */

static uint32_t fake_io_in(void *context, uint16_t port, unsigned size)
{
    cpu_test_t *t = context;
    uint32_t value = t->io_in_next++;

    if (t->io_count < CPU_LOG_MAX) {
        t->io[t->io_count++] = (cpu_io_record_t){port, size, value, false};
    }
    return value;
}

static void fake_io_out(void *context, uint16_t port, unsigned size, uint32_t value)
{
    cpu_test_t *t = context;

    if (t->io_count < CPU_LOG_MAX) {
        t->io[t->io_count++] = (cpu_io_record_t){port, size, value, true};
    }
}

static uint64_t fake_mmio_read(void *context, gpa_t address, unsigned size)
{
    cpu_test_t *t = context;

    t->mmio_reads++;
    t->mmio_address = address.value;
    t->mmio_size = size;
    return t->mmio_value;
}

static void fake_mmio_write(void *context, gpa_t address, unsigned size, uint64_t value)
{
    cpu_test_t *t = context;

    t->mmio_writes++;
    t->mmio_address = address.value;
    t->mmio_size = size;
    t->mmio_written = value;
}

static cpu_msr_record_t *find_msr(cpu_test_t *t, uint32_t index)
{
    for (unsigned i = 0; i < t->msr_count; i++) {
        if (t->msrs[i].index == index) {
            return &t->msrs[i];
        }
    }
    return NULL;
}

static pv_msr_result_t fake_msr_read(void *context, uint32_t index, uint64_t *value)
{
    cpu_msr_record_t *msr = find_msr(context, index);

    if (msr == NULL) {
        return PV_MSR_GP;
    }
    *value = msr->value;
    return msr->result;
}

static pv_msr_result_t fake_msr_write(void *context, const pv_msr_cpu_t *cpu, uint32_t index,
                                      uint64_t *value)
{
    cpu_test_t *t = context;
    cpu_msr_record_t *msr = find_msr(t, index);

    t->msr_last_write = index;
    t->msr_written = *value;
    if (msr == NULL) {
        return PV_MSR_GP;
    }
    if (index == 0xc0000080u) {
        /* As the policy does: EFER.LMA stays what the vCPU has (include/vdev/msr.h). */
        *value = (*value & ~PV_EFER_LMA) | (cpu->efer & PV_EFER_LMA);
    }
    if (msr->result == PV_MSR_OK) {
        msr->value = *value;
    }
    return msr->result;
}

static void fake_cpuid(void *context, uint32_t leaf, uint32_t subleaf, bool osxsave, uint64_t xcr0,
                       pv_cpuid_regs_t *out)
{
    cpu_test_t *t = context;

    (void)xcr0;
    t->cpuid_calls++;
    t->cpuid_leaf = leaf;
    t->cpuid_subleaf = subleaf;
    t->cpuid_osxsave = osxsave;
    /* A pattern the test can recompute: no policy is modelled here. */
    *out = (pv_cpuid_regs_t){leaf ^ 0x11111111u, subleaf ^ 0x22222222u, leaf + subleaf,
                             0x44444444u};
}

static uint64_t fake_tsc(void *context)
{
    return ((cpu_test_t *)context)->tsc;
}

static unsigned fake_tpr_read(void *context)
{
    return ((cpu_test_t *)context)->tpr;
}

static void fake_tpr_write(void *context, unsigned value)
{
    ((cpu_test_t *)context)->tpr = value;
}

static pv_hypercall_result_t fake_hypercall(void *context, uint64_t number, const uint64_t args[4])
{
    cpu_test_t *t = context;

    t->hypercalls++;
    t->hypercall_number = number;
    memcpy(t->hypercall_args, args, sizeof(t->hypercall_args));
    return t->hypercall_result;
}

static void fake_paging_changed(void *context, const pv_paging_t *paging, unsigned what,
                                bool no_flush)
{
    cpu_test_t *t = context;

    t->paging_calls++;
    t->paging_what = what;
    t->paging_no_flush = no_flush;
    t->paging_last = *paging;
}

static void fake_invalidate_page(void *context, gva_t address, uint16_t pcid)
{
    cpu_test_t *t = context;

    t->invalidations++;
    t->invalidated = address.value;
    t->invalidated_pcid = pcid;
    t->invalidated_all = false;
}

static void fake_invalidate_pcid(void *context, uint16_t pcid, bool all_pcids, bool globals)
{
    cpu_test_t *t = context;

    t->invalidations++;
    t->invalidated_pcid = pcid;
    t->invalidated_all = all_pcids;
    t->invalidated_globals = globals;
}

static void fake_ac_changed(void *context, bool ac)
{
    (void)ac;
    ((cpu_test_t *)context)->ac_calls++;
}

/* What vdev_intc_pending answers (include/vdev/intc.h), for one pending source. */
static void fake_intr_pending(void *context, const pv_interruptibility_t *cpu, pv_intr_t *out)
{
    cpu_test_t *t = context;

    t->pending_queries++;
    memset(out, 0, sizeof(*out));
    if (t->intr_kind == PV_INTR_NMI) {
        if (cpu->nmi_blocked || cpu->interrupt_shadow) {
            out->nmi_window = true;
        } else {
            out->kind = PV_INTR_NMI;
            out->vector = 2;
        }
    } else if (t->intr_kind != PV_INTR_NONE) {
        if (!cpu->interrupts_enabled || cpu->interrupt_shadow) {
            out->irq_window = true;
        } else {
            out->kind = t->intr_kind;
            out->vector = t->intr_vector;
        }
    }
}

static uint8_t fake_intr_ack(void *context, pv_intr_kind_t kind)
{
    cpu_test_t *t = context;

    (void)kind;
    t->acks++;
    t->intr_kind = PV_INTR_NONE;
    return t->intr_vector;
}

/* ---- the machine ---- */

void cpu_test_put(cpu_test_t *t, uint64_t address, const void *bytes, size_t length)
{
    if (address > CPU_RAM_SIZE || length > CPU_RAM_SIZE - address) {
        abort();
    }
    memcpy(t->ram + address, bytes, length);
}

void cpu_test_get(const cpu_test_t *t, uint64_t address, void *bytes, size_t length)
{
    if (address > CPU_RAM_SIZE || length > CPU_RAM_SIZE - address) {
        abort();
    }
    memcpy(bytes, t->ram + address, length);
}

uint64_t cpu_test_get64(const cpu_test_t *t, uint64_t address)
{
    uint64_t value;

    cpu_test_get(t, address, &value, sizeof(value));
    return value;
}

void cpu_test_put64(cpu_test_t *t, uint64_t address, uint64_t value)
{
    cpu_test_put(t, address, &value, sizeof(value));
}

void cpu_test_set_gdt(cpu_test_t *t, unsigned selector, uint64_t descriptor)
{
    cpu_test_put64(t, CPU_GDT + (selector & ~7u), descriptor);
}

/* An IDT gate (SDM Vol. 3A Figure 6-8): offset 15:0, selector, IST, type, DPL, P, offset 63:16. */
void cpu_test_set_gate(cpu_test_t *t, unsigned vector, uint64_t handler, unsigned type,
                       unsigned dpl, unsigned ist, bool present, uint16_t selector)
{
    uint64_t low = (handler & 0xffffu) | ((uint64_t)selector << 16) | ((uint64_t)(ist & 7u) << 32) |
                   ((uint64_t)(type & 0xfu) << 40) | ((uint64_t)(dpl & 3u) << 45) |
                   ((uint64_t)(present ? 1 : 0) << 47) | ((handler >> 16 & 0xffffu) << 48);

    cpu_test_put64(t, CPU_IDT + vector * 16u, low);
    cpu_test_put64(t, CPU_IDT + vector * 16u + 8, handler >> 32);
}

void cpu_test_set_pte(cpu_test_t *t, uint64_t address, uint64_t flags)
{
    cpu_test_put64(t, CPU_PT + (address >> 12) * 8, (address & ~0xfffull) | flags);
}

/* A 64-bit TSS descriptor (SDM Vol. 3A Figure 8-4) in two GDT slots. */
static void set_system_descriptor(cpu_test_t *t, unsigned selector, uint64_t base, uint32_t limit,
                                  unsigned type)
{
    uint64_t low = (limit & 0xffffu) | ((base & 0xffffffu) << 16) | ((uint64_t)type << 40) |
                   (1ull << 47) | ((uint64_t)(limit >> 16 & 0xfu) << 48) |
                   ((base >> 24 & 0xffu) << 56);

    cpu_test_set_gdt(t, selector, low);
    cpu_test_set_gdt(t, selector + 8, base >> 32);
}

static void build_tables(cpu_test_t *t)
{
    const uint64_t table = CPU_PTE_P | CPU_PTE_RW | CPU_PTE_US;

    cpu_test_put64(t, CPU_PML4, CPU_PDPT | table);
    cpu_test_put64(t, CPU_PDPT, CPU_PD | table);
    cpu_test_put64(t, CPU_PDPT + 3 * 8, PD_HIGH | table);
    cpu_test_put64(t, CPU_PD, CPU_PT | table);
    for (uint64_t i = 1; i < 4; i++) {
        cpu_test_put64(t, CPU_PD + i * 8, (i << 21) | CPU_PTE_P | CPU_PTE_RW | CPU_PTE_PS);
    }
    for (uint64_t i = 0; i < 512; i++) {
        cpu_test_put64(t, CPU_PT + i * 8, (i << 12) | CPU_PTE_P | CPU_PTE_RW);
    }
    for (uint64_t a = CPU_USTACK_TOP - 0x10000; a < CPU_USTACK_TOP; a += 4096) {
        cpu_test_set_pte(t, a, CPU_PTE_P | CPU_PTE_RW | CPU_PTE_US);
    }
    for (uint64_t a = CPU_DATA; a < CPU_DATA + 0x10000; a += 4096) {
        cpu_test_set_pte(t, a, CPU_PTE_P | CPU_PTE_RW | CPU_PTE_US);
    }
    for (uint64_t a = CPU_UCODE; a < CPU_UCODE + 0x10000; a += 4096) {
        cpu_test_set_pte(t, a, CPU_PTE_P | CPU_PTE_RW | CPU_PTE_US);
    }
    cpu_test_put64(t, PD_HIGH + ((CPU_MMIO - 0xc0000000u) >> 21) * 8,
                   CPU_MMIO | CPU_PTE_P | CPU_PTE_RW | CPU_PTE_PS);

    cpu_test_set_gdt(t, CPU_SEL_KCODE, CPU_DESC_CODE64(0));
    cpu_test_set_gdt(t, CPU_SEL_KDATA, CPU_DESC_DATA(0));
    cpu_test_set_gdt(t, CPU_SEL_UCODE32, CPU_DESC_CODE32(3));
    cpu_test_set_gdt(t, CPU_SEL_UDATA, CPU_DESC_DATA(3));
    cpu_test_set_gdt(t, CPU_SEL_UCODE, CPU_DESC_CODE64(3));
    set_system_descriptor(t, CPU_SEL_TSS, CPU_TSS, 0x67, 0xb);
    cpu_test_set_gdt(t, CPU_SEL_KCODE32, CPU_DESC_CODE32(0));
    set_system_descriptor(t, CPU_SEL_LDT, CPU_LDT, 0xff, 0x2);

    for (unsigned v = 0; v < 256; v++) {
        unsigned dpl = v == 3 || v == 4 || v == 0x80 ? 3 : 0;

        cpu_test_set_gate(t, v, CPU_HANDLERS + v * 16u, 0xe, dpl, v == 8 ? 1 : 0, true,
                          CPU_SEL_KCODE);
    }
    cpu_test_put64(t, CPU_TSS + 4, CPU_KSTACK_TOP);
    cpu_test_put64(t, CPU_TSS + 0x24, CPU_IST1_TOP);
    uint16_t iomap = 0x68; /* past the limit: no bitmap */
    cpu_test_put(t, CPU_TSS + 0x66, &iomap, 2);
}

static void build_env(cpu_test_t *t)
{
    static const struct {
        uint32_t index;
        pv_msr_result_t result;
        uint64_t value;
    } msrs[] = {
            {0x10, PV_MSR_CONTEXT, 0},       {0x174, PV_MSR_CONTEXT, 0},
            {0x175, PV_MSR_CONTEXT, 0},      {0x176, PV_MSR_CONTEXT, 0},
            {0x277, PV_MSR_CONTEXT, 0},      {0xc0000080, PV_MSR_CONTEXT, 0},
            {0xc0000081, PV_MSR_CONTEXT, 0}, {0xc0000082, PV_MSR_CONTEXT, 0},
            {0xc0000084, PV_MSR_CONTEXT, 0}, {0xc0000100, PV_MSR_CONTEXT, 0},
            {0xc0000101, PV_MSR_CONTEXT, 0}, {0xc0000102, PV_MSR_CONTEXT, 0},
            {0xc0000103, PV_MSR_CONTEXT, 0}, {MSR_APIC_BASE, PV_MSR_OK, 0xfee00900},
    };

    t->memory = (pv_memory_t){.base = t->ram, .size = CPU_RAM_SIZE};
    t->env = (pv_env_t){
            .context = t,
            .memory = &t->memory,
            .pv_page = NULL,
            .io_in = fake_io_in,
            .io_out = fake_io_out,
            .mmio_read = fake_mmio_read,
            .mmio_write = fake_mmio_write,
            .msr_read = fake_msr_read,
            .msr_write = fake_msr_write,
            .cpuid = fake_cpuid,
            .tsc_read = fake_tsc,
            .tpr_read = fake_tpr_read,
            .tpr_write = fake_tpr_write,
            .hypercall = fake_hypercall,
            .paging_changed = fake_paging_changed,
            .invalidate_page = fake_invalidate_page,
            .invalidate_pcid = fake_invalidate_pcid,
            .ac_changed = fake_ac_changed,
            .intr_pending = fake_intr_pending,
            .intr_ack = fake_intr_ack,
            .walk_cache = &t->walk_cache,
    };
    for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
        t->msrs[i] = (cpu_msr_record_t){msrs[i].index, msrs[i].result, msrs[i].value};
    }
    t->msr_count = sizeof(msrs) / sizeof(msrs[0]);
}

cpu_test_t *cpu_test_new(void)
{
    cpu_test_t *t = calloc(1, sizeof(*t));
    pv_cpu_config_t config = {
            .vendor = PV_VENDOR_INTEL,
            .features = PV_CPU_F_NX | PV_CPU_F_SMEP | PV_CPU_F_SMAP | PV_CPU_F_UMIP |
                        PV_CPU_F_FSGSBASE | PV_CPU_F_PCID | PV_CPU_F_INVPCID | PV_CPU_F_XSAVE |
                        PV_CPU_F_RDTSCP | PV_CPU_F_RDPID,
            .phys_addr_bits = 40,
            .xcr0_supported = 0x3,
    };

    if (t == NULL || posix_memalign((void **)&t->ram, 4096, CPU_RAM_SIZE) != 0) {
        abort();
    }
    memset(t->ram, 0, CPU_RAM_SIZE);
    t->page = calloc(1, sizeof(*t->page));
    if (t->page == NULL) {
        abort();
    }
    build_tables(t);
    build_env(t);
    t->tsc = 0x123456789abcull;
    pv_cpu_init(&t->cpu, &config);
    pv_cpu_boot_long(&t->cpu, CPU_KCODE, CPU_PML4, CPU_KSTACK_TOP - 0x100, 0);
    t->cpu.gdtr = (pv_table_register_t){CPU_GDT, CPU_GDT_LIMIT};
    t->cpu.idtr = (pv_table_register_t){CPU_IDT, 0xfff};
    t->cpu.tr = (pv_segment_t){
            .selector = CPU_SEL_TSS, .attributes = 0x8bu, .limit = 0x67, .base = CPU_TSS};
    return t;
}

void cpu_test_free(cpu_test_t *t)
{
    free(t->page);
    free(t->ram);
    free(t);
}

int cpu_test_setup(void **state)
{
    *state = cpu_test_new();
    return 0;
}

int cpu_test_teardown(void **state)
{
    cpu_test_free(*state);
    return 0;
}

void cpu_test_enter_user(cpu_test_t *t)
{
    pv_cpu_t *cpu = &t->cpu;

    cpu->cpl = 3;
    cpu->mode = PV_MODE_LONG;
    cpu->seg[PV_SEG_CS] = (pv_segment_t){
            .selector = CPU_SEL_UCODE | 3, .attributes = 0xa0fbu, .limit = 0xffffffffu};
    cpu->seg[PV_SEG_SS] = (pv_segment_t){
            .selector = CPU_SEL_UDATA | 3, .attributes = 0xc0f3u, .limit = 0xffffffffu};
    cpu->rip = CPU_UCODE;
    cpu->gpr[4] = CPU_USTACK_TOP - 0x100;
    cpu->rflags = PV_RFLAGS_FIXED | PV_RFLAGS_IF;
}

pv_outcome_kind_t cpu_test_exec(cpu_test_t *t, const void *code, size_t length, unsigned vector,
                                uint64_t error_code, pv_outcome_t *out)
{
    cpu_test_put(t, t->cpu.rip, code, length);
    return pv_cpu_handle_exception(&t->cpu, &t->env, vector, error_code, out);
}

pv_outcome_kind_t cpu_test_exec_patched(cpu_test_t *t, const void *code, size_t length,
                                        pv_outcome_t *out)
{
    static const uint8_t ud2[2] = {0x0f, 0x0b};

    cpu_test_put(t, t->cpu.rip, ud2, length < 2 ? length : 2);
    return pv_cpu_handle_patch_site(&t->cpu, &t->env, t->cpu.rip, code, length, out);
}

cpu_frame_t cpu_test_frame(const cpu_test_t *t, bool has_error)
{
    uint64_t at = t->cpu.gpr[4];
    cpu_frame_t frame = {0, 0, 0, 0, 0, 0};

    if (has_error) {
        frame.error_code = cpu_test_get64(t, at);
        at += 8;
    }
    frame.rip = cpu_test_get64(t, at);
    frame.cs = cpu_test_get64(t, at + 8);
    frame.rflags = cpu_test_get64(t, at + 16);
    frame.rsp = cpu_test_get64(t, at + 24);
    frame.ss = cpu_test_get64(t, at + 32);
    return frame;
}
