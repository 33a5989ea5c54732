// shrink.go: cuts a linked user program down to what it runs.
//
// The Go linker keeps about 0.9 MB of its runtime in every program, even
// with -E main.start, although a user program never enters it. shrink
// writes a new, minimal ELF executable holding only what is reachable
// from the entry point:
//
//   - code: the entry symbol and every function its instructions call or
//     jump to (x86asm decodes each one; in practice the program's own
//     assembly functions), at their linked addresses: no instruction
//     changes;
//   - data: every symbol an instruction refers to (a memory operand, or an
//     immediate that is an address of the program), at its linked address,
//     and the bytes of each Go string such a variable holds, found through
//     the variable's DWARF type (the linker's string data has no symbols of
//     its own). Only the variable's data pointer refers to those bytes, so
//     they move: into one read-only segment, the pointers patched.
//
// Only package main may be reached: a reference to the Go runtime, or to an
// address of the program inside no symbol, fails the build, naming the
// instruction; so does a variable holding any other pointer. verify then
// reads the new file back, decodes its code again and checks that every
// address an instruction refers to is loaded, and every string readable.
//
// The output is an ELF header, the program headers, and one PT_LOAD per
// run of kept bytes with the permissions of the segment they came from
// (text R-X, read-only data R--, data RW-, .bss as p_memsz beyond
// p_filesz), plus the strings' R-- segment; no section headers. A loader
// maps whole pages, so a segment's file offset must equal its address
// modulo the page size (gABI, "Program Header"): each segment goes at the
// lowest such offset that is free, the strings wherever there is room.
package main

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/arch/x86/x86asm"

	kelf "tlbrace/kernel/user/elf"
)

const (
	elfPage     = kelf.PageSize    // the kernel's (and Linux's) page size: segment alignment
	maxSegments = kelf.MaxSegments // the most PT_LOAD segments the kernel's parser takes
)

// piece is a run of the linked program that the minimal ELF keeps.
type piece struct {
	name       string // the symbol, or "<var> bytes" for a string's data
	addr, size uint64
	flags      elf.ProgFlag // permissions of the PT_LOAD it came from
	nobits     bool         // .bss: zero, no file bytes
	ptrAt      uint64       // a string's data: where the pointer to it is (it moves)
}

func (p piece) end() uint64 { return p.addr + p.size }

// shrunk is the result of shrink.
type shrunk struct {
	image []byte  // the minimal executable
	kept  []piece // what it holds, by address
	loads int     // its PT_LOAD segments
}

// program is a linked user program being shrunk.
type program struct {
	f     *elf.File
	mode  int         // 32 or 64: x86asm's decoding mode
	loads []*elf.Prog // PT_LOAD segments
	syms  []elf.Symbol
	vars  map[string]dwarf.Type // DWARF types of global variables, by name
	dw    *dwarf.Data
}

// shrink reads the linked program full (with its symbol table and DWARF:
// built without -s -w) and returns the minimal executable.
func shrink(full []byte) (*shrunk, error) {
	p, err := open(full)
	if err != nil {
		return nil, err
	}
	kept, err := p.reachable()
	if err != nil {
		return nil, err
	}
	image, loads, err := p.write(kept)
	if err != nil {
		return nil, err
	}
	if err := verify(image, p, kept); err != nil {
		return nil, err
	}
	return &shrunk{image: image, kept: kept, loads: loads}, nil
}

func open(full []byte) (*program, error) {
	f, err := elf.NewFile(bytes.NewReader(full))
	if err != nil {
		return nil, err
	}
	p := &program{f: f, mode: 32}
	switch {
	case f.Class == elf.ELFCLASS32 && f.Machine == elf.EM_386:
	case f.Class == elf.ELFCLASS64 && f.Machine == elf.EM_X86_64:
		p.mode = 64
	default:
		return nil, fmt.Errorf("not an x86 executable (%v, %v)", f.Class, f.Machine)
	}
	for _, pr := range f.Progs {
		if pr.Type == elf.PT_LOAD {
			p.loads = append(p.loads, pr)
		}
	}
	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("no symbol table (linked with -s?): %v", err)
	}
	for _, s := range syms {
		t := elf.ST_TYPE(s.Info)
		if s.Size > 0 && (t == elf.STT_FUNC || t == elf.STT_OBJECT) && p.section(s) != nil {
			p.syms = append(p.syms, s)
		}
	}
	sort.Slice(p.syms, func(i, j int) bool { return p.syms[i].Value < p.syms[j].Value })
	return p, nil
}

// section returns the loaded section symbol s is defined in, or nil.
func (p *program) section(s elf.Symbol) *elf.Section {
	if s.Section == elf.SHN_UNDEF || int(s.Section) >= len(p.f.Sections) {
		return nil
	}
	sec := p.f.Sections[s.Section]
	if sec.Flags&elf.SHF_ALLOC == 0 {
		return nil
	}
	return sec
}

// load returns the PT_LOAD segment holding address a, or nil.
func (p *program) load(a uint64) *elf.Prog {
	for _, l := range p.loads {
		if a >= l.Vaddr && a-l.Vaddr < l.Memsz {
			return l
		}
	}
	return nil
}

// symbolAt returns the sized symbol whose bytes hold address a.
func (p *program) symbolAt(a uint64) (elf.Symbol, bool) {
	i := sort.Search(len(p.syms), func(i int) bool { return p.syms[i].Value > a }) - 1
	if i >= 0 && a-p.syms[i].Value < p.syms[i].Size {
		return p.syms[i], true
	}
	return elf.Symbol{}, false
}

// read returns n bytes of the loaded program at address a (zero past a
// segment's file bytes, as a loader fills them).
func (p *program) read(a, n uint64) ([]byte, error) {
	l := p.load(a)
	if l == nil || a+n-l.Vaddr > l.Memsz {
		return nil, fmt.Errorf("[%#x, %#x) is not loaded", a, a+n)
	}
	b := make([]byte, n)
	if off := a - l.Vaddr; off < l.Filesz {
		m := min(n, l.Filesz-off)
		if _, err := l.ReadAt(b[:m], int64(off)); err != nil {
			return nil, fmt.Errorf("reading [%#x, %#x): %v", a, a+n, err)
		}
	}
	return b, nil
}

// word reads a pointer-sized little-endian word at a.
func (p *program) word(a uint64) (uint64, error) {
	n := uint64(p.mode / 8)
	b, err := p.read(a, n)
	if err != nil {
		return 0, err
	}
	if n == 4 {
		return uint64(binary.LittleEndian.Uint32(b)), nil
	}
	return binary.LittleEndian.Uint64(b), nil
}

// inMain reports whether symbol name belongs to package main (amd64
// assembly functions carry an ABI suffix: main.start.abi0).
func inMain(name string) bool { return strings.HasPrefix(name, "main.") }

// reachable walks from the entry point: functions by decoding them, data
// symbols by their DWARF types. It returns what to keep, by address.
func (p *program) reachable() ([]piece, error) {
	entry, ok := p.symbolAt(p.f.Entry)
	if !ok || entry.Value != p.f.Entry || elf.ST_TYPE(entry.Info) != elf.STT_FUNC {
		return nil, fmt.Errorf("the entry point %#x is not the start of a function (link with -E main.start)", p.f.Entry)
	}
	var kept []piece
	seen := map[string]bool{}
	queue := []elf.Symbol{entry}
	keep := func(s elf.Symbol) {
		if !seen[s.Name] {
			seen[s.Name] = true
			queue = append(queue, s)
		}
	}
	seen[entry.Name] = true
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		sec := p.section(s)
		l := p.load(s.Value)
		if l == nil {
			return nil, fmt.Errorf("%s at %#x is in no PT_LOAD segment", s.Name, s.Value)
		}
		kept = append(kept, piece{name: s.Name, addr: s.Value, size: s.Size, flags: l.Flags, nobits: sec.Type == elf.SHT_NOBITS})
		if sec.Flags&elf.SHF_EXECINSTR != 0 {
			insts, err := p.decode(s)
			if err != nil {
				return nil, err
			}
			for _, in := range insts {
				for _, r := range in.refs(p.mode) {
					if p.load(r.addr) == nil {
						if r.branch {
							return nil, fmt.Errorf("%s: %s %s goes to %#x, outside the program", in.where(s), r.kind, in.text(p), r.addr)
						}
						continue // a number, or an address the kernel provides
					}
					t, ok := p.symbolAt(r.addr)
					if !ok {
						return nil, fmt.Errorf("%s: %s %s refers to %#x, which lies in no symbol of the program: mkinitrd cannot tell what to keep", in.where(s), r.kind, in.text(p), r.addr)
					}
					if !inMain(t.Name) {
						return nil, fmt.Errorf("%s: %s %s refers to %s (%#x), outside package main: a user program runs without the Go runtime and may use only its own assembly and data", in.where(s), r.kind, in.text(p), t.Name, r.addr)
					}
					keep(t)
				}
			}
			continue
		}
		strs, err := p.pointees(s, sec)
		if err != nil {
			return nil, err
		}
		kept = append(kept, strs...)
	}
	sort.Slice(kept, func(i, j int) bool { // by address; two strings' data may start at one
		return kept[i].addr < kept[j].addr || kept[i].addr == kept[j].addr && kept[i].name < kept[j].name
	})
	return kept, nil
}

// pointees returns the string bytes data symbol s points to. Sections
// .noptrdata, .noptrbss and .rodata hold no pointers (the linker's rule);
// .bss is zero when the program starts. A .data symbol must be a Go
// variable whose DWARF type mkinitrd can walk: strings, numbers, and
// arrays and structs of them.
func (p *program) pointees(s elf.Symbol, sec *elf.Section) ([]piece, error) {
	if sec.Name != ".data" {
		return nil, nil
	}
	if p.vars == nil {
		if err := p.readVars(); err != nil {
			return nil, err
		}
	}
	t, ok := p.vars[s.Name]
	if !ok {
		return nil, fmt.Errorf("%s is in .data (which holds pointers) but is no Go variable with a DWARF type: declare it in main.go, or give its GLOBL the NOPTR flag", s.Name)
	}
	var out []piece
	err := p.walk(s.Name, t, s.Value, &out)
	return out, err
}

// readVars collects the DWARF types of package main's global variables.
func (p *program) readVars() error {
	d, err := p.f.DWARF()
	if err != nil {
		return fmt.Errorf("no DWARF (linked with -w?): %v", err)
	}
	p.dw, p.vars = d, map[string]dwarf.Type{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return fmt.Errorf("reading DWARF: %v", err)
		}
		if e == nil {
			return nil
		}
		if e.Tag == dwarf.TagVariable {
			name, _ := e.Val(dwarf.AttrName).(string)
			off, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
			if inMain(name) && ok {
				t, err := d.Type(off)
				if err != nil {
					return fmt.Errorf("DWARF type of %s: %v", name, err)
				}
				p.vars[name] = t
			}
		}
		if e.Tag != dwarf.TagCompileUnit && e.Children {
			r.SkipChildren()
		}
	}
}

// walk finds the pointers in a value of type t at address a: the data of
// each non-empty string becomes a piece; any other pointer is an error.
func (p *program) walk(name string, t dwarf.Type, a uint64, out *[]piece) error {
	switch t := t.(type) {
	case *dwarf.TypedefType:
		return p.walk(name, t.Type, a, out)
	case *dwarf.StructType:
		if t.StructName == "string" && len(t.Field) == 2 {
			ptr, err := p.word(a + uint64(t.Field[0].ByteOffset))
			if err != nil {
				return err
			}
			n, err := p.word(a + uint64(t.Field[1].ByteOffset))
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			l := p.load(ptr)
			if l == nil || ptr+n-l.Vaddr > l.Filesz || l.Flags&elf.PF_W != 0 {
				return fmt.Errorf("%s: the string's data [%#x, %#x) is not in the program's read-only data", name, ptr, ptr+n)
			}
			*out = append(*out, piece{name: name + " bytes", addr: ptr, size: n, flags: l.Flags, ptrAt: a + uint64(t.Field[0].ByteOffset)})
			return nil
		}
		for _, f := range t.Field {
			if err := p.walk(name+"."+f.Name, f.Type, a+uint64(f.ByteOffset), out); err != nil {
				return err
			}
		}
		return nil
	case *dwarf.ArrayType:
		if t.Count <= 0 || !hasPointers(t.Type) {
			return nil
		}
		size := uint64(t.Type.Size())
		for i := int64(0); i < t.Count; i++ {
			if err := p.walk(fmt.Sprintf("%s[%d]", name, i), t.Type, a+uint64(i)*size, out); err != nil {
				return err
			}
		}
		return nil
	case *dwarf.IntType, *dwarf.UintType, *dwarf.BoolType, *dwarf.FloatType, *dwarf.ComplexType,
		*dwarf.CharType, *dwarf.UcharType:
		return nil
	}
	return fmt.Errorf("%s is a %s, which mkinitrd cannot follow: user-program variables may hold strings, numbers, and arrays and structs of them", name, t)
}

// hasPointers reports whether a value of type t may hold a pointer.
func hasPointers(t dwarf.Type) bool {
	switch t := t.(type) {
	case *dwarf.TypedefType:
		return hasPointers(t.Type)
	case *dwarf.StructType:
		for _, f := range t.Field {
			if hasPointers(f.Type) {
				return true
			}
		}
		return false
	case *dwarf.ArrayType:
		return hasPointers(t.Type)
	case *dwarf.IntType, *dwarf.UintType, *dwarf.BoolType, *dwarf.FloatType, *dwarf.ComplexType,
		*dwarf.CharType, *dwarf.UcharType:
		return false
	}
	return true
}

// inst is one decoded instruction at its address.
type inst struct {
	addr uint64
	x86asm.Inst
}

func (in *inst) next() uint64 { return in.addr + uint64(in.Len) }

// where names the instruction's place: main.start+0x12 (0x40001012).
func (in *inst) where(s elf.Symbol) string {
	return fmt.Sprintf("%s+%#x (%#x)", s.Name, in.addr-s.Value, in.addr)
}

// text is the instruction in Go assembler syntax, with symbol names.
func (in *inst) text(p *program) string {
	return "`" + x86asm.GoSyntax(in.Inst, in.addr, func(a uint64) (string, uint64) {
		if s, ok := p.symbolAt(a); ok {
			return s.Name, s.Value
		}
		return "", 0
	}) + "`"
}

// ref is an address an instruction refers to.
type ref struct {
	addr   uint64
	kind   string // "branch", "memory operand", "immediate"
	branch bool   // a relative jump or call: it must land in the program
}

// refs lists the addresses in.Args may refer to: relative branch targets,
// memory operands' displacements (RIP-relative ones resolved; with base or
// index registers the displacement is still the symbol's address), and
// immediates (which may be a symbol's address: MOVL $sym(SB), AX).
func (in *inst) refs(mode int) []ref {
	var out []ref
	addr := func(v int64) uint64 {
		if mode == 32 {
			return uint64(uint32(v))
		}
		return uint64(v)
	}
	for _, a := range in.Args {
		switch a := a.(type) {
		case x86asm.Rel:
			out = append(out, ref{addr: addr(int64(in.next()) + int64(a)), kind: "branch", branch: true})
		case x86asm.Mem:
			if a.Base == x86asm.RIP || a.Base == x86asm.EIP {
				out = append(out, ref{addr: addr(int64(in.next()) + a.Disp), kind: "memory operand"})
			} else if a.Segment != x86asm.FS && a.Segment != x86asm.GS { // not thread-local storage
				out = append(out, ref{addr: addr(a.Disp), kind: "memory operand"})
			}
		case x86asm.Imm:
			if in.Op == x86asm.CMP || in.Op == x86asm.TEST {
				// A bound, not a use: `CMPL BX, $USER_BASE` asks
				// which side of an address a pointer lies on and
				// needs nothing kept there (user/fuzz does).
				continue
			}
			out = append(out, ref{addr: addr(int64(a)), kind: "immediate"})
		}
	}
	return out
}

// decode sweeps function s from its first byte to its size (the Go
// assembler puts no data inside a function).
func (p *program) decode(s elf.Symbol) ([]inst, error) {
	code, err := p.read(s.Value, s.Size)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", s.Name, err)
	}
	return decodeAll(code, s.Value, s.Name, p.mode)
}

func decodeAll(code []byte, base uint64, name string, mode int) ([]inst, error) {
	var out []inst
	for off := 0; off < len(code); {
		in, err := x86asm.Decode(code[off:], mode)
		if err == nil && (in.Op == 0 || in.Len == 0) {
			err = fmt.Errorf("unknown instruction")
		}
		if err != nil {
			return nil, fmt.Errorf("%s+%#x (%#x): cannot decode [% x]: %v", name, off, base+uint64(off), code[off:min(off+8, len(code))], err)
		}
		out = append(out, inst{addr: base + uint64(off), Inst: in})
		off += in.Len
	}
	return out, nil
}

// segment is one PT_LOAD of the minimal executable.
type segment struct {
	vaddr, memsz, filesz, off uint64
	flags                     elf.ProgFlag
	pieces                    []piece
}

func pageDown(a uint64) uint64 { return a &^ (elfPage - 1) }
func pageUp(a uint64) uint64   { return (a + elfPage - 1) &^ (elfPage - 1) }

// maxGap is the most zero (or INT3) filler segments hold between two kept
// pieces rather than become two segments.
const maxGap = 256

// segments groups the pieces (sorted by address) into PT_LOADs: pieces of
// the same original segment go together when they share a page (a page
// has one set of permissions) or lie within maxGap of each other.
func segments(kept []piece) []*segment {
	var segs []*segment
	for _, k := range kept {
		if n := len(segs); n > 0 {
			s := segs[n-1]
			if s.flags == k.flags && (k.addr <= s.vaddr+s.memsz+maxGap || pageDown(k.addr) < pageUp(s.vaddr+s.memsz)) {
				s.memsz = max(s.memsz, k.end()-s.vaddr)
				if !k.nobits {
					s.filesz = max(s.filesz, k.end()-s.vaddr)
				}
				s.pieces = append(s.pieces, k)
				continue
			}
		}
		s := &segment{vaddr: k.addr, memsz: k.size, flags: k.flags, pieces: []piece{k}}
		if !k.nobits {
			s.filesz = k.size
		}
		segs = append(segs, s)
	}
	return segs
}

// write lays out and encodes the minimal executable; it returns the image
// and its number of segments. Kept symbols stay at their addresses; the
// bytes of strings (which only the strings' data pointers refer to) are
// gathered into one read-only segment of their own, wherever the file has
// room, and the pointers are patched to match.
func (p *program) write(kept []piece) ([]byte, int, error) {
	var fixed, strs []piece
	for _, k := range kept {
		if k.ptrAt != 0 {
			strs = append(strs, k)
		} else {
			fixed = append(fixed, k)
		}
	}
	segs := segments(fixed)
	var blob []byte
	at := map[[2]uint64]uint64{} // a string's original [addr, size] -> its offset in blob
	for _, k := range strs {
		key := [2]uint64{k.addr, k.size}
		if _, ok := at[key]; ok {
			continue
		}
		b, err := p.read(k.addr, k.size)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %v", k.name, err)
		}
		at[key] = uint64(len(blob))
		blob = append(blob, b...)
	}
	nsegs := len(segs)
	if len(blob) > 0 {
		nsegs++
	}
	if nsegs > maxSegments {
		return nil, 0, fmt.Errorf("what the program uses is spread over %d segments; the kernel loads at most %d", nsegs, maxSegments)
	}
	var ehsize, phsize uint64 = 52, 32
	if p.mode == 64 {
		ehsize, phsize = 64, 56
	}
	hdrEnd := ehsize + uint64(nsegs)*phsize

	// Place each segment at the lowest free offset congruent to its
	// address modulo the page size; then the strings at the lowest free
	// offset, their address following from it (on the page after the
	// program's last one).
	type span struct{ lo, hi uint64 }
	used := []span{{0, hdrEnd}}
	free := func(lo, hi uint64) bool {
		for _, u := range used {
			if lo < u.hi && u.lo < hi {
				return false
			}
		}
		return true
	}
	size, top := hdrEnd, uint64(0)
	for _, s := range segs {
		off := s.vaddr % elfPage
		for !free(off, off+max(s.filesz, 1)) {
			off += elfPage
		}
		s.off = off
		used = append(used, span{off, off + max(s.filesz, 1)})
		size = max(size, off+s.filesz)
		top = max(top, pageUp(s.vaddr+s.memsz))
	}
	var str *segment
	if len(blob) > 0 {
		n := uint64(len(blob))
		off := uint64(1<<63 - 1)
		for _, u := range used {
			if u.hi < off && free(u.hi, u.hi+n) {
				off = u.hi
			}
		}
		str = &segment{vaddr: top + off%elfPage, memsz: n, filesz: n, off: off, flags: elf.PF_R}
		segs = append(segs, str)
		size = max(size, off+n)
	}

	image := make([]byte, size)
	for _, s := range segs {
		body := image[s.off : s.off+s.filesz]
		if s.flags&elf.PF_X != 0 {
			for i := range body {
				body[i] = 0xCC // INT3 between functions, like the linker
			}
		}
		for _, k := range s.pieces {
			if k.nobits || k.addr-s.vaddr >= s.filesz {
				continue
			}
			b, err := p.read(k.addr, k.size)
			if err != nil {
				return nil, 0, fmt.Errorf("%s: %v", k.name, err)
			}
			copy(body[k.addr-s.vaddr:], b)
		}
	}
	if str != nil {
		copy(image[str.off:], blob)
	}
	word := uint64(p.mode / 8)
	for _, k := range strs {
		var in *segment
		for _, s := range segs {
			if k.ptrAt >= s.vaddr && k.ptrAt+word-s.vaddr <= s.filesz && s != str {
				in = s
			}
		}
		if in == nil {
			return nil, 0, fmt.Errorf("internal error: %s: the pointer at %#x is not in a kept segment", k.name, k.ptrAt)
		}
		moved := str.vaddr + at[[2]uint64{k.addr, k.size}]
		pos := image[in.off+k.ptrAt-in.vaddr:]
		if word == 4 {
			binary.LittleEndian.PutUint32(pos, uint32(moved))
		} else {
			binary.LittleEndian.PutUint64(pos, moved)
		}
	}

	var hdr bytes.Buffer
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(p.f.Class), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(elf.ELFOSABI_NONE)}
	le := binary.LittleEndian
	if p.mode == 32 {
		binary.Write(&hdr, le, elf.Header32{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_386),
			Version: uint32(elf.EV_CURRENT), Entry: uint32(p.f.Entry), Phoff: uint32(ehsize),
			Ehsize: uint16(ehsize), Phentsize: uint16(phsize), Phnum: uint16(nsegs)})
		for _, s := range segs {
			binary.Write(&hdr, le, elf.Prog32{Type: uint32(elf.PT_LOAD), Off: uint32(s.off), Vaddr: uint32(s.vaddr), Paddr: uint32(s.vaddr),
				Filesz: uint32(s.filesz), Memsz: uint32(s.memsz), Flags: uint32(s.flags), Align: elfPage})
		}
	} else {
		binary.Write(&hdr, le, elf.Header64{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64),
			Version: uint32(elf.EV_CURRENT), Entry: p.f.Entry, Phoff: ehsize,
			Ehsize: uint16(ehsize), Phentsize: uint16(phsize), Phnum: uint16(nsegs)})
		for _, s := range segs {
			binary.Write(&hdr, le, elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(s.flags), Off: s.off, Vaddr: s.vaddr, Paddr: s.vaddr,
				Filesz: s.filesz, Memsz: s.memsz, Align: elfPage})
		}
	}
	if uint64(hdr.Len()) != hdrEnd {
		return nil, 0, fmt.Errorf("internal error: headers are %d bytes, laid out for %d", hdr.Len(), hdrEnd)
	}
	copy(image, hdr.Bytes())
	return image, nsegs, nil
}

// verify reads the minimal image back with debug/elf and decodes the kept
// functions where it loads them: every address an instruction refers to
// must be loaded by it if it was an address of the linked program, and
// every branch must land in an executable segment of it.
func verify(image []byte, p *program, kept []piece) error {
	f, err := elf.NewFile(bytes.NewReader(image))
	if err != nil {
		return fmt.Errorf("the minimal executable does not read back: %v", err)
	}
	loaded := func(a uint64, exec bool) bool {
		for _, pr := range f.Progs {
			if pr.Type == elf.PT_LOAD && a >= pr.Vaddr && a-pr.Vaddr < pr.Memsz && (!exec || pr.Flags&elf.PF_X != 0) {
				return true
			}
		}
		return false
	}
	if !loaded(f.Entry, true) {
		return fmt.Errorf("the minimal executable's entry %#x is not in an executable segment", f.Entry)
	}
	for _, pr := range f.Progs {
		if pr.Flags&elf.PF_X == 0 {
			continue
		}
		code := make([]byte, pr.Filesz)
		if _, err := pr.ReadAt(code, 0); err != nil {
			return err
		}
		// Decode function by function (the filler between them is INT3).
		for _, k := range kept {
			if k.addr < pr.Vaddr || k.end()-pr.Vaddr > pr.Filesz {
				continue
			}
			s := elf.Symbol{Name: k.name, Value: k.addr, Size: k.size}
			insts, err := decodeAll(code[k.addr-pr.Vaddr:k.end()-pr.Vaddr], k.addr, k.name, p.mode)
			if err != nil {
				return err
			}
			for _, in := range insts {
				for _, r := range in.refs(p.mode) {
					if (r.branch && !loaded(r.addr, true)) || (p.load(r.addr) != nil && !loaded(r.addr, false)) {
						return fmt.Errorf("%s: %s %s refers to %#x, which the minimal executable does not load", in.where(s), r.kind, in.text(p), r.addr)
					}
				}
			}
		}
	}
	// Every moved string: its variable points at the same bytes, read-only.
	outRead := func(a, n uint64) ([]byte, elf.ProgFlag, bool) {
		for _, pr := range f.Progs {
			if pr.Type == elf.PT_LOAD && a >= pr.Vaddr && a+n-pr.Vaddr <= pr.Filesz {
				b := make([]byte, n)
				_, err := pr.ReadAt(b, int64(a-pr.Vaddr))
				return b, pr.Flags, err == nil
			}
		}
		return nil, 0, false
	}
	word := uint64(p.mode / 8)
	for _, k := range kept {
		if k.ptrAt == 0 {
			continue
		}
		w, _, ok := outRead(k.ptrAt, word)
		if !ok {
			return fmt.Errorf("%s: the minimal executable does not hold its pointer at %#x", k.name, k.ptrAt)
		}
		ptr := binary.LittleEndian.Uint64(append(w, make([]byte, 8-word)...))
		got, flags, ok := outRead(ptr, k.size)
		want, err := p.read(k.addr, k.size)
		if !ok || err != nil || !bytes.Equal(got, want) || flags&elf.PF_W != 0 {
			return fmt.Errorf("%s: the moved string at %#x does not read back, read-only, as the original at %#x", k.name, ptr, k.addr)
		}
	}
	return nil
}
