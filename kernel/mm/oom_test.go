package mm

import "testing"

func newTestAllocator(frames int) *FrameAllocator {
	a := &FrameAllocator{}
	a.Init()
	a.AddFree(0, uint64(frames)*PageSize)
	return a
}

func TestFailEveryNth(t *testing.T) {
	a := newTestAllocator(64)
	a.ArmFailures(3, 0, nil)
	var got []bool
	for i := 0; i < 7; i++ {
		_, ok := a.Alloc()
		got = append(got, ok)
	}
	want := []bool{true, true, false, true, true, false, true}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("allocations %v, want %v", got, want)
		}
	}
	if a.Injected != 2 || a.Exhausted != 0 || a.Free != 64-5 {
		t.Errorf("injected %d exhausted %d free %d", a.Injected, a.Exhausted, a.Free)
	}
	a.DisarmFailures()
	for i := 0; i < 5; i++ {
		if _, ok := a.Alloc(); !ok {
			t.Fatalf("allocation %d failed after DisarmFailures", i)
		}
	}
}

func TestFrameCap(t *testing.T) {
	a := newTestAllocator(64)
	a.Alloc() // in use before the cap: not counted against it
	a.ArmFailures(0, 4, nil)
	var pas []uintptr
	for i := 0; i < 4; i++ {
		pa, ok := a.Alloc()
		if !ok {
			t.Fatalf("allocation %d of 4 failed under framecap=4", i)
		}
		pas = append(pas, pa)
	}
	if _, ok := a.Alloc(); ok || a.Injected != 1 {
		t.Fatalf("a 5th frame under framecap=4: ok=%v injected=%d", ok, a.Injected)
	}
	a.FreeFrame(pas[0]) // a frame back: one more allocation fits
	if _, ok := a.Alloc(); !ok {
		t.Fatal("no allocation after a free under the cap")
	}
}

func TestFailOnlyCounted(t *testing.T) {
	a := newTestAllocator(64)
	counted := false
	a.ArmFailures(2, 0, func() bool { return counted })
	for i := 0; i < 5; i++ {
		if _, ok := a.Alloc(); !ok {
			t.Fatalf("uncounted allocation %d failed", i)
		}
	}
	counted = true
	_, ok1 := a.Alloc()
	_, ok2 := a.Alloc()
	if !ok1 || ok2 || a.Injected != 1 {
		t.Errorf("counted allocations: %v %v, injected %d; want the 2nd to fail", ok1, ok2, a.Injected)
	}
}
