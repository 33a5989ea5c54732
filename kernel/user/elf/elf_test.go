package elf

import (
	"debug/elf"
	"encoding/binary"
	"strings"
	"testing"
)

// User space as the kernel passes it to Parse (kernel/mm's UserBase/UserTop).
const (
	lo386, hi386     = 0x4000_0000, 0xC000_0000
	loAMD64, hiAMD64 = 0x0000_0080_0000_0000, 0x0000_8000_0000_0000
)

// prog describes a synthetic executable; image() lays it out as
// ELF header, program headers, section headers, then zero bytes up to size.
type prog struct {
	class   elf.Class
	machine elf.Machine
	typ     elf.Type
	entry   uint64
	phdrs   []elf.Prog64 // written in the 32-bit layout for ELFCLASS32
	shdrs   []elf.Section64
	size    int
}

// valid returns a small well-formed program for arch: a text segment
// holding the headers (as Go's linker makes them) and a data+bss segment.
func valid(arch Arch) prog {
	p := prog{class: elf.ELFCLASS64, machine: elf.EM_X86_64, typ: elf.ET_EXEC, size: 0x2100}
	base := uint64(loAMD64)
	if arch == I386 {
		p.class, p.machine, base = elf.ELFCLASS32, elf.EM_386, lo386
	}
	p.entry = base + 0x1000
	p.phdrs = []elf.Prog64{
		{Type: uint32(elf.PT_PHDR), Flags: uint32(elf.PF_R), Off: 0x40, Vaddr: base + 0x40, Filesz: 0x70, Memsz: 0x70},
		{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Off: 0, Vaddr: base, Filesz: 0x2000, Memsz: 0x2000},
		{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Off: 0x2000, Vaddr: base + 0x2000, Filesz: 0x100, Memsz: 0x3000},
		{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W)},
	}
	return p
}

func (p prog) image() []byte {
	le := binary.LittleEndian
	is32 := p.class == elf.ELFCLASS32
	ehsize, phsize, shsize := 64, 56, 64
	if is32 {
		ehsize, phsize, shsize = 52, 32, 40
	}
	phoff := ehsize
	shoff := phoff + len(p.phdrs)*phsize
	size := max(p.size, shoff+len(p.shdrs)*shsize)
	b := make([]byte, size)
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS], b[elf.EI_DATA], b[elf.EI_VERSION] = byte(p.class), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	le.PutUint16(b[16:], uint16(p.typ))
	le.PutUint16(b[18:], uint16(p.machine))
	le.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	if is32 {
		le.PutUint32(b[24:], uint32(p.entry))
		le.PutUint32(b[28:], uint32(phoff))
		le.PutUint32(b[32:], uint32(shoff))
		le.PutUint16(b[40:], uint16(ehsize))
		le.PutUint16(b[42:], uint16(phsize))
		le.PutUint16(b[44:], uint16(len(p.phdrs)))
		le.PutUint16(b[46:], uint16(shsize))
		le.PutUint16(b[48:], uint16(len(p.shdrs)))
	} else {
		le.PutUint64(b[24:], p.entry)
		le.PutUint64(b[32:], uint64(phoff))
		le.PutUint64(b[40:], uint64(shoff))
		le.PutUint16(b[52:], uint16(ehsize))
		le.PutUint16(b[54:], uint16(phsize))
		le.PutUint16(b[56:], uint16(len(p.phdrs)))
		le.PutUint16(b[58:], uint16(shsize))
		le.PutUint16(b[60:], uint16(len(p.shdrs)))
	}
	for i, ph := range p.phdrs {
		h := b[phoff+i*phsize:]
		if is32 {
			binary.Encode(h, le, elf.Prog32{Type: ph.Type, Off: uint32(ph.Off), Vaddr: uint32(ph.Vaddr), Paddr: uint32(ph.Vaddr),
				Filesz: uint32(ph.Filesz), Memsz: uint32(ph.Memsz), Flags: ph.Flags, Align: 0x1000})
		} else {
			ph.Paddr, ph.Align = ph.Vaddr, 0x1000
			binary.Encode(h, le, ph)
		}
	}
	for i, sh := range p.shdrs {
		h := b[shoff+i*shsize:]
		if is32 {
			binary.Encode(h, le, elf.Section32{Type: sh.Type, Off: uint32(sh.Off), Size: uint32(sh.Size)})
		} else {
			binary.Encode(h, le, sh)
		}
	}
	return b
}

func userRange(arch Arch) (uint64, uint64) {
	if arch == I386 {
		return lo386, hi386
	}
	return loAMD64, hiAMD64
}

func message(e *Error) string {
	var buf [200]byte
	return string(buf[:e.Message(buf[:])])
}

func TestValid(t *testing.T) {
	for _, arch := range []Arch{I386, AMD64} {
		lo, hi := userRange(arch)
		f, err := Parse(valid(arch).image(), arch, lo, hi)
		if err != nil {
			t.Fatalf("arch %d: %s", arch, message(err))
		}
		want := []Segment{
			{Vaddr: lo, Memsz: 0x2000, Filesz: 0x2000, Offset: 0, Flags: PF_R | PF_X},
			{Vaddr: lo + 0x2000, Memsz: 0x3000, Filesz: 0x100, Offset: 0x2000, Flags: PF_R | PF_W},
		}
		if f.Entry != lo+0x1000 || len(f.Loads()) != 2 || f.Loads()[0] != want[0] || f.Loads()[1] != want[1] {
			t.Errorf("arch %d: got entry %#x, segments %+v; want %#x, %+v", arch, f.Entry, f.Loads(), lo+0x1000, want)
		}
	}
}

// TestErrors breaks a valid program in one way at a time and checks the
// problem found and the message printed (for the 386 layout unless the
// case says amd64).
func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		amd64 bool
		edit  func(p *prog)
		bytes func(b []byte) []byte // applied after p.image()
		want  Problem
		msg   string // the whole message, or a prefix ending in "..."
	}{
		{name: "empty", bytes: func(b []byte) []byte { return nil }, want: TooShort,
			msg: "elf: image is 0 bytes, shorter than an ELF header (52 bytes)"},
		{name: "magic", bytes: func(b []byte) []byte { b[1] = 'e'; return b }, want: BadMagic,
			msg: `elf: bad magic 0x7f654c46, want 0x7f454c46 ("\x7fELF")`},
		{name: "64-bit on 386", edit: func(p *prog) { *p = valid(AMD64) }, want: WrongClass,
			msg: "elf: EI_CLASS is 2 (ELFCLASS64), want 1 (ELFCLASS32) for 386"},
		{name: "32-bit on amd64", amd64: true, edit: func(p *prog) { *p = valid(I386) }, want: WrongClass,
			msg: "elf: EI_CLASS is 1 (ELFCLASS32), want 2 (ELFCLASS64) for amd64"},
		{name: "big-endian", bytes: func(b []byte) []byte { b[elf.EI_DATA] = byte(elf.ELFDATA2MSB); return b }, want: NotLittleEndian,
			msg: "elf: EI_DATA is 2, want 1 (ELFDATA2LSB, little-endian)"},
		{name: "ident version", bytes: func(b []byte) []byte { b[elf.EI_VERSION] = 0; return b }, want: BadVersion,
			msg: "elf: EI_VERSION is 0, want 1 (EV_CURRENT)"},
		{name: "e_version", bytes: func(b []byte) []byte { b[20] = 2; return b }, want: BadVersion,
			msg: "elf: e_version is 2, want 1 (EV_CURRENT)"},
		{name: "PIE", edit: func(p *prog) { p.typ = elf.ET_DYN }, want: NotExecutable,
			msg: "elf: e_type is 3 (ET_DYN, a shared object or PIE), want 2 (ET_EXEC: a statically linked executable)"},
		{name: "machine", edit: func(p *prog) { p.machine = elf.EM_ARM }, want: WrongMachine,
			msg: "elf: e_machine is 40 (another machine), want 3 (EM_386)"},
		{name: "phentsize", bytes: func(b []byte) []byte { b[42] = 40; return b }, want: BadEntrySize,
			msg: "elf: e_phentsize is 40, want 32"},
		{name: "no phdrs", edit: func(p *prog) { p.phdrs = nil }, want: NoProgramHeaders,
			msg: "elf: no program headers (e_phnum is 0)"},
		{name: "phdrs cut off", bytes: func(b []byte) []byte { b[44], b[45] = 0x2c, 1; return b }, want: TableOutside,
			msg: "elf: program header table [0x34, 0x25b4) is outside the 0x2100-byte image"},
		{name: "phoff huge", amd64: true, bytes: func(b []byte) []byte { binary.LittleEndian.PutUint64(b[32:], 1<<63); return b }, want: TableOutside,
			msg: "elf: program header table [0x8000000000000000, 0x80000000000000e0) is outside the 0x2100-byte image"},
		{name: "shdrs cut off", edit: func(p *prog) { p.shdrs = make([]elf.Section64, 2) }, bytes: func(b []byte) []byte { return b[:0xc0] },
			want: TableOutside, msg: "elf: section header table [0xb4, 0x104) is outside the 0xc0-byte image"},
		{name: "shentsize", edit: func(p *prog) { p.shdrs = make([]elf.Section64, 1) }, bytes: func(b []byte) []byte { b[46] = 64; return b },
			want: BadEntrySize, msg: "elf: e_shentsize is 64, want 40"},
		{name: "section cut off", edit: func(p *prog) {
			p.shdrs = []elf.Section64{{}, {Type: uint32(elf.SHT_PROGBITS), Off: 0x2000, Size: 0x200}, {Type: uint32(elf.SHT_NOBITS), Off: 0x9000, Size: 0x9000}}
		}, want: SectionOutside, msg: "elf: section 1 data [0x2000, 0x2200) is outside the 0x2100-byte image"},
		{name: "interp", edit: func(p *prog) { p.phdrs[0].Type = uint32(elf.PT_INTERP) }, want: DynamicallyLinked,
			msg: "elf: segment 0 has p_type 3 (PT_INTERP): dynamically linked programs are not supported"},
		{name: "nine loads", edit: func(p *prog) {
			p.phdrs = p.phdrs[:0]
			for i := range uint64(9) {
				p.phdrs = append(p.phdrs, elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Vaddr: lo386 + i*0x1000, Memsz: 0x1000})
			}
		}, want: TooManySegments, msg: "elf: segment 8 is one PT_LOAD too many (at most 8)"},
		{name: "filesz > memsz", edit: func(p *prog) { p.phdrs[2].Memsz = 0x80 }, want: FileszOverMemsz,
			msg: "elf: segment 2 p_filesz 0x100 > p_memsz 0x80"},
		{name: "data cut off", bytes: func(b []byte) []byte { return b[:0x20ff] }, want: DataOutside,
			msg: "elf: segment 2 file data [0x2000, 0x2100) is outside the 0x20ff-byte image"},
		{name: "offset overflows", amd64: true, edit: func(p *prog) { p.phdrs[2].Off = 1<<64 - 0x80 }, want: Overflow,
			msg: "elf: segment 2 p_offset + p_filesz overflows (0xffffffffffffff80 + 0x100)"},
		{name: "address overflows 32 bits", edit: func(p *prog) { p.phdrs[2].Memsz = 0xC000_0000 }, want: Overflow,
			msg: "elf: segment 2 p_vaddr + p_memsz overflows (0x40002000 + 0xc0000000)"},
		{name: "address overflows 64 bits", amd64: true, edit: func(p *prog) { p.phdrs[2].Memsz = 1<<64 - 0x1000 }, want: Overflow,
			msg: "elf: segment 2 p_vaddr + p_memsz overflows (0x8000002000 + 0xfffffffffffff000)"},
		{name: "misaligned", edit: func(p *prog) { p.phdrs[2].Vaddr += 0x10 }, want: Misaligned,
			msg: "elf: segment 2 p_vaddr 0x40002010 and p_offset 0x2000 differ modulo 4096 (the page size)"},
		{name: "below user space", edit: func(p *prog) { p.phdrs[1].Vaddr = 0x10_0000 }, want: StartOutsideUser,
			msg: "elf: segment 1 starts at 0x100000, outside user space [0x40000000, 0xc0000000)"},
		{name: "kernel address", amd64: true, edit: func(p *prog) { p.phdrs[1].Vaddr = 0xffff_8000_0000_0000 }, want: StartOutsideUser,
			msg: "elf: segment 1 starts at 0xffff800000000000, outside user space [0x8000000000, 0x800000000000)"},
		{name: "ends in the kernel", edit: func(p *prog) { p.phdrs[1].Vaddr = 0xBFFF_F000; p.phdrs[2].Vaddr = 0xBFFF_E000 }, want: EndOutsideUser,
			msg: "elf: segment 1 ends at 0xc0001000, outside user space [0x40000000, 0xc0000000)"},
		{name: "overlap", edit: func(p *prog) { p.phdrs[2].Vaddr = lo386 + 0x1000 }, want: Overlap,
			msg: "elf: segment 2 pages [0x40001000, 0x40004000) overlap segment 1 pages [0x40000000, 0x40002000)"},
		{name: "share a page", edit: func(p *prog) { p.phdrs[1].Memsz = 0x2001 }, want: Overlap,
			msg: "elf: segment 2 pages [0x40002000, 0x40005000) overlap segment 1 pages [0x40000000, 0x40003000)"},
		{name: "no loads", edit: func(p *prog) { p.phdrs = p.phdrs[3:] }, want: NoLoadSegment,
			msg: "elf: no PT_LOAD segment: nothing to load"},
		{name: "entry in data", edit: func(p *prog) { p.entry = lo386 + 0x2000 }, want: EntryNotExecutable,
			msg: "elf: entry point 0x40002000 is not inside an executable PT_LOAD segment"},
		{name: "entry past text", edit: func(p *prog) { p.entry = lo386 + 0x1_0000 }, want: EntryNotExecutable,
			msg: "elf: entry point 0x40010000 is not inside an executable PT_LOAD segment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arch := I386
			if tc.amd64 {
				arch = AMD64
			}
			p := valid(arch)
			if tc.edit != nil {
				tc.edit(&p)
			}
			b := p.image()
			if tc.bytes != nil {
				b = tc.bytes(b)
			}
			lo, hi := userRange(arch)
			_, err := Parse(b, arch, lo, hi)
			if err == nil {
				t.Fatalf("Parse accepted it; want problem %d", tc.want)
			}
			if got := message(err); err.Problem != tc.want || got != tc.msg {
				t.Errorf("got problem %d:\n  %s\nwant %d:\n  %s", err.Problem, got, tc.want, tc.msg)
			}
		})
	}
}

// TestMessagesWellFormed checks every Problem's message has no formatting
// mistake (console.Format prints %!... for those).
func TestMessagesWellFormed(t *testing.T) {
	for p := TooShort; p <= EntryNotExecutable+1; p++ {
		e := Error{Problem: p, Field: "f", Index: 1, Other: 0, Value: 2, Want: 1, Lo: 3, Hi: 4}
		if m := message(&e); !strings.HasPrefix(m, "elf: ") || strings.Contains(m, "%!") {
			t.Errorf("problem %d: bad message %q", p, m)
		}
	}
}

func TestSmallSeed(t *testing.T) {
	for _, arch := range []Arch{I386, AMD64} {
		lo, hi := userRange(arch)
		if _, err := Parse(small(arch).image(), arch, lo, hi); err != nil {
			t.Errorf("arch %d: %s", arch, message(err))
		}
	}
}
