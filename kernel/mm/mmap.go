package mm

// mmap and munmap of anonymous memory: the mapping changes that make TLB
// shootdowns necessary when several CPUs run tasks of one address space.

// Results of MapAnon and UnmapRange (negated into errno values by the
// system calls).
const (
	MapOK      = 0
	MapBad     = 1 // not page-aligned, empty, outside user space, too long
	MapOverlap = 2 // overlaps a mapping, or too many mappings
	MapNone    = 3 // munmap: no mapping is exactly that range
)

// The page_table_lock of an mm, through variables so host tests can stand
// in for it (like the frame allocator's, frames.go).
var (
	lockPT   = ptLockIRQSave
	unlockPT = ptUnlockIRQRestore
)

func ptLockIRQSave(m *MM) uintptr             { return m.PTLock.LockIRQSave() }
func ptUnlockIRQRestore(m *MM, flags uintptr) { m.PTLock.UnlockIRQRestore(flags) }

// MaxMapPages bounds one mmap/munmap.
const MaxMapPages = 16

// MapAnon adds an anonymous read-write mapping [va, va+n): its pages are
// demand-zero, mapped at the first touch.
func (m *MM) MapAnon(va, n uintptr) int {
	if va%PageSize != 0 || n == 0 || n%PageSize != 0 || n/PageSize > MaxMapPages {
		return MapBad
	}
	flags := lockPT(m)
	r := m.VMAs.Add(va, va+n, PermRead|PermWrite)
	unlockPT(m, flags)
	switch r {
	case VMAOK:
		return MapOK
	case VMAOverlap, VMAFull:
		return MapOverlap
	}
	return MapBad
}

// UnmapRange removes the mapping [va, va+n) (exactly one mmap'ed range):
// its page-table entries are cleared, every CPU that may hold their
// translations is flushed (FlushTLBRange: here and by IPI), and only then
// are the frames freed — freed first, a frame could be handed out again
// while another CPU still reaches it through a stale translation.
func (m *MM) UnmapRange(va, n uintptr) int {
	if va%PageSize != 0 || n == 0 || n%PageSize != 0 || n/PageSize > MaxMapPages {
		return MapBad
	}
	var frames [MaxMapPages]uintptr
	k := 0
	flags := lockPT(m)
	if !m.VMAs.Remove(va, va+n) {
		unlockPT(m, flags)
		return MapNone
	}
	for p := va; p < va+n; p += PageSize {
		if pa := Unmap(m.Root, p); pa != 0 {
			frames[k] = pa
			k++
			m.Pages--
		}
	}
	unlockPT(m, flags)
	FlushTLBRange(m, va, va+n)
	for _, pa := range frames[:k] {
		FreeFrame(pa)
	}
	return MapOK
}
