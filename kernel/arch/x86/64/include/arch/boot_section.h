/*
 * Markers for code and data used only while the kernel boots. The linker script gathers them in
 * page-aligned ranges (__boot_text_start..__boot_text_end, __boot_data_start..__boot_data_end)
 * so that they can be discarded once the kernel runs; nothing marked here may be called or read
 * after boot.
 */
#ifndef ARCH_BOOT_SECTION_H
#define ARCH_BOOT_SECTION_H

#define BOOT_CODE __attribute__((section(".text.boot")))
#define BOOT_DATA __attribute__((section(".data.boot")))

#endif
