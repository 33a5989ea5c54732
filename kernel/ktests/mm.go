package ktests

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/hooks"
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user"
)

// Kernel tests of address spaces and TLB control on the real MMU.

const testVA = mm.UserBase + 0x0500_0000

// frameWith allocates a frame holding v in its first word.
func frameWith(v uintptr) uintptr {
	pa, ok := mm.AllocFrame()
	if !ok {
		return 0
	}
	*(*uintptr)(unsafe.Pointer(pa)) = v // RAM is identity-mapped
	return pa
}

// readVA reads a word through the MMU, with whatever CR3 holds now.
//
//go:noinline
func readVA(va uintptr) uintptr { return *(*uintptr)(unsafe.Pointer(va)) }

// onMM runs fn with CR3 pointing at m, preemption disabled (so no switch
// can disturb the borrowed CR3), then restores the scheduler's CR3.
func onMM(m *mm.MM, fn func()) {
	preempt.Disable()
	mm.LoadCR3(m)
	fn()
	mm.LoadCR3(sched.Current().ActiveMM)
	preempt.Enable()
}

func testMapUnmap(t *ktest.T) {
	free := mm.Phys.Free
	m := mm.NewMM()
	if !t.Check(m != nil, "NewMM failed") {
		return
	}
	f1 := frameWith(0x1111)
	t.Check(mm.Map(m.Root, testVA, f1, mm.PTEUser|mm.PTEWritable), "Map failed")
	pa, ok := mm.Translate(m.Root, testVA+8)
	t.Check(ok && pa == f1+8, "Translate = %#x %v, want %#x", pa, ok, f1+8)
	t.Check(!mm.Lookup(m.Root, testVA).Has(mm.PTEGlobal), "user page marked global")
	t.Check(mm.Lookup(mm.KernelRoot, testVA) == 0, "the mapping leaked into the kernel table")
	t.Check(mm.Unmap(m.Root, testVA) == f1 && mm.Lookup(m.Root, testVA) == 0, "Unmap")
	mm.FreeFrame(f1)
	m.Put()
	t.Check(mm.Phys.Free == free, "teardown leaked %d frames", free-mm.Phys.Free)
}

func testIsolation(t *ktest.T) {
	a, b := mm.NewMM(), mm.NewMM()
	fa, fb := frameWith(0xaaaa), frameWith(0xbbbb)
	mm.Map(a.Root, testVA, fa, mm.PTEUser|mm.PTEWritable)
	mm.Map(b.Root, testVA, fb, mm.PTEUser|mm.PTEWritable)
	var va, vb uintptr
	onMM(a, func() { va = readVA(testVA) })
	onMM(b, func() { vb = readVA(testVA) })
	t.Check(va == 0xaaaa && vb == 0xbbbb, "a reads %#x, b reads %#x", va, vb)
	a.Put()
	b.Put()
}

// testFlushMakesChangeVisible remaps a page under a live CR3 and checks
// that each flush primitive makes the new mapping visible. (QEMU may
// flush more than the architecture requires, so no check demands that a
// missing flush keeps the stale entry.)
func testFlushMakesChangeVisible(t *ktest.T) {
	m := mm.NewMM()
	f1, f2 := frameWith(1), frameWith(2)
	onMM(m, func() {
		mm.Map(m.Root, testVA, f1, mm.PTEUser|mm.PTEWritable)
		mm.FlushOne(testVA)
		t.Check(readVA(testVA) == 1, "initial mapping: read %d", readVA(testVA))
		mm.Map(m.Root, testVA, f2, mm.PTEUser|mm.PTEWritable)
		mm.FlushOne(testVA)
		t.Check(readVA(testVA) == 2, "after INVLPG: read %d", readVA(testVA))
		mm.Map(m.Root, testVA, f1, mm.PTEUser|mm.PTEWritable)
		mm.Flush()
		t.Check(readVA(testVA) == 1, "after flushTLB: read %d", readVA(testVA))
		// A Global entry survives a CR3 write; only flushTLBGlobal
		// (CR4.PGE toggle) is guaranteed to drop it.
		mm.Map(m.Root, testVA, f2, mm.PTEUser|mm.PTEWritable|mm.PTEGlobal)
		mm.FlushGlobal()
		_ = readVA(testVA)
		mm.Map(m.Root, testVA, f1, mm.PTEUser|mm.PTEWritable|mm.PTEGlobal)
		mm.FlushGlobal()
		t.Check(readVA(testVA) == 1, "after flushTLBGlobal: read %d", readVA(testVA))
		mm.Unmap(m.Root, testVA)
		mm.FlushGlobal()
	})
	t.Check(asm.ReadCR4()&mm.CR4PGE != 0, "CR4.PGE off after flushTLBGlobal")
	mm.FreeFrame(f1)
	mm.FreeFrame(f2)
	m.Put()
}

// readCode is a user program (same bytes in 32- and 64-bit mode): read
// the word at BX, then exit(0).
var readCode = [...]byte{
	0x8b, 0x03, //                   mov (%ebx), %eax
	0xb8, 0x01, 0x00, 0x00, 0x00, // mov $1, %eax   (exit)
	0x31, 0xdb, //                   xor %ebx, %ebx
	0xcd, 0x80, //                   int $0x80
}

func testDemandFault(t *ktest.T) {
	m := user.NewMM()
	if !t.Check(m != nil && user.LoadCode(m, mm.UserBase, readCode[:]), "cannot build mm") {
		return
	}
	d0 := mm.DemandFaults
	k := user.Start("demand", m, mm.UserBase) // BX = its private region, not yet mapped
	waitGone(t, k)
	t.Check(k.ExitCode == 0, "exit code %d", k.ExitCode)
	t.Check(mm.DemandFaults-d0 == 1, "%d demand faults, want 1 (the private page it read)", mm.DemandFaults-d0)
}

// testWrongCR3Signature runs a user task whose mm maps the page it reads,
// with CR3 pointing at another mm that does not: the fault handler must
// report "present PTE, fault anyway" instead of looping silently.
func testWrongCR3Signature(t *ktest.T) {
	defer unpin(onOneCPU()) // the repair below reaches this CPU's CR3: the victim must run here
	other := mm.NewMM()
	m := user.NewMM()
	if !t.Check(m != nil && other != nil && user.LoadCode(m, mm.UserBase, readCode[:]), "cannot build mms") {
		return
	}
	other.VMAs.Add(mm.UserBase, mm.UserBase+mm.PageSize, mm.PermRead|mm.PermExec)
	other.CopyIn(mm.UserBase, readCode[:]) // same text at the same address, like one binary
	m.CopyIn(user.SharedVA, []byte{42})    // present in m, absent in other
	wrongCR3 = other
	replaced := hooks.Install(&stageHooks)
	s0 := mm.SpuriousFaults
	k := sched.SpawnUser("victim", m, mm.UserBase, user.StackTop, user.SharedVA, 0)
	for i := 0; i < 200 && mm.SpuriousFaults-s0 < 3; i++ {
		sched.Sleep(1)
	}
	hooks.Restore(&replaced)
	n := mm.SpuriousFaults - s0
	t.Check(n >= 3, "only %d present-PTE faults seen", n)
	// Every task since ran lazily on m with CR3 still other's: nothing
	// ever reloads it (switch_mm(m, m) is a no-op) — the seed's endless
	// loop. Repair it the way a debug check would, and let the victim finish.
	preempt.Disable()
	if asm.ReadCR3() == other.Root {
		mm.LoadCR3(m)
	}
	preempt.Enable()
	waitGone(t, k)
	t.Check(k.ExitCode == 0, "victim exit code %d", k.ExitCode)
	other.Put()
}

var wrongCR3 *mm.MM

// readLoop is a user program (same bytes in 32- and 64-bit mode): read
// the word at BX, forever.
var readLoop = [...]byte{
	0x8b, 0x03, // mov (%ebx), %eax
	0xeb, 0xfc, // jmp -4
}

// The runs of faults the lockup detector counted, as OnSpurious saw them.
var (
	runsSeen  [64]int
	runsN     int
	countHook = hooks.Set{BeforeUserEntry: stageWrongCR3, OnSpurious: recordRun, QuietSpurious: true}
)

func recordRun(t *mm.Task, va uintptr, write bool, run int) {
	if runsN < len(runsSeen) {
		runsSeen[runsN] = run
		runsN++
	}
}

// waitRuns sleeps until n runs are recorded (at most 500 ticks).
func waitRuns(n int) bool {
	for i := 0; i < 500 && runsN < n; i++ {
		sched.Sleep(1)
	}
	return runsN >= n
}

// testSpuriousRunsCounted: a user task reads a page of its own mm in a
// loop while CR3 holds another mm's tables. Each fault is one more in a
// row (1, 2, 3, ...: the count the stress workload reports a LOCKUP by),
// across preemptions, which load no CR3; a CR3 load starts a new run.
func testSpuriousRunsCounted(t *ktest.T) {
	defer unpin(onOneCPU()) // what it stages and counts is one CPU's; its tasks inherit the CPU
	other := mm.NewMM()
	m := user.NewMM()
	if !t.Check(m != nil && other != nil && user.LoadCode(m, mm.UserBase, readLoop[:]), "cannot build mms") {
		return
	}
	other.VMAs.Add(mm.UserBase, mm.UserBase+mm.PageSize, mm.PermRead|mm.PermExec)
	other.CopyIn(mm.UserBase, readLoop[:]) // same text at the same address, like one binary
	m.CopyIn(user.SharedVA, []byte{42})    // present in m, absent in other
	wrongCR3 = other
	runsN = 0
	replaced := hooks.Install(&countHook)
	k := sched.SpawnUser("victim", m, mm.UserBase, user.StackTop, user.SharedVA, 0)
	ok := t.Check(waitRuns(12), "only %d faults on a present page in 500 ticks", runsN)
	var first [12]int
	copy(first[:], runsSeen[:])
	// A CR3 load, still the wrong one: the loop goes on, but the run starts again.
	preempt.Disable()
	mm.LoadCR3(other)
	runsN = 0
	preempt.Enable()
	ok = ok && t.Check(waitRuns(6), "only %d faults after the CR3 load", runsN)
	// Repair CR3 the way a debug check would, and end the victim.
	preempt.Disable()
	mm.LoadCR3(m)
	preempt.Enable()
	hooks.Restore(&replaced)
	sched.Kill(k)
	other.Put()
	if !ok {
		return
	}
	for i, n := range first {
		if !t.Check(n == i+1, "fault %d in a row was counted as %d: each fault with no CR3 load in between is one more in the run", i+1, n) {
			return
		}
	}
	t.Check(runsSeen[0] == 1, "the first fault after a CR3 load was counted as %d, want 1: a CR3 load may heal a wrong CR3, so the run starts again", runsSeen[0])
	t.Check(runsSeen[5] == 6, "the 6th fault after the CR3 load was counted as %d, want 6", runsSeen[5])
}

// stageHooks puts a wrong CR3 under the victim as it enters ring 3.
var stageHooks = hooks.Set{BeforeUserEntry: stageWrongCR3}

//audit:irqs-off a test hook run through sched.BeforeUserEntry by enterUser, which taskEntry calls with interrupts still off before the IRET to ring 3
func stageWrongCR3(k *sched.Task) { mm.LoadCR3(wrongCR3) }

// testFreedPGDCaught stages what the race can do with churn=on: CR3
// holds the page table of an address space (a stale value, written back
// by a lazy kernel thread) when that address space's last reference goes.
// The page table is freed while the CPU still walks it: Drop must notice
// (FREED-PGD in the stress workload) and load a live table instead.
func testFreedPGDCaught(t *ktest.T) {
	defer unpin(onOneCPU()) // what it stages and counts is one CPU's; its tasks inherit the CPU
	x := user.NewMM()
	if !t.Check(x != nil, "cannot build mm") {
		return
	}
	id, root := x.ID, x.Root
	freed0 := mm.StaleRootFrees
	stale = nil
	replaced := hooks.Install(&staleHooks)
	preempt.Disable()
	mm.LoadCR3(x) // the stale write: the scheduler believes CR3 holds this thread's active_mm
	x.Put()       // the last reference: exit_mmap, then the page table is freed
	cr3 := asm.ReadCR3()
	preempt.Enable()
	hooks.Restore(&replaced)
	t.Check(mm.StaleRootFrees == freed0+1 && stale != nil && stale.ID == id,
		"mm %d was freed while CR3 held its page table %#x, and Drop did not report it", id, root)
	t.Check(cr3 != root && cr3 == sched.Current().ActiveMM.Root,
		"after the free CR3 is %#x; want the page table of this thread's active_mm %#x, not the freed %#x", cr3, sched.Current().ActiveMM.Root, root)
	t.Logf("FREED-PGD: mm %d freed while CR3 still pointed at its page table %#x; CR3 now %#x", id, root, cr3)
}

var (
	stale      *mm.MM
	staleHooks = hooks.Set{OnStaleRoot: noteStale}
)

func noteStale(m *mm.MM) { stale = m }

// testDoubleFreeReported frees a frame twice: the second free must be
// refused (the bitmap stays right) and counted.
func testDoubleFreeReported(t *ktest.T) {
	pa, ok := mm.AllocFrame()
	if !t.Check(ok, "no frame") {
		return
	}
	d0, free := mm.Phys.DoubleFrees, mm.Phys.Free
	t.Check(mm.FreeFrame(pa), "first free refused")
	t.Check(!mm.FreeFrame(pa), "second free accepted")
	t.Check(mm.Phys.DoubleFrees == d0+1 && mm.Phys.Free == free+1, "double free not counted, or the free count moved twice")
}

// testDebugPageAlloc: the DEBUG_PAGEALLOC pool of scenario=caller unmaps
// a free page from the kernel's direct map and maps it back when it is
// allocated, and gives every frame back when it is torn down.
func testDebugPageAlloc(t *ktest.T) {
	free := mm.Phys.Free
	if !t.Check(mm.StartPagePool(2), "the pool could not be set up") {
		return
	}
	present := func(pa uintptr) bool { return mm.Lookup(mm.KernelRoot, pa).Has(mm.PTEPresent) }
	pa, ok := mm.AllocPage()
	if t.Check(ok, "no page from the pool") {
		t.Check(present(pa), "an allocated page %#x is not in the direct map", pa)
		*(*uintptr)(unsafe.Pointer(pa)) = 0x5a5a // usable through the identity map
		mm.FreePage(pa)
		t.Check(!present(pa), "a freed page %#x is still in the direct map", pa)
	}
	mm.StopPagePool()
	t.Check(ok && present(pa), "the pool's pages are not mapped back")
	t.Check(mm.Phys.Free == free, "the pool leaked %d frames", free-mm.Phys.Free)
}
