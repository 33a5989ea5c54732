// Tests for KTEST line parsing and the per-test / run-level verdicts.
package qemu

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseKTest(t *testing.T) {
	cases := []struct {
		line string
		want ktestEvent
		ok   bool
	}{
		{"KTEST RUN tlb/flush", ktestEvent{ktestRun, "tlb/flush", ""}, true},
		{"KTEST PASS tlb/flush", ktestEvent{ktestPass, "tlb/flush", ""}, true},
		{"KTEST FAIL tlb/flush: stale entry at 0x1000: want 2", ktestEvent{ktestFail, "tlb/flush", "stale entry at 0x1000: want 2"}, true},
		{"KTEST FAIL tlb/flush", ktestEvent{ktestFail, "tlb/flush", "(no reason given)"}, true},
		{"  KTEST PASS x  ", ktestEvent{ktestPass, "x", ""}, true},
		{"KTEST SKIP x", ktestEvent{}, false},
		{"KTEST RUN", ktestEvent{}, false},
		{"KTEST RUN two words", ktestEvent{}, false},
		{"xKTEST RUN a", ktestEvent{}, false},
		{"ktest: 1 passed, 0 failed", ktestEvent{}, false},
	}
	for _, c := range cases {
		got, ok := parseKTest(c.line)
		if ok != c.ok || got != c.want {
			t.Errorf("parseKTest(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func TestParseSummary(t *testing.T) {
	if p, f, ok := parseSummary("ktest: 12 passed, 3 failed"); !ok || p != 12 || f != 3 {
		t.Errorf("parseSummary = %d, %d, %v", p, f, ok)
	}
	for _, bad := range []string{"ktest: 1 passed", "ktest: x passed, 0 failed", "KTEST PASS a", "ktest: 1 passed, 0 failed extra"} {
		if _, _, ok := parseSummary(bad); ok {
			t.Errorf("parseSummary(%q) accepted", bad)
		}
	}
}

// result builds a Result from lines, one millisecond apart.
func result(status Status, lines ...string) *Result {
	r := &Result{Status: status, ReadyAt: -1, Command: "./qemu.sh -a 386", Dir: "/repo", LogPath: "/tmp/x.log"}
	for i, s := range lines {
		r.Lines = append(r.Lines, Line{At: time.Duration(i) * time.Millisecond, Text: s})
	}
	return r
}

func outcomes(rep ktestReport) string {
	var s []string
	for _, c := range rep.cases {
		s = append(s, fmt.Sprintf("%s=%d", c.name, c.outcome))
	}
	return strings.Join(s, " ")
}

func TestKTestReportPassing(t *testing.T) {
	r := result(Pass, "tlbrace: ready", "KTEST RUN a", "KTEST PASS a", "KTEST RUN b", "noise", "KTEST PASS b",
		"ktest: 2 passed, 0 failed", "EXIT 0")
	rep := ktestReportOf(r)
	if rep.failedRun() || len(rep.problems) != 0 {
		t.Fatalf("passing run judged failed: %q", rep.problems)
	}
	if got := outcomes(rep); got != "a=1 b=1" {
		t.Errorf("cases %s", got)
	}
}

func TestKTestReportFailure(t *testing.T) {
	r := result(TestFailure, "KTEST RUN a", "KTEST PASS a", "KTEST RUN b", "b: step 1", "b: step 2",
		"KTEST FAIL b: want 1, got 2", "ktest: 1 passed, 1 failed", "EXIT 1")
	rep := ktestReportOf(r)
	if got := outcomes(rep); got != fmt.Sprintf("a=%d b=%d", outcomePass, outcomeFail) {
		t.Fatalf("cases %s", got)
	}
	b := rep.cases[1]
	if b.reason != "want 1, got 2" || len(b.output) != 2 || b.output[0].Text != "b: step 1" {
		t.Errorf("FAIL case = %+v; want the reason and the 2 lines between RUN and FAIL", b)
	}
	if len(rep.problems) != 1 || !strings.Contains(rep.problems[0], "as expected") {
		t.Errorf("problems %q; want one noting the expected TestFailure", rep.problems)
	}
	msg := caseMessage(b, r)
	for _, want := range []string{"KTEST FAIL b: want 1, got 2", "b: step 2", "./qemu.sh -a 386", "/tmp/x.log"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}
}

func TestKTestReportFailureWithWrongStatus(t *testing.T) {
	r := result(Pass, "KTEST RUN a", "KTEST FAIL a: no", "ktest: 0 passed, 1 failed")
	rep := ktestReportOf(r)
	if len(rep.problems) != 1 || !strings.Contains(rep.problems[0], "should be TestFailure") {
		t.Errorf("problems %q", rep.problems)
	}
}

func TestKTestReportDiedInside(t *testing.T) {
	lines := []string{"KTEST RUN a", "KTEST PASS a", "KTEST RUN b"}
	for i := 0; i < 40; i++ {
		lines = append(lines, fmt.Sprintf("trace %d", i))
	}
	lines = append(lines, "PANIC: page fault")
	r := result(Panic, lines...)
	rep := ktestReportOf(r)
	if got := outcomes(rep); got != fmt.Sprintf("a=%d b=%d", outcomePass, outcomeDied) {
		t.Fatalf("cases %s", got)
	}
	b := rep.cases[1]
	if len(b.output) != deathContext || b.output[deathContext-1].Text != "PANIC: page fault" {
		t.Errorf("died case has %d lines ending %q; want the last %d", len(b.output), b.output[len(b.output)-1].Text, deathContext)
	}
	joined := strings.Join(rep.problems, "\n")
	for _, want := range []string{"no summary line", "status Panic while a kernel test was running"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q: %q", want, rep.problems)
		}
	}
}

func TestKTestReportRunLevelProblems(t *testing.T) {
	cases := []struct {
		name string
		r    *Result
		want string
	}{
		{"zero tests", result(Pass, "ktest: 0 passed, 0 failed"), "zero tests"},
		{"no summary", result(Pass, "KTEST RUN a", "KTEST PASS a"), "no summary line"},
		{"summary disagrees", result(Pass, "KTEST RUN a", "KTEST PASS a", "ktest: 2 passed, 0 failed"), "summary says 2 passed, 0 failed but the log has 1"},
		{"two summaries", result(Pass, "KTEST RUN a", "KTEST PASS a", "ktest: 1 passed, 0 failed", "ktest: 1 passed, 0 failed"), "2 summary lines"},
		{"status not pass", result(Reset, "KTEST RUN a", "KTEST PASS a", "ktest: 1 passed, 0 failed"), "status Reset; want Pass"},
		{"timeout", result(Timeout, "KTEST RUN a", "KTEST PASS a", "ktest: 1 passed, 0 failed"), "status Timeout"},
		{"orphan verdict", result(Pass, "KTEST PASS a", "ktest: 1 passed, 0 failed"), "no matching KTEST RUN a"},
		{"nested run", result(TestFailure, "KTEST RUN a", "KTEST RUN b", "KTEST PASS b", "ktest: 1 passed, 0 failed"), "KTEST RUN b arrived while a had no verdict"},
	}
	for _, c := range cases {
		rep := ktestReportOf(c.r)
		if !rep.failedRun() || !strings.Contains(strings.Join(rep.problems, "\n"), c.want) {
			t.Errorf("%s: problems %q; want one containing %q", c.name, rep.problems, c.want)
		}
	}
}

func TestKTestsOnFakePassingRun(t *testing.T) {
	f := newFake(t, `echo 'tlbrace: ready'
echo 'KTEST RUN cmdline/parse'; echo 'KTEST PASS cmdline/parse'
echo 'KTEST RUN tlb/invlpg'; echo 'some detail'; echo 'KTEST PASS tlb/invlpg'
echo 'ktest: 2 passed, 0 failed'; echo 'EXIT 0'; exit 1`)
	r := run(t, f.config(t, 5*time.Second))
	KTests(t, r) // a real call: it must add two passing subtests and not fail t
	if rep := ktestReportOf(r); outcomes(rep) != "cmdline/parse=1 tlb/invlpg=1" {
		t.Errorf("cases %s", outcomes(rep))
	}
}
