package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// A test that outlives its time limit fails, whether it heeds its
// context (a QEMU run killed at the deadline) or not, and the grader goes
// on to the next one.
func TestTimeLimit(t *testing.T) {
	var out strings.Builder
	g := &Grader{Root: t.TempDir(), Out: &out}
	limitGrace = 100 * time.Millisecond
	heeds := Test{Name: "heeds", Points: 1, Limit: 50 * time.Millisecond, Checks: "f: x",
		Run: func(ctx context.Context, g *Grader) Verdict {
			<-ctx.Done()
			return fail("cmd", "%s", describe(&qemu.Result{Status: qemu.Timeout, Elapsed: 50 * time.Millisecond}))
		}}
	ignores := Test{Name: "ignores", Points: 1, Limit: 50 * time.Millisecond, Checks: "f: x",
		Run: func(ctx context.Context, g *Grader) Verdict {
			time.Sleep(time.Minute)
			return pass()
		}}
	start := time.Now()
	for _, tt := range []Test{heeds, ignores} {
		v := g.run(context.Background(), tt)
		if v.OK || !strings.Contains(v.Reason, "time limit") {
			t.Errorf("%s: %+v, want a failure naming the time limit", tt.Name, v)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the grader waited %v for two tests of 50 ms", d)
	}
}

func TestPrintedLine(t *testing.T) {
	var out strings.Builder
	g := &Grader{Out: &out}
	g.print(Outcome{Lab: "flush", Test: "audit_clean", Max: 20, Elapsed: 1500 * time.Millisecond,
		Verdict: Verdict{Reason: "the audit fails", Reproduce: "go run ./tools/audit"}, Checks: "flushTLB: guarded"})
	s := out.String()
	for _, want := range []string{"flush: audit_clean ", "  0/20 ", "FAIL", "(1.5s)", "checks: flushTLB: guarded", "the audit fails", "reproduce: go run ./tools/audit"} {
		if !strings.Contains(s, want) {
			t.Errorf("the line lacks %q:\n%s", want, s)
		}
	}
}
