#!/usr/bin/env python3
"""Root-task images for tests/system/boot/bad-root-task.sh, each made from a valid one (init) by
changing one thing: malformed images the kernel must refuse at boot, and unusual but valid ones
(overlapping segments, shared pages, unaligned file offsets, page 0, the segment and CNode
limits exactly) that it must load correctly.

usage: tests/system/boot/make-bad-root-tasks.py INIT_ELF OUTDIR IMAGE_PAGES_MAX

writes OUTDIR/<case>.elf for every case below. IMAGE_PAGES_MAX is the most image pages the root
CNode takes (the kernel's bound; bad-root-task.sh reads it from the kernel's headers).
example: tests/system/boot/make-bad-root-tasks.py build/services/init/init.elf /tmp/cases 4000"""
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_NULL, PT_LOAD = 0, 1
PF_X, PF_W, PF_R = 1, 2, 4
PAGE = 0x1000
SEGMENTS_MAX = 16
# Program header fields, in the order of PHDR.
TYPE, FLAGS, OFFSET, VADDR, PADDR, FILESZ, MEMSZ, ALIGN = range(8)


class Image:
    """An ELF64 file whose entry and program headers can be edited and written back."""

    def __init__(self, data):
        self.data = bytearray(data)
        fields = EHDR.unpack_from(self.data, 0)
        self.entry, self.phoff, phnum = fields[4], fields[5], fields[10]
        self.phdrs = [list(PHDR.unpack_from(self.data, self.phoff + i * PHDR.size))
                      for i in range(phnum)]
        self.original_phnum = phnum

    def load(self, flags):
        """The first PT_LOAD whose flags include `flags`."""
        return next(p for p in self.phdrs if p[TYPE] == PT_LOAD and p[FLAGS] & flags == flags)

    def add(self, flags, vaddr, memsz, offset=0, filesz=0):
        self.phdrs.append([PT_LOAD, flags, offset, vaddr, vaddr, filesz, memsz, PAGE])

    def append(self, data, alignment):
        """Put data at the end of the file at an offset that is `alignment` mod 4096."""
        while len(self.data) % PAGE != alignment:
            self.data.append(0)
        offset = len(self.data)
        self.data += data
        return offset

    def build(self):
        if len(self.phdrs) > self.original_phnum:
            # The table no longer fits where it was: a new one at the end of the file.
            self.phoff = self.append(b"", (len(self.data) + 7) // 8 * 8 % PAGE)
            self.data += bytes(len(self.phdrs) * PHDR.size)
        fields = list(EHDR.unpack_from(self.data, 0))
        fields[4], fields[5], fields[10] = self.entry, self.phoff, len(self.phdrs)
        EHDR.pack_into(self.data, 0, *fields)
        for i, phdr in enumerate(self.phdrs):
            PHDR.pack_into(self.data, self.phoff + i * PHDR.size, *phdr)
        return bytes(self.data)


def image_pages(image):
    """Pages the loader maps for the image's segments (overlapping page ranges merged)."""
    ranges = sorted((p[VADDR] // PAGE, (p[VADDR] + p[MEMSZ] + PAGE - 1) // PAGE)
                    for p in image.phdrs if p[TYPE] == PT_LOAD and p[MEMSZ] > 0)
    pages, end = 0, 0
    for start, stop in ranges:
        start = max(start, end)
        if stop > start:
            pages += stop - start
            end = stop
    return pages


def with_bss_pages(image, pages_max, extra):
    """Grow the writable segment so that the image takes pages_max + extra pages."""
    data = image.load(PF_W)
    data[MEMSZ] += (pages_max + extra - image_pages(image)) * PAGE
    assert image_pages(image) == pages_max + extra
    return image.build()


def make_cases(init, pages_max):
    """name -> image bytes."""
    raw = Image(init)
    text = raw.load(PF_X)
    cases = {}

    def edit(name, change):
        image = Image(init)
        change(image)
        cases[name] = image.build()

    # Refused: truncated at three depths, header fields, segments, entry point, limits.
    cases["truncated-header"] = init[:40]
    cases["truncated-phdrs"] = init[:raw.phoff + PHDR.size]
    cases["truncated-text"] = init[:text[OFFSET] + text[FILESZ] // 2]
    cases["bad-magic"] = init[:1] + b"e" + init[2:]
    cases["elf32"] = init[:4] + b"\x01" + init[5:]

    def into_kernel_slot(image):
        code = image.load(PF_X)
        image.entry += 0xffff800000000000 - code[VADDR]
        code[VADDR] = 0xffff800000000000
    edit("kernel-slot", into_kernel_slot)

    def non_canonical(image):
        image.load(PF_W)[VADDR] = 0x0000800000000000
    edit("non-canonical", non_canonical)

    def file_beyond_memory(image):
        code = image.load(PF_X)
        code[MEMSZ] = code[FILESZ] - 1
    edit("filesz-over-memsz", file_beyond_memory)

    def entry_in_data(image):
        image.entry = image.load(PF_W)[VADDR]
    edit("entry-in-data", entry_in_data)

    def entry_past_text(image):
        code = image.load(PF_X)
        image.entry = code[VADDR] + code[MEMSZ]
    edit("entry-past-text", entry_past_text)

    def last_page(image):
        # Page 0 too: the IPC buffer and boot info would wrap onto it without the check.
        image.add(PF_R, 0, 2 * PAGE)
        image.add(PF_R, 0xfffffffffffff000, PAGE)
    edit("last-page", last_page)

    def too_many(image):
        loads = sum(p[TYPE] == PT_LOAD and p[MEMSZ] > 0 for p in image.phdrs)
        for i in range(SEGMENTS_MAX + 1 - loads):
            image.add(PF_R, 0x10000000 + 2 * i * PAGE, PAGE)
    edit("too-many-segments", too_many)

    def no_load(image):
        for phdr in image.phdrs:
            if phdr[TYPE] == PT_LOAD:
                phdr[TYPE] = PT_NULL
    edit("no-load", no_load)

    def huge_bss(image):
        image.load(PF_W)[MEMSZ] = 1 << 30
    edit("huge-bss", huge_bss)
    cases["cnode-limit-plus-one"] = with_bss_pages(Image(init), pages_max, 1)

    # Loaded and run: each of these must boot init normally.
    def overlap_writable_text(image):
        code = image.load(PF_X)
        image.add(PF_R | PF_W, code[VADDR], PAGE, code[OFFSET], PAGE)
    edit("overlap-writable-text", overlap_writable_text)

    def split_text(image):
        # The text in two segments that share the page at vaddr + 0x1800, the second also
        # writable. Both halves hold code init's boot runs (the entry at the start; in init as
        # built today, the formatter behind every line it prints straddles the cut).
        code = image.load(PF_X)
        half = 0x1800
        assert code[FILESZ] > half
        image.add(PF_R | PF_X | PF_W, code[VADDR] + half, code[MEMSZ] - half,
                  code[OFFSET] + half, code[FILESZ] - half)
        code[FILESZ] = code[MEMSZ] = half
    edit("split-shared-page", split_text)

    def unaligned_offset(image):
        # The read-only data moved in the file to an offset 0x123 past a page boundary.
        rodata = next(p for p in image.phdrs if p[TYPE] == PT_LOAD and p[FLAGS] == PF_R)
        data = bytes(image.data[rodata[OFFSET]:rodata[OFFSET] + rodata[FILESZ]])
        rodata[OFFSET] = image.append(data, (rodata[VADDR] + 0x123) % PAGE)
        assert rodata[OFFSET] % PAGE != rodata[VADDR] % PAGE
    edit("unaligned-offset", unaligned_offset)

    def page_zero(image):
        image.add(PF_R, 0, PAGE)
    edit("page-zero", page_zero)

    def sixteen(image):
        loads = sum(p[TYPE] == PT_LOAD and p[MEMSZ] > 0 for p in image.phdrs)
        for i in range(SEGMENTS_MAX - loads):
            image.add(PF_R, 0x10000000 + 2 * i * PAGE, PAGE)
    edit("sixteen-segments", sixteen)
    cases["cnode-limit"] = with_bss_pages(Image(init), pages_max, 0)
    return cases


def refuse(problem):
    """One line on stderr and exit status 2, as the shell scripts do."""
    print(f"{os.path.basename(sys.argv[0])}: {problem} (see {sys.argv[0]} --help)", file=sys.stderr)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    if "--help" in args or "-h" in args:
        print(__doc__)
        return
    for arg in args:
        if arg.startswith("-"):
            refuse(f"unknown option '{arg}'")
    if len(args) != 3:
        refuse(f"takes 3 arguments, got {len(args)}")
    with open(sys.argv[1], "rb") as file:
        init = file.read()
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, data in make_cases(init, int(sys.argv[3])).items():
        with open(os.path.join(sys.argv[2], name + ".elf"), "wb") as file:
            file.write(data)


if __name__ == "__main__":
    main()
