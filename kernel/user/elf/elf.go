// Package elf reads the ELF executables of user programs for the kernel's
// loader: it checks an image held in memory and returns its entry point
// and the PT_LOAD segments to map. It allocates nothing (kernel code runs
// without the Go runtime) and never trusts a field of the image.
//
// Source for every layout and constant: the System V ABI, "ELF Object
// Files" (gABI, chapter 4 "Object Files" and chapter 5 "Program Loading"),
// and its Intel386 and AMD64 supplements for EM_386 and EM_X86_64.
package elf

// Arch is the kind of executable the caller can run: it fixes the ELF
// class (32- or 64-bit layout) and the machine the image must be for.
type Arch uint8

const (
	I386  Arch = 1 // ELFCLASS32, EM_386
	AMD64 Arch = 2 // ELFCLASS64, EM_X86_64
)

// Constants from the gABI (e_ident, e_type, p_type, p_flags, sh_type).
const (
	classELF32 = 1  // EI_CLASS: ELFCLASS32
	classELF64 = 2  // EI_CLASS: ELFCLASS64
	dataLSB    = 1  // EI_DATA: ELFDATA2LSB, little-endian
	evCurrent  = 1  // EI_VERSION and e_version: EV_CURRENT
	etExec     = 2  // e_type: ET_EXEC, an executable at fixed addresses
	em386      = 3  // e_machine: EM_386
	emX86_64   = 62 // e_machine: EM_X86_64

	ptLoad    = 1 // p_type: PT_LOAD, a segment to map
	ptDynamic = 2 // p_type: PT_DYNAMIC, needs a dynamic linker
	ptInterp  = 3 // p_type: PT_INTERP, names a dynamic linker

	shtNull   = 0 // sh_type: SHT_NULL, an unused section header
	shtNobits = 8 // sh_type: SHT_NOBITS (.bss), takes no file space

	PF_X = 1 // p_flags: executable
	PF_W = 2 // p_flags: writable
	PF_R = 4 // p_flags: readable

	PageSize    = 4096 // the loader maps whole pages
	MaxSegments = 8    // PT_LOAD segments File can hold
)

// Segment is one PT_LOAD program header: map [Vaddr, Vaddr+Memsz), fill
// the first Filesz bytes from image[Offset:], zero the rest (.bss).
type Segment struct {
	Vaddr, Memsz, Filesz, Offset uint64
	Flags                        uint32 // PF_R | PF_W | PF_X
}

// File is what the loader needs from an executable.
type File struct {
	Entry     uint64               // where the program starts (e_entry)
	Segments  [MaxSegments]Segment // the first NSegments are valid
	NSegments int                  // number of PT_LOAD segments
	phdr      [MaxSegments]int     // program header index of each, for errors
}

// Loads returns the PT_LOAD segments, in file order.
func (f *File) Loads() []Segment { return f.Segments[:f.NSegments] }

// layout holds the offsets and sizes that differ between the 32- and the
// 64-bit formats (gABI, "ELF Header", "Program Header", "Sections").
type layout struct {
	class, machine      uint32 // the EI_CLASS and e_machine this arch wants
	ehsize              uint64 // size of the ELF header
	phsize, shsize      uint64 // size of one program / section header
	word                int    // 4 or 8: size of an address or offset field
	addrBits            uint   // 32 or 64
	entry, phoff, shoff int    // ELF header: e_entry, e_phoff, e_shoff
	phentsize, phnum    int    // ELF header: e_phentsize, e_phnum
	shentsize, shnum    int    // ELF header: e_shentsize, e_shnum
	pOffset, pVaddr     int    // program header: p_offset, p_vaddr
	pFilesz, pMemsz     int    // program header: p_filesz, p_memsz
	pFlags              int    // program header: p_flags
	shType, shOff       int    // section header: sh_type, sh_offset
	shSize              int    // section header: sh_size
}

var layout32 = layout{
	class: classELF32, machine: em386, ehsize: 52, phsize: 32, shsize: 40, word: 4, addrBits: 32,
	entry: 24, phoff: 28, shoff: 32, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48,
	pOffset: 4, pVaddr: 8, pFilesz: 16, pMemsz: 20, pFlags: 24,
	shType: 4, shOff: 16, shSize: 20,
}

var layout64 = layout{
	class: classELF64, machine: emX86_64, ehsize: 64, phsize: 56, shsize: 64, word: 8, addrBits: 64,
	entry: 24, phoff: 32, shoff: 40, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60,
	pOffset: 8, pVaddr: 16, pFilesz: 32, pMemsz: 40, pFlags: 4,
	shType: 4, shOff: 24, shSize: 32,
}

func (a Arch) layout() *layout {
	if a == I386 {
		return &layout32
	}
	return &layout64
}

// le reads an n-byte little-endian number at b[off:]; the caller has
// checked the bounds.
func le(b []byte, off, n int) uint64 {
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[off+i])
	}
	return v
}

// inImage reports whether [off, off+size) lies inside an image of n bytes,
// without overflowing.
func inImage(off, size uint64, n int) bool {
	return off <= uint64(n) && size <= uint64(n)-off
}

// Parse checks that image is a statically linked executable for arch whose
// loadable segments all lie in the user address range [lo, hi), and
// returns its entry point and PT_LOAD segments. On failure it returns an
// *Error describing the first problem found (see Error for its lifetime).
func Parse(image []byte, arch Arch, lo, hi uint64) (File, *Error) {
	var f File
	L := arch.layout()
	n := len(image)
	if uint64(n) < L.ehsize {
		return f, fail(Error{Problem: TooShort, Index: -1, Value: uint64(n), Want: L.ehsize})
	}
	if image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F' {
		return f, fail(Error{Problem: BadMagic, Index: -1, Value: uint64(image[0])<<24 | uint64(image[1])<<16 | uint64(image[2])<<8 | uint64(image[3])})
	}
	// e_ident[EI_CLASS], [EI_DATA], [EI_VERSION] are bytes 4, 5 and 6.
	if c := uint64(image[4]); c != uint64(L.class) {
		return f, fail(Error{Problem: WrongClass, Field: "EI_CLASS", Index: -1, Value: c, Want: uint64(L.class)})
	}
	if d := uint64(image[5]); d != dataLSB {
		return f, fail(Error{Problem: NotLittleEndian, Field: "EI_DATA", Index: -1, Value: d, Want: dataLSB})
	}
	if v := uint64(image[6]); v != evCurrent {
		return f, fail(Error{Problem: BadVersion, Field: "EI_VERSION", Index: -1, Value: v, Want: evCurrent})
	}
	if t := le(image, 16, 2); t != etExec {
		return f, fail(Error{Problem: NotExecutable, Field: "e_type", Index: -1, Value: t, Want: etExec})
	}
	if m := le(image, 18, 2); m != uint64(L.machine) {
		return f, fail(Error{Problem: WrongMachine, Field: "e_machine", Index: -1, Value: m, Want: uint64(L.machine)})
	}
	if v := le(image, 20, 4); v != evCurrent {
		return f, fail(Error{Problem: BadVersion, Field: "e_version", Index: -1, Value: v, Want: evCurrent})
	}
	f.Entry = le(image, L.entry, L.word)

	// The program header table: right entry size, inside the image.
	phoff, phnum := le(image, L.phoff, L.word), le(image, L.phnum, 2)
	if e := le(image, L.phentsize, 2); e != L.phsize {
		return f, fail(Error{Problem: BadEntrySize, Field: "e_phentsize", Index: -1, Value: e, Want: L.phsize})
	}
	if phnum == 0 {
		return f, fail(Error{Problem: NoProgramHeaders, Field: "e_phnum", Index: -1})
	}
	if !inImage(phoff, phnum*L.phsize, n) {
		return f, fail(Error{Problem: TableOutside, Field: "program header", Index: -1, Lo: phoff, Hi: phoff + phnum*L.phsize, Value: uint64(n)})
	}
	// The section header table and the sections' data: a loader does not
	// need them, but checking them proves the whole image arrived (a
	// truncated image fails here even when its segments are intact).
	if err := checkSections(image, L); err != nil {
		return f, err
	}
	for i := 0; i < int(phnum); i++ {
		if err := addSegment(&f, image, L, i, phoff+uint64(i)*L.phsize, lo, hi); err != nil {
			return f, err
		}
	}
	if f.NSegments == 0 {
		return f, fail(Error{Problem: NoLoadSegment, Index: -1})
	}
	for _, s := range f.Loads() {
		if s.Flags&PF_X != 0 && f.Entry >= s.Vaddr && f.Entry-s.Vaddr < s.Memsz {
			return f, nil
		}
	}
	return f, fail(Error{Problem: EntryNotExecutable, Field: "e_entry", Index: -1, Value: f.Entry})
}

// checkSections checks the section header table and every section's file
// data lie inside the image.
func checkSections(image []byte, L *layout) *Error {
	n := len(image)
	shoff, shnum := le(image, L.shoff, L.word), le(image, L.shnum, 2)
	if shnum == 0 {
		return nil // no section table (e_shoff is then meaningless)
	}
	if e := le(image, L.shentsize, 2); e != L.shsize {
		return fail(Error{Problem: BadEntrySize, Field: "e_shentsize", Index: -1, Value: e, Want: L.shsize})
	}
	if !inImage(shoff, shnum*L.shsize, n) {
		return fail(Error{Problem: TableOutside, Field: "section header", Index: -1, Lo: shoff, Hi: shoff + shnum*L.shsize, Value: uint64(n)})
	}
	for i := 0; i < int(shnum); i++ {
		sh := int(shoff) + i*int(L.shsize)
		typ := le(image, sh+L.shType, 4)
		off, size := le(image, sh+L.shOff, L.word), le(image, sh+L.shSize, L.word)
		if typ != shtNull && typ != shtNobits && !inImage(off, size, n) {
			return fail(Error{Problem: SectionOutside, Index: i, Lo: off, Hi: off + size, Value: uint64(n)})
		}
	}
	return nil
}

// addSegment checks program header i (at image[ph:]) and, if it is a
// PT_LOAD, appends it to f.
func addSegment(f *File, image []byte, L *layout, i int, ph, lo, hi uint64) *Error {
	p := int(ph)
	switch le(image, p, 4) { // p_type
	case ptLoad:
	case ptInterp, ptDynamic:
		return fail(Error{Problem: DynamicallyLinked, Field: "p_type", Index: i, Value: le(image, p, 4)})
	default:
		return nil // PT_PHDR, PT_NOTE, PT_GNU_STACK...: nothing to load
	}
	s := Segment{
		Offset: le(image, p+L.pOffset, L.word),
		Vaddr:  le(image, p+L.pVaddr, L.word),
		Filesz: le(image, p+L.pFilesz, L.word),
		Memsz:  le(image, p+L.pMemsz, L.word),
		Flags:  uint32(le(image, p+L.pFlags, 4)),
	}
	if f.NSegments == MaxSegments {
		return fail(Error{Problem: TooManySegments, Index: i, Value: MaxSegments})
	}
	if s.Filesz > s.Memsz {
		return fail(Error{Problem: FileszOverMemsz, Field: "p_filesz", Index: i, Value: s.Filesz, Want: s.Memsz})
	}
	if s.Offset+s.Filesz < s.Offset {
		return fail(Error{Problem: Overflow, Field: "p_offset + p_filesz", Index: i, Value: s.Offset, Want: s.Filesz})
	}
	if !inImage(s.Offset, s.Filesz, len(image)) {
		return fail(Error{Problem: DataOutside, Field: "p_offset", Index: i, Lo: s.Offset, Hi: s.Offset + s.Filesz, Value: uint64(len(image))})
	}
	// The end must fit the address space: 2^32 for ELF32 (checked in 64-bit
	// arithmetic, which cannot overflow for 32-bit fields), 2^64 for ELF64.
	end := s.Vaddr + s.Memsz
	if end < s.Vaddr || (L.addrBits == 32 && end > 1<<32) {
		return fail(Error{Problem: Overflow, Field: "p_vaddr + p_memsz", Index: i, Value: s.Vaddr, Want: s.Memsz})
	}
	if s.Vaddr%PageSize != s.Offset%PageSize {
		return fail(Error{Problem: Misaligned, Field: "p_vaddr", Index: i, Value: s.Vaddr, Want: s.Offset})
	}
	if s.Vaddr < lo || s.Vaddr >= hi {
		return fail(Error{Problem: StartOutsideUser, Field: "p_vaddr", Index: i, Value: s.Vaddr, Lo: lo, Hi: hi})
	}
	if end > hi {
		return fail(Error{Problem: EndOutsideUser, Field: "p_memsz", Index: i, Value: end, Lo: lo, Hi: hi})
	}
	// The loader maps whole pages with one segment's permissions, so two
	// segments may not even share a page.
	first, last := s.Vaddr&^(PageSize-1), (end+PageSize-1)&^(PageSize-1)
	for k, o := range f.Loads() {
		oFirst, oLast := o.Vaddr&^(PageSize-1), (o.Vaddr+o.Memsz+PageSize-1)&^(PageSize-1)
		if s.Memsz > 0 && o.Memsz > 0 && first < oLast && oFirst < last {
			return fail(Error{Problem: Overlap, Index: i, Other: f.phdr[k], Value: first, Want: last, Lo: oFirst, Hi: oLast})
		}
	}
	f.Segments[f.NSegments] = s
	f.phdr[f.NSegments] = i
	f.NSegments++
	return nil
}
