package mm

import (
	"sync/atomic"

	"tlbrace/kernel/preempt"
	"tlbrace/kernel/spin"
	"tlbrace/kernel/trace"
)

// MM is an address space: Linux 2.6's mm_struct, reduced to what the race
// needs. Its top-level table (Root, Linux's pgd) has the kernel slots
// copied from KernelRoot and private user slots.
//
// Two reference counts, as in Linux:
//   - Users (mm_users): tasks that own this mm as their task.mm. When it
//     drops to zero the user mappings are torn down (exit_mmap).
//   - Count (mm_count): references to the struct and its page tables —
//     one for all the Users together, plus one per lazy-TLB borrower
//     (a kernel thread whose active_mm is this mm). When it drops to zero
//     the top-level table is freed too.
//
// CR3 holds no reference. A kernel thread that writes a stale CR3 (the
// race) can leave the CPU walking a freed page table: Drop checks for it.
type MM struct {
	ID    int
	Root  uintptr // physical address of the top-level table
	Users int32
	Count int32
	VMAs  VMAList
	Pages int // user pages mapped (demand-paged frames)
	used  bool

	// cpuMask is cpu_vm_mask: the CPUs that may hold this mm's
	// translations (tlbstate.go), which a shootdown must reach.
	cpuMask atomic.Uint32
	// PTLock is page_table_lock: it guards the page tables and the VMAs
	// against the other CPUs running tasks of the same mm (demand faults,
	// mmap, munmap).
	PTLock spin.Lock
}

// MaxMMs bounds the address spaces alive at once.
const MaxMMs = 32

var (
	mms    [MaxMMs]MM
	nextID = 1

	// Counters for stat and the stress reports.
	MMsCreated, MMsFreed uint64
	// StaleRootFrees counts address spaces freed while CR3 still pointed
	// at their page table: a use-after-free that only a wrong CR3 causes.
	StaleRootFrees uint64
	// OnStaleRoot, when set, is told about such a free (the stress
	// workload reports it as a detection).
	OnStaleRoot func(m *MM)
)

// NewMM creates an empty address space: kernel slots shared, no user
// mappings. Users and Count start at one. It returns nil when out of mm
// structs or frames.
func NewMM() *MM {
	// Claim a slot and a root frame with interrupts off: two kernel
	// threads creating address spaces must not take the same slot.
	flags := lockFrames()
	var m *MM
	for i := range mms {
		if !mms[i].used {
			m = &mms[i]
			break
		}
	}
	root, ok := Frames.Alloc()
	if m == nil || !ok {
		if ok {
			Frames.FreeFrame(root)
		}
		unlockFrames(flags)
		return nil
	}
	*m = MM{ID: nextID, Root: root, Users: 1, Count: 1, used: true, PTLock: spin.Lock{Name: "page_table_lock"}}
	*rootSlot(root) = m
	nextID++
	MMsCreated++
	unlockFrames(flags)
	// Kernel slots shared, user slots empty: the user slots are one run,
	// [userSlots()), so three block moves (an exiting workload builds
	// thousands of address spaces a second).
	src, dst := tableAt(KernelRoot), tableAt(root)
	lo, hi := userSlots()
	copy(dst[:lo], src[:lo])
	clear(dst[lo:hi])
	copy(dst[hi:], src[hi:])
	return m
}

// NoMM is what IDOrNone returns for no address space (a kernel thread's
// own mm); the trace and the reports print it as "no mm".
const NoMM = -1

// IDOrNone returns m's id, or NoMM when m is nil.
func (m *MM) IDOrNone() int {
	if m == nil {
		return NoMM
	}
	return m.ID
}

// Grab takes a structural reference (mmgrab / atomic_inc(&mm->mm_count)):
// what a lazy-TLB kernel thread does when it borrows this mm.
func (m *MM) Grab() { atomic.AddInt32(&m.Count, 1) }

// GrabUser takes a user reference (mmget): another task owns this mm too
// (a thread made by clone).
func (m *MM) GrabUser() { atomic.AddInt32(&m.Users, 1) }

// Drop releases a structural reference (mmdrop). The last one frees the
// top-level table and the struct.
func (m *MM) Drop() {
	if atomic.AddInt32(&m.Count, -1) > 0 {
		return
	}
	// From the last reference to the free, no preemption. The check and
	// the repair below must not be split by a switch: preempted between
	// them, we would come back on another active_mm and write the wrong
	// CR3 ourselves — the seed's race inside its own detector (found by
	// tools/audit). And the mm, no longer counted but not yet free, must
	// not be left half way: a task preempted here (in finish_task_switch's
	// mmdrop, say) and then killed by a workload's teardown never comes
	// back to free it — an mm with no references, alive for good, and its
	// page directory leaked (a 2-CPU stress run's leak check caught it).
	preempt.Disable()
	trace.Add(trace.FreePGD, 0, 0, m.ID, m.Root, 0)
	if readCR3() == m.Root {
		// Nothing that holds a reference runs on this mm, yet the CPU
		// walks its tables: someone wrote a stale CR3.
		StaleRootFrees++
		if OnStaleRoot != nil {
			OnStaleRoot(m)
		}
		// Do not keep walking a freed table: load what the scheduler
		// believes the running task is on.
		root := KernelRoot
		if Current != nil {
			if a := Current().ActiveMM; a != nil && a != m {
				root = a.Root
			}
		}
		writeCR3(root)
	}
	// Out of the root cache first: once the frame and the slot are free,
	// another CPU may take both for a new mm (the same *MM).
	if *rootSlot(m.Root) == m {
		*rootSlot(m.Root) = nil
	}
	FreeFrame(m.Root)
	m.used = false
	atomic.AddUint64(&MMsFreed, 1)
	preempt.Enable()
}

// Put releases a user reference (mmput): the last one tears the user
// mappings down (exit_mmap, teardown.go) and drops the users' shared
// structural reference.
func (m *MM) Put() {
	if atomic.AddInt32(&m.Users, -1) > 0 {
		return
	}
	m.exitMMap()
	m.Drop()
}

// unmapUser frees every user page and user page table below Root: what
// exitMMap's unmapping of the VMAs left (page tables, and pages mapped
// outside any VMA, as kernel tests do).
func (m *MM) unmapUser() {
	t := tableAt(m.Root)
	lo, hi := userSlots()
	for i := lo; i < hi; i++ {
		if !t[i].Has(PTEPresent) {
			continue
		}
		freeTable(t[i].Addr(), 1)
		t[i] = 0
	}
	m.Pages = 0
}

// freeTable frees a table at the given level and everything below it.
func freeTable(pa uintptr, level int) {
	t := tableAt(pa)
	if *t == emptyTable { // the common case after exitMMap: one block compare
		FreeFrame(pa)
		return
	}
	for i := range t {
		if !t[i].Has(PTEPresent) {
			continue
		}
		if level == Levels-1 {
			FreeFrame(t[i].Addr()) // a user page
		} else {
			freeTable(t[i].Addr(), level+1)
		}
	}
	FreeFrame(pa)
}

// emptyTable is a table with no entry present, to compare with.
var emptyTable table

// userSlots returns the top-level slots [lo, hi) of the user half; every
// other slot is a kernel slot.
func userSlots() (lo, hi int) {
	return index(UserBase, 0), index(UserTop-1, 0) + 1
}

// Live counts the live address spaces (init_mm not included).
func Live() int {
	n := 0
	for i := range mms {
		if mms[i].used {
			n++
		}
	}
	return n
}

// Each calls fn for every live address space.
func Each(fn func(m *MM)) {
	for i := range mms {
		if mms[i].used {
			fn(&mms[i])
		}
	}
}

// MapZeroed maps a fresh zeroed frame at the page containing va with the
// VMA's permissions: demand paging.
func (m *MM) MapZeroed(va uintptr, v *VMA) bool {
	pa, ok := AllocFrame()
	if !ok {
		return false
	}
	zeroFrame(pa)
	if !Map(m.Root, va&^(PageSize-1), pa, v.PTEFlags()) {
		FreeFrame(pa)
		return false
	}
	m.Pages++
	return true
}

// UserBytes returns the kernel view of user memory [va, va+n) in this mm,
// faulting pages in (demand paging) as needed; it never touches CR3, so it
// works whatever the CPU's CR3 holds. fn is called per page piece. It
// reports false if any part is outside the VMAs or not allowed.
func (m *MM) UserBytes(va, n uintptr, write bool, fn func(p []byte)) bool {
	if !m.VMAs.CoversRange(va, n, write) {
		return false
	}
	for n > 0 {
		page := va &^ (PageSize - 1)
		e := Lookup(m.Root, page)
		if !e.Has(PTEPresent) {
			if !m.MapZeroed(page, m.VMAs.Find(page)) {
				return false
			}
			e = Lookup(m.Root, page)
		}
		off := va - page
		k := PageSize - off
		if k > n {
			k = n
		}
		fn(physBytes(e.Addr()+off, k))
		va += k
		n -= k
	}
	return true
}

// CopyIn writes src into this address space at va, mapping the pages as
// needed with their VMA's permissions — for the loader, which fills
// read-only text too. It reports false outside the VMAs or out of frames.
func (m *MM) CopyIn(va uintptr, src []byte) bool {
	for len(src) > 0 {
		page := va &^ (PageSize - 1)
		v := m.VMAs.Find(page)
		if v == nil {
			return false
		}
		e := Lookup(m.Root, page)
		if !e.Has(PTEPresent) {
			if !m.MapZeroed(page, v) {
				return false
			}
			e = Lookup(m.Root, page)
		}
		off := va - page
		n := copy(physBytes(e.Addr()+off, PageSize-off), src)
		src = src[n:]
		va += uintptr(n)
	}
	return true
}

// Alive reports whether the address space still exists (not yet freed by
// its last Drop).
func (m *MM) Alive() bool { return m.used }
