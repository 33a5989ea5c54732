// elfload.go: reads a built kernel (debug/elf) into a Program: the
// decoding mode from the ELF class, every sized function symbol of .symtab
// with its bytes, the data sections and the data symbols.

package main

import (
	"debug/elf"
	"fmt"
	"sort"
	"strings"
)

// loadELF reads the kernel at path.
func loadELF(path string) (*Program, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Machine != elf.EM_386 && f.Machine != elf.EM_X86_64 {
		return nil, fmt.Errorf("%s: machine %v is not x86", path, f.Machine)
	}
	p := &Program{Mode: 32, Entry: f.Entry}
	if f.Class == elf.ELFCLASS64 {
		p.Mode = 64
	}
	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("%s: no symbol table (built with -s?): %v", path, err)
	}

	var labels []Label // size-0 code labels (host objects)
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		sec := f.Sections[s.Section]
		switch elf.ST_TYPE(s.Info) {
		case elf.STT_FUNC:
			if s.Size == 0 {
				labels = append(labels, Label{Addr: s.Value, Name: s.Name})
				continue
			}
			code, err := sectionBytes(sec, s.Value, s.Size)
			if err != nil {
				return nil, fmt.Errorf("%s: function %s: %v", path, s.Name, err)
			}
			fn := &Func{Name: s.Name, Addr: s.Value, Code: code}
			// The Go linker names a host object's (.syso) section
			// "pkg(.text)": for this kernel, the amd64 boot trampoline.
			fn.Host = strings.HasSuffix(s.Name, "(.text)")
			fn.Boot = fn.Host || s.Value == f.Entry
			p.Funcs = append(p.Funcs, fn)
		case elf.STT_OBJECT:
			if s.Size > 0 && sec.Flags&elf.SHF_ALLOC != 0 {
				p.Objs = append(p.Objs, Obj{Name: s.Name, Addr: s.Value, Size: s.Size})
			}
		}
	}
	sort.Slice(p.Funcs, func(i, j int) bool { return p.Funcs[i].Addr < p.Funcs[j].Addr })
	sort.Slice(p.Objs, func(i, j int) bool { return p.Objs[i].Addr < p.Objs[j].Addr })
	for _, fn := range p.Funcs {
		if !fn.Host {
			continue
		}
		for _, l := range labels {
			if l.Addr >= fn.Addr && l.Addr < fn.End() {
				fn.Labels = append(fn.Labels, l)
			}
		}
		sort.SliceStable(fn.Labels, func(i, j int) bool { return fn.Labels[i].Addr < fn.Labels[j].Addr })
	}

	for _, sec := range f.Sections {
		if !dataSection(sec) {
			continue
		}
		b, err := sec.Data()
		if err != nil {
			return nil, fmt.Errorf("%s: section %s: %v", path, sec.Name, err)
		}
		p.Data = append(p.Data, Blob{Name: sec.Name, Addr: sec.Addr, Bytes: b})
	}
	return p, nil
}

// dataSection picks the sections that can hold function values: loaded,
// not code, with contents. The pc-line table, type links and notes hold
// offsets and names, never addresses, and are left out.
func dataSection(sec *elf.Section) bool {
	if sec.Type != elf.SHT_PROGBITS || sec.Flags&elf.SHF_ALLOC == 0 || sec.Flags&elf.SHF_EXECINSTR != 0 {
		return false
	}
	switch sec.Name {
	case ".gopclntab", ".typelink", ".itablink", ".go.buildinfo", ".go.fipsinfo":
		return false
	}
	return true
}

// sectionBytes returns size bytes at virtual address addr of sec.
func sectionBytes(sec *elf.Section, addr, size uint64) ([]byte, error) {
	if sec.Type != elf.SHT_PROGBITS || addr < sec.Addr || addr+size > sec.Addr+sec.Size {
		return nil, fmt.Errorf("[%#x, %#x) is not inside section %s", addr, addr+size, sec.Name)
	}
	b := make([]byte, size)
	if _, err := sec.ReadAt(b, int64(addr-sec.Addr)); err != nil {
		return nil, err
	}
	return b, nil
}
