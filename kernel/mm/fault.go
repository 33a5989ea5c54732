package mm

import (
	"sync/atomic"

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
	CPU      int // the CPU it faulted on
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
	runs [rt.MaxStacks]faultRun // one per task: task i runs on stack i (sched.MaxTasks)
)

// faultRun is one task's current run of spurious faults: on which page,
// CR3Loads when it began, how many faults so far.
type faultRun struct {
	page  uintptr
	loads uint64
	n     int
}

// The CPU's CR2 (the faulting address), through a variable so host tests
// can stand in for it, as they do for CR3 (tlb.go).
var readCR2 = asm.ReadCR2

// FaultKind is the fault handler's verdict on a page fault.
type FaultKind uint8

const (
	Oops     FaultKind = iota // a kernel-mode fault, or no user mm to judge it by: a kernel bug
	Segv                      // outside every VMA of the task, or against its permissions: kill it
	Spurious                  // present and permitted in the task's mm, faulted anyway: a wrong CR3
	Demand                    // inside a VMA, not mapped yet: demand paging
)

var kindNames = [...]string{Oops: "oops", Segv: "segfault", Spurious: "spurious", Demand: "demand"}

func (k FaultKind) String() string { return kindNames[k] }

// Fault is one page fault as the handler judged it.
type Fault struct {
	Kind         FaultKind
	Why          string  // Oops: what kind of kernel bug
	VA           uintptr // CR2
	Write, Fetch bool
	VMA          *VMA // Segv: the VMA that refused (nil: none contains VA); Demand: the VMA to map from
}

// Classify judges a page fault with the given error code, by CR2 and the
// faulting task t (nil when there is no scheduler yet). It changes
// nothing: HandlePageFault acts on the verdict.
func Classify(code uintptr, t *Task) Fault {
	// Error code bits: Intel SDM Vol. 3A §4.7, Figure 4-12 (bit 0, P, is
	// not needed: the handler asks the task's own page tables instead).
	c := Fault{VA: readCR2(), Write: code&2 != 0, Fetch: code&16 != 0}
	user := code&4 != 0
	switch {
	case !user || t == nil:
		c.Kind, c.Why = Oops, "kernel page fault"
	case t.MM == nil:
		c.Kind, c.Why = Oops, "user-mode page fault in a task without an mm"
	default:
		c.VMA = t.MM.VMAs.Find(c.VA)
		switch {
		case c.VMA == nil || !c.VMA.Allows(c.Write, c.Fetch):
			c.Kind = Segv
		case Lookup(t.MM.Root, c.VA).Permits(c.Write, true):
			c.Kind = Spurious
		default:
			c.Kind = Demand
		}
	}
	return c
}

// faulting holds the task HandlePageFault judges by, one slot per CPU: a
// local whose address reaches a function value would escape to the
// (absent) heap, so it is static — but never shared. With one slot for
// all CPUs, two CPUs faulting at once overwrote each other's: a task was
// judged by the other's mm (WRONG-CR3 on its own first stack push, a
// SEGFAULT report naming one task and the kill hitting the other, a
// demand page mapped into the wrong mm). The handler runs with
// interrupts off (an interrupt gate), so its CPU's slot is its own until
// it returns.
var faulting [rt.MaxCPUs]Task

// HandlePageFault is the #PF handler.
func HandlePageFault(f *trap.Frame, g *rt.G) {
	var t *Task
	if Current != nil {
		cur := Current()
		slot := &faulting[uint(cur.CPU)%rt.MaxCPUs]
		*slot = cur
		t = slot
	}
	// Other CPUs may run tasks of the same mm: its page tables and VMAs
	// are read and changed under its page_table_lock.
	var lock *MM
	if t != nil && t.MM != nil && f.ErrorCode&4 != 0 {
		lock = t.MM
	}
	var flags uintptr
	if lock != nil {
		flags = lockPT(lock)
	}
	c := Classify(f.ErrorCode, t)
	mapped := c.Kind == Demand && t.MM.MapZeroed(c.VA, c.VMA)
	if lock != nil {
		unlockPT(lock, flags)
	}
	switch c.Kind {
	case Oops:
		trap.Oops(f, g, c.Why)
	case Segv:
		atomic.AddUint64(&Segfaults, 1)
		reportSegfault(t, f.IP, &c)
		if OnSegfault != nil {
			OnSegfault(t, c.VA, c.Write)
		}
		Kill("segmentation fault")
	case Spurious:
		// The race's signature. Nothing to fix in the task's tables: the
		// CPU will fault again as long as CR3 stays wrong.
		spurious(t, c.VA, c.Write)
	case Demand:
		if !mapped {
			console.Printf("task %d (%s): out of memory at %#x\n", t.ID, t.Name, c.VA)
			Kill(OutOfMemory)
			return
		}
		atomic.AddUint64(&DemandFaults, 1)
	}
}

// spurious handles a fault on a present, permitted page.
func spurious(t *Task, va uintptr, write bool) {
	atomic.AddUint64(&SpuriousFaults, 1)
	n := countRun(t.ID, va)
	if n == 1 {
		atomic.AddUint64(&SpuriousEpisodes, 1)
	}
	if n == 1 && !QuietSpurious {
		ReportWrongCR3(t, va, write)
	}
	if OnSpurious != nil {
		OnSpurious(t, va, write, n)
	}
}

// countRun is the lockup detector's count: how many times in a row task
// has now faulted on the page of va with a present PTE, with no CR3 load
// in between (1 for the first fault of an episode). A CR3 load may heal a
// wrong CR3, so it starts a new episode; so does a fault of the same task
// on another page. The stress workload reports LOCKUP when the count
// reaches lockup= (Linux 2.6.10 had no count: the loop never ended).
func countRun(task int, va uintptr) int {
	//lab:detect begin
	page := va &^ (PageSize - 1)
	r := &runs[task%len(runs)]
	if r.page != page || r.loads != CR3Loads || r.n == 0 {
		*r = faultRun{page, CR3Loads, 0}
	}
	r.n++
	return r.n
	//lab:detect stub
	//// LAB detect (docs/labs/detect.md): count the faults in a row, per
	//// task (runs[task]), on one page, with no CR3 load (CR3Loads)
	//// in between. As it stands every fault looks like the first.
	//return 1
	//lab:detect end
}

// ReportWrongCR3 prints the race signature: CR3 and the page table of the
// scheduler's active_mm side by side.
func ReportWrongCR3(t *Task, va uintptr, write bool) {
	g := console.Begin() // one report, not split by another CPU's output
	defer console.End(g)
	cr3 := readCR3()
	console.Printf("WRONG-CR3: task %d (%s) faulted on %#x (%s) although its mm %d maps it present and %s\n",
		t.ID, t.Name, va, access(write, false), t.MM.ID, access(write, false)+"able")
	active := uintptr(0)
	if t.ActiveMM != nil {
		active = t.ActiveMM.Root
	}
	console.Printf("  cr3 %#x  active_mm %d page table %#x  mm %d page table %#x  -> cr3 belongs to ",
		cr3, t.ActiveMM.IDOrNone(), active, t.MM.ID, t.MM.Root)
	PrintOwner(cr3)
	console.Print("\n")
}

// OwnerOf returns the live address space whose page table is at pa (nil
// for the kernel's own table or a freed one). The trace asks at every
// switch: a direct-mapped cache of roots (rootCache) answers first.
func OwnerOf(pa uintptr) *MM {
	if m := *rootSlot(pa); m != nil && m.used && m.Root == pa {
		return m
	}
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
		console.Print("init_mm, the kernel's own page table (no user mappings)")
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

func reportSegfault(t *Task, ip uintptr, c *Fault) {
	g := console.Begin() // one report, not split by another CPU's output
	defer console.End(g)
	console.Printf("SEGFAULT: task %d (%s) %s at %#x, ip %#x: ", t.ID, t.Name, access(c.Write, c.Fetch), c.VA, ip)
	if c.VMA == nil {
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

// rootCache remembers, for each of 64 buckets of page-directory frames,
// the last address space created with its root there: OwnerOf's fast path.
var rootCache [64]*MM

func rootSlot(pa uintptr) **MM { return &rootCache[(pa/PageSize)%uintptr(len(rootCache))] }
