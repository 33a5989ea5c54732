package mm

import (
	"testing"
	"unsafe"
)

// arena stands in for physical memory on the host: "physical address" pa
// is byte pa of the arena.
type arena struct {
	mem   []byte
	alloc FrameAllocator
}

func newArena(t *testing.T, frames int) *arena {
	t.Helper()
	a := &arena{mem: make([]byte, (frames+1)*PageSize)}
	base := uintptr(unsafe.Pointer(&a.mem[0]))
	off := (PageSize - base%PageSize) % PageSize
	physToVirt = func(pa uintptr) uintptr { return base + off + pa }
	lockFrames = func() uintptr { return 0 }
	unlockFrames = func(uintptr) {}
	lockPT = func(*MM) uintptr { return 0 }
	unlockPT = func(*MM, uintptr) {}
	a.alloc.Init()
	a.alloc.AddFree(PageSize, uint64(frames-1)*PageSize) // frame 0 stays "nil"
	Frames = &a.alloc
	t.Cleanup(func() { physToVirt = identity; Frames = nil })
	return a
}

func newRoot(t *testing.T) uintptr {
	pa, ok := Frames.Alloc()
	if !ok {
		t.Fatal("no frame for root")
	}
	zeroFrame(pa)
	return pa
}

func TestMapLookupUnmap(t *testing.T) {
	newArena(t, 64)
	root := newRoot(t)
	va := uintptr(UserBase + 0x123000)
	if Lookup(root, va) != 0 {
		t.Fatal("fresh table maps something")
	}
	before := Frames.Free
	if !Map(root, va, 0x7000, PTEWritable|PTEUser) {
		t.Fatal("map failed")
	}
	if used := before - Frames.Free; used != Levels-1 {
		t.Errorf("map used %d table frames, want %d", used, Levels-1)
	}
	e := Lookup(root, va)
	if e.Addr() != 0x7000 || !e.Permits(true, true) || e.Has(PTEGlobal) {
		t.Errorf("entry %#x", e)
	}
	if pa, ok := Translate(root, va+0x45); !ok || pa != 0x7045 {
		t.Errorf("translate = %#x %v", pa, ok)
	}
	// The neighbour page shares the tables but is not mapped.
	if Lookup(root, va+PageSize) != 0 {
		t.Error("neighbour mapped")
	}
	if pa := Unmap(root, va); pa != 0x7000 || Lookup(root, va) != 0 {
		t.Errorf("unmap returned %#x", pa)
	}
	if Unmap(root, va) != 0 {
		t.Error("double unmap returned a frame")
	}
}

func TestPermits(t *testing.T) {
	ro := MakePTE(0x1000, PTEPresent|PTEUser)
	kern := MakePTE(0x1000, PTEPresent|PTEWritable|PTEGlobal)
	cases := []struct {
		e           PTE
		write, user bool
		want        bool
	}{
		{ro, false, true, true}, {ro, true, true, false},
		{kern, true, false, true}, {kern, false, true, false},
		{0, false, false, false},
	}
	for _, c := range cases {
		if got := c.e.Permits(c.write, c.user); got != c.want {
			t.Errorf("%#x.Permits(w=%v,u=%v) = %v", c.e, c.write, c.user, got)
		}
	}
}

func TestIndexSplitsAddress(t *testing.T) {
	va := uintptr(UserBase + 5*PageSize)
	if index(va, Levels-1) != 5 {
		t.Errorf("leaf index %d", index(va, Levels-1))
	}
	if index(UserBase, 0) == 0 {
		t.Error("user part starts in the kernel's top-level slot 0")
	}
	if MakePTE(0x12345678, PTEPresent).Addr() != 0x12345000 {
		t.Error("address mask")
	}
}

func TestMapOutOfFrames(t *testing.T) {
	newArena(t, 2) // root and nothing else
	root := newRoot(t)
	if Map(root, UserBase, 0x1000, PTEUser) {
		t.Fatal("map succeeded with no frames for tables")
	}
}

// identityMap fills whole last-level tables at a time: it must build
// exactly what Map page by page builds — every entry, guard pages left
// out, the same number of table frames — across table boundaries and
// with an end that is not one.
func TestIdentityMapMatchesMap(t *testing.T) {
	newArena(t, 64)
	span := uintptr(1) << levelShift[Levels-2]
	lo, hi := uintptr(PageSize), 2*span+5*PageSize
	guard := func(va uintptr) bool { return va == 3*PageSize || va == span || va == hi-PageSize }
	before := Frames.Free
	fast := newRoot(t)
	if !identityMap(fast, lo, hi, guard) {
		t.Fatal("identityMap failed")
	}
	fastFrames := before - Frames.Free
	before = Frames.Free
	slow := newRoot(t)
	for va := lo; va < hi; va += PageSize {
		if !guard(va) && !Map(slow, va, va, kernelFlags) {
			t.Fatal("Map failed")
		}
	}
	if slowFrames := before - Frames.Free; fastFrames != slowFrames {
		t.Errorf("identityMap used %d frames, Map %d", fastFrames, slowFrames)
	}
	for va := uintptr(0); va < hi+span; va += PageSize {
		if f, s := Lookup(fast, va), Lookup(slow, va); f != s {
			t.Fatalf("va %#x: identityMap entry %#x, Map entry %#x", va, f, s)
		}
	}
	if Lookup(fast, 2*PageSize).Addr() != 2*PageSize || Lookup(fast, span).Has(PTEPresent) || Lookup(fast, 0).Has(PTEPresent) {
		t.Error("wrong entries for a mapped page, a guard page or page 0")
	}
}
