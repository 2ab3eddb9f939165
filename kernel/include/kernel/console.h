/*
 * The kernel console: the serial line while the kernel owns it, and the kernel log page always.
 * User space may take the line over (IOPortControl issuing the UART's ports, see
 * arch/object/ioport.c); from then on the kernel never touches the UART, and its messages reach
 * user space through the log page only, until the ports' last capability is gone. A panic takes
 * the line back for its last words.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/types.h>

/* One byte of kernel output (kprintf, DebugPutChar): to the log page, and to the line when the
 * kernel owns it. */
void console_putc(char c);

/* User space now drives the UART: the kernel stops writing to it. */
void console_hand_over(void);

/* User space gave the UART back: the kernel programs it again and writes to it. */
void console_take_back(void);

/* Whether user space holds the line. */
bool console_handed_over(void);

/* A panic is about to print: take the line back whoever holds it. */
void console_prepare_panic(void);

/* Physical address of the log page (seL4_KernelLogPage), for the root task's capability. */
paddr_t console_log_paddr(void);

#endif
