// Tests for the exit-status mapping.
package qemu

import (
	"strings"
	"testing"
)

func TestStatusForExit(t *testing.T) {
	cases := []struct {
		code int
		want Status
	}{
		{0, Reset}, {1, Pass}, {3, TestFailure}, {5, Panic}, {7, BadConfig}, {9, UnsupportedCPU},
		{2, QEMUError}, {4, QEMUError}, {11, QEMUError}, {-1, QEMUError}, {255, QEMUError},
	}
	for _, c := range cases {
		if got := StatusForExit(c.code); got != c.want {
			t.Errorf("StatusForExit(%d) = %v, want %v", c.code, got, c.want)
		}
	}
}

func TestClassifyNeedsExit0ForPass(t *testing.T) {
	if got := classify(1, true); got != Pass {
		t.Errorf("classify(1, EXIT 0 seen) = %v, want Pass", got)
	}
	if got := classify(1, false); got != QEMUError {
		t.Errorf("classify(1, no EXIT 0) = %v, want QEMUError", got)
	}
	if got := classify(3, false); got != TestFailure {
		t.Errorf("classify(3, no EXIT 0) = %v, want TestFailure", got)
	}
}

func TestStatusString(t *testing.T) {
	for s := Pass; s <= UnsupportedCPU; s++ {
		if n := s.String(); strings.HasPrefix(n, "Status(") {
			t.Errorf("Status %d has no name: %q", int(s), n)
		}
	}
	if got := Status(0).String(); got != "Status(0)" {
		t.Errorf("Status(0).String() = %q", got)
	}
}
