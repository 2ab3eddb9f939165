/*
 * What the kernel hands the root task: its initial capabilities (fixed slots of its root CNode)
 * and the boot info page, whose address arrives in RDI at the root task's entry point (RSP is
 * undefined there: the root task sets up its own stack).
 *
 * The root task's address space holds its ELF segments, then (page aligned, right after the
 * highest segment) its IPC buffer page, then the boot info page, then the extra boot info pages.
 */
#ifndef SEL4_BOOTINFO_H
#define SEL4_BOOTINFO_H

#include <sel4/types.h>

enum seL4_RootCNodeCapSlots {
    seL4_CapNull = 0,
    seL4_CapInitThreadTCB = 1,
    seL4_CapInitThreadCNode = 2,
    seL4_CapInitThreadVSpace = 3,
    seL4_CapIRQControl = 4,
    seL4_CapASIDControl = 5,
    seL4_CapInitThreadASIDPool = 6,
    seL4_CapIOPortControl = 7,
    seL4_CapIOSpace = 8, /* empty: no IOMMU support */
    seL4_CapBootInfoFrame = 9,
    seL4_CapInitThreadIPCBuffer = 10,
    seL4_CapDomain = 11,
    seL4_NumInitialCaps = 12
};

/* The root CNode has 2^13 slots (init holds every VMM's pages: about 150 a VM) and a guard that
 * makes depth 64 resolve single-level. */
#define seL4_RootCNodeSizeBits 13

#define seL4_MaxBootInfoUntypedCaps 230

typedef struct seL4_SlotRegion {
    seL4_Word start; /* first slot */
    seL4_Word end;   /* first slot after the region */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen; /* bytes of extra boot info after this page */
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    struct seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty; /* free slots of the root CNode */
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;
    seL4_SlotRegion untyped; /* untypedList[i] describes slot untyped.start + i */
    seL4_UntypedDesc untypedList[seL4_MaxBootInfoUntypedCaps];
} seL4_BootInfo;

/*
 * Extra boot info: a sequence of chunks, each a header followed by its payload, filling
 * extraLen bytes from the page after the boot info page.
 */
typedef enum {
    seL4_BootInfo_Padding = 0,
    seL4_BootInfo_X86_VBE = 1,
    seL4_BootInfo_X86_MemoryMap = 2,          /* payload: seL4_X86_MemoryRegion[] */
    seL4_BootInfo_X86_ACPI_RSDP = 3,          /* payload: seL4_X86_ACPI_RSDP */
    seL4_BootInfo_X86_Framebuffer = 4,        /* payload: seL4_X86_Framebuffer */
    seL4_BootInfo_X86_TSC_Freq = 5,           /* payload: seL4_X86_TSC_Freq */
    seL4_BootInfo_BootTimes = 0x100,          /* beaml4: payload seL4_BootTimes */
    seL4_BootInfo_CommandLine = 0x101,        /* beaml4: the kernel command line, NUL-terminated */
    seL4_BootInfo_KernelLog = 0x102,          /* beaml4: payload seL4_KernelLog */
    seL4_BootInfo_Modules = 0x103,            /* beaml4: payload seL4_BootModules */
    seL4_BootInfo_X86_ACPITables = 0x104,     /* beaml4: payload seL4_X86_ACPITables */
    seL4_BootInfo_X86_Virtualization = 0x105, /* beaml4: payload seL4_X86_VirtFeatures */
} seL4_BootInfoID;

typedef struct seL4_BootInfoHeader {
    seL4_Word id;  /* seL4_BootInfoID */
    seL4_Word len; /* bytes, including this header */
} seL4_BootInfoHeader;

typedef struct seL4_X86_MemoryRegion {
    seL4_Uint64 paddr;
    seL4_Uint64 length;
    seL4_Uint32 type; /* 1 RAM, 2 reserved, 3 ACPI reclaimable, 4 ACPI NVS, 5 bad */
    seL4_Uint32 padding;
} seL4_X86_MemoryRegion;

typedef struct seL4_X86_ACPI_RSDP {
    seL4_Uint64 paddr;    /* where the RSDP is */
    seL4_Uint8 table[36]; /* its bytes (ACPI 2.0 size; a 1.0 RSDP uses the first 20) */
    seL4_Uint8 padding[4];
} seL4_X86_ACPI_RSDP;

typedef struct seL4_X86_Framebuffer {
    seL4_Uint64 addr;
    seL4_Uint32 pitch, width, height;
    seL4_Uint8 bpp, type;
    seL4_Uint8 padding[2];
} seL4_X86_Framebuffer;

/*
 * beaml4: the kernel log. Everything the kernel writes to its console (its own messages and
 * DebugPutChar) is also appended to one page, which the root task gets a read-only frame
 * capability to. While user space holds the console UART's I/O ports (the whole of 0x3f8-0x3ff,
 * issued by IOPortControl), the page is the only place those messages go; docs/kernel.md.
 */
typedef struct seL4_KernelLog {
    seL4_Word frame; /* slot of the read-only frame capability to the log page */
} seL4_KernelLog;

#define seL4_KernelLogTextBytes 4032

/*
 * The log page. Byte n of the kernel's output (counting from boot) is text[n % sizeof(text)];
 * `written` counts the bytes so far and is updated after the bytes it covers. A reader that has
 * read up to byte r reads `written`, copies bytes max(r, written - sizeof(text)) .. written - 1,
 * then reads `written` again: bytes before the new value minus sizeof(text) may have been
 * overwritten meanwhile and are lost (and so are any it never got to: the page is a ring).
 */
typedef struct seL4_KernelLogPage {
    volatile seL4_Uint64 written;
    seL4_Uint64 reserved[7];
    volatile char text[seL4_KernelLogTextBytes];
} seL4_KernelLogPage;

/*
 * beaml4: the boot modules after the first (the first is the root task's image), in the loader's
 * order. A module's pages are handed over as they are, as device untypeds: frames retyped from
 * them keep the module's bytes (device memory is never zeroed), and the kernel never puts its own
 * objects there. Each module has its own slot region of such untypeds, in address order, covering
 * [paddr, paddr + size) rounded up to whole pages; they appear nowhere else in the boot info. A
 * module the loader did not place at a page boundary is not handed over (its untypeds region is
 * empty) and the kernel says so at boot.
 */
#define seL4_BootModuleCmdlineBytes 256
#define seL4_MaxBootModules         31 /* the kernel's 32 less the root task's */

typedef struct seL4_BootModule {
    seL4_Word paddr;                           /* its first byte */
    seL4_Word size;                            /* bytes */
    seL4_SlotRegion untypeds;                  /* its device untypeds */
    char cmdline[seL4_BootModuleCmdlineBytes]; /* the loader's string for it, NUL-terminated */
} seL4_BootModule;

typedef struct seL4_BootModules {
    seL4_Word count;
    seL4_BootModule modules[]; /* count entries */
} seL4_BootModules;

/*
 * beaml4: copies of the ACPI tables the kernel found (the RSDT or XSDT, every table it lists whose
 * checksum holds, and the DSDT the FADT points at), so that the root task can read them without
 * mapping firmware memory: each with the physical address it was copied from. Up to
 * seL4_X86_ACPICopyMax bytes; a table that does not fit is left out and `truncated` says so.
 * The bytes are the firmware's: a reader checks them as it would the originals.
 */
#define seL4_X86_ACPICopyMax   (128u << 10)
#define seL4_X86_ACPITablesMax 49

typedef struct seL4_X86_ACPITable {
    seL4_Uint64 paddr;  /* where the firmware has it */
    seL4_Uint32 length; /* bytes */
    seL4_Uint32 offset; /* of its copy, from the start of the chunk's payload */
} seL4_X86_ACPITable;

typedef struct seL4_X86_ACPITables {
    seL4_Word count;
    seL4_Word truncated; /* tables left out for want of room */
    seL4_X86_ACPITable tables[seL4_X86_ACPITablesMax];
    /* then the bytes */
} seL4_X86_ACPITables;

/*
 * beaml4: hardware virtualization on this machine, as the kernel found it at boot (and printed it
 * on the console). `kind` says what VCPU objects are here (sel4/vcpu.h); with seL4_X86_Virt_None,
 * VCPU and EPT object types are refused and `absent` says why. The controls give the rules the
 * kernel applies to the VMM's control words: a VMM may set the `settable` bits, the `forced` ones
 * are always set (added by the kernel), every other bit is refused. For VMX the five words are
 * the pin-based, primary and secondary processor-based, VM-exit and VM-entry controls; for SVM
 * the intercept words at VMCB offsets 0x00c, 0x010 and 0x014, the DR intercepts (0x004) and the
 * exception intercepts (0x008). `cr_fixed` (VMX) are IA32_VMX_CR0_FIXED0/1 and CR4_FIXED0/1.
 */
typedef enum {
    seL4_X86_Virt_None = 0,
    seL4_X86_Virt_VMX = 1,
    seL4_X86_Virt_SVM = 2,
} seL4_X86_VirtKind;

typedef enum {
    seL4_X86_VirtAbsent_No = 0,                 /* present: kind is VMX or SVM */
    seL4_X86_VirtAbsent_NotInCPU = 1,           /* CPUID reports neither VMX nor SVM */
    seL4_X86_VirtAbsent_DisabledByFirmware = 2, /* IA32_FEATURE_CONTROL locked without VMX, or
                                                   VM_CR.SVMDIS set */
    seL4_X86_VirtAbsent_MissingFeature = 3,     /* `missing` says what the kernel needs */
} seL4_X86_VirtAbsent;

/* flags */
#define seL4_X86_Virt_EPT               (1ull << 0)
#define seL4_X86_Virt_VPID              (1ull << 1)
#define seL4_X86_Virt_UnrestrictedGuest (1ull << 2)
#define seL4_X86_Virt_PreemptionTimer   (1ull << 3) /* the kernel's: it bounds every guest run */
#define seL4_X86_Virt_EPTLargePages     (1ull << 4) /* 2 MiB EPT pages */
#define seL4_X86_Virt_NPT               (1ull << 8)
#define seL4_X86_Virt_NRIPSave          (1ull << 9)
#define seL4_X86_Virt_FlushByASID       (1ull << 10)
#define seL4_X86_Virt_DecodeAssists     (1ull << 11)

/* missing */
#define seL4_X86_VirtNeed_EPT      (1ull << 0) /* EPT with 4-level walks, write-back tables, INVEPT */
#define seL4_X86_VirtNeed_Controls (1ull << 1) /* a VMX control the kernel forces is not allowed */
#define seL4_X86_VirtNeed_NPT      (1ull << 8)

#define seL4_X86_VirtControlWords 5

typedef struct seL4_X86_VirtFeatures {
    seL4_Uint32 kind;   /* seL4_X86_VirtKind */
    seL4_Uint32 absent; /* seL4_X86_VirtAbsent */
    seL4_Uint64 flags;
    seL4_Uint64 missing;
    seL4_Uint32 revision;   /* VMCS revision identifier, or the SVM revision (CPUID 0x8000000a) */
    seL4_Uint32 guest_tags; /* VPIDs or ASIDs the kernel tags guest TLB entries with; 0: none */
    seL4_Uint32 settable[seL4_X86_VirtControlWords];
    seL4_Uint32 forced[seL4_X86_VirtControlWords];
    seL4_Uint64 cr_fixed[4];
} seL4_X86_VirtFeatures;

typedef struct seL4_X86_TSC_Freq {
    seL4_Uint64 hz;  /* TSC ticks per second */
    seL4_Uint32 mhz; /* the same, in MHz, as seL4 reports it */
    seL4_Uint32 padding;
} seL4_X86_TSC_Freq;

/*
 * Boot times. The time from power-on to the root task is
 *   kernelEntryNs + (rootTaskTSC - kernelEntryTSC) / TSC frequency.
 * kernelEntryNs comes from the ACPI PM timer, which starts at power-on, when the machine has one,
 * else from the TSC alone (which does not start at power-on under every hypervisor).
 */
typedef struct seL4_BootTimes {
    seL4_Uint64 kernelEntryTSC; /* first C code of the kernel */
    seL4_Uint64 rootTaskTSC;    /* just before the root task's first instruction */
    seL4_Uint64 kernelEntryNs;  /* nanoseconds from power-on to kernelEntryTSC */
} seL4_BootTimes;

#endif
