package user

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user/elf"
)

// LoadELF maps an ELF executable into m: one VMA per PT_LOAD segment with
// its permissions, file bytes copied in, the rest (.bss) left to demand
// paging's zeroed frames. It returns the entry point; a malformed image
// is reported with a message naming what is wrong and loads nothing.
func LoadELF(m *mm.MM, name string, image []byte) (entry uintptr, ok bool) {
	f, err := elf.Parse(image, elf.Native, mm.UserBase, mm.UserTop)
	if err != nil {
		var buf [256]byte
		n := err.Message(buf[:])
		console.Printf("exec %s: %s\n", name, buf[:n])
		return 0, false
	}
	for _, s := range f.Loads() {
		start := uintptr(s.Vaddr) &^ (mm.PageSize - 1)
		end := (uintptr(s.Vaddr+s.Memsz) + mm.PageSize - 1) &^ (mm.PageSize - 1)
		var perm mm.Perm
		if s.Flags&elf.PF_R != 0 {
			perm |= mm.PermRead
		}
		if s.Flags&elf.PF_W != 0 {
			perm |= mm.PermWrite
		}
		if s.Flags&elf.PF_X != 0 {
			perm |= mm.PermExec
		}
		if r := m.VMAs.Add(start, end, perm); r != mm.VMAOK {
			console.Printf("exec %s: segment [%#x, %#x) cannot be mapped (VMA error %d)\n", name, start, end, r)
			return 0, false
		}
		if !m.CopyIn(uintptr(s.Vaddr), image[s.Offset:s.Offset+s.Filesz]) {
			console.Printf("exec %s: out of memory loading [%#x, %#x)\n", name, start, end)
			return 0, false
		}
	}
	return uintptr(f.Entry), true
}

// load builds a fresh address space holding the ELF image and returns it
// with the image's entry point, or nil (after saying why): exec's first
// half, Exec's and ExecArg's.
func load(name string, image []byte) (*mm.MM, uintptr) {
	if NextID() < 0 {
		console.Printf("exec %s: no free task slot\n", name)
		return nil, 0
	}
	m := NewMM()
	if m == nil {
		console.Printf("exec %s: out of address spaces or memory\n", name)
		return nil, 0
	}
	entry, ok := LoadELF(m, name, image)
	if !ok {
		m.Put()
		return nil, 0
	}
	return m, entry
}

// Exec creates a task running the ELF image in a fresh address space; it
// returns nil (after saying why) if it cannot.
func Exec(name string, image []byte) *sched.Task {
	m, entry := load(name, image)
	if m == nil {
		return nil
	}
	t := Start(name, m, entry)
	if t == nil { // every slot taken since NextID looked: the mm is ours to free
		console.Printf("exec %s: no free task slot\n", name)
		m.Put()
	}
	return t
}
