package stress

import "testing"

// A counter kept in a machine word (preempt.LazyUnguarded) may wrap
// between the run's start and a STAT line: the difference is still the
// count in between, on 386 (32 bits) as on amd64.
func TestWordDeltaAcrossAWrap(t *testing.T) {
	start := uint64(^uintptr(0) - 2) // three short of the wrap
	if d := wordDelta(5, start); d != 8 {
		t.Errorf("wordDelta(5, %#x) = %d, want 8", start, d)
	}
	if d := wordDelta(1000, 400); d != 600 {
		t.Errorf("wordDelta(1000, 400) = %d, want 600", d)
	}
}
