package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
)

// Multiboot Specification version 0.6.96, §3.1 "OS image format".
const (
	mbMagic      = 0x1BADB002 // §3.1.2 magic
	mbSearchSize = 8192       // §3.1: the header lies within the first 8192 bytes, 32-bit aligned
	// QEMU (hw/i386/multiboot.c, load_multiboot) only looks at offsets
	// below 8192-48, the size of the longest header: a header found later
	// would be invisible to it.
	qemuSearchEnd = mbSearchSize - 48

	mbFlagPageAlign  = 1 << 0  // §3.1.2: align modules on 4 KiB
	mbFlagMemoryInfo = 1 << 1  // §3.1.2: provide mem_* and mmap_*
	mbFlagVideoMode  = 1 << 2  // §3.1.2: video mode table (QEMU: "multiboot knows VBE. we don't")
	mbFlagAoutKludge = 1 << 16 // §3.1.2: the address fields of §3.1.3 are valid
	mbRequiredMask   = 0xFFFF  // §3.1.2: bits 0-15 a loader must understand or refuse

	// Byte offsets of the §3.1.1 header fields.
	offMagic       = 0
	offFlags       = 4
	offChecksum    = 8
	offHeaderAddr  = 12
	offLoadAddr    = 16
	offLoadEndAddr = 20
	offBssEndAddr  = 24
	offEntryAddr   = 28
	kludgeHdrSize  = 32 // magic .. entry_addr
)

// The amd64 image (boot/trampoline/multiboot64.S, linked with
// -ldflags '-T 0x101000'): the trampoline's .text comes first in the Go
// linker's .text, which starts on the page after the ELF headers.
const (
	amd64HeaderOffset = 0x1000
	amd64Flags        = mbFlagPageAlign | mbFlagMemoryInfo | mbFlagAoutKludge
	fourGiB           = 1 << 32 // the trampoline identity-maps [0, 4 GiB); §3.1.3 fields are 32-bit
)

// Header is a Multiboot header as found in a file.
type Header struct {
	Offset      int // file offset of the magic
	Flags       uint32
	Checksum    uint32
	HeaderAddr  uint32 // §3.1.3 fields: valid with the a.out kludge (flag bit 16)
	LoadAddr    uint32
	LoadEndAddr uint32
	BssEndAddr  uint32
	EntryAddr   uint32
}

// Result says what Process found and did.
type Result struct {
	Arch    string // "amd64" or "386"
	Header  Header // as found, before patching
	Patched bool   // amd64: load_end_addr/bss_end_addr were changed in data
	// amd64: the values now in the header.
	LoadEndAddr, BssEndAddr uint32
}

// Process checks the Multiboot header of the kernel ELF image in data.
//
// For an ELF64 x86-64 image (the amd64 kernel) the header must be the
// trampoline's, at file offset 0x1000, with the a.out kludge; Process
// fills in load_end_addr (end of the last PT_LOAD's file data, so the
// DWARF after it is not loaded) and bss_end_addr (highest PT_LOAD end in
// memory; QEMU zeroes from load_end_addr up to it) in data, in place. It
// also checks that the image can be loaded the way QEMU loads it: as one
// flat copy of the file from offset 0 at load_addr.
//
// For an ELF32 i386 image it only validates the header (QEMU loads such a
// kernel from its program headers) and leaves data unchanged.
//
// Errors describe what is wrong in one line, without the file name.
func Process(data []byte) (Result, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return Result{}, fmt.Errorf("not an ELF file: %v", err)
	}
	switch {
	case f.Class == elf.ELFCLASS64 && f.Machine == elf.EM_X86_64:
		return processAmd64(f, data)
	case f.Class == elf.ELFCLASS32 && f.Machine == elf.EM_386:
		return process386(f, data)
	default:
		return Result{}, fmt.Errorf("unsupported ELF %v %v: want ELFCLASS64 EM_X86_64 (amd64 kernel) or ELFCLASS32 EM_386 (386 kernel)", f.Class, f.Machine)
	}
}

// findHeader finds the Multiboot header the way QEMU does: the first
// 4-byte aligned offset below qemuSearchEnd holding the magic with a
// valid checksum. Failing that, it explains what is there instead.
func findHeader(data []byte) (Header, error) {
	end := min(len(data), mbSearchSize)
	for i := 0; i < qemuSearchEnd && i+12 <= end; i += 4 {
		if le32(data, i) != mbMagic {
			continue
		}
		if le32(data, i)+le32(data, i+4)+le32(data, i+8) == 0 {
			return readHeader(data, i), nil
		}
	}
	// Explain the failure: a magic with a bad checksum, at an unaligned
	// offset, or too late in the file.
	magic := binary.LittleEndian.AppendUint32(nil, mbMagic)
	for i := 0; i+12 <= end; i++ {
		if !bytes.Equal(data[i:i+4], magic) {
			continue
		}
		switch {
		case i%4 != 0:
			return Header{}, fmt.Errorf("Multiboot magic 0x1BADB002 at file offset %#x is not 4-byte aligned (Multiboot 0.6.96 §3.1)", i)
		case i >= qemuSearchEnd:
			return Header{}, fmt.Errorf("Multiboot header at file offset %#x is too late: QEMU only searches offsets below %#x", i, qemuSearchEnd)
		default:
			flags, sum := le32(data, i+4), le32(data, i+8)
			return Header{}, fmt.Errorf("Multiboot header at file offset %#x has checksum 0x%08x, want 0x%08x for flags 0x%08x", i, sum, -(uint32(mbMagic) + flags), flags)
		}
	}
	return Header{}, fmt.Errorf("no Multiboot header (magic 0x1BADB002) in the first %d bytes", mbSearchSize)
}

func readHeader(data []byte, off int) Header {
	h := Header{Offset: off, Flags: le32(data, off+offFlags), Checksum: le32(data, off+offChecksum)}
	if off+kludgeHdrSize <= len(data) {
		h.HeaderAddr = le32(data, off+offHeaderAddr)
		h.LoadAddr = le32(data, off+offLoadAddr)
		h.LoadEndAddr = le32(data, off+offLoadEndAddr)
		h.BssEndAddr = le32(data, off+offBssEndAddr)
		h.EntryAddr = le32(data, off+offEntryAddr)
	}
	return h
}

func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

func process386(f *elf.File, data []byte) (Result, error) {
	if f.Type != elf.ET_EXEC {
		return Result{}, fmt.Errorf("ELF type is %v, want ET_EXEC (a linked kernel)", f.Type)
	}
	h, err := findHeader(data)
	if err != nil {
		return Result{}, err
	}
	r := Result{Arch: "386", Header: h}
	if unknown := h.Flags & mbRequiredMask &^ (mbFlagPageAlign | mbFlagMemoryInfo | mbFlagVideoMode); unknown != 0 {
		return r, fmt.Errorf("Multiboot header at file offset %#x sets required flag bits %#x that no loader knows (Multiboot 0.6.96 §3.1.2)", h.Offset, unknown)
	}
	if h.Flags&mbFlagVideoMode != 0 {
		return r, fmt.Errorf("Multiboot header at file offset %#x asks for a video mode (flag bit 2), which QEMU does not provide", h.Offset)
	}
	if h.Flags&mbFlagAoutKludge != 0 {
		return r, fmt.Errorf("Multiboot header at file offset %#x sets the a.out kludge (flag bit 16) in an ELF32 kernel: the 386 image is loaded from its program headers", h.Offset)
	}
	if len(loads(f)) == 0 {
		return r, fmt.Errorf("no PT_LOAD program headers")
	}
	return r, nil
}

func processAmd64(f *elf.File, data []byte) (Result, error) {
	if f.Type != elf.ET_EXEC {
		return Result{}, fmt.Errorf("ELF type is %v, want ET_EXEC (a linked kernel)", f.Type)
	}
	h, err := findHeader(data)
	if err != nil {
		return Result{}, fmt.Errorf("%v: the amd64 header comes from boot/trampoline_amd64.syso, which the Go linker drops unless rt0 refers to multiboot64_header", err)
	}
	r := Result{Arch: "amd64", Header: h}
	if h.Offset != amd64HeaderOffset {
		return r, fmt.Errorf("the first Multiboot header is at file offset %#x, want %#x: the trampoline must be first in .text (is boot/trampoline_amd64.syso referenced from rt0, and is -T 0x101000?)", h.Offset, amd64HeaderOffset)
	}
	if h.Offset+kludgeHdrSize > len(data) {
		return r, fmt.Errorf("file ends inside the Multiboot header at offset %#x", h.Offset)
	}
	if h.Flags != amd64Flags {
		return r, fmt.Errorf("Multiboot flags are 0x%08x, want 0x%08x (page-align, memory info, a.out kludge)", h.Flags, uint32(amd64Flags))
	}
	segs := loads(f)
	if len(segs) == 0 {
		return r, fmt.Errorf("no PT_LOAD program headers")
	}

	// header_addr is where the linker put file offset 0x1000.
	hdrSeg := segmentAtOffset(segs, uint64(h.Offset))
	if hdrSeg == nil {
		return r, fmt.Errorf("file offset %#x (the Multiboot header) is in no PT_LOAD segment", h.Offset)
	}
	if want := hdrSeg.Vaddr + uint64(h.Offset) - hdrSeg.Off; uint64(h.HeaderAddr) != want {
		return r, fmt.Errorf("header_addr is %#x but the linker put the header at %#x: link with -T %#x or change BASE in multiboot64.S", h.HeaderAddr, want, h.HeaderAddr)
	}
	// QEMU loads the file from offset header_offset-(header_addr-load_addr):
	// offset 0, the ELF header, must land at load_addr (the trampoline
	// reads e_entry there).
	if h.LoadAddr > h.HeaderAddr || h.HeaderAddr-h.LoadAddr != uint32(h.Offset) {
		return r, fmt.Errorf("load_addr is %#x, want header_addr-%#x = %#x so that file offset 0 is loaded at load_addr", h.LoadAddr, h.Offset, h.HeaderAddr-uint32(h.Offset))
	}

	// QEMU copies the file flat: file offset o lands at load_addr+o, and it
	// zeroes only from load_end_addr to bss_end_addr. So every segment's
	// file offset must be its address minus load_addr, segments must not
	// overlap, and only the last may have bss (memsz > filesz).
	for i, p := range segs {
		if p.Vaddr < uint64(h.LoadAddr) || p.Off != p.Vaddr-uint64(h.LoadAddr) {
			return r, fmt.Errorf("PT_LOAD at %#x has file offset %#x; a flat Multiboot load from %#x needs %#x", p.Vaddr, p.Off, h.LoadAddr, p.Vaddr-uint64(h.LoadAddr))
		}
		if p.Memsz < p.Filesz {
			return r, fmt.Errorf("PT_LOAD at %#x has memsz %#x < filesz %#x", p.Vaddr, p.Memsz, p.Filesz)
		}
		if p.Off+p.Filesz > uint64(len(data)) {
			return r, fmt.Errorf("PT_LOAD at %#x ends at file offset %#x, past the end of the file (%#x bytes)", p.Vaddr, p.Off+p.Filesz, len(data))
		}
		if p.Vaddr+p.Memsz > fourGiB {
			return r, fmt.Errorf("PT_LOAD at %#x ends at %#x, above 4 GiB (Multiboot addresses are 32-bit; the trampoline maps only [0, 4 GiB))", p.Vaddr, p.Vaddr+p.Memsz)
		}
		if i+1 < len(segs) {
			next := segs[i+1]
			if p.Vaddr+p.Memsz > next.Vaddr {
				return r, fmt.Errorf("PT_LOAD at %#x (memsz %#x) overlaps the PT_LOAD at %#x", p.Vaddr, p.Memsz, next.Vaddr)
			}
			if p.Memsz != p.Filesz {
				return r, fmt.Errorf("PT_LOAD at %#x has bss (memsz %#x > filesz %#x) but is not the last segment: QEMU would load file bytes there instead of zeroes", p.Vaddr, p.Memsz, p.Filesz)
			}
		}
	}

	// entry_addr is the trampoline's 32-bit entry, in the header's segment.
	if !contains(hdrSeg, uint64(h.EntryAddr)) || hdrSeg.Flags&elf.PF_X == 0 {
		return r, fmt.Errorf("entry_addr %#x is not in the executable PT_LOAD holding the header (%#x..%#x)", h.EntryAddr, hdrSeg.Vaddr, hdrSeg.Vaddr+hdrSeg.Filesz)
	}
	// e_entry (main.rt0) is where the trampoline jumps in 64-bit mode.
	if s := segmentAtAddr(segs, f.Entry); s == nil || s.Flags&elf.PF_X == 0 || f.Entry >= fourGiB {
		return r, fmt.Errorf("ELF entry point %#x is not in an executable PT_LOAD below 4 GiB", f.Entry)
	}
	if f.Entry == uint64(h.EntryAddr) {
		return r, fmt.Errorf("ELF entry point %#x is the trampoline's own 32-bit entry; link with -E main.rt0", f.Entry)
	}

	last := segs[len(segs)-1]
	loadEnd := last.Vaddr + last.Filesz
	var bssEnd uint64
	for _, p := range segs {
		bssEnd = max(bssEnd, p.Vaddr+p.Memsz)
	}
	r.LoadEndAddr, r.BssEndAddr = uint32(loadEnd), uint32(bssEnd)
	if h.LoadEndAddr != r.LoadEndAddr || h.BssEndAddr != r.BssEndAddr {
		binary.LittleEndian.PutUint32(data[h.Offset+offLoadEndAddr:], r.LoadEndAddr)
		binary.LittleEndian.PutUint32(data[h.Offset+offBssEndAddr:], r.BssEndAddr)
		r.Patched = true
	}
	return r, nil
}

// loads returns the PT_LOAD program headers with a non-zero size, by address.
func loads(f *elf.File) []*elf.Prog {
	var segs []*elf.Prog
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Memsz > 0 {
			segs = append(segs, p)
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].Vaddr < segs[j].Vaddr })
	return segs
}

func segmentAtOffset(segs []*elf.Prog, off uint64) *elf.Prog {
	for _, p := range segs {
		if off >= p.Off && off < p.Off+p.Filesz {
			return p
		}
	}
	return nil
}

func segmentAtAddr(segs []*elf.Prog, addr uint64) *elf.Prog {
	for _, p := range segs {
		if contains(p, addr) {
			return p
		}
	}
	return nil
}

// contains reports whether addr is in p's file-backed part.
func contains(p *elf.Prog, addr uint64) bool {
	return addr >= p.Vaddr && addr < p.Vaddr+p.Filesz
}
