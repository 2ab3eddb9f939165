/*
 * VPID/ASID generations (arch/virt/guest_tag.h). One CPU: the generation and the next free tag
 * are plain globals; with SMP they become per-CPU, and so does the pending SVM flush.
 */
#include <arch/virt/guest_tag.h>
#include <arch/virt/virt.h>
#include <arch/virt/vmx_insn.h>

static uint64_t tag_generation = 1; /* a new VCPU's record is zeroed: generation 0, no tag */
static uint32_t next_tag = 1;       /* 0 is the host's on both kinds */
static bool svm_flush_pending;

void guest_tags_flush_all(void)
{
    if (virt_is_vmx()) {
        if (virt()->api.flags & seL4_X86_Virt_VPID) {
            vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
        }
    } else {
        svm_flush_pending = true;
    }
}

bool guest_tags_take_flush(void)
{
    bool pending = svm_flush_pending;

    svm_flush_pending = false;
    return pending;
}

bool guest_tag_refresh(vcpu_t *vcpu)
{
    uint32_t count = virt()->api.guest_tags;

    if (count == 0 || vcpu->tag_generation == tag_generation) {
        return false;
    }
    if (next_tag > count) {
        tag_generation++;
        next_tag = 1;
        guest_tags_flush_all();
    }
    vcpu->tag = next_tag++;
    vcpu->tag_generation = tag_generation;
    return true;
}

void guest_tag_flush(vcpu_t *vcpu)
{
    if (virt_is_vmx()) {
        if (vcpu->tag_generation != tag_generation) {
            return; /* it gets a fresh tag at its next entry */
        }
        if (virt()->invvpid_single) {
            vmx_invvpid(INVVPID_SINGLE_CONTEXT, (uint16_t)vcpu->tag);
        } else {
            vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
        }
    } else {
        vcpu->flush_tag = true;
    }
}
