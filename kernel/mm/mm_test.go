package mm

import "testing"

// TestMMLifecycle builds address spaces in the host arena and checks the
// reference counting and that teardown returns every frame.
func TestMMLifecycle(t *testing.T) {
	newArena(t, 256)
	KernelRoot = newRoot(t)
	kernelTable := tableAt(KernelRoot)
	kernelTable[0] = MakePTE(0x1000, PTEPresent|PTEWritable) // a "kernel slot"
	cr3 := KernelRoot
	readCR3 = func() uintptr { return cr3 }
	writeCR3 = func(v uintptr) { cr3 = v }
	t.Cleanup(func() { readCR3, writeCR3 = nil, nil })
	OnStaleRoot = nil

	free := Frames.Free
	a := NewMM()
	b := NewMM()
	if a == nil || b == nil || a.Root == b.Root || a.ID == b.ID {
		t.Fatal("NewMM")
	}
	if tableAt(a.Root)[0] != kernelTable[0] {
		t.Error("kernel slot not shared")
	}
	if a.VMAs.Add(UserBase, UserBase+4*PageSize, PermRead|PermWrite) != VMAOK {
		t.Fatal("AddVMA")
	}
	for i := uintptr(0); i < 4; i++ {
		if !a.MapZeroed(UserBase+i*PageSize, a.VMAs.Find(UserBase)) {
			t.Fatal("MapZeroed")
		}
	}
	// Isolation: b maps nothing of a's.
	if Lookup(b.Root, UserBase).Has(PTEPresent) {
		t.Error("b sees a's page")
	}
	// A lazy borrower keeps a's tables alive after its last user leaves.
	a.Grab()
	a.Put()
	if a.Count != 1 || !a.used || a.Pages != 0 {
		t.Fatalf("after Put with a borrower: count %d used %v pages %d", a.Count, a.used, a.Pages)
	}
	cr3 = a.Root // the CPU still walks a's table (the race)
	a.Drop()
	if a.used || StaleRootFrees != 1 || cr3 != KernelRoot {
		t.Errorf("stale-root free not detected: used %v frees %d cr3 %#x", a.used, StaleRootFrees, cr3)
	}
	b.Put()
	if Frames.Free != free {
		t.Errorf("frames leaked: %d free, want %d", Frames.Free, free)
	}
	if Frames.DoubleFrees != 0 {
		t.Errorf("double frees: %d", Frames.DoubleFrees)
	}
}

func TestUserBytes(t *testing.T) {
	newArena(t, 64)
	KernelRoot = newRoot(t)
	m := NewMM()
	m.VMAs.Add(UserBase, UserBase+2*PageSize, PermRead|PermWrite)
	msg := []byte("hello across a page boundary")
	va := uintptr(UserBase + PageSize - 5)
	off := 0
	if !m.UserBytes(va, uintptr(len(msg)), true, func(p []byte) { off += copy(p, msg[off:]) }) {
		t.Fatal("UserBytes refused a valid range")
	}
	var got []byte
	m.UserBytes(va, uintptr(len(msg)), false, func(p []byte) { got = append(got, p...) })
	if string(got) != string(msg) || m.Pages != 2 {
		t.Errorf("got %q, %d pages", got, m.Pages)
	}
	if m.UserBytes(UserBase+2*PageSize-1, 2, false, func([]byte) {}) {
		t.Error("range past the VMA accepted")
	}
	if m.UserBytes(0x1000, 1, false, func([]byte) {}) {
		t.Error("kernel address accepted")
	}
}

func TestIDOrNone(t *testing.T) {
	var none *MM
	if none.IDOrNone() != NoMM || (&MM{ID: 7}).IDOrNone() != 7 {
		t.Errorf("IDOrNone: nil -> %d, mm 7 -> %d", none.IDOrNone(), (&MM{ID: 7}).IDOrNone())
	}
}
