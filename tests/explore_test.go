package tests

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// Systematic exploration (kernel/explore): every schedule of a small
// constellation up to a depth, each from the same start, with the exact
// oracle "CR3 holds the page table of the user task switched to".

var (
	exploredRE = regexp.MustCompile(`explore: (\d+) schedules explored, (\d+) failed`)
	replayRE   = regexp.MustCompile(`schedule=([0-9,]+)$`)
	liveRE     = regexp.MustCompile(`explore: (\d+) live tasks and (\d+) address spaces before, (\d+) and (\d+) after`)
)

func explore(t *testing.T, arch string, words ...string) (*qemu.Result, int, int) {
	t.Helper()
	return exploreWords(t, arch, append([]string{"workload=explore", "hz=10000"}, words...)...)
}

// exploreWords boots with exactly these kernel words and reads the summary.
func exploreWords(t *testing.T, arch string, words ...string) (*qemu.Result, int, int) {
	t.Helper()
	stressSlots <- struct{}{}
	defer func() { <-stressSlots }()
	r := qemu.RunT(t, qemu.Config{Arch: arch, Timeout: 90 * time.Second, Args: words})
	l, ok := r.Find("explore: ")
	for _, x := range r.Lines {
		if exploredRE.MatchString(x.Text) {
			l, ok = x, true
		}
	}
	m := exploredRE.FindStringSubmatch(l.Text)
	if !ok || m == nil {
		t.Fatalf("no exploration summary\n%s\n%s", r, tail(r.Text(), 20))
	}
	n, _ := strconv.Atoi(m[1])
	f, _ := strconv.Atoi(m[2])
	return r, n, f
}

func TestExploreFixedHasNoFailingSchedule(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r, n, f := explore(t, arch, "flush=fixed", "explore=5", "kthreads=2")
		t.Logf("%s fixed: %d schedules explored, %d failed", arch, n, f)
		if n != 1024 || f != 0 || r.Status != qemu.Pass {
			t.Errorf("fixed: %d schedules (want all 4^5 = 1024), %d failed (want 0), status %v\n%s", n, f, r.Status, r.Reproduce())
		}
	})
}

func TestExploreRacyFindsAndReplaysAFailure(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r, n, f := explore(t, arch, "flush=racy", "explore=4", "kthreads=1")
		t.Logf("%s racy: %d schedules explored, %d failed", arch, n, f)
		if f == 0 || r.Status != qemu.TestFailure {
			t.Fatalf("racy: no failing schedule among %d (status %v)\n%s", n, r.Status, r.Reproduce())
		}
		l, ok := r.Find("explore: replay the first failure with:")
		m := replayRE.FindStringSubmatch(l.Text)
		if !ok || m == nil {
			t.Fatalf("no replayable decision string\n%s", tail(r.Text(), 20))
		}
		// The printed words, exactly as printed, reproduce the failure,
		// every time: nothing the replay depends on may be left out.
		_, printed, _ := strings.Cut(l.Text, "with: ")
		words := strings.Fields(printed)
		for i := 0; i < 2; i++ {
			rr, n1, f1 := exploreWords(t, arch, words...)
			if n1 != 1 || f1 != 1 || !rr.Contains("FAILS") {
				t.Errorf("replay %d of the printed %q: %d run, %d failed\n%s", i, printed, n1, f1, tail(rr.Text(), 20))
			}
		}
		t.Logf("%s: %q replays the failure deterministically", arch, printed)
	})
}

// TestExploreSixteenFlushers: with kthreads=16 (the option's maximum) the
// constellation has 18 members. Every run must kill all of them, so that
// each run starts from the same state: every one of the 18^2 decision
// strings of depth 2 is tried, the fixed flush passes them all, and as
// many tasks and address spaces are alive after the exploration as before.
func TestExploreSixteenFlushers(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r, n, f := explore(t, arch, "flush=fixed", "explore=2", "kthreads=16")
		t.Logf("%s fixed, 16 flushers: %d schedules explored, %d failed", arch, n, f)
		if n != 18*18 || f != 0 || r.Status != qemu.Pass {
			t.Errorf("%d schedules (want 18^2 = 324), %d failed (want 0), status %v\n%s", n, f, r.Status, r.Reproduce())
		}
		var m []string
		for _, l := range r.Lines {
			if x := liveRE.FindStringSubmatch(l.Text); x != nil {
				m = x
			}
		}
		if m == nil {
			t.Fatalf("no live-task summary\n%s", tail(r.Text(), 20))
		}
		if m[1] != m[3] || m[2] != m[4] {
			t.Errorf("runs do not start from the same state: %s live tasks and %s address spaces before, %s and %s after",
				m[1], m[2], m[3], m[4])
		}
	})
}
