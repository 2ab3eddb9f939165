/*
 * Declarations of the assembly thread bodies in stubs.S and the words they write. The stubs are
 * entered through TCB_WriteRegisters, never called from C.
 */
#ifndef KTEST_STUBS_H
#define KTEST_STUBS_H

#include <sel4/sel4.h>

extern char stub_spin_yield[], stub_spin[], stub_record_regs[], stub_fault_read[],
        stub_fault_write[], stub_read_write[], stub_fault_exec[], stub_divide_error[], stub_ud2[],
        stub_int3[], stub_int80[], stub_hlt[], stub_cli[], stub_read_cr3[], stub_wrmsr[],
        stub_port_in[], stub_lgdt[], stub_syscall[], stub_syscall_after[], stub_set_flag[],
        stub_stack_overflow[], stub_set_rsp_ud2[], stub_load_fsgs_signal[], stub_wait_read_fsgs[],
        stub_load_fs_syscall[], stub_nop_ud2[], stub_nop_ud2_after[], stub_movss_int3[],
        stub_movss_int3_after[], stub_movss_syscall[], stub_movss_syscall_after[];

extern volatile seL4_Word stub_regs_out[seL4_UserContext_Count];
extern volatile seL4_Word stub_regs_done;
extern volatile seL4_Word stub_result;
extern volatile seL4_Word stub_flag;
extern volatile seL4_Word stub_spin_counter;

#endif
