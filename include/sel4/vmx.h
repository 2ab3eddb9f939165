/*
 * Intel VT-x names for the VMM: VMCS field encodings (the `field` of X86VCPUReadVMCS/WriteVMCS),
 * basic exit reasons (MR3 of seL4_VMEnter) and VM-execution control bits. Values from the Intel
 * SDM Vol. 3C, Appendix B (field encodings), Appendix C (exit reasons) and 25.6-25.8 (controls).
 * Which fields a VMM may read or write, and which control bits it may set, is the kernel's
 * allow-list (docs/kernel.md); the host-state fields and every field that holds a physical
 * address are on it for nobody. Only the full encodings of 64-bit fields are accepted.
 */
#ifndef SEL4_VMX_H
#define SEL4_VMX_H

/* 16-bit fields. */
#define seL4_VMCS_VPID           0x0000u /* the kernel's */
#define seL4_VMCS_Guest_ES_Sel   0x0800u
#define seL4_VMCS_Guest_CS_Sel   0x0802u
#define seL4_VMCS_Guest_SS_Sel   0x0804u
#define seL4_VMCS_Guest_DS_Sel   0x0806u
#define seL4_VMCS_Guest_FS_Sel   0x0808u
#define seL4_VMCS_Guest_GS_Sel   0x080au
#define seL4_VMCS_Guest_LDTR_Sel 0x080cu
#define seL4_VMCS_Guest_TR_Sel   0x080eu
#define seL4_VMCS_Host_ES_Sel    0x0c00u
#define seL4_VMCS_Host_CS_Sel    0x0c02u
#define seL4_VMCS_Host_SS_Sel    0x0c04u
#define seL4_VMCS_Host_DS_Sel    0x0c06u
#define seL4_VMCS_Host_FS_Sel    0x0c08u
#define seL4_VMCS_Host_GS_Sel    0x0c0au
#define seL4_VMCS_Host_TR_Sel    0x0c0cu

/* 64-bit fields. */
#define seL4_VMCS_IOBitmapA         0x2000u /* the kernel's */
#define seL4_VMCS_IOBitmapB         0x2002u /* the kernel's */
#define seL4_VMCS_MSRBitmap         0x2004u /* the kernel's */
#define seL4_VMCS_TSCOffset         0x2010u
#define seL4_VMCS_EPTPointer        0x201au /* the kernel's */
#define seL4_VMCS_GuestPhysicalAddr 0x2400u
#define seL4_VMCS_Guest_LinkPointer 0x2800u /* the kernel's: all ones */
#define seL4_VMCS_Guest_DebugCtl    0x2802u
#define seL4_VMCS_Guest_PAT         0x2804u
#define seL4_VMCS_Guest_EFER        0x2806u
#define seL4_VMCS_Guest_PDPTE0      0x280au
#define seL4_VMCS_Guest_PDPTE1      0x280cu
#define seL4_VMCS_Guest_PDPTE2      0x280eu
#define seL4_VMCS_Guest_PDPTE3      0x2810u
#define seL4_VMCS_Host_PAT          0x2c00u
#define seL4_VMCS_Host_EFER         0x2c02u

/* 32-bit fields. */
#define seL4_VMCS_PinControls            0x4000u
#define seL4_VMCS_ProcControls           0x4002u
#define seL4_VMCS_ExceptionBitmap        0x4004u
#define seL4_VMCS_PFErrorCodeMask        0x4006u
#define seL4_VMCS_PFErrorCodeMatch       0x4008u
#define seL4_VMCS_CR3TargetCount         0x400au
#define seL4_VMCS_ExitControls           0x400cu
#define seL4_VMCS_ExitMSRStoreCount      0x400eu /* the kernel's: 0 */
#define seL4_VMCS_ExitMSRLoadCount       0x4010u /* the kernel's: 0 */
#define seL4_VMCS_EntryControls          0x4012u
#define seL4_VMCS_EntryMSRLoadCount      0x4014u /* the kernel's: 0 */
#define seL4_VMCS_EntryIntrInfo          0x4016u
#define seL4_VMCS_EntryExceptionCode     0x4018u
#define seL4_VMCS_EntryInstrLength       0x401au
#define seL4_VMCS_ProcControls2          0x401eu
#define seL4_VMCS_PLEGap                 0x4020u
#define seL4_VMCS_PLEWindow              0x4022u
#define seL4_VMCS_InstructionError       0x4400u
#define seL4_VMCS_ExitReason             0x4402u
#define seL4_VMCS_ExitIntrInfo           0x4404u
#define seL4_VMCS_ExitIntrErrorCode      0x4406u
#define seL4_VMCS_IDTVectoringInfo       0x4408u
#define seL4_VMCS_IDTVectoringError      0x440au
#define seL4_VMCS_ExitInstrLength        0x440cu
#define seL4_VMCS_ExitInstrInfo          0x440eu
#define seL4_VMCS_Guest_ES_Limit         0x4800u
#define seL4_VMCS_Guest_CS_Limit         0x4802u
#define seL4_VMCS_Guest_SS_Limit         0x4804u
#define seL4_VMCS_Guest_DS_Limit         0x4806u
#define seL4_VMCS_Guest_FS_Limit         0x4808u
#define seL4_VMCS_Guest_GS_Limit         0x480au
#define seL4_VMCS_Guest_LDTR_Limit       0x480cu
#define seL4_VMCS_Guest_TR_Limit         0x480eu
#define seL4_VMCS_Guest_GDTR_Limit       0x4810u
#define seL4_VMCS_Guest_IDTR_Limit       0x4812u
#define seL4_VMCS_Guest_ES_Access        0x4814u
#define seL4_VMCS_Guest_CS_Access        0x4816u
#define seL4_VMCS_Guest_SS_Access        0x4818u
#define seL4_VMCS_Guest_DS_Access        0x481au
#define seL4_VMCS_Guest_FS_Access        0x481cu
#define seL4_VMCS_Guest_GS_Access        0x481eu
#define seL4_VMCS_Guest_LDTR_Access      0x4820u
#define seL4_VMCS_Guest_TR_Access        0x4822u
#define seL4_VMCS_Guest_Interruptibility 0x4824u
#define seL4_VMCS_Guest_ActivityState    0x4826u
#define seL4_VMCS_Guest_SMBASE           0x4828u
#define seL4_VMCS_Guest_SysenterCS       0x482au
#define seL4_VMCS_Guest_PreemptionTimer  0x482eu
#define seL4_VMCS_Host_SysenterCS        0x4c00u

/* Natural-width fields. */
#define seL4_VMCS_CR0Mask            0x6000u
#define seL4_VMCS_CR4Mask            0x6002u
#define seL4_VMCS_CR0ReadShadow      0x6004u
#define seL4_VMCS_CR4ReadShadow      0x6006u
#define seL4_VMCS_CR3Target0         0x6008u
#define seL4_VMCS_CR3Target1         0x600au
#define seL4_VMCS_CR3Target2         0x600cu
#define seL4_VMCS_CR3Target3         0x600eu
#define seL4_VMCS_ExitQualification  0x6400u
#define seL4_VMCS_IO_RCX             0x6402u
#define seL4_VMCS_IO_RSI             0x6404u
#define seL4_VMCS_IO_RDI             0x6406u
#define seL4_VMCS_IO_RIP             0x6408u
#define seL4_VMCS_GuestLinearAddr    0x640au
#define seL4_VMCS_Guest_CR0          0x6800u
#define seL4_VMCS_Guest_CR3          0x6802u
#define seL4_VMCS_Guest_CR4          0x6804u
#define seL4_VMCS_Guest_ES_Base      0x6806u
#define seL4_VMCS_Guest_CS_Base      0x6808u
#define seL4_VMCS_Guest_SS_Base      0x680au
#define seL4_VMCS_Guest_DS_Base      0x680cu
#define seL4_VMCS_Guest_FS_Base      0x680eu
#define seL4_VMCS_Guest_GS_Base      0x6810u
#define seL4_VMCS_Guest_LDTR_Base    0x6812u
#define seL4_VMCS_Guest_TR_Base      0x6814u
#define seL4_VMCS_Guest_GDTR_Base    0x6816u
#define seL4_VMCS_Guest_IDTR_Base    0x6818u
#define seL4_VMCS_Guest_DR7          0x681au
#define seL4_VMCS_Guest_RSP          0x681cu
#define seL4_VMCS_Guest_RIP          0x681eu
#define seL4_VMCS_Guest_RFLAGS       0x6820u
#define seL4_VMCS_Guest_PendingDebug 0x6822u
#define seL4_VMCS_Guest_SysenterESP  0x6824u
#define seL4_VMCS_Guest_SysenterEIP  0x6826u
#define seL4_VMCS_Host_CR0           0x6c00u
#define seL4_VMCS_Host_CR3           0x6c02u
#define seL4_VMCS_Host_CR4           0x6c04u
#define seL4_VMCS_Host_FS_Base       0x6c06u
#define seL4_VMCS_Host_GS_Base       0x6c08u
#define seL4_VMCS_Host_TR_Base       0x6c0au
#define seL4_VMCS_Host_GDTR_Base     0x6c0cu
#define seL4_VMCS_Host_IDTR_Base     0x6c0eu
#define seL4_VMCS_Host_SysenterESP   0x6c10u
#define seL4_VMCS_Host_SysenterEIP   0x6c12u
#define seL4_VMCS_Host_RSP           0x6c14u
#define seL4_VMCS_Host_RIP           0x6c16u

/* Basic exit reasons (bits 15:0 of the exit reason; bit 31 marks a failed VM entry). */
#define seL4_VMX_Exit_ExceptionNMI      0
#define seL4_VMX_Exit_ExternalInterrupt 1
#define seL4_VMX_Exit_TripleFault       2
#define seL4_VMX_Exit_InterruptWindow   7
#define seL4_VMX_Exit_NMIWindow         8
#define seL4_VMX_Exit_CPUID             10
#define seL4_VMX_Exit_HLT               12
#define seL4_VMX_Exit_INVLPG            14
#define seL4_VMX_Exit_RDPMC             15
#define seL4_VMX_Exit_RDTSC             16
#define seL4_VMX_Exit_VMCALL            18
#define seL4_VMX_Exit_CRAccess          28
#define seL4_VMX_Exit_MovDR             29
#define seL4_VMX_Exit_IO                30
#define seL4_VMX_Exit_RDMSR             31
#define seL4_VMX_Exit_WRMSR             32
#define seL4_VMX_Exit_InvalidGuestState 33
#define seL4_VMX_Exit_MWAIT             36
#define seL4_VMX_Exit_MonitorTrap       37
#define seL4_VMX_Exit_MONITOR           39
#define seL4_VMX_Exit_PAUSE             40
#define seL4_VMX_Exit_MachineCheck      41
#define seL4_VMX_Exit_EPTViolation      48
#define seL4_VMX_Exit_EPTMisconfig      49
#define seL4_VMX_Exit_RDTSCP            51
#define seL4_VMX_Exit_PreemptionTimer   52
#define seL4_VMX_Exit_WBINVD            54
#define seL4_VMX_Exit_XSETBV            55
#define seL4_VMX_ExitReason_EntryFailed (1u << 31)

/* EPT violation qualification (SDM 28.2.1, table 28-7). */
#define seL4_VMX_EPT_Read       (1u << 0)
#define seL4_VMX_EPT_Write      (1u << 1)
#define seL4_VMX_EPT_Fetch      (1u << 2)
#define seL4_VMX_EPT_Readable   (1u << 3)
#define seL4_VMX_EPT_Writable   (1u << 4)
#define seL4_VMX_EPT_Executable (1u << 5)

/* Pin-based controls. */
#define seL4_VMX_Pin_ExternalInterruptExiting (1u << 0)
#define seL4_VMX_Pin_NMIExiting               (1u << 3)
#define seL4_VMX_Pin_VirtualNMIs              (1u << 5)
#define seL4_VMX_Pin_PreemptionTimer          (1u << 6)

/* Primary processor-based controls. */
#define seL4_VMX_Proc_InterruptWindowExiting (1u << 2)
#define seL4_VMX_Proc_TSCOffsetting          (1u << 3)
#define seL4_VMX_Proc_HLTExiting             (1u << 7)
#define seL4_VMX_Proc_INVLPGExiting          (1u << 9)
#define seL4_VMX_Proc_MWAITExiting           (1u << 10)
#define seL4_VMX_Proc_RDPMCExiting           (1u << 11)
#define seL4_VMX_Proc_RDTSCExiting           (1u << 12)
#define seL4_VMX_Proc_CR3LoadExiting         (1u << 15)
#define seL4_VMX_Proc_CR3StoreExiting        (1u << 16)
#define seL4_VMX_Proc_CR8LoadExiting         (1u << 19)
#define seL4_VMX_Proc_CR8StoreExiting        (1u << 20)
#define seL4_VMX_Proc_TPRShadow              (1u << 21)
#define seL4_VMX_Proc_NMIWindowExiting       (1u << 22)
#define seL4_VMX_Proc_MovDRExiting           (1u << 23)
#define seL4_VMX_Proc_UnconditionalIOExiting (1u << 24)
#define seL4_VMX_Proc_UseIOBitmaps           (1u << 25)
#define seL4_VMX_Proc_MonitorTrapFlag        (1u << 27)
#define seL4_VMX_Proc_UseMSRBitmaps          (1u << 28)
#define seL4_VMX_Proc_MONITORExiting         (1u << 29)
#define seL4_VMX_Proc_PAUSEExiting           (1u << 30)
#define seL4_VMX_Proc_SecondaryControls      (1u << 31)

/* Secondary processor-based controls. */
#define seL4_VMX_Proc2_VirtualizeAPIC    (1u << 0)
#define seL4_VMX_Proc2_EnableEPT         (1u << 1)
#define seL4_VMX_Proc2_DescriptorExiting (1u << 2)
#define seL4_VMX_Proc2_EnableRDTSCP      (1u << 3)
#define seL4_VMX_Proc2_EnableVPID        (1u << 5)
#define seL4_VMX_Proc2_WBINVDExiting     (1u << 6)
#define seL4_VMX_Proc2_UnrestrictedGuest (1u << 7)
#define seL4_VMX_Proc2_PAUSELoopExiting  (1u << 10)
#define seL4_VMX_Proc2_RDRANDExiting     (1u << 11)
#define seL4_VMX_Proc2_EnableINVPCID     (1u << 12)
#define seL4_VMX_Proc2_VMFunctions       (1u << 13)
#define seL4_VMX_Proc2_ENCLSExiting      (1u << 15)
#define seL4_VMX_Proc2_RDSEEDExiting     (1u << 16)

/* VM-exit controls. */
#define seL4_VMX_Exit_SaveDebugControls    (1u << 2)
#define seL4_VMX_Exit_HostAddressSpaceSize (1u << 9)
#define seL4_VMX_Exit_AckInterruptOnExit   (1u << 15)
#define seL4_VMX_Exit_SavePAT              (1u << 18)
#define seL4_VMX_Exit_LoadPAT              (1u << 19)
#define seL4_VMX_Exit_SaveEFER             (1u << 20)
#define seL4_VMX_Exit_LoadEFER             (1u << 21)
#define seL4_VMX_Exit_SavePreemptionTimer  (1u << 22)

/* VM-entry controls. */
#define seL4_VMX_Entry_LoadDebugControls (1u << 2)
#define seL4_VMX_Entry_IA32eModeGuest    (1u << 9)
#define seL4_VMX_Entry_LoadPAT           (1u << 14)
#define seL4_VMX_Entry_LoadEFER          (1u << 15)

/* VM-entry interruption information (SDM 24.8.3). */
#define seL4_VMX_Intr_Valid           (1u << 31)
#define seL4_VMX_Intr_DeliverCode     (1u << 11)
#define seL4_VMX_Intr_TypeExternal    (0u << 8)
#define seL4_VMX_Intr_TypeNMI         (2u << 8)
#define seL4_VMX_Intr_TypeException   (3u << 8)
#define seL4_VMX_Intr_TypeSoftwareInt (4u << 8)

#endif
