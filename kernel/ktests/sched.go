package ktests

import (
	"sync/atomic"

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

func testKernelThreadSwitchNoCR3(t *ktest.T) {
	defer unpin(onOneCPU())
	w0, l0, b0 := sched.CR3Writes, mm.CR3Loads, sched.LazyBorrows
	a := sched.Spawn("yield-a", yielder, 100)
	b := sched.Spawn("yield-b", yielder, 100)
	waitGone(t, a, b)
	t.Check(sched.CR3Writes == w0 && mm.CR3Loads == l0, "kernel-thread switches wrote CR3 %d times", mm.CR3Loads-l0)
	t.Check(sched.LazyBorrows-b0 >= 200, "only %d lazy borrows", sched.LazyBorrows-b0)
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
