package tests

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// One bug, three times: the race through each code path that broke the
// invariant in Linux (README, "One bug, three times").
//
//	scenario=kthread  2004: lazy kernel threads flush (the other files)
//	scenario=exit     2016: a user task's exit_mmap flushes after exit_mm
//	scenario=caller   2018: the DEBUG_PAGEALLOC path flushes globally under
//	                  flush=modern's contract, with the buggy caller or not
//
// Each racy configuration must be detected — injected (default TCG, the
// debug-register injector on the flush windows) and natural (-icount) — and
// each guarded one must survive with a non-zero count of injections or
// timer interrupts that hit a window. The caller scenario's assertion (the
// WARNING) must fire exactly when the caller is the buggy one.
//
// make test runs the short versions (a few guest seconds); make stress
// (TLBRACE_STRESS_SECONDS) the natural guarded runs at full length.

// scenarioInject boots one injected stress run of a scenario, in default
// TCG (icount false) or with instruction-counted time: a run of fixed
// guest length then costs the same wall time however loaded the host is.
func scenarioInject(t *testing.T, arch string, icount bool, flush, scenario string, seed int, extra ...string) *qemu.Result {
	t.Helper()
	stressSlots <- struct{}{}
	defer func() { <-stressSlots }()
	args := injectWords(flush, seed, append([]string{"scenario=" + scenario}, extra...)...)
	return qemu.RunT(t, qemu.Config{Arch: arch, Icount: icount, Args: args, Timeout: 90 * time.Second})
}

// counters returns the last STAT line's counters, failing the test without one.
func counters(t *testing.T, r *qemu.Result) map[string]uint64 {
	t.Helper()
	st, ok := lastStat(r)
	if !ok {
		t.Fatalf("no STAT line\n%s\n%s", r, tail(r.Text(), 20))
	}
	return st
}

// warnings counts the WARNING lines of the flush primitives' assertion.
func warnings(r *qemu.Result) int {
	n := 0
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, "WARNING: ") && strings.Contains(l.Text, "called preemptible") {
			n++
		}
	}
	return n
}

// TestInjectScenarioExitRacyDetects: the 2016 exit path, flush=racy, under
// injection: detected on every seed tried, through a preemption in a
// teardown flush's window.
func TestInjectScenarioExitRacyDetects(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		for seed := 1; seed <= 3; seed++ {
			r := scenarioInject(t, arch, false, "racy", "exit", seed)
			d, ok := r.Find("DETECTED:")
			if !ok {
				t.Errorf("seed %d: scenario=exit flush=racy not detected under injection\n%s\n%s", seed, r, tail(r.Text(), 15))
				continue
			}
			st := counters(t, r)
			t.Logf("%s seed %d: %s (%d exits, %d teardown flushes, %d window preemptions)",
				arch, seed, d.Text, st["exits"], st["teardown_flushes"], st["window_preemptions"])
			if st["window_preemptions"] == 0 || st["exits"] == 0 {
				t.Errorf("seed %d: detected without a preemption in a teardown flush: %v", seed, st)
			}
		}
	})
}

// TestInjectScenarioGuardedSurvives: every guarded combination runs a
// guest second under injection (and -icount, to bound the wall time) with
// zero detections and every injection refused: the 2016 exit path with the fixed primitive (5cf0791da5c1) and
// under the modern contract (flush_tlb_mm_range's guard); the 2018 caller
// fixed (f77084d96355) under flush=modern, and even the buggy caller under
// flush=fixed, whose primitive guards itself; and the 2004 kernel threads
// under flush=modern.
func TestInjectScenarioGuardedSurvives(t *testing.T) {
	cases := []struct{ flush, scenario string }{
		{"fixed", "exit"}, {"modern", "exit"},
		{"modern", "caller caller=fixed"}, {"fixed", "caller caller=racy"},
		{"modern", "kthread"},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			words := strings.Fields(c.scenario)
			r := scenarioInject(t, arch, true, c.flush, words[0], 1, append(words[1:], "duration=1")...)
			name := fmt.Sprintf("flush=%s scenario=%s", c.flush, c.scenario)
			if d, ok := r.Find("DETECTED:"); ok {
				t.Errorf("%s: %s\n%s", name, d.Text, r.Reproduce())
				continue
			}
			if r.Status != qemu.Pass {
				t.Errorf("%s: status %v\n%s", name, r.Status, tail(r.Text(), 15))
				continue
			}
			st := counters(t, r)
			t.Logf("%s %s: %d injections, all refused: %v; exits %d, page-allocator flushes %d",
				arch, name, st["injections"], st["injections_refused"] == st["injections"], st["exits"], st["pagealloc_flushes"])
			if st["injections"] == 0 || st["injections_refused"] != st["injections"] || st["window_preemptions"] != 0 {
				t.Errorf("%s: %d injections, %d refused, %d window preemptions; want some, all, none",
					name, st["injections"], st["injections_refused"], st["window_preemptions"])
			}
			if st["preemptible_flushes"] != 0 || warnings(r) != 0 {
				t.Errorf("%s: the modern assertion fired (%d preemptible flushes)", name, st["preemptible_flushes"])
			}
			if words[0] == "exit" && st["exits"] == 0 || words[0] == "caller" && st["pagealloc_flushes"] == 0 {
				t.Errorf("%s: the scenario's path did not run: %v", name, st)
			}
		}
	})
}

// TestInjectScenarioCallerWarnsWhenBuggy: under flush=modern the buggy
// caller (caller=racy) makes the primitive's assertion fire at its first
// call, reported once with a backtrace naming the caller, and the race,
// once injected, is caught by the CR3 check at a switch; the fixed caller
// is in TestInjectScenarioGuardedSurvives (no WARNING, nothing detected).
func TestInjectScenarioCallerWarnsWhenBuggy(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := scenarioInject(t, arch, false, "modern", "caller", 1, "caller=racy")
		if n := warnings(r); n != 1 {
			t.Fatalf("%d WARNING lines, want exactly 1 (WARN_ON_ONCE)\n%s", n, tail(r.Text(), 30))
		}
		w, _ := r.Find("WARNING: ")
		i := strings.Index(r.Text(), w.Text)
		bt := r.Text()[i:]
		if j := strings.Index(bt, "DETECTED:"); j > 0 {
			bt = bt[:j]
		}
		if !strings.Contains(bt, "backtrace:") || !strings.Contains(bt, "kernel/mm.kernelMapPagesRacy") {
			t.Errorf("the WARNING's backtrace does not name the caller, kernelMapPagesRacy:\n%s", bt)
		}
		d, ok := r.Find("DETECTED: CR3-MISMATCH")
		if !ok {
			t.Fatalf("the injected race was not caught by the switch-time CR3 check\n%s", tail(r.Text(), 20))
		}
		st := counters(t, r)
		t.Logf("%s: WARNING at the first preemptible flush, then %s (%d preemptible flushes counted)", arch, d.Text, st["preemptible_flushes"])
		if st["preemptible_flushes"] == 0 || st["cr3_check_failures"] == 0 {
			t.Errorf("counters %v: want preemptible flushes and a failed CR3 check", st)
		}
	})
}

// naturalSeeds are tried in turn by the natural (-icount) racy runs, each
// for at most naturalSeconds of guest time, until one detects: a run is a
// pure function of the kernel and its seed, and a kernel change moves the
// detection of a seed, not its likelihood.
var naturalSeeds = []int{1, 2, 3}

const naturalSeconds = 15

// TestStressScenarioRacyNatural: with no help from the injector, under
// -icount, the 2016 exit path and the 2018 buggy caller are both detected.
func TestStressScenarioRacyNatural(t *testing.T) {
	cases := []struct{ flush, words string }{
		{"racy", "scenario=exit"},
		{"modern", "scenario=caller caller=racy"},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			var tried []string
			for _, seed := range naturalSeeds {
				r := stressRun(t, arch, c.flush, seed, 0, 120*time.Second,
					append(strings.Fields(c.words), fmt.Sprintf("duration=%d", naturalSeconds), "quiet")...)
				if d, ok := r.Find("DETECTED:"); ok {
					wall, _ := sinceStart(r, "DETECTED:")
					t.Logf("%s flush=%s %s seed %d: %s (%v of wall time)", arch, c.flush, c.words, seed, d.Text, wall)
					tried = nil
					break
				}
				tried = append(tried, fmt.Sprintf("seed %d: %v, %s", seed, r.Status, r.Reproduce()))
			}
			if tried != nil {
				t.Errorf("flush=%s %s: no detection in %d guest seconds on any seed:\n  %s",
					c.flush, c.words, naturalSeconds, strings.Join(tried, "\n  "))
			}
		}
	})
}

// scenarioSeconds is the length of the natural guarded runs: the full
// TLBRACE_STRESS_SECONDS under make stress; under make test, skipped.
func scenarioSeconds(t *testing.T) time.Duration {
	if os.Getenv("TLBRACE_STRESS_SECONDS") == "" {
		t.Skip("the natural guarded runs of the scenarios are make stress's (TLBRACE_STRESS_SECONDS); make test has the injected ones")
	}
	return stressSeconds(t)
}

// TestStressScenarioGuardedNatural: the guarded configurations of the
// later recurrences under -icount for the full stress length: zero
// detections, and timer interrupts did land in a flush window.
func TestStressScenarioGuardedNatural(t *testing.T) {
	secs := scenarioSeconds(t)
	cases := []struct{ flush, words string }{
		{"fixed", "scenario=exit"},
		{"modern", "scenario=exit"},
		{"modern", "scenario=caller caller=fixed"},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			r := stressRun(t, arch, c.flush, 1, secs, secs+90*time.Second, strings.Fields(c.words)...)
			name := "flush=" + c.flush + " " + c.words
			if d, ok := r.Find("DETECTED:"); ok {
				t.Errorf("%s: %s\nreproduce: %s\n%s", name, d.Text, r.Reproduce(), tail(r.Text(), 40))
				continue
			}
			if r.Status != qemu.Stopped {
				t.Errorf("%s did not run the full %v: %v\n%s", name, secs, r.Status, tail(r.Text(), 20))
				continue
			}
			st := counters(t, r)
			t.Logf("%s %s, %v: window_hits=%d deferred=%d exits=%d pagealloc_flushes=%d ticks=%d", arch, name, secs,
				st["window_hits"], st["deferred"], st["exits"], st["pagealloc_flushes"], st["ticks"])
			if st["window_hits"] == 0 {
				t.Errorf("%s: no timer interrupt landed inside a flush window: the run proved nothing", name)
			}
			if st["window_preemptions"] != 0 || st["detections"] != 0 || st["preemptible_flushes"] != 0 {
				t.Errorf("%s: window_preemptions=%d detections=%d preemptible_flushes=%d, want 0",
					name, st["window_preemptions"], st["detections"], st["preemptible_flushes"])
			}
		}
	})
}

// TestExploreScenarios: systematic exploration finds the exit path's race
// and the buggy caller's, with decision strings that replay them, and
// passes every schedule of the guarded ones.
func TestExploreScenarios(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		for _, words := range [][]string{
			{"flush=racy", "scenario=exit", "explore=3"},
			{"flush=modern", "scenario=caller", "caller=racy", "explore=3", "kthreads=1"},
		} {
			r, n, f := explore(t, arch, words...)
			t.Logf("%s %v: %d schedules, %d failed", arch, words, n, f)
			if f == 0 {
				t.Errorf("%v: no failing schedule among %d\n%s", words, n, r.Reproduce())
				continue
			}
			l, ok := r.Find("explore: replay the first failure with:")
			m := replayRE.FindStringSubmatch(l.Text)
			if !ok || m == nil {
				t.Errorf("%v: no replayable decision string\n%s", words, tail(r.Text(), 10))
				continue
			}
			replay := []string{"schedule=" + m[1]}
			for _, w := range words {
				if !strings.HasPrefix(w, "explore=") {
					replay = append(replay, w)
				}
			}
			if rr, n1, f1 := explore(t, arch, replay...); n1 != 1 || f1 != 1 || !rr.Contains("FAILS") {
				t.Errorf("replay %v: %d run, %d failed\n%s", replay, n1, f1, tail(rr.Text(), 10))
			}
		}
		for _, words := range [][]string{
			{"flush=fixed", "scenario=exit", "explore=3"},
			{"flush=modern", "scenario=caller", "caller=fixed", "explore=3", "kthreads=1"},
		} {
			r, n, f := explore(t, arch, words...)
			t.Logf("%s %v: %d schedules, %d failed", arch, words, n, f)
			if n != 27 || f != 0 || r.Status != qemu.Pass {
				t.Errorf("%v: %d schedules, %d failed, status %v; want many, none, pass\n%s", words, n, f, r.Status, r.Reproduce())
			}
		}
	})
}
