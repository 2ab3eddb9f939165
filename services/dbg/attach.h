/*
 * The console attach (`vm console NAME`): while attached, every byte typed goes to the VM's COM1
 * through init (VMM_VM_CONSOLE) instead of the line editor, until the detach key. The VM's
 * output reaches the console as its log lines, as always.
 */
#ifndef DBG_ATTACH_H
#define DBG_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ctrl-] (as telnet has it): returns to the shell. */
#define ATTACH_DETACH_KEY 0x1d

/* Attaches to the VM (the caller checked that it exists and runs). */
void attach_begin(const char *name);

bool attach_active(void);

/*
 * Sends bytes up to the detach key to the VM; at the key, detaches. Returns how many bytes it
 * took (the key included): the rest are the shell's. A VM that is gone or no longer running
 * detaches the shell, which says so.
 */
size_t attach_feed(const uint8_t *bytes, size_t length);

/* Detaches and says so with why (NULL: the detach key). */
void attach_end(const char *why);

#endif
