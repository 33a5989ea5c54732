// ktests: the testing-package side — KTests turns a run's KTEST lines into Go
// subtests, and RunT runs the kernel from a test.
package qemu

import (
	"fmt"
	"strings"
	"testing"
)

// KTests reports the in-kernel tests of r as subtests of t, one per
// `KTEST RUN <name>`: a PASS passes it; a FAIL fails it with the reason and
// the lines printed between RUN and FAIL; a RUN without verdict (the kernel
// died inside) fails it with the last 30 lines of output. t itself fails when
// there were no tests, the `ktest: N passed, M failed` summary is missing or
// disagrees with the PASS/FAIL lines, or the status is not Pass (TestFailure
// is expected once a test failed, and reported as such). Every failure
// message carries r's reproducing command and log path.
func KTests(t *testing.T, r *Result) {
	t.Helper()
	if r == nil {
		t.Fatal("qemu.KTests: nil Result (did Run return an error?)")
	}
	rep := ktestReportOf(r)
	for _, c := range rep.cases {
		t.Run(c.name, func(t *testing.T) {
			t.Helper()
			if c.outcome != outcomePass {
				t.Error(caseMessage(c, r))
			}
		})
	}
	if len(rep.problems) > 0 {
		t.Errorf("kernel tests: %s\n%v", strings.Join(rep.problems, "\n  "), r)
	}
}

// caseMessage is the failure text of one kernel test.
func caseMessage(c ktestCase, r *Result) string {
	var b strings.Builder
	switch c.outcome {
	case outcomeFail:
		fmt.Fprintf(&b, "KTEST FAIL %s: %s", c.name, c.reason)
		if len(c.output) > 0 {
			fmt.Fprintf(&b, "\n  output between RUN and FAIL:")
		}
	case outcomeDied:
		fmt.Fprintf(&b, "%s", c.reason)
		fmt.Fprintf(&b, "\n  last %d lines of output:", len(c.output))
	}
	for _, l := range c.output {
		fmt.Fprintf(&b, "\n    [%8.3fs] %s", l.At.Seconds(), l.Text)
	}
	fmt.Fprintf(&b, "\n  reproduce: %s", r.Reproduce())
	if r.LogPath != "" {
		fmt.Fprintf(&b, "\n  log: %s", r.LogPath)
	}
	return b.String()
}

// RunT is Run for tests: it uses t.Context() and ends the test with Fatal
// on a harness error. It logs the command so verbose output shows it.
func RunT(t testing.TB, cfg Config) *Result {
	t.Helper()
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("qemu.Run: %v", err)
	}
	t.Logf("%s: %v in %v", r.Command, r.Status, r.Elapsed)
	return r
}
