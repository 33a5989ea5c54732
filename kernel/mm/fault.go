package mm

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// The page-fault handler (vector 14).
//
// It judges every user fault by the *current task's* mm, as Linux does,
// never by the tables CR3 points at:
//   - inside a VMA that allows the access and not mapped: demand paging,
//     map a zeroed frame and retry;
//   - outside every VMA, or against its permissions: kill the task;
//   - mapped, present and permitting the access, yet the CPU faulted: the
//     hardware is not walking the tables the scheduler thinks it is. That
//     is the signature of the race. Linux 2.6.10 would "fix" nothing and
//     return, the access would fault again, forever: the seed's "infinite
//     pagefault lockup". We count it, report it, and return just the same.
// A kernel-mode fault is an oops.

// Task is what the fault handler needs to know about the faulting task.
type Task struct {
	ID       int
	Name     string
	MM       *MM // the task's own mm (nil for a kernel thread)
	ActiveMM *MM // the mm the scheduler believes is loaded
}

var (
	// Current describes the running task; the scheduler installs it.
	Current func() Task
	// Kill ends the running user task after a report; the scheduler installs it.
	Kill func(why string)
	// OnSpurious is told about every "present PTE, fault anyway" fault and
	// how many times in a row this task has hit this page without a CR3
	// load in between (the stress workload's lockup detector).
	OnSpurious func(t *Task, va uintptr, write bool, run int)

	// OnSegfault, when set, is told about a user access outside the
	// task's VMAs before the task is killed (the stress workload checks
	// whether the address belongs to another address space).
	OnSegfault func(t *Task, va uintptr, write bool)

	// QuietSpurious stops the per-episode report line (stress runs count instead).
	QuietSpurious bool

	// Counters. An episode is a run of spurious faults by one task on one
	// page with no CR3 load in between.
	DemandFaults, SpuriousFaults, SpuriousEpisodes, Segfaults uint64

	// CR3Loads counts CR3 writes by LoadCR3: the episode clock of the
	// lockup detector (a CR3 load can heal a wrong CR3).
	CR3Loads uint64

	// runs tracks, per task id, the current run of spurious faults.
	runs [64]struct {
		page  uintptr
		loads uint64
		n     int
	}
)

// LoadCR3 points the CPU at m's page tables (the CR3 write of switch_mm).
func LoadCR3(m *MM) {
	CR3Loads++
	asm.WriteCR3(m.Root)
}

var faulting Task

// HandlePageFault is the #PF handler.
func HandlePageFault(f *trap.Frame, g *rt.G) {
	cr2 := asm.ReadCR2()
	// Error code bits: Intel SDM Vol. 3A §4.7, Figure 4-12 (bit 0, P, is
	// not needed: the handler asks the task's own page tables instead).
	write, user, fetch := f.ErrorCode&2 != 0, f.ErrorCode&4 != 0, f.ErrorCode&16 != 0
	if !user || Current == nil {
		trap.Oops(f, g, "kernel page fault")
		return
	}
	// One static Task: a local whose address reaches a function value
	// would escape to the (absent) heap.
	faulting = Current()
	t := &faulting
	if t.MM == nil {
		trap.Oops(f, g, "user-mode page fault in a task without an mm")
		return
	}
	v := t.MM.VMAs.Find(cr2)
	if v == nil || !v.Allows(write, fetch) {
		Segfaults++
		reportSegfault(t, f, cr2, write, fetch, v)
		if OnSegfault != nil {
			OnSegfault(t, cr2, write)
		}
		Kill("segmentation fault")
		return
	}
	if e := Lookup(t.MM.Root, cr2); e.Permits(write, true) {
		spurious(t, cr2, write)
		return // the CPU will fault again while CR3 stays wrong
	}
	if !t.MM.MapZeroed(cr2, v) {
		console.Printf("task %d (%s): out of memory at %#x\n", t.ID, t.Name, cr2)
		Kill(OutOfMemory)
		return
	}
	DemandFaults++
}

// spurious handles a fault on a present, permitted page.
func spurious(t *Task, va uintptr, write bool) {
	SpuriousFaults++
	page := va &^ (PageSize - 1)
	r := &runs[t.ID%len(runs)]
	if r.page != page || r.loads != CR3Loads || r.n == 0 {
		*r = struct {
			page  uintptr
			loads uint64
			n     int
		}{page, CR3Loads, 0}
	}
	r.n++
	if r.n == 1 {
		SpuriousEpisodes++
	}
	if r.n == 1 && !QuietSpurious {
		ReportWrongCR3(t, va, write)
	}
	if OnSpurious != nil {
		OnSpurious(t, va, write, r.n)
	}
}

// ReportWrongCR3 prints the race signature: CR3 and the page table of the
// scheduler's active_mm side by side.
func ReportWrongCR3(t *Task, va uintptr, write bool) {
	cr3 := asm.ReadCR3()
	console.Printf("WRONG-CR3: task %d (%s) faulted on %#x (%s) although its mm %d maps it present and %s\n",
		t.ID, t.Name, va, access(write, false), t.MM.ID, access(write, false)+"able")
	active := uintptr(0)
	activeID := 0
	if t.ActiveMM != nil {
		active, activeID = t.ActiveMM.Root, t.ActiveMM.ID
	}
	console.Printf("  cr3 %#x  active_mm %d page table %#x  mm %d page table %#x  -> cr3 belongs to ",
		cr3, activeID, active, t.MM.ID, t.MM.Root)
	PrintOwner(cr3)
	console.Print("\n")
}

// OwnerOf returns the live address space whose page table is at pa (nil
// for the kernel's own table or a freed one).
func OwnerOf(pa uintptr) *MM {
	for i := range mms {
		if mms[i].used && mms[i].Root == pa {
			return &mms[i]
		}
	}
	return nil
}

// PrintOwner names the owner of the page table at pa.
func PrintOwner(pa uintptr) {
	switch m := OwnerOf(pa); {
	case pa == KernelRoot:
		console.Print("the kernel (idle) page table")
	case m != nil:
		console.Printf("mm %d", m.ID)
	default:
		console.Print("no live mm (a freed page table)")
	}
}

func access(write, fetch bool) string {
	switch {
	case write:
		return "write"
	case fetch:
		return "fetch"
	}
	return "read"
}

func reportSegfault(t *Task, f *trap.Frame, va uintptr, write, fetch bool, v *VMA) {
	console.Printf("SEGFAULT: task %d (%s) %s at %#x, ip %#x: ", t.ID, t.Name, access(write, fetch), va, f.IP)
	if v == nil {
		console.Print("no VMA contains it\n")
	} else {
		console.Print("its VMA does not allow it\n")
	}
	PrintVMAs(t.MM)
}

// PrintVMAs lists an mm's VMAs.
func PrintVMAs(m *MM) {
	for _, v := range m.VMAs.All() {
		console.Printf("  vma [%#x, %#x) %c%c%c\n", v.Start, v.End,
			flag(v.Perm&PermRead != 0, 'r'), flag(v.Perm&PermWrite != 0, 'w'), flag(v.Perm&PermExec != 0, 'x'))
	}
}

func flag(on bool, c byte) byte {
	if on {
		return c
	}
	return '-'
}

// OwnerID returns the id of the address space whose page table is at pa:
// 0 for the kernel's (init_mm), -2 for none (a freed or foreign table).
func OwnerID(pa uintptr) int {
	if pa == KernelRoot {
		return 0
	}
	if m := OwnerOf(pa); m != nil {
		return m.ID
	}
	return -2
}

// Owning returns a live address space other than not whose VMAs contain
// va, or nil.
func Owning(va uintptr, not *MM) *MM {
	for i := range mms {
		if m := &mms[i]; m.used && m != not && m.VMAs.Find(va) != nil {
			return m
		}
	}
	return nil
}
