package ktests

import (
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/leakcheck"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user"
)

// Tests of the leak check (kernel/leakcheck) the stress and fuzz runs end
// with: it must not call an address space a lazy-TLB borrower still holds
// on another CPU a leak, and it must not go blind to real ones.

// alive reports whether m is still the live address space id (its slot
// may have been reused for another).
func alive(m *mm.MM, id int) bool {
	found := false
	mm.Each(func(x *mm.MM) {
		if x == m && x.ID == id {
			found = true
		}
	})
	return found
}

// testLeakCheckReportsLeaks leaks on purpose, one way after another: an
// address space whose task never let go of it, one whose users are gone
// but whose last structural reference nobody holds (what an exit_mm
// abandoned half way leaves — a check that took every mm without users
// for a lazily held one would miss it), and a bare frame. Each must be
// reported; with everything given back, nothing may be.
func testLeakCheckReportsLeaks(t *ktest.T) {
	b := leakcheck.Take()
	m := user.NewMM()
	if !t.Check(m != nil, "cannot create an mm") {
		return
	}
	t.Check(!leakcheck.Check(b, "leakcheck test, an mm leaked on purpose"),
		"an address space with a user and no task went unreported: the leak check is blind")
	m.Grab()
	m.Put() // users 0: torn down; the reference just taken is nobody's
	t.Check(m.Users == 0 && !leakcheck.Check(b, "leakcheck test, an mm without users leaked on purpose"),
		"an address space without users, held by no task, went unreported: the leak check takes it for a lazy borrow")
	m.Drop()
	pa, ok := mm.AllocFrame()
	if t.Check(ok, "no frame") {
		t.Check(!leakcheck.Check(b, "leakcheck test, a frame leaked on purpose"), "a leaked frame went unreported")
		mm.FreeFrame(pa)
	}
	t.Check(leakcheck.Check(b, "leakcheck test, everything given back"), "a leak reported with everything given back")
}

// testLazyBorrowersLetGo: a user task on CPU 1 sleeps, so CPU 1's idle
// task borrows its mm; killed, the task is gone but the mm lives on as
// that idle task's active_mm. The leak check, run on CPU 0, must make
// CPU 1 let go (sched.LeaveLazyMMs) and find nothing leaked — and the mm
// must really be gone.
func testLazyBorrowersLetGo(t *ktest.T) {
	if !needCPUs(t, 2) {
		return
	}
	me := sched.Current()
	sched.SetAffinity(me, 1<<0)
	defer sched.SetAffinity(me, 0)
	b := leakcheck.Take()
	m := user.NewMM()
	if !t.Check(m != nil && user.LoadCode(m, mm.UserBase, touchAndSleep[:]), "cannot build mm") {
		return
	}
	id := m.ID
	u := sched.SpawnUserOn("lazy-holder", m, mm.UserBase, user.StackTop, user.PrivateBase(m), user.SharedVA, 1<<1)
	for i := 0; i < 500 && (m.Pages == 0 || u.State != sched.Sleeping); i++ {
		sched.Sleep(1)
	}
	t.Check(m.Pages > 0 && u.State == sched.Sleeping, "the task did not touch its page and sleep on CPU 1")
	sched.Kill(u)
	if !waitGone(t, u) {
		return
	}
	t.Check(alive(m, id) && m.Users == 0, "mm %d is not held lazily by CPU 1 once its task is gone: nothing to check", id)
	t.Check(leakcheck.Check(b, "leakcheck test, an mm CPU 1 borrows"), "an address space CPU 1's idle task borrows was reported as leaked")
	t.Check(!alive(m, id), "mm %d outlived the leak check: CPU 1 did not let go of it", id)
}
