/*
 * Instructions the VMM patches, with the bytes of other instructions inside them, for jumps into
 * their middle (mid_patched.c): LAR EAX, [RIP + disp32] is a sensitive instruction (a UD2 site
 * over its first two bytes); its displacement's bytes are INT3 then UD2, never patched.
 */
    .text
    .global probe_patched_split
    .type probe_patched_split, @function
probe_patched_split:
    .byte 0x0f, 0x02, 0x05, 0xcc, 0x0f, 0x0b, 0x90   /* lar 0x900b0fcc(%rip), %eax */
    ret

/* The same in ring-3 code: a function symbol, so that the load-time scan patches it too. */
    .section .user.text, "ax"
    .global user_patched_split
    .type user_patched_split, @function
user_patched_split:
    .byte 0x0f, 0x02, 0x05, 0xcc, 0x0f, 0x0b, 0x90   /* lar 0x900b0fcc(%rip), %eax */
    ret
