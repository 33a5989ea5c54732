package elf

import "testing"

// FuzzParse feeds arbitrary images to Parse for both architectures: it
// must never panic, and whatever it accepts must satisfy every promise
// the loader relies on. Run with go test -fuzz FuzzParse ./kernel/user/elf.
func FuzzParse(f *testing.F) {
	for _, arch := range []Arch{I386, AMD64} {
		f.Add(small(arch).image())
	}
	f.Fuzz(func(t *testing.T, image []byte) {
		for _, arch := range []Arch{I386, AMD64} {
			lo, hi := userRange(arch)
			file, err := Parse(image, arch, lo, hi)
			if err != nil {
				message(err)
				continue
			}
			entryOK := false
			for i, s := range file.Loads() {
				end := s.Vaddr + s.Memsz
				if s.Filesz > s.Memsz || s.Offset+s.Filesz > uint64(len(image)) || s.Offset+s.Filesz < s.Offset ||
					s.Vaddr < lo || end > hi || end < s.Vaddr || s.Vaddr%PageSize != s.Offset%PageSize {
					t.Fatalf("arch %d: accepted a bad segment %d: %+v", arch, i, s)
				}
				for _, o := range file.Loads()[:i] {
					if s.Memsz > 0 && o.Memsz > 0 && s.Vaddr&^(PageSize-1) < o.Vaddr+o.Memsz && o.Vaddr&^(PageSize-1) < end {
						t.Fatalf("arch %d: accepted overlapping segments %+v and %+v", arch, o, s)
					}
				}
				if s.Flags&PF_X != 0 && file.Entry >= s.Vaddr && file.Entry < end {
					entryOK = true
				}
			}
			if !entryOK {
				t.Fatalf("arch %d: entry %#x outside every executable segment", arch, file.Entry)
			}
		}
	})
}

// small is valid(arch) squeezed into 512 bytes: the fuzzer minimizes every
// interesting input, which takes long for large ones.
func small(arch Arch) prog {
	p := valid(arch)
	lo, _ := userRange(arch)
	p.size, p.entry = 0x200, lo+0x100
	p.phdrs[1].Filesz, p.phdrs[1].Memsz = 0x180, 0x1000
	p.phdrs[2].Off, p.phdrs[2].Vaddr, p.phdrs[2].Filesz = 0x180, lo+0x1180, 0x80
	return p
}
