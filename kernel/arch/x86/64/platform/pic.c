/*
 * Remaps and masks the two 8259s. After this they can only ever raise their spurious vectors;
 * the kernel takes device interrupts through the IOAPICs.
 */
#include <arch/io.h>
#include <arch/pic.h>
#include <arch/vectors.h>

#define ICW1_INIT_ICW4    0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW3_MASTER_SLAVE 0x04 /* slave on IRQ 2 */
#define ICW3_SLAVE_ID     0x02
#define ICW4_8086         0x01

/* A write to an unused port gives the old 8259s time between initialisation words. */
static void pic_pause(void)
{
    io_out8(0x80, 0);
}

void pic_remap_and_mask(void)
{
    io_out8(PIC1_DATA, 0xff);
    io_out8(PIC2_DATA, 0xff);
    io_out8(PIC1_COMMAND, ICW1_INIT_ICW4);
    pic_pause();
    io_out8(PIC2_COMMAND, ICW1_INIT_ICW4);
    pic_pause();
    io_out8(PIC1_DATA, VECTOR_PIC_BASE);
    pic_pause();
    io_out8(PIC2_DATA, VECTOR_PIC_BASE + 8);
    pic_pause();
    io_out8(PIC1_DATA, ICW3_MASTER_SLAVE);
    pic_pause();
    io_out8(PIC2_DATA, ICW3_SLAVE_ID);
    pic_pause();
    io_out8(PIC1_DATA, ICW4_8086);
    pic_pause();
    io_out8(PIC2_DATA, ICW4_8086);
    pic_pause();
    io_out8(PIC1_DATA, 0xff);
    io_out8(PIC2_DATA, 0xff);
}

bool pic_all_masked(void)
{
    return io_in8(PIC1_DATA) == 0xff && io_in8(PIC2_DATA) == 0xff;
}
