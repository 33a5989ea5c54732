package preempt

import "testing"

func TestEnableReschedulesOnlyAtZero(t *testing.T) {
	var s State
	SetCurrent(&s)
	defer SetCurrent(nil)
	calls := 0
	Resched = func() { calls++; s.NeedResched = false }
	defer func() { Resched = nil }()

	d0 := Deferred
	Disable()
	Disable()
	s.NeedResched = true // the timer fired inside the guarded region
	s.NeedResched = true // and again: still one request
	Enable()
	if calls != 0 || Preemptible() {
		t.Fatalf("rescheduled at count %d", s.Count)
	}
	Enable()
	if calls != 1 || !Preemptible() {
		t.Fatalf("calls %d count %d: the pending reschedule must run at the outermost Enable", calls, s.Count)
	}
	if Deferred != d0+1 {
		t.Errorf("one deferred reschedule counted %d times", Deferred-d0)
	}
	Disable()
	Enable()
	if calls != 1 || Deferred != d0+1 {
		t.Fatalf("rescheduled (%d calls, %d deferred) without NeedResched", calls, Deferred-d0)
	}
}

// NoteLazyUnguarded counts only a call made preemptible by a task that
// borrows its mm: Ingo's check, which the racy flushes make.
func TestNoteLazyUnguarded(t *testing.T) {
	var s State
	SetCurrent(&s)
	defer SetCurrent(nil)
	n0 := LazyUnguarded
	NoteLazyUnguarded() // its own mm: not lazy
	s.Borrowing = true
	Disable()
	NoteLazyUnguarded() // lazy, but not preemptible: guarded
	Enable()
	if LazyUnguarded != n0 {
		t.Fatalf("counted %d calls that were not lazy and preemptible", LazyUnguarded-n0)
	}
	NoteLazyUnguarded()
	if LazyUnguarded != n0+1 {
		t.Fatalf("a lazy, preemptible call counted %d times", LazyUnguarded-n0)
	}
}
