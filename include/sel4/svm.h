/*
 * AMD-V names for the VMM. On an SVM machine the `field` of X86VCPUReadVMCS/WriteVMCS is a
 * byte offset into the VMCB (AMD APM Vol. 2, Appendix B: control area from 0x000, state-save
 * area from 0x400); the kernel's allow-list gives each field its width (2, 4 or 8 bytes; a
 * segment register is four fields: selector, attributes, limit, base). Exit codes (MR3 of
 * seL4_VMEnter) from Appendix C, intercept bits from B.1. Fields that hold physical addresses
 * (IOPM_BASE_PA, MSRPM_BASE_PA, N_CR3, AVIC pages) and the ASID are the kernel's.
 */
#ifndef SEL4_SVM_H
#define SEL4_SVM_H

/* Control area. */
#define seL4_VMCB_InterceptCR          0x000u /* reads 15:0, writes 31:16 */
#define seL4_VMCB_InterceptDR          0x004u /* reads 15:0, writes 31:16 */
#define seL4_VMCB_InterceptException   0x008u
#define seL4_VMCB_InterceptMisc1       0x00cu /* seL4_VMEnter's MR1 on SVM */
#define seL4_VMCB_InterceptMisc2       0x010u
#define seL4_VMCB_InterceptMisc3       0x014u
#define seL4_VMCB_PauseFilterThreshold 0x03cu
#define seL4_VMCB_PauseFilterCount     0x03eu
#define seL4_VMCB_IOPMBase             0x040u /* the kernel's */
#define seL4_VMCB_MSRPMBase            0x048u /* the kernel's */
#define seL4_VMCB_TSCOffset            0x050u
#define seL4_VMCB_GuestASID            0x058u /* the kernel's */
#define seL4_VMCB_TLBControl           0x05cu /* the kernel's */
#define seL4_VMCB_IntControl                                                                       \
    0x060u /* V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR; V_INTR_MASKING
                                               always set */
#define seL4_VMCB_IntVector       0x064u
#define seL4_VMCB_InterruptShadow 0x068u
#define seL4_VMCB_ExitCode        0x070u
#define seL4_VMCB_ExitInfo1       0x078u
#define seL4_VMCB_ExitInfo2       0x080u
#define seL4_VMCB_ExitIntInfo     0x088u
#define seL4_VMCB_NestedControl   0x090u /* the kernel's: NP_ENABLE */
#define seL4_VMCB_EventInject     0x0a8u /* seL4_VMEnter's MR2 on SVM */
#define seL4_VMCB_NestedCR3       0x0b0u /* the kernel's */
#define seL4_VMCB_NextRIP         0x0c8u
#define seL4_VMCB_InstrBytes0     0x0d0u /* bytes fetched (bits 7:0), first 7 bytes */
#define seL4_VMCB_InstrBytes1     0x0d8u /* the next 8 bytes */

/* State-save area: segment registers, 16 bytes each. */
#define seL4_VMCB_Save_ES      0x400u
#define seL4_VMCB_Save_CS      0x410u
#define seL4_VMCB_Save_SS      0x420u
#define seL4_VMCB_Save_DS      0x430u
#define seL4_VMCB_Save_FS      0x440u
#define seL4_VMCB_Save_GS      0x450u
#define seL4_VMCB_Save_GDTR    0x460u
#define seL4_VMCB_Save_LDTR    0x470u
#define seL4_VMCB_Save_IDTR    0x480u
#define seL4_VMCB_Save_TR      0x490u
#define seL4_VMCB_Seg_Selector 0x0u
#define seL4_VMCB_Seg_Attrib   0x2u
#define seL4_VMCB_Seg_Limit    0x4u
#define seL4_VMCB_Seg_Base     0x8u

/* State-save area: the rest. */
#define seL4_VMCB_Save_CPL            0x4cbu
#define seL4_VMCB_Save_EFER           0x4d0u
#define seL4_VMCB_Save_CR4            0x548u
#define seL4_VMCB_Save_CR3            0x550u
#define seL4_VMCB_Save_CR0            0x558u
#define seL4_VMCB_Save_DR7            0x560u
#define seL4_VMCB_Save_DR6            0x568u
#define seL4_VMCB_Save_RFLAGS         0x570u
#define seL4_VMCB_Save_RIP            0x578u
#define seL4_VMCB_Save_RSP            0x5d8u
#define seL4_VMCB_Save_RAX            0x5f8u
#define seL4_VMCB_Save_STAR           0x600u
#define seL4_VMCB_Save_LSTAR          0x608u
#define seL4_VMCB_Save_CSTAR          0x610u
#define seL4_VMCB_Save_SFMASK         0x618u
#define seL4_VMCB_Save_KernelGSBase   0x620u
#define seL4_VMCB_Save_SysenterCS     0x628u
#define seL4_VMCB_Save_SysenterESP    0x630u
#define seL4_VMCB_Save_SysenterEIP    0x638u
#define seL4_VMCB_Save_CR2            0x640u
#define seL4_VMCB_Save_GPAT           0x668u
#define seL4_VMCB_Save_DebugCtl       0x670u
#define seL4_VMCB_Save_BranchFrom     0x678u
#define seL4_VMCB_Save_BranchTo       0x680u
#define seL4_VMCB_Save_LastExceptFrom 0x688u
#define seL4_VMCB_Save_LastExceptTo   0x690u

/* Exit codes (EXITCODE, MR3). */
#define seL4_SVM_Exit_ExceptionBase 0x040u /* + vector */
#define seL4_SVM_Exit_INTR          0x060u
#define seL4_SVM_Exit_NMI           0x061u
#define seL4_SVM_Exit_VINTR         0x064u
#define seL4_SVM_Exit_RDTSC         0x06eu
#define seL4_SVM_Exit_RDPMC         0x06fu
#define seL4_SVM_Exit_CPUID         0x072u
#define seL4_SVM_Exit_PAUSE         0x077u
#define seL4_SVM_Exit_HLT           0x078u
#define seL4_SVM_Exit_INVLPG        0x079u
#define seL4_SVM_Exit_IOIO          0x07bu
#define seL4_SVM_Exit_MSR           0x07cu
#define seL4_SVM_Exit_Shutdown      0x07fu
#define seL4_SVM_Exit_VMRUN         0x080u
#define seL4_SVM_Exit_VMMCALL       0x081u
#define seL4_SVM_Exit_VMLOAD        0x082u
#define seL4_SVM_Exit_VMSAVE        0x083u
#define seL4_SVM_Exit_STGI          0x084u
#define seL4_SVM_Exit_CLGI          0x085u
#define seL4_SVM_Exit_RDTSCP        0x087u
#define seL4_SVM_Exit_WBINVD        0x089u
#define seL4_SVM_Exit_XSETBV        0x08du
#define seL4_SVM_Exit_NPF           0x400u
#define seL4_SVM_Exit_Invalid       0xffffffffffffffffull /* VMRUN refused the guest state */

/* InterceptMisc1 (offset 0x00c). */
#define seL4_SVM_Intercept_INTR     (1u << 0)
#define seL4_SVM_Intercept_NMI      (1u << 1)
#define seL4_SVM_Intercept_INIT     (1u << 3)
#define seL4_SVM_Intercept_VINTR    (1u << 4)
#define seL4_SVM_Intercept_RDTSC    (1u << 14)
#define seL4_SVM_Intercept_RDPMC    (1u << 15)
#define seL4_SVM_Intercept_CPUID    (1u << 18)
#define seL4_SVM_Intercept_INVD     (1u << 22)
#define seL4_SVM_Intercept_PAUSE    (1u << 23)
#define seL4_SVM_Intercept_HLT      (1u << 24)
#define seL4_SVM_Intercept_INVLPG   (1u << 25)
#define seL4_SVM_Intercept_INVLPGA  (1u << 26)
#define seL4_SVM_Intercept_IOIO     (1u << 27)
#define seL4_SVM_Intercept_MSR      (1u << 28)
#define seL4_SVM_Intercept_Shutdown (1u << 31)

/* InterceptMisc2 (offset 0x010). */
#define seL4_SVM_Intercept2_VMRUN      (1u << 0)
#define seL4_SVM_Intercept2_VMMCALL    (1u << 1)
#define seL4_SVM_Intercept2_VMLOAD     (1u << 2)
#define seL4_SVM_Intercept2_VMSAVE     (1u << 3)
#define seL4_SVM_Intercept2_STGI       (1u << 4)
#define seL4_SVM_Intercept2_CLGI       (1u << 5)
#define seL4_SVM_Intercept2_SKINIT     (1u << 6)
#define seL4_SVM_Intercept2_RDTSCP     (1u << 7)
#define seL4_SVM_Intercept2_ICEBP      (1u << 8)
#define seL4_SVM_Intercept2_WBINVD     (1u << 9)
#define seL4_SVM_Intercept2_MONITOR    (1u << 10)
#define seL4_SVM_Intercept2_MWAIT      (1u << 11)
#define seL4_SVM_Intercept2_MWAITArmed (1u << 12)
#define seL4_SVM_Intercept2_XSETBV     (1u << 13)
#define seL4_SVM_Intercept2_RDPRU      (1u << 14)

/* EVENTINJ (offset 0x0a8, APM 15.20) and EXITINTINFO: the same layout. */
#define seL4_SVM_Event_Valid         (1ull << 31)
#define seL4_SVM_Event_ErrorValid    (1ull << 11)
#define seL4_SVM_Event_TypeInterrupt (0ull << 8)
#define seL4_SVM_Event_TypeNMI       (2ull << 8)
#define seL4_SVM_Event_TypeException (3ull << 8)
#define seL4_SVM_Event_TypeSoftware  (4ull << 8)

/* IntControl (offset 0x060). */
#define seL4_SVM_Int_VIRQ         (1u << 8)
#define seL4_SVM_Int_VIntrMasking (1u << 24)

#endif
