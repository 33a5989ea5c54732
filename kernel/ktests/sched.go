package ktests

import (
	"sync/atomic"

	"tlbrace/asm"

	"tlbrace/kernel/hooks"
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user"
)

// Kernel tests of the scheduler: preemption, preemptDisable, and when a
// context switch writes CR3 — the heart of the race.

var (
	spin         [4]atomic.Uint64
	stopTestSpin atomic.Bool
)

// testSpinner is a CPU-bound kernel thread: it never yields, so only
// preemption lets anything else run.
func testSpinner(i uintptr) {
	for !stopTestSpin.Load() {
		spin[i].Add(1)
	}
}

// onOneCPU pins the calling test task to the CPU it runs on, so that
// every task it spawns (they inherit the pin) runs there too: the tests
// of the uniprocessor switch path judge one CPU's sequence of switches.
// unpin(onOneCPU()) undoes it.
func onOneCPU() *sched.Task {
	me := sched.Current()
	sched.SetAffinity(me, 1<<sched.ThisCPU()) // a migration in between only changes which CPU
	return me
}

// unpin lets a task pinned by onOneCPU run anywhere again.
func unpin(t *sched.Task) { sched.SetAffinity(t, 0) }

// waitGone sleeps until the tasks have exited and been reaped.
func waitGone(t *ktest.T, tasks ...*sched.Task) bool {
	if !sched.WaitGone(2000, tasks...) {
		t.Errorf("tasks did not exit in 2000 ticks")
		return false
	}
	return true
}

func testPreemption(t *ktest.T) {
	stopTestSpin.Store(false)
	spin[0].Store(0)
	spin[1].Store(0)
	p0 := sched.Preemptions
	a := sched.Spawn("spin-a", testSpinner, 0)
	b := sched.Spawn("spin-b", testSpinner, 1)
	sched.Sleep(20)
	stopTestSpin.Store(true)
	waitGone(t, a, b)
	t.Check(spin[0].Load() > 0 && spin[1].Load() > 0, "spinners made no progress: %d %d", spin[0].Load(), spin[1].Load())
	t.Check(sched.Preemptions-p0 >= 4, "only %d preemptions", sched.Preemptions-p0)
}

func testPreemptDisableDefers(t *ktest.T) {
	defer unpin(onOneCPU())
	stopTestSpin.Store(false)
	spin[2].Store(0)
	c := sched.Spawn("spin-c", testSpinner, 2)
	sched.Sleep(2) // let it run
	me := sched.Current()
	preempt.Disable()
	d0 := preempt.Deferred
	s0, sw0, t0 := spin[2].Load(), me.Switches, sched.TickCount()
	for sched.TickCount() < t0+3 {
	}
	s1 := spin[2].Load()
	t.Check(s1 == s0, "spinner ran %d times while preemption was disabled", s1-s0)
	t.Check(me.Switches == sw0, "switched away inside preemptDisable")
	t.Check(me.Preempt.NeedResched, "the timer did not ask for a reschedule")
	preempt.Enable() // the pending reschedule happens here
	t.Check(me.Switches > sw0, "preemptEnable did not reschedule")
	// Three ticks asked, one reschedule waited: it counts once.
	t.Check(preempt.Deferred == d0+1, "one deferred reschedule counted %d times", preempt.Deferred-d0)
	stopTestSpin.Store(true)
	waitGone(t, c)
}

func yielder(n uintptr) {
	for i := uintptr(0); i < n; i++ {
		sched.Yield()
	}
}

// testKernelThreadSwitchNoCR3: kernel threads take turns with a user
// task; each borrows the user task's mm (lazy TLB), so CR3 is loaded once,
// when the user task first runs, and never again.
func testKernelThreadSwitchNoCR3(t *ktest.T) {
	defer unpin(onOneCPU()) // its tasks inherit the CPU: the count is one CPU's
	m := user.NewMM()
	if !t.Check(m != nil && user.LoadCode(m, mm.UserBase, yieldCode[:]), "cannot build mm") {
		return
	}
	l0, b0 := mm.CR3Loads, sched.LazyBorrows
	u := sched.SpawnUser("yield-u", m, mm.UserBase, user.StackTop, 0, 100)
	a := sched.Spawn("yield-a", yielder, 100)
	b := sched.Spawn("yield-b", yielder, 100)
	waitGone(t, u, a, b)
	loads, borrows := mm.CR3Loads-l0, sched.LazyBorrows-b0
	t.Logf("a user task and two kernel threads, 100 turns each: %d CR3 loads, %d lazy borrows", loads, borrows)
	t.Check(loads <= 2, "%d CR3 loads: a kernel thread switched to must borrow what the task before ran on, with no CR3 write", loads)
	t.Check(borrows >= 200, "only %d lazy borrows (enterLazyTLB counts them)", borrows)
}

// testLazyNoLeakAfterChurn: rounds of user tasks on fresh address spaces
// and kernel threads borrowing them; afterwards every address space, every
// frame and every reference to init_mm is back where it was.
func testLazyNoLeakAfterChurn(t *ktest.T) {
	defer unpin(onOneCPU()) // what it stages and counts is one CPU's; its tasks inherit the CPU
	sched.LeaveMM()
	live, free, count := mm.Live(), mm.Phys.Free, mm.InitMM.Count
	const rounds = 8
	for i := 0; i < rounds; i++ {
		a, b := spawnYielders(t, false, 10)
		if a == nil {
			return
		}
		k1 := sched.Spawn("yield-k1", yielder, 10)
		k2 := sched.Spawn("yield-k2", yielder, 10)
		if !waitGone(t, a, b, k1, k2) {
			return
		}
	}
	sched.LeaveMM()
	t.Check(mm.Live() == live, "%d address spaces alive after %d rounds, %d before: a borrowed mm's reference is never dropped", mm.Live(), rounds, live)
	t.Check(mm.Phys.Free == free, "%d frames free after %d rounds, %d before", mm.Phys.Free, rounds, free)
	t.Check(mm.InitMM.Count == count, "init_mm's mm_count is %d after %d rounds, %d before", mm.InitMM.Count, rounds, count)
}

// testCheckCR3CatchesStale: with checkcr3 on, ordinary switches (user
// tasks of two mms, kernel threads borrowing) never report; a CR3 that is
// not active_mm's page table is reported at the next switch.
func testCheckCR3CatchesStale(t *ktest.T) {
	defer unpin(onOneCPU()) // what it stages and counts is one CPU's; its tasks inherit the CPU
	mismatches, mismatchNext = 0, nil
	replaced := hooks.Install(&checkHooks)
	defer hooks.Restore(&replaced)
	a, b := spawnYielders(t, false, 50)
	if a == nil {
		return
	}
	k := sched.Spawn("yield-k", yielder, 50)
	waitGone(t, a, b, k)
	t.Check(mismatches == 0, "%d mismatches reported while every CR3 was right (user tasks and lazy kernel threads): false positives", mismatches)

	other := user.NewMM()
	if !t.Check(other != nil, "cannot build mm") {
		return
	}
	y := sched.Spawn("yield-y", yielder, 3)
	preempt.Disable()
	mm.LoadCR3(other) // a stale CR3 under this kernel thread, as the racy flush leaves it
	preempt.Enable()
	sched.Yield() // to y, which borrows our active_mm: no CR3 load, so CR3 stays other's
	preempt.Disable()
	mm.LoadCR3(sched.Current().ActiveMM) // repair
	preempt.Enable()
	waitGone(t, y)
	t.Check(mismatches > 0, "a CR3 holding another mm's page table went unnoticed at the switch to a kernel thread borrowing this one's")
	t.Check(mismatchNext == nil || mismatchNext.MM == nil, "the mismatch was reported for a user task, not for the kernel thread switched to")
	other.Put()
}

var (
	mismatches   int
	mismatchNext *sched.Task
	checkHooks   = hooks.Set{CheckCR3: true, OnCR3Mismatch: countMismatch}
)

func countMismatch(prev, next *sched.Task, cr3 uintptr) {
	if mismatches == 0 {
		mismatchNext = next
	}
	mismatches++
}

// yieldCode is a user program in raw machine code that means the same in
// 32- and 64-bit mode: yield CX times, then exit(0).
var yieldCode = [...]byte{
	0xb8, 0x04, 0x00, 0x00, 0x00, // mov $4, %eax      (yield)
	0xcd, 0x80, //                   int $0x80
	0xff, 0xc9, //                   dec %ecx
	0x75, 0xf5, //                   jnz -11
	0xb8, 0x01, 0x00, 0x00, 0x00, // mov $1, %eax      (exit)
	0x31, 0xdb, //                   xor %ebx, %ebx
	0xcd, 0x80, //                   int $0x80
}

// spawnYielders starts two user tasks running yieldCode n times, on one
// shared mm or on two.
func spawnYielders(t *ktest.T, shared bool, n uintptr) (a, b *sched.Task) {
	m1 := user.NewMM()
	if !t.Check(m1 != nil && user.LoadCode(m1, mm.UserBase, yieldCode[:]), "cannot build mm") {
		return nil, nil
	}
	m2 := m1
	if shared {
		m1.Users++ // a second task owns it too
	} else {
		m2 = user.NewMM()
		if !t.Check(m2 != nil && user.LoadCode(m2, mm.UserBase, yieldCode[:]), "cannot build mm") {
			return nil, nil
		}
	}
	a = sched.SpawnUser("yield-u1", m1, mm.UserBase, user.StackTop, 0, n)
	b = sched.SpawnUser("yield-u2", m2, mm.UserBase, user.StackTop, 0, n)
	return a, b
}

func testSameMMNoCR3(t *ktest.T) {
	defer unpin(onOneCPU())
	s0 := sched.CR3Skips
	a, b := spawnYielders(t, true, 100)
	if a == nil {
		return
	}
	w0 := sched.CR3Writes
	waitGone(t, a, b)
	skips, writes := sched.CR3Skips-s0, sched.CR3Writes-w0
	t.Logf("same mm: %d switches without a CR3 write, %d with", skips, writes)
	t.Check(skips >= 150, "only %d same-mm switches skipped the CR3 write", skips)
	t.Check(writes < skips/4, "%d CR3 writes between tasks of one mm", writes)
}

func testDifferentMMWritesCR3(t *ktest.T) {
	defer unpin(onOneCPU())
	a, b := spawnYielders(t, false, 100)
	if a == nil {
		return
	}
	w0, s0 := sched.CR3Writes, sched.CR3Skips
	waitGone(t, a, b)
	skips, writes := sched.CR3Skips-s0, sched.CR3Writes-w0
	t.Logf("two mms: %d CR3 writes, %d skips", writes, skips)
	t.Check(writes >= 150, "only %d CR3 writes switching between two mms", writes)
	t.Check(skips < writes/4, "%d switches between different mms skipped CR3", skips)
}

// testLazyMMOutlivesOwner: a user task exits while kernel threads run
// lazily on its mm; the mm must survive (mm_count) until the last
// borrower switches to a task with another mm.
func testLazyMMOutlivesOwner(t *ktest.T) {
	defer unpin(onOneCPU())
	m := user.NewMM()
	if !t.Check(m != nil && user.LoadCode(m, mm.UserBase, yieldCode[:]), "cannot build mm") {
		return
	}
	u := sched.SpawnUser("owner", m, mm.UserBase, user.StackTop, 0, 1)
	waitGone(t, u)
	// Since u exited only kernel threads (this one, idle) have run: each
	// borrowed the active_mm of the one before, starting from u's.
	t.Check(m.Users == 0, "mm_users %d after its only user exited", m.Users)
	t.Check(m.Alive() && m.Count >= 1, "mm freed while lazy borrowers still run on it (count %d)", m.Count)
	t.Check(sched.Current().ActiveMM == m, "this kernel thread does not borrow the dead task's mm")
	a, b := spawnYielders(t, false, 1) // user tasks on other mms: their CR3 loads let m go
	waitGone(t, a, b)
	t.Check(!m.Alive(), "mm still alive (count %d) after every borrower switched away", m.Count)
}

// testLoadedMMFollowsSwitches: cpu_tlbstate's loaded_mm names what the
// last CR3 load put there, whatever the variant: the mm of the user task
// switched to, kept while kernel threads borrow it (and the CPU is then
// lazy), init_mm after LeaveMM.
func testLoadedMMFollowsSwitches(t *ktest.T) {
	defer unpin(onOneCPU()) // what it stages and counts is one CPU's; its tasks inherit the CPU
	m := user.NewMM()
	if !t.Check(m != nil && user.LoadCode(m, mm.UserBase, yieldThenExit[:]), "cannot build mm") {
		return
	}
	k := user.Start("yielder", m, mm.UserBase)
	if !waitGone(t, k) {
		return
	}
	// The task has run and gone; this kernel thread borrowed its mm on the
	// way back, so loaded_mm is still that mm and the CPU is lazy.
	t.Check(sched.LoadedMM() == sched.Current().ActiveMM, "loaded_mm %d, active_mm %d",
		sched.LoadedMM().IDOrNone(), sched.Current().ActiveMM.IDOrNone())
	t.Check(sched.LoadedMM().Root == asm.ReadCR3(), "CR3 %#x is not loaded_mm's page table %#x", asm.ReadCR3(), sched.LoadedMM().Root)
	t.Check(sched.CPULazy(), "a kernel thread on a borrowed mm, but the CPU is not lazy")
	sched.LeaveMM()
	t.Check(sched.LoadedMM() == &mm.InitMM && asm.ReadCR3() == mm.InitMM.Root, "after LeaveMM: loaded_mm %d, CR3 %#x",
		sched.LoadedMM().IDOrNone(), asm.ReadCR3())
}

// yieldThenExit (the same bytes in 32- and 64-bit mode): yield, exit(0).
var yieldThenExit = [...]byte{
	0xb8, 0x04, 0x00, 0x00, 0x00, // mov $4, %eax   (yield)
	0xcd, 0x80, //                   int $0x80
	0x31, 0xdb, //                   xor %ebx, %ebx
	0xb8, 0x01, 0x00, 0x00, 0x00, // mov $1, %eax   (exit)
	0xcd, 0x80, //                   int $0x80
	0xeb, 0xfe, //                   jmp .
}
