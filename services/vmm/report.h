/*
 * The VMM's reports to init (report.c): running, and vmm_end (vmm.h) for the end.
 */
#ifndef VMM_REPORT_H
#define VMM_REPORT_H

#include "vmm.h"

/* The guest is loaded and its vCPU started; text says how (printable ASCII). */
void report_running(const char *text);

#endif
