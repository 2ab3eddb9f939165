/*
 * Guest TLB tags: VPIDs (VMX) or ASIDs (SVM), so that guest translations survive VM exits
 * without ever being used by another VCPU. Tags are handed out in generations: a VCPU keeps its
 * tag while the generation lasts; when the tags run out, the whole guest TLB is flushed and a
 * new generation starts, so a tag is reused only after a flush (a deleted VCPU's tag too).
 */
#ifndef ARCH_VIRT_GUEST_TAG_H
#define ARCH_VIRT_GUEST_TAG_H

#include <arch/object/vcpu.h>

/* Make sure the VCPU holds a tag of the current generation; true when it got a new one (the
 * VMCS or VMCB field needs writing). Never true where the CPU has no tags (VMX without VPID). */
bool guest_tag_refresh(vcpu_t *vcpu);

/* Drop every guest translation of every tag: VMX INVVPID (all contexts) now, SVM before the next
 * VMRUN (guest_tags_take_flush). */
void guest_tags_flush_all(void);

/* SVM: whether the next VMRUN must flush the whole TLB (and the request is consumed). */
bool guest_tags_take_flush(void);

/* Drop the guest translations of one VCPU's tag (its guest's page tables changed under it):
 * VMX INVVPID single-context now; SVM asks the VMRUN to flush that ASID (vcpu->flush_tag). */
void guest_tag_flush(vcpu_t *vcpu);

#endif
