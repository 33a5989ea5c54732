package preempt

import "testing"

func TestEnableReschedulesOnlyAtZero(t *testing.T) {
	var s State
	SetCurrent(&s)
	defer SetCurrent(&boot)
	calls := 0
	Resched = func() { calls++; s.NeedResched = false }
	defer func() { Resched = nil }()

	Disable()
	Disable()
	s.NeedResched = true // the timer fired inside the guarded region
	Enable()
	if calls != 0 || Preemptible() {
		t.Fatalf("rescheduled at count %d", s.Count)
	}
	Enable()
	if calls != 1 || !Preemptible() {
		t.Fatalf("calls %d count %d: the pending reschedule must run at the outermost Enable", calls, s.Count)
	}
	Disable()
	Enable()
	if calls != 1 {
		t.Fatal("rescheduled without NeedResched")
	}
}
