package mm

import (
	"testing"

	"tlbrace/kernel/trap"
)

// Page-fault error code bits (Intel SDM Vol. 3A §4.7, Figure 4-12).
const (
	errPresent = 1
	errWrite   = 2
	errUser    = 4
	errFetch   = 16
)

// faultSetup builds, in the host arena, a task whose mm has a read-write
// VMA of two pages at UserBase (the first mapped), a read-only page after
// it, and stands in for CR2, CR3 and the scheduler's hooks.
func faultSetup(t *testing.T) (task *Task, cr2 *uintptr, killed *string) {
	t.Helper()
	newArena(t, 128)
	KernelRoot = newRoot(t)
	var cr2v, cr3 uintptr
	var why string
	readCR2 = func() uintptr { return cr2v }
	readCR3 = func() uintptr { return cr3 }
	writeCR3 = func(v uintptr) { cr3 = v }
	m := NewMM()
	if m == nil {
		t.Fatal("NewMM")
	}
	m.VMAs.Add(UserBase, UserBase+2*PageSize, PermRead|PermWrite)
	m.VMAs.Add(UserBase+2*PageSize, UserBase+3*PageSize, PermRead)
	if !m.MapZeroed(UserBase, m.VMAs.Find(UserBase)) {
		t.Fatal("MapZeroed")
	}
	task = &Task{ID: 3, Name: "victim", MM: m, ActiveMM: m}
	cr3 = KernelRoot // the CPU walks other tables than the task's: the race
	Current = func() Task { return *task }
	Kill = func(w string) { why = w }
	OnSpurious, OnSegfault = nil, nil
	t.Cleanup(func() {
		readCR2, readCR3, writeCR3 = nil, nil, nil
		Current, Kill, OnSpurious, OnSegfault = nil, nil, nil, nil
	})
	return task, &cr2v, &why
}

func TestClassify(t *testing.T) {
	task, cr2, _ := faultSetup(t)
	noMM := &Task{ID: 4, Name: "kthread"}
	cases := []struct {
		name string
		code uintptr
		va   uintptr
		t    *Task
		want FaultKind
		vma  bool // the verdict carries a VMA
	}{
		{"kernel-mode fault", errWrite, UserBase, task, Oops, false},
		{"kernel-mode fault on a present page", errPresent, 0x1000, task, Oops, false},
		{"no task yet", errUser, UserBase, nil, Oops, false},
		{"user fault without an mm", errUser, UserBase, noMM, Oops, false},
		{"present and permitted: wrong CR3", errUser, UserBase + 0x10, task, Spurious, true},
		{"present and permitted write: wrong CR3", errUser | errWrite, UserBase + 0x10, task, Spurious, true},
		{"in a VMA, not mapped yet", errUser, UserBase + PageSize, task, Demand, true},
		{"write into a VMA, not mapped yet", errUser | errWrite, UserBase + PageSize + 8, task, Demand, true},
		{"read of a read-only page", errUser, UserBase + 2*PageSize, task, Demand, true},
		{"write to a read-only VMA", errUser | errWrite, UserBase + 2*PageSize, task, Segv, true},
		{"fetch from a non-executable VMA", errUser | errFetch, UserBase + 0x10, task, Segv, true},
		{"outside every VMA", errUser, UserBase + 3*PageSize, task, Segv, false},
		{"kernel address from user mode", errUser | errPresent, 0x1000, task, Segv, false},
	}
	for _, c := range cases {
		*cr2 = c.va
		got := Classify(c.code, c.t)
		if got.Kind != c.want || got.VA != c.va || (got.VMA != nil) != c.vma {
			t.Errorf("%s: %v at %#x (VMA %v), want %v (VMA %v)", c.name, got.Kind, got.VA, got.VMA != nil, c.want, c.vma)
		}
		if (got.Kind == Oops) != (got.Why != "") {
			t.Errorf("%s: %v with diagnosis %q", c.name, got.Kind, got.Why)
		}
		if got.Write != (c.code&errWrite != 0) || got.Fetch != (c.code&errFetch != 0) {
			t.Errorf("%s: write %v fetch %v from error code %#x", c.name, got.Write, got.Fetch, c.code)
		}
	}
}

// TestHandlePageFault runs the handler's actions for the verdicts that do
// not stop the machine: demand paging maps the page; the same access then
// finds it present, and every further fault without a CR3 load extends
// the run the lockup detector counts; a bad access kills the task.
func TestHandlePageFault(t *testing.T) {
	task, cr2, killed := faultSetup(t)
	d0, s0, e0, v0 := DemandFaults, SpuriousFaults, SpuriousEpisodes, Segfaults
	var runs []int
	OnSpurious = func(_ *Task, _ uintptr, _ bool, run int) { runs = append(runs, run) }
	var segv uintptr
	OnSegfault = func(_ *Task, va uintptr, _ bool) { segv = va }

	*cr2 = UserBase + PageSize + 4
	HandlePageFault(&trap.Frame{ErrorCode: errUser | errWrite}, nil)
	if DemandFaults != d0+1 || !Lookup(task.MM.Root, *cr2).Has(PTEPresent) {
		t.Fatalf("demand fault: %d demand faults, page present %v", DemandFaults-d0, Lookup(task.MM.Root, *cr2).Has(PTEPresent))
	}
	for i := 0; i < 3; i++ {
		HandlePageFault(&trap.Frame{ErrorCode: errUser | errWrite}, nil)
	}
	CR3Loads++ // a CR3 load may have healed it: a new episode starts
	HandlePageFault(&trap.Frame{ErrorCode: errUser}, nil)
	if SpuriousFaults != s0+4 || SpuriousEpisodes != e0+2 || len(runs) != 4 || runs[2] != 3 || runs[3] != 1 {
		t.Errorf("spurious: %d faults, %d episodes, runs %v; want 4, 2, [1 2 3 1]", SpuriousFaults-s0, SpuriousEpisodes-e0, runs)
	}
	if *killed != "" {
		t.Errorf("a spurious fault killed the task (%q)", *killed)
	}

	*cr2 = UserBase + 2*PageSize
	HandlePageFault(&trap.Frame{ErrorCode: errUser | errWrite}, nil)
	if Segfaults != v0+1 || segv != *cr2 || *killed != "segmentation fault" {
		t.Errorf("segfault: %d segfaults, OnSegfault told %#x, killed %q", Segfaults-v0, segv, *killed)
	}
}

// TestFaultsOnTwoCPUsAtOnce interleaves two CPUs' page faults the way SMP
// does: while CPU 0's handler judges its task's fault (between asking the
// scheduler for the current task and reading that task's mm), CPU 1's
// handler runs start to end for its own task. Each must be judged by its
// own task's mm. With one faulting slot for all CPUs, CPU 0's task was
// judged by CPU 1's: its first stack push, not yet mapped in its own mm
// but present in the other's, came out as WRONG-CR3 (user.workers_isolated
// at --smp 2), and the demand page went into the wrong address space.
func TestFaultsOnTwoCPUsAtOnce(t *testing.T) {
	a, cr2, killed := faultSetup(t)
	a.CPU = 0
	m := NewMM()
	if m == nil {
		t.Fatal("NewMM")
	}
	// b's first page is already present (its stack, faulted in earlier);
	// a's second page, at the same address in a's mm, is not yet.
	m.VMAs.Add(UserBase, UserBase+2*PageSize, PermRead|PermWrite)
	if !m.MapZeroed(UserBase+PageSize, m.VMAs.Find(UserBase+PageSize)) {
		t.Fatal("MapZeroed")
	}
	b := &Task{ID: 4, Name: "other", MM: m, ActiveMM: m, CPU: 1}
	var spurious []int
	OnSpurious = func(t *Task, _ uintptr, _ bool, _ int) { spurious = append(spurious, t.ID) }

	cur, nested := a, false
	Current = func() Task { return *cur }
	readCR2 = func() uintptr {
		if !nested { // CPU 0, inside its handler: CPU 1 faults now
			nested = true
			cur = b
			*cr2 = UserBase // b's not-yet-mapped first page
			HandlePageFault(&trap.Frame{ErrorCode: errUser | errWrite}, nil)
			cur = a
			*cr2 = UserBase + PageSize // a's not-yet-mapped second page
		}
		return *cr2
	}
	d0, s0 := DemandFaults, SpuriousFaults
	*cr2 = UserBase + PageSize
	HandlePageFault(&trap.Frame{ErrorCode: errUser | errWrite}, nil)
	if SpuriousFaults != s0 || len(spurious) != 0 {
		t.Errorf("a demand fault on each CPU came out as %d spurious (tasks %v): a task was judged by the other CPU's task's mm", SpuriousFaults-s0, spurious)
	}
	if DemandFaults != d0+2 || *killed != "" {
		t.Errorf("%d demand faults, killed %q; want 2 and none", DemandFaults-d0, *killed)
	}
	if !Lookup(a.MM.Root, UserBase+PageSize).Has(PTEPresent) || !Lookup(m.Root, UserBase).Has(PTEPresent) {
		t.Errorf("demand pages: a's at %#x present %v, b's at %#x present %v; want both",
			UserBase+PageSize, Lookup(a.MM.Root, UserBase+PageSize).Has(PTEPresent), UserBase, Lookup(m.Root, UserBase).Has(PTEPresent))
	}
}
