package user

import (
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// NewMM creates an address space with the standard layout (layout.go):
// its private region, the shared-address page and a stack. The program's
// own VMAs (text, data) are added by the loader.
func NewMM() *mm.MM {
	m := mm.NewMM()
	if m == nil {
		return nil
	}
	priv := PrivateBase(m)
	if m.VMAs.Add(priv, priv+PrivatePages*mm.PageSize, mm.PermRead|mm.PermWrite) != mm.VMAOK ||
		m.VMAs.Add(SharedVA, SharedVA+SharedPages*mm.PageSize, mm.PermRead|mm.PermWrite) != mm.VMAOK ||
		m.VMAs.Add(StackTop-StackPages*mm.PageSize, StackTop, mm.PermRead|mm.PermWrite) != mm.VMAOK {
		m.Put()
		return nil
	}
	return m
}

// NextID is the id the next spawned task will get (the lowest free slot),
// or -1 when every slot is taken.
func NextID() int {
	for id := 0; id < sched.MaxTasks; id++ {
		if sched.ByID(id) == nil {
			return id
		}
	}
	return -1
}

// Start spawns a user task on m at entry with the standard registers:
// AX = task id, BX = private data address, CX = shared-address page.
func Start(name string, m *mm.MM, entry uintptr) *sched.Task {
	return sched.SpawnUser(name, m, entry, StackTop, PrivateBase(m), SharedVA)
}

// LoadCode maps a text VMA at va holding code (a test helper and the
// simplest loader: raw machine code, no ELF).
func LoadCode(m *mm.MM, va uintptr, code []byte) bool {
	end := (va + uintptr(len(code)) + mm.PageSize - 1) &^ (mm.PageSize - 1)
	if m.VMAs.Add(va, end, mm.PermRead|mm.PermExec) != mm.VMAOK {
		return false
	}
	return m.CopyIn(va, code)
}
