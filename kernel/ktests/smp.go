package ktests

import (
	"sync/atomic"

	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/smp"
	kspin "tlbrace/kernel/spin"
	"tlbrace/kernel/user"
)

// Kernel tests of the multiprocessor machinery: every CPU online ticks,
// a task preempted on one CPU resumes on another, spinlocks exclude and
// report their misuse. With one CPU (no qemu.sh --smp) the tests that
// need two say so and pass.

// needCPUs reports whether at least n CPUs run, saying so when not.
func needCPUs(t *ktest.T, n int) bool {
	if sched.CPUs() < n {
		t.Logf("%d CPU(s) online: nothing to check (boot with qemu.sh --smp %d)", sched.CPUs(), n)
		return false
	}
	return true
}

func testCPUsTick(t *ktest.T) {
	t.Check(sched.CPUs() == smp.NumCPUs, "the scheduler runs %d CPUs, %d are online", sched.CPUs(), smp.NumCPUs)
	var before [8]uint64
	sched.CPUStats(func(s *sched.CPUStat) { before[s.ID] = s.Ticks })
	sched.Sleep(20)
	sched.CPUStats(func(s *sched.CPUStat) {
		t.Check(s.Ticks > before[s.ID], "CPU %d did not tick in 20 ticks of CPU 0", s.ID)
	})
}

var migrant struct {
	spins atomic.Uint64
	stop  atomic.Bool
}

func migrantSpin(uintptr) {
	for !migrant.stop.Load() {
		migrant.spins.Add(1)
	}
}

// testMigration: a CPU-bound kernel thread runs on CPU 0; its CPU set
// becomes CPU 1 alone while it runs. The reschedule IPI preempts it on
// CPU 0 (it is in the middle of its loop), CPU 1 picks it from its queue,
// and it resumes its loop there.
func testMigration(t *ktest.T) {
	if !needCPUs(t, 2) {
		return
	}
	migrant.stop.Store(false)
	migrant.spins.Store(0)
	m0, i0 := sched.Migrations, sched.ReschedIPIs
	a := sched.Spawn("migrant", migrantSpin, 0)
	sched.SetAffinity(a, 1<<0)
	for i := 0; i < 200 && (a.CPU != 0 || migrant.spins.Load() == 0); i++ {
		sched.Sleep(1)
	}
	s0 := migrant.spins.Load()
	t.Check(a.CPU == 0 && s0 > 0, "the spinner does not run on CPU 0 (CPU %d, %d spins)", a.CPU, s0)
	sched.SetAffinity(a, 1<<1)
	sched.Sleep(10)
	s1 := migrant.spins.Load()
	t.Check(a.CPU == 1, "the spinner is on CPU %d, want 1", a.CPU)
	t.Check(a.Migrations >= 1 && sched.Migrations > m0, "no migration counted (task %d, all %d)", a.Migrations, sched.Migrations-m0)
	t.Check(s1 > s0, "the spinner made no progress on CPU 1")
	t.Check(sched.ReschedIPIs > i0, "no reschedule IPI pulled it off CPU 0")
	migrant.stop.Store(true)
	waitGone(t, a)
}

var (
	shared     uint64 // incremented under sharedLock only
	sharedLock = kspin.Lock{Name: "ktest-shared"}
	sharers    atomic.Int32
)

const sharedRounds = 20000

func sharer(uintptr) {
	for i := 0; i < sharedRounds; i++ {
		f := sharedLock.LockIRQSave()
		shared++ // a read-modify-write another CPU would tear without the lock
		sharedLock.UnlockIRQRestore(f)
	}
	sharers.Add(-1)
}

// testSpinlockExcludes: two tasks on two CPUs increment one counter under
// a spinlock; no increment is lost.
func testSpinlockExcludes(t *ktest.T) {
	if !needCPUs(t, 2) {
		return
	}
	shared = 0
	sharers.Store(2)
	a := sched.Spawn("sharer", sharer, 0)
	b := sched.Spawn("sharer", sharer, 1)
	sched.SetAffinity(a, 1<<0)
	sched.SetAffinity(b, 1<<1)
	waitGone(t, a, b)
	t.Check(shared == 2*sharedRounds, "counter %d, want %d: the lock let both in", shared, 2*sharedRounds)
	t.Logf("contention: %d failed attempts to take the lock", sharedLock.Spins.Load())
}

// misused is the lock testSpinlockMisuse misuses (a local would escape
// through the bug report's hook).
var misused = kspin.Lock{Name: "ktest-misuse"}

// testSpinlockMisuse: unlocking an unlocked spinlock, and sleeping with
// one held, are reported as kernel bugs; the kernel carries on.
func testSpinlockMisuse(t *ktest.T) {
	l := &misused
	b0, s0 := kspin.Bugs.Load(), sched.Bugs
	l.Release()
	t.Check(kspin.Bugs.Load() == b0+1 && sched.Bugs == s0+1, "unlock of an unlocked lock not reported")
	l.Lock()
	sched.Yield() // sleeping with a spinlock held
	l.Unlock()
	t.Check(sched.Bugs >= s0+2, "sleeping with a spinlock held not reported")
	t.Check(!l.Held(), "the lock is still held")
}

// touchAndSleep is a user program in raw machine code that means the same
// in 32- and 64-bit mode: touch the private page BX points at, then
// sleep(100 ms) forever.
var touchAndSleep = [...]byte{
	0x89, 0x03, //                   mov %eax, (%ebx)
	0xb8, 0x05, 0x00, 0x00, 0x00, // mov $5, %eax    (sleep)
	0xbb, 0x64, 0x00, 0x00, 0x00, // mov $100, %ebx  (ms)
	0xcd, 0x80, //                   int $0x80
	0xeb, 0xf2, //                   jmp -14 (to the mov $5)
}

// testShootdownLazyLeaves: a user task on CPU 1 touches a page and sleeps,
// so CPU 1 runs its idle task lazily on the task's mm. A flush of that mm
// from CPU 0 sends CPU 1 the invalidate IPI; lazy, CPU 1 leaves the mm
// (out of its mask). When the task wakes, switch_mm(mm, same) finds CPU 1
// out of the mask and reloads CR3 — Linux 2.6.10's lazy re-entry.
func testShootdownLazyLeaves(t *ktest.T) {
	if !needCPUs(t, 2) {
		return
	}
	me := sched.Current()
	sched.SetAffinity(me, 1<<0)
	defer sched.SetAffinity(me, 0)
	m := user.NewMM()
	if !t.Check(m != nil && user.LoadCode(m, mm.UserBase, touchAndSleep[:]), "cannot build mm") {
		return
	}
	u := sched.SpawnUserOn("lazy-probe", m, mm.UserBase, user.StackTop, user.PrivateBase(m), user.SharedVA, 1<<1)
	for i := 0; i < 500 && (m.Pages == 0 || u.State != sched.Sleeping); i++ {
		sched.Sleep(1)
	}
	if !t.Check(m.Pages > 0 && u.State == sched.Sleeping && m.CPUMask()&2 != 0,
		"the task did not touch its page and sleep on CPU 1 (pages %d, state %s, mask %#x)", m.Pages, u.State.String(), m.CPUMask()) {
		sched.Kill(u)
		return
	}
	sent, acked, leaves, reloads := mm.IPIsSent, mm.IPIsAcked, mm.LazyLeaves, mm.LazyReloads
	mm.FlushTLBMM(m)
	t.Check(mm.IPIsSent > sent && mm.IPIsAcked > acked, "no IPI sent or acknowledged (%d, %d)", mm.IPIsSent-sent, mm.IPIsAcked-acked)
	t.Check(mm.LazyLeaves > leaves, "lazy CPU 1 did not leave the mm")
	t.Check(m.CPUMask()&2 == 0, "CPU 1 is still in the mm's mask %#x", m.CPUMask())
	for i := 0; i < 500 && mm.LazyReloads == reloads; i++ {
		sched.Sleep(1)
	}
	t.Check(mm.LazyReloads > reloads, "the task came back to CPU 1 without a CR3 reload")
	t.Check(m.CPUMask()&2 != 0, "CPU 1 did not rejoin the mm's mask")
	sched.Kill(u)
	waitGone(t, u)
}
