/*
 * Ring-3 routines (programs/user_code.S), each small enough to reason about instruction by
 * instruction. They run through user_run(); labels mark instructions whose address a test
 * compares with a fault's RIP or a SYSCALL's RCX.
 */
#ifndef TESTGUEST_USER_CODE_H
#define TESTGUEST_USER_CODE_H

#include <stdint.h>

uint64_t user_read_cs(uint64_t unused);
uint64_t user_read_ss(uint64_t unused);
uint64_t user_read_rflags(uint64_t unused);
uint64_t user_load(uint64_t address);
uint64_t user_store(uint64_t address); /* writes 0x5a5a5a5a */
uint64_t user_syscall_record(uint64_t arg);
extern char user_syscall_record_return[]; /* the instruction after its SYSCALL */
uint64_t user_read_gs0(uint64_t unused);
uint64_t user_read_fs0(uint64_t unused);
uint64_t user_wrfsbase_read(uint64_t base); /* WRFSBASE base, then reads %fs:0 */
uint64_t user_rdfsbase(uint64_t unused);
uint64_t user_int_user(uint64_t rax);      /* INT VECTOR_INT_USER with RAX = arg; returns RAX */
uint64_t user_int_kernel(uint64_t unused); /* INT VECTOR_INT_KERNEL: a DPL 0 gate */
extern char user_int_kernel_insn[];
uint64_t user_popf_clear_if(uint64_t unused); /* returns RFLAGS after trying */
uint64_t user_cli_read_sti(uint64_t unused);  /* CLI, returns RFLAGS read before STI */
extern char user_cli_insn[];
uint64_t user_syscall_chain(uint64_t count); /* SYS_ADD1 count times, from 0 */
extern char user_trampoline[];

#endif
