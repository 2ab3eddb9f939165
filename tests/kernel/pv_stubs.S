/*
 * Thread bodies for the PV group (test_pv.c): a guest kernel's interrupt-flag instructions, with
 * PUSHF and POPF already patched as a VMM patches them (0x06 and 0x07). Each site has a label
 * for the PV page's table; the body ends with a UD2 at pv_stub_end.
 */
    .text
    .code64

    .global pv_stub, pv_site_cli, pv_site_pushf_off, pv_site_sti, pv_site_pushf_on
    .global pv_site_popf, pv_stub_end
pv_stub:
pv_site_cli:
    cli
pv_site_pushf_off:
    .byte 0x06                      /* pushfq: the flags with the virtual IF clear */
    popq %rax
pv_site_sti:
    sti
pv_site_pushf_on:
    .byte 0x06                      /* pushfq: the virtual IF set */
    popq %rbx
    pushq %rcx                      /* flags for the POPF: the test puts them in RCX */
pv_site_popf:
    .byte 0x07                      /* popfq */
pv_stub_end:
    ud2

/* A patch byte where the table lists no site: the guest's own #UD, never an emulation. */
    .global pv_stray
pv_stray:
    .byte 0x06
    ud2
