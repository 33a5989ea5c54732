// ktest_parse: reading the kernel's in-kernel test lines (KTEST RUN/PASS/FAIL
// and the "ktest: N passed, M failed" summary) into per-test verdicts and
// run-level problems, with no dependency on package testing.
package qemu

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ktestKind is the kind of one KTEST line.
type ktestKind int

const (
	ktestRun ktestKind = iota + 1
	ktestPass
	ktestFail
)

// ktestEvent is one parsed KTEST line.
type ktestEvent struct {
	kind   ktestKind
	name   string
	reason string // FAIL only
}

// parseKTest parses "KTEST RUN <name>", "KTEST PASS <name>" and
// "KTEST FAIL <name>: <reason>".
func parseKTest(line string) (ktestEvent, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "KTEST ")
	if !ok {
		return ktestEvent{}, false
	}
	word, arg, _ := strings.Cut(rest, " ")
	arg = strings.TrimSpace(arg)
	var ev ktestEvent
	switch word {
	case "RUN":
		ev = ktestEvent{kind: ktestRun, name: arg}
	case "PASS":
		ev = ktestEvent{kind: ktestPass, name: arg}
	case "FAIL":
		name, reason, found := strings.Cut(arg, ":")
		if !found {
			reason = "(no reason given)"
		}
		ev = ktestEvent{kind: ktestFail, name: strings.TrimSpace(name), reason: strings.TrimSpace(reason)}
	default:
		return ktestEvent{}, false
	}
	if ev.name == "" || strings.ContainsAny(ev.name, " \t") {
		return ktestEvent{}, false
	}
	return ev, true
}

var summaryRE = regexp.MustCompile(`^ktest: (\d+) passed, (\d+) failed$`)

// parseSummary parses "ktest: N passed, M failed".
func parseSummary(line string) (passed, failed int, ok bool) {
	m := summaryRE.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return 0, 0, false
	}
	p, err1 := strconv.Atoi(m[1])
	f, err2 := strconv.Atoi(m[2])
	return p, f, err1 == nil && err2 == nil
}

// ktestOutcome is what became of one kernel test.
type ktestOutcome int

const (
	outcomePass ktestOutcome = iota + 1
	outcomeFail              // KTEST FAIL
	outcomeDied              // KTEST RUN with no verdict: the kernel died inside
)

// deathContext is how many trailing log lines a died test reports.
const deathContext = 30

// ktestCase is the verdict for one kernel test.
type ktestCase struct {
	name    string
	outcome ktestOutcome
	reason  string
	output  []Line // FAIL: lines between RUN and FAIL; died: the log's last lines
}

// ktestReport is everything KTests decides for a run.
type ktestReport struct {
	cases          []ktestCase
	passed, failed int      // counted PASS / FAIL lines
	problems       []string // run-level failures (the parent test fails)
}

// ktestReportOf judges r's KTEST lines and status.
func ktestReportOf(r *Result) ktestReport {
	var rep ktestReport
	open := -1     // index in rep.cases of the test between RUN and verdict
	runStart := -1 // index in r.Lines of its RUN line
	summaries := 0
	var sumPassed, sumFailed int

	died := func(why string) {
		c := &rep.cases[open]
		c.outcome = outcomeDied
		c.reason = why
		from := max(0, len(r.Lines)-deathContext)
		c.output = r.Lines[from:]
		open = -1
	}
	for i, l := range r.Lines {
		if p, f, ok := parseSummary(l.Text); ok {
			summaries++
			sumPassed, sumFailed = p, f
			continue
		}
		ev, ok := parseKTest(l.Text)
		if !ok {
			continue
		}
		switch ev.kind {
		case ktestRun:
			if open >= 0 {
				prev := rep.cases[open].name
				died(fmt.Sprintf("no PASS or FAIL before the next test (%s) started", ev.name))
				rep.problems = append(rep.problems, fmt.Sprintf("KTEST RUN %s arrived while %s had no verdict", ev.name, prev))
			}
			rep.cases = append(rep.cases, ktestCase{name: ev.name})
			open, runStart = len(rep.cases)-1, i
		case ktestPass, ktestFail:
			if ev.kind == ktestPass {
				rep.passed++
			} else {
				rep.failed++
			}
			orphan := open < 0 || rep.cases[open].name != ev.name
			if orphan {
				if open >= 0 {
					died(fmt.Sprintf("no PASS or FAIL; the next verdict was for %s", ev.name))
				}
				rep.problems = append(rep.problems, fmt.Sprintf("line %q has no matching KTEST RUN %s", l.Text, ev.name))
				rep.cases = append(rep.cases, ktestCase{name: ev.name})
				open = len(rep.cases) - 1
			}
			c := &rep.cases[open]
			c.outcome = outcomePass
			if ev.kind == ktestFail {
				c.outcome, c.reason = outcomeFail, ev.reason
				if !orphan {
					c.output = r.Lines[runStart+1 : i]
				}
			}
			open = -1
		}
	}
	if open >= 0 {
		died(fmt.Sprintf("KTEST RUN %s has no PASS or FAIL: the kernel died inside it (run ended with %v)", rep.cases[open].name, r.Status))
	}

	dead := 0
	for _, c := range rep.cases {
		if c.outcome == outcomeDied {
			dead++
		}
	}
	if len(rep.cases) == 0 {
		rep.problems = append(rep.problems, "the kernel ran zero tests (no KTEST RUN lines)")
	}
	switch {
	case summaries == 0:
		rep.problems = append(rep.problems, "no summary line `ktest: N passed, M failed`")
	case summaries > 1:
		rep.problems = append(rep.problems, fmt.Sprintf("%d summary lines; want exactly one", summaries))
	}
	if summaries > 0 && (sumPassed != rep.passed || sumFailed != rep.failed) {
		rep.problems = append(rep.problems, fmt.Sprintf("summary says %d passed, %d failed but the log has %d KTEST PASS and %d KTEST FAIL lines",
			sumPassed, sumFailed, rep.passed, rep.failed))
	}
	switch {
	case dead > 0:
		rep.problems = append(rep.problems, fmt.Sprintf("run ended with status %v while a kernel test was running", r.Status))
	case rep.failed > 0 && r.Status == TestFailure:
		rep.problems = append(rep.problems, fmt.Sprintf("%d kernel test(s) failed (status TestFailure, as expected after a FAIL)", rep.failed))
	case rep.failed > 0:
		rep.problems = append(rep.problems, fmt.Sprintf("%d kernel test(s) failed, so the status should be TestFailure, but the run ended with %v", rep.failed, r.Status))
	case r.Status != Pass:
		rep.problems = append(rep.problems, fmt.Sprintf("every kernel test passed but the run ended with status %v; want Pass", r.Status))
	}
	return rep
}

// failedRun reports whether the parent test must fail.
func (rep ktestReport) failedRun() bool {
	if len(rep.problems) > 0 {
		return true
	}
	for _, c := range rep.cases {
		if c.outcome != outcomePass {
			return true
		}
	}
	return false
}
