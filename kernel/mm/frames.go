package mm

import (
	"math/bits"

	"tlbrace/kernel/spin"
)

// Physical frame allocator: one bit per 4 KiB frame, set = in use.
// It is fed by the Multiboot memory map (AddFree) minus what must never be
// handed out (Reserve: page 0, the BIOS area, the kernel image, the boot
// modules). A bitmap makes a double free detectable: freeing a frame whose
// bit is already clear is a kernel bug and is reported, not absorbed.

// PageSize is the size of a frame and of a small page (Intel SDM Vol. 3A §4.1.1).
const PageSize = 4096

// MaxPhys bounds the physical memory tlbrace manages (and identity-maps).
const MaxPhys = 1 << 30

const maxFrames = MaxPhys / PageSize

// FrameAllocator hands out 4 KiB physical frames.
type FrameAllocator struct {
	used   [maxFrames / 64]uint64
	next   uintptr // search hint: lowest frame number that may be free
	top    uintptr // one past the highest frame ever added
	Free   int     // frames free now
	Total  int     // frames ever added
	Allocs uint64  // successful allocations
	Frees  uint64  // successful frees
	// Failures, kept as counts so the caller decides how loud to be.
	Exhausted   uint64
	DoubleFrees uint64
	BadFrees    uint64
	// Injected counts allocations failed on purpose (oom.go), not
	// counted in Exhausted.
	Injected uint64
	fail     failPolicy
}

// Init marks every frame used; AddFree then opens the usable ones.
func (a *FrameAllocator) Init() {
	for i := range a.used {
		a.used[i] = ^uint64(0)
	}
	a.next, a.top, a.Free, a.Total = 0, 0, 0, 0
}

// AddFree makes the whole frames inside [base, base+size) available.
func (a *FrameAllocator) AddFree(base, size uint64) {
	lo := (base + PageSize - 1) / PageSize
	hi := (base + size) / PageSize
	if hi > maxFrames {
		hi = maxFrames
	}
	for f := lo; f < hi; {
		if f%64 == 0 && f+64 <= hi {
			// A whole word of the bitmap at once: at boot this opens all
			// of RAM, every instruction of it before the ready line.
			w := &a.used[f/64]
			n := bits.OnesCount64(*w)
			*w = 0
			a.Free += n
			a.Total += n
			f += 64
			continue
		}
		if a.isUsed(uintptr(f)) {
			a.clear(uintptr(f))
			a.Free++
			a.Total++
		}
		f++
	}
	if uintptr(hi) > a.top {
		a.top = uintptr(hi)
	}
}

// Reserve takes the frames overlapping [base, base+size) out of use.
func (a *FrameAllocator) Reserve(base, size uint64) {
	lo := base / PageSize
	hi := (base + size + PageSize - 1) / PageSize
	if hi > maxFrames {
		hi = maxFrames
	}
	for f := lo; f < hi; f++ {
		if !a.isUsed(uintptr(f)) {
			a.set(uintptr(f))
			a.Free--
			a.Total--
		}
	}
}

// Alloc returns a free frame's physical address; ok is false when none is left.
func (a *FrameAllocator) Alloc() (pa uintptr, ok bool) {
	if a.injectFailure() {
		a.Injected++
		return 0, false
	}
	for f := a.next; f < a.top; f++ {
		if a.used[f/64] == ^uint64(0) {
			f |= 63 // whole word used: skip it
			continue
		}
		if !a.isUsed(f) {
			a.set(f)
			a.next = f + 1
			a.Free--
			a.Allocs++
			return f * PageSize, true
		}
	}
	a.Exhausted++
	return 0, false
}

// FreeFrame returns a frame. It reports false (and counts) a double free
// or a frame that was never managed, instead of corrupting the bitmap.
func (a *FrameAllocator) FreeFrame(pa uintptr) bool {
	f := pa / PageSize
	if pa%PageSize != 0 || f >= a.top {
		a.BadFrees++
		return false
	}
	if !a.isUsed(f) {
		a.DoubleFrees++
		return false
	}
	a.clear(f)
	if f < a.next {
		a.next = f
	}
	a.Free++
	a.Frees++
	return true
}

func (a *FrameAllocator) isUsed(f uintptr) bool { return a.used[f/64]&(1<<(f%64)) != 0 }
func (a *FrameAllocator) set(f uintptr)         { a.used[f/64] |= 1 << (f % 64) }
func (a *FrameAllocator) clear(f uintptr)       { a.used[f/64] &^= 1 << (f % 64) }

// The frame allocator is shared by process context (a kernel thread
// loading a program) and interrupt context (the page-fault handler mapping
// a demand-zero page). Preempted — or interrupted by a fault — between
// finding a free bit and setting it, two callers would get the same frame:
// seen here as a worker's page table overwritten by another program's
// text. Interrupts off keeps this CPU's own handlers out, the spinlock
// the other CPUs. Host tests replace the two hooks with no-ops.
var (
	lockFrames   = framesLockIRQSave
	unlockFrames = framesUnlockIRQRestore
	framesLock   = spin.Lock{Name: "frames"}
)

func framesLockIRQSave() uintptr           { return framesLock.LockIRQSave() }
func framesUnlockIRQRestore(flags uintptr) { framesLock.UnlockIRQRestore(flags) }

// AllocFrame allocates a frame from Frames with interrupts off.
func AllocFrame() (uintptr, bool) {
	f := lockFrames()
	pa, ok := Frames.Alloc()
	unlockFrames(f)
	return pa, ok
}

// FreeFrame returns a frame to Frames with interrupts off. A double free
// or a frame that was never managed is a kernel bug: reported through
// OnBadFree, counted, and the bitmap left intact.
func FreeFrame(pa uintptr) bool {
	f := lockFrames()
	ok := Frames.FreeFrame(pa)
	unlockFrames(f)
	if !ok && OnBadFree != nil {
		OnBadFree(pa)
	}
	return ok
}

// OnBadFree, when set, reports a bad FreeFrame (the kernel prints a BUG line).
var OnBadFree func(pa uintptr)
