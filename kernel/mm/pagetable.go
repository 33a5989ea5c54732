package mm

import "unsafe"

// The page-table walker: one function per operation (walk, map, unmap,
// lookup), the same code for both formats, which differ only in Levels,
// levelShift and entriesPerTable.

// table is one page-table page.
type table [entriesPerTable]PTE

// physToVirt turns a physical address into one the kernel can dereference.
// In the kernel all RAM is identity-mapped; host tests point it at an arena.
var physToVirt = identity

func identity(pa uintptr) uintptr { return pa }

func tableAt(pa uintptr) *table { return (*table)(unsafe.Pointer(physToVirt(pa))) }

// Frames is the allocator page tables come from; the kernel points it at
// its global allocator, host tests at their own.
var Frames *FrameAllocator

// zeroFrame clears a frame.
func zeroFrame(pa uintptr) {
	t := tableAt(pa)
	for i := range t {
		t[i] = 0
	}
}

// walk returns the last-level entry for va under root, creating missing
// intermediate tables with the given flags when create is set. It returns
// nil when a table is missing and create is false, or when frames ran out.
func walk(root uintptr, va uintptr, create bool, tableFlags PTE) *PTE {
	t := tableAt(root)
	for level := 0; level < Levels-1; level++ {
		e := &t[index(va, level)]
		if !e.Has(PTEPresent) {
			if !create {
				return nil
			}
			pa, ok := AllocFrame()
			if !ok {
				return nil
			}
			zeroFrame(pa)
			*e = MakePTE(pa, PTEPresent|tableFlags)
		}
		t = tableAt(e.Addr())
	}
	return &t[index(va, Levels-1)]
}

// Map maps the page at va to the frame pa with flags (Present is added).
// Intermediate tables of user addresses get User|Writable so the leaf
// entry alone decides; kernel ones stay supervisor-only.
func Map(root, va, pa uintptr, flags PTE) bool {
	tf := PTEWritable
	if flags.Has(PTEUser) {
		tf |= PTEUser
	}
	e := walk(root, va, true, tf)
	if e == nil {
		return false
	}
	*e = MakePTE(pa, flags|PTEPresent)
	return true
}

// Unmap clears va's entry and returns the frame it mapped (0 if none).
// The caller flushes the TLB.
func Unmap(root, va uintptr) uintptr {
	e := walk(root, va, false, 0)
	if e == nil || !e.Has(PTEPresent) {
		return 0
	}
	pa := e.Addr()
	*e = 0
	return pa
}

// Lookup returns va's last-level entry under root (0 if unmapped). This is
// a software walk of the tables root names — which may not be the tables
// the CPU is walking, when CR3 and the scheduler disagree.
func Lookup(root, va uintptr) PTE {
	e := walk(root, va, false, 0)
	if e == nil {
		return 0
	}
	return *e
}

// Translate returns the physical address va maps to under root.
func Translate(root, va uintptr) (uintptr, bool) {
	e := Lookup(root, va)
	if !e.Has(PTEPresent) {
		return 0, false
	}
	return e.Addr() | va&(PageSize-1), true
}
