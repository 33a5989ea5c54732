package mm

import "testing"

func TestFrameAllocator(t *testing.T) {
	var a FrameAllocator
	a.Init()
	a.AddFree(0, 640<<10)          // conventional memory
	a.AddFree(1<<20, 3<<20)        // 1..4 MiB
	a.Reserve(0, PageSize)         // page 0
	a.Reserve(1<<20, 100*PageSize) // "kernel image"
	want := 160 - 1 + 768 - 100
	if a.Free != want || a.Total != want {
		t.Fatalf("free %d total %d, want %d", a.Free, a.Total, want)
	}
	seen := map[uintptr]bool{}
	for i := 0; i < want; i++ {
		pa, ok := a.Alloc()
		if !ok {
			t.Fatalf("exhausted after %d", i)
		}
		if seen[pa] || pa == 0 || (pa >= 1<<20 && pa < 1<<20+100*PageSize) || (pa >= 640<<10 && pa < 1<<20) {
			t.Fatalf("bad frame %#x", pa)
		}
		seen[pa] = true
	}
	if _, ok := a.Alloc(); ok || a.Exhausted != 1 {
		t.Fatal("exhaustion not reported")
	}
	if !a.FreeFrame(0x5000) || a.FreeFrame(0x5000) || a.DoubleFrees != 1 {
		t.Fatal("double free not detected")
	}
	if a.FreeFrame(0x5001) || a.FreeFrame(1<<30) || a.BadFrees != 2 {
		t.Fatal("bad free not detected")
	}
	if pa, ok := a.Alloc(); !ok || pa != 0x5000 {
		t.Fatalf("freed frame not reused: %#x", pa)
	}
}

func TestFrameAllocatorUnalignedRegion(t *testing.T) {
	var a FrameAllocator
	a.Init()
	a.AddFree(0x1800, 0x3000) // covers whole frames 2 and 3 only
	if a.Free != 2 {
		t.Fatalf("free %d, want 2", a.Free)
	}
}

// AddFree opens whole bitmap words at once where it can: the counts and
// the bits must be those of opening frame by frame, over ranges that
// start and end inside words and overlap what is already free.
func TestAddFreeWordsMatchFrames(t *testing.T) {
	var a FrameAllocator
	a.Init()
	ranges := [][2]uint64{{0x1000, 0x7f000}, {0x40000, 0x100000}, {0x123000, 0x5000}, {0x100000, 0x300000}}
	ref := map[uint64]bool{} // frame -> free
	for _, r := range ranges {
		a.AddFree(r[0], r[1])
		for f := (r[0] + PageSize - 1) / PageSize; f < (r[0]+r[1])/PageSize; f++ {
			ref[f] = true
		}
	}
	if a.Free != len(ref) || a.Total != len(ref) {
		t.Fatalf("Free %d Total %d, want %d", a.Free, a.Total, len(ref))
	}
	for f := uint64(0); f < 0x500; f++ {
		if a.isUsed(uintptr(f)) == ref[f] {
			t.Fatalf("frame %#x: used=%v, want free=%v", f, a.isUsed(uintptr(f)), ref[f])
		}
	}
}
