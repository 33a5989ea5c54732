// This file describes what can be wrong with an executable (Error) and
// turns it into the one-line message the kernel prints when it refuses one.
package elf

import "tlbrace/kernel/console"

// Problem says what was wrong with the image.
type Problem uint8

const (
	TooShort           Problem = iota + 1 // shorter than an ELF header
	BadMagic                              // does not start with "\x7fELF"
	WrongClass                            // ELFCLASS32 for amd64 or ELFCLASS64 for 386
	NotLittleEndian                       // EI_DATA is not ELFDATA2LSB
	BadVersion                            // EI_VERSION or e_version is not EV_CURRENT
	NotExecutable                         // e_type is not ET_EXEC
	WrongMachine                          // e_machine is not EM_386 / EM_X86_64
	BadEntrySize                          // e_phentsize or e_shentsize is wrong
	NoProgramHeaders                      // e_phnum is 0
	TableOutside                          // the program or section header table is cut off
	SectionOutside                        // a section's data is cut off
	DynamicallyLinked                     // a PT_INTERP or PT_DYNAMIC header
	TooManySegments                       // more than MaxSegments PT_LOAD headers
	FileszOverMemsz                       // p_filesz > p_memsz
	Overflow                              // an offset or address sum wraps around
	DataOutside                           // a segment's file data is cut off
	Misaligned                            // p_vaddr and p_offset differ modulo PageSize
	StartOutsideUser                      // a segment starts outside [lo, hi)
	EndOutsideUser                        // a segment ends outside [lo, hi)
	Overlap                               // two segments share a page
	NoLoadSegment                         // nothing to load
	EntryNotExecutable                    // e_entry is not in an executable segment
)

// Error describes the first problem Parse found. Which numbers mean what
// depends on Problem; Message spells it out.
type Error struct {
	Problem Problem
	Field   string // the ELF field at fault, as the gABI names it ("" if none)
	Index   int    // program header (or section) number, -1 for the ELF header
	Other   int    // Overlap: the other segment's program header number
	Value   uint64 // the offending value (Overlap: first page of this segment)
	Want    uint64 // what it should be or was compared with (Overlap: end)
	Lo, Hi  uint64 // a range: user space, the bytes a table or data needs, the other segment
}

// lastError is where Parse builds its *Error: there is no heap to allocate
// one. So the returned *Error is only valid until the next failing Parse:
// print or copy it first, and do not run failing Parses concurrently.
var lastError Error

func fail(e Error) *Error {
	lastError = e
	return &lastError
}

// Message writes a one-line description of the error into buf, without a
// newline, and returns its length. It is cut off if buf is too short.
func (e *Error) Message(buf []byte) int {
	f := console.Format
	switch e.Problem {
	case TooShort:
		return f(buf, "elf: image is %d bytes, shorter than an ELF header (%d bytes)", e.Value, e.Want)
	case BadMagic:
		return f(buf, "elf: bad magic %#08x, want 0x7f454c46 (\"\\x7fELF\")", e.Value)
	case WrongClass:
		return f(buf, "elf: %s is %d (%s), want %d (%s) for %s", e.Field, e.Value, className(e.Value), e.Want, className(e.Want), archName(e.Want))
	case NotLittleEndian:
		return f(buf, "elf: %s is %d, want %d (ELFDATA2LSB, little-endian)", e.Field, e.Value, e.Want)
	case BadVersion:
		return f(buf, "elf: %s is %d, want %d (EV_CURRENT)", e.Field, e.Value, e.Want)
	case NotExecutable:
		return f(buf, "elf: %s is %d (%s), want %d (ET_EXEC: a statically linked executable)", e.Field, e.Value, typeName(e.Value), e.Want)
	case WrongMachine:
		return f(buf, "elf: %s is %d (%s), want %d (%s)", e.Field, e.Value, machineName(e.Value), e.Want, machineName(e.Want))
	case BadEntrySize:
		return f(buf, "elf: %s is %d, want %d", e.Field, e.Value, e.Want)
	case NoProgramHeaders:
		return f(buf, "elf: no program headers (%s is 0)", e.Field)
	case TableOutside:
		return f(buf, "elf: %s table [%#x, %#x) is outside the %#x-byte image", e.Field, e.Lo, e.Hi, e.Value)
	case SectionOutside:
		return f(buf, "elf: section %d data [%#x, %#x) is outside the %#x-byte image", e.Index, e.Lo, e.Hi, e.Value)
	case DynamicallyLinked:
		return f(buf, "elf: segment %d has %s %d (%s): dynamically linked programs are not supported", e.Index, e.Field, e.Value, ptypeName(e.Value))
	case TooManySegments:
		return f(buf, "elf: segment %d is one PT_LOAD too many (at most %d)", e.Index, e.Value)
	case FileszOverMemsz:
		return f(buf, "elf: segment %d p_filesz %#x > p_memsz %#x", e.Index, e.Value, e.Want)
	case Overflow:
		return f(buf, "elf: segment %d %s overflows (%#x + %#x)", e.Index, e.Field, e.Value, e.Want)
	case DataOutside:
		return f(buf, "elf: segment %d file data [%#x, %#x) is outside the %#x-byte image", e.Index, e.Lo, e.Hi, e.Value)
	case Misaligned:
		return f(buf, "elf: segment %d p_vaddr %#x and p_offset %#x differ modulo %d (the page size)", e.Index, e.Value, e.Want, PageSize)
	case StartOutsideUser:
		return f(buf, "elf: segment %d starts at %#x, outside user space [%#x, %#x)", e.Index, e.Value, e.Lo, e.Hi)
	case EndOutsideUser:
		return f(buf, "elf: segment %d ends at %#x, outside user space [%#x, %#x)", e.Index, e.Value, e.Lo, e.Hi)
	case Overlap:
		return f(buf, "elf: segment %d pages [%#x, %#x) overlap segment %d pages [%#x, %#x)", e.Index, e.Value, e.Want, e.Other, e.Lo, e.Hi)
	case NoLoadSegment:
		return f(buf, "elf: no PT_LOAD segment: nothing to load")
	case EntryNotExecutable:
		return f(buf, "elf: entry point %#x is not inside an executable PT_LOAD segment", e.Value)
	}
	return f(buf, "elf: unknown problem %d", uint8(e.Problem))
}

func className(c uint64) string {
	switch c {
	case classELF32:
		return "ELFCLASS32"
	case classELF64:
		return "ELFCLASS64"
	}
	return "invalid"
}

func archName(class uint64) string {
	if class == classELF32 {
		return "386"
	}
	return "amd64"
}

func typeName(t uint64) string {
	switch t {
	case 1:
		return "ET_REL, an object file"
	case 2:
		return "ET_EXEC"
	case 3:
		return "ET_DYN, a shared object or PIE"
	case 4:
		return "ET_CORE"
	}
	return "unknown"
}

func machineName(m uint64) string {
	switch m {
	case em386:
		return "EM_386"
	case emX86_64:
		return "EM_X86_64"
	}
	return "another machine"
}

func ptypeName(t uint64) string {
	if t == ptInterp {
		return "PT_INTERP"
	}
	return "PT_DYNAMIC"
}
