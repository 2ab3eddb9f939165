/*
 * What a VMM may and may not do with the control words of its VCPUs. A forced bit is one the
 * host's safety rests on; a settable bit only changes what its own guest sees. Every other bit
 * (features that take a physical address, touch host-wide state or are not understood here) is
 * refused. Intel SDM Vol. 3C 25.6-25.8; AMD APM Vol. 2 15.9-15.14 and Appendix B.
 */
#include <arch/virt/virt.h>
#include <arch/virt/virt_policy.h>

const uint32_t vmx_policy_forced[seL4_X86_VirtControlWords] = {
        /* Host interrupts and NMIs end the guest's run instead of reaching its IDT. */
        [VIRT_VMX_PIN] = seL4_VMX_Pin_ExternalInterruptExiting | seL4_VMX_Pin_NMIExiting,
        /* MWAIT/MONITOR would idle the physical CPU; RDPMC reads host counters; CR8 without a TPR
         * shadow is the physical APIC's TPR (a guest could mask host interrupts); MOV DR would
         * change the host's DR0-DR3; the I/O and MSR bitmaps are the kernel's (ports and MSRs
         * only by capability or by the kernel's list); EPT needs the secondary controls. */
        [VIRT_VMX_PROC] = seL4_VMX_Proc_MWAITExiting | seL4_VMX_Proc_RDPMCExiting |
                          seL4_VMX_Proc_CR8LoadExiting | seL4_VMX_Proc_CR8StoreExiting |
                          seL4_VMX_Proc_MovDRExiting | seL4_VMX_Proc_UseIOBitmaps |
                          seL4_VMX_Proc_UseMSRBitmaps | seL4_VMX_Proc_MONITORExiting |
                          seL4_VMX_Proc_SecondaryControls,
        /* Guest-physical memory only through EPT; WBINVD would flush the host's caches. VPID is
         * added by virt_detect where INVVPID exists. */
        [VIRT_VMX_PROC2] = seL4_VMX_Proc2_EnableEPT | seL4_VMX_Proc2_WBINVDExiting,
        /* The host's PAT and EFER come back on every exit, the guest's DR7/DEBUGCTL are saved,
         * and the host runs in 64-bit mode. */
        [VIRT_VMX_EXIT] = seL4_VMX_Exit_SaveDebugControls | seL4_VMX_Exit_HostAddressSpaceSize |
                          seL4_VMX_Exit_SavePAT | seL4_VMX_Exit_LoadPAT | seL4_VMX_Exit_SaveEFER |
                          seL4_VMX_Exit_LoadEFER,
        [VIRT_VMX_ENTRY] =
                seL4_VMX_Entry_LoadDebugControls | seL4_VMX_Entry_LoadPAT | seL4_VMX_Entry_LoadEFER,
};

const uint32_t vmx_policy_settable[seL4_X86_VirtControlWords] = {
        [VIRT_VMX_PIN] = seL4_VMX_Pin_VirtualNMIs | seL4_VMX_Pin_PreemptionTimer,
        [VIRT_VMX_PROC] = seL4_VMX_Proc_InterruptWindowExiting | seL4_VMX_Proc_TSCOffsetting |
                          seL4_VMX_Proc_HLTExiting | seL4_VMX_Proc_INVLPGExiting |
                          seL4_VMX_Proc_RDTSCExiting | seL4_VMX_Proc_CR3LoadExiting |
                          seL4_VMX_Proc_CR3StoreExiting | seL4_VMX_Proc_NMIWindowExiting |
                          seL4_VMX_Proc_UnconditionalIOExiting | seL4_VMX_Proc_MonitorTrapFlag |
                          seL4_VMX_Proc_PAUSEExiting,
        [VIRT_VMX_PROC2] = seL4_VMX_Proc2_DescriptorExiting | seL4_VMX_Proc2_EnableRDTSCP |
                           seL4_VMX_Proc2_UnrestrictedGuest | seL4_VMX_Proc2_PAUSELoopExiting |
                           seL4_VMX_Proc2_RDRANDExiting | seL4_VMX_Proc2_EnableINVPCID |
                           seL4_VMX_Proc2_RDSEEDExiting,
        [VIRT_VMX_EXIT] = seL4_VMX_Exit_SavePreemptionTimer,
        [VIRT_VMX_ENTRY] = seL4_VMX_Entry_IA32eModeGuest,
};

/* InterceptMisc3 (offset 0x014): INVLPGB and its illegal forms, TLBSYNC, INVPCID. */
#define SVM_INTERCEPT3_INVLPGB         (1u << 0)
#define SVM_INTERCEPT3_INVLPGB_ILLEGAL (1u << 1)
#define SVM_INTERCEPT3_INVPCID         (1u << 2)
#define SVM_INTERCEPT3_TLBSYNC         (1u << 4)
#define SVM_DR_WRITES_DR0_TO_DR3       (0xfu << 16)
#define SVM_EXCEPTION_MACHINE_CHECK    (1u << 18)

const uint32_t svm_policy_forced[seL4_X86_VirtControlWords] = {
        /* Host interrupts, NMIs and INIT end the guest's run; RDPMC reads host counters;
         * INVLPGA names any ASID; I/O ports and MSRs by capability or the kernel's list only;
         * a guest's shutdown (triple fault) must not shut the machine down. */
        [VIRT_SVM_MISC1] = seL4_SVM_Intercept_INTR | seL4_SVM_Intercept_NMI |
                           seL4_SVM_Intercept_INIT | seL4_SVM_Intercept_RDPMC |
                           seL4_SVM_Intercept_INVLPGA | seL4_SVM_Intercept_IOIO |
                           seL4_SVM_Intercept_MSR | seL4_SVM_Intercept_Shutdown,
        /* VMRUN must be intercepted (APM 15.5.1); VMLOAD/VMSAVE take system-physical addresses;
         * CLGI would hold the host's interrupts off; XSETBV changes the host's XCR0; the
         * others reach host-wide state (caches, monitor hardware, processor registers). */
        [VIRT_SVM_MISC2] = seL4_SVM_Intercept2_VMRUN | seL4_SVM_Intercept2_VMLOAD |
                           seL4_SVM_Intercept2_VMSAVE | seL4_SVM_Intercept2_STGI |
                           seL4_SVM_Intercept2_CLGI | seL4_SVM_Intercept2_SKINIT |
                           seL4_SVM_Intercept2_WBINVD | seL4_SVM_Intercept2_MONITOR |
                           seL4_SVM_Intercept2_MWAIT | seL4_SVM_Intercept2_MWAITArmed |
                           seL4_SVM_Intercept2_XSETBV | seL4_SVM_Intercept2_RDPRU,
        /* Broadcast TLB invalidation names other ASIDs and other CPUs. */
        [VIRT_SVM_MISC3] =
                SVM_INTERCEPT3_INVLPGB | SVM_INTERCEPT3_INVLPGB_ILLEGAL | SVM_INTERCEPT3_TLBSYNC,
        /* DR0-DR3 are not switched by VMRUN: the guest never writes the host's. */
        [VIRT_SVM_DR] = SVM_DR_WRITES_DR0_TO_DR3,
        /* A machine check is the host's to handle. */
        [VIRT_SVM_EXCEPTIONS] = SVM_EXCEPTION_MACHINE_CHECK,
};

const uint32_t svm_policy_settable[seL4_X86_VirtControlWords] = {
        /* VINTR, selective CR0 writes, descriptor-table accesses, RDTSC, PUSHF, POPF, CPUID,
         * RSM, IRET, INTn, INVD, PAUSE, HLT, INVLPG, task switches, FERR_FREEZE. */
        [VIRT_SVM_MISC1] = 0x63ff7ff0u,
        [VIRT_SVM_MISC2] = seL4_SVM_Intercept2_VMMCALL | seL4_SVM_Intercept2_RDTSCP |
                           seL4_SVM_Intercept2_ICEBP,
        [VIRT_SVM_MISC3] = SVM_INTERCEPT3_INVPCID,
        [VIRT_SVM_DR] = ~SVM_DR_WRITES_DR0_TO_DR3,
        [VIRT_SVM_EXCEPTIONS] = ~SVM_EXCEPTION_MACHINE_CHECK,
};
