package tests

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// The stress tests: the heart of the project. For each architecture and
// each flush variant, boot the lockup reproducer under -icount and judge
// the serial output:
//   - flush=racy must reach a detection (the race really happens here);
//   - flush=fixed must run the full time with zero detections and a
//     non-zero count of timer interrupts that landed inside a flush
//     window — otherwise the run proved nothing.
// TLBRACE_STRESS_SECONDS sets the fixed runs' length (default 30).

// stressSlots allows two QEMUs at a time: this is a 2-core machine.
var stressSlots = make(chan struct{}, 2)

func stressSeconds(t *testing.T) time.Duration {
	s := os.Getenv("TLBRACE_STRESS_SECONDS")
	if s == "" {
		return 30 * time.Second
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("TLBRACE_STRESS_SECONDS=%q: want a positive number of seconds", s)
	}
	return time.Duration(n) * time.Second
}

var statRE = regexp.MustCompile(`(\w+)=(\d+)`)

// lastStat parses the last STAT line into its counters.
func lastStat(r *qemu.Result) (map[string]uint64, bool) {
	var line string
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, "STAT ") {
			line = l.Text
		}
	}
	if line == "" {
		return nil, false
	}
	m := map[string]uint64{}
	for _, kv := range statRE.FindAllStringSubmatch(line, -1) {
		n, _ := strconv.ParseUint(kv[2], 10, 64)
		m[kv[1]] = n
	}
	return m, true
}

// stressRun boots one stress run; stopAfter > 0 ends it after that much
// wall time (the fixed variant), otherwise it runs until the kernel exits.
func stressRun(t *testing.T, arch, variant string, seed int, stopAfter, timeout time.Duration, extra ...string) *qemu.Result {
	return stressRunAt(t, 0, arch, variant, seed, stopAfter, timeout, extra...)
}

// stressRunAt is stressRun at icount shift shift (0: qemu.sh's stress shift).
func stressRunAt(t *testing.T, shift int, arch, variant string, seed int, stopAfter, timeout time.Duration, extra ...string) *qemu.Result {
	stressSlots <- struct{}{}
	defer func() { <-stressSlots }()
	var once sync.Once
	var start time.Time
	cfg := qemu.Config{
		// 8 MiB of guest RAM: the stress workload's memory target.
		Arch: arch, Stress: true, Shift: shift, Timeout: timeout, Mem: "8M",
		Args: append([]string{"flush=" + variant, fmt.Sprintf("seed=%d", seed), "trace=48"}, extra...),
	}
	if stopAfter > 0 {
		cfg.Stop = func(line string) bool {
			once.Do(func() { start = time.Now() })
			return time.Since(start) > stopAfter
		}
	}
	return qemu.RunT(t, cfg)
}

// sinceStart is the wall time from "stress: start" to the first line with prefix.
func sinceStart(r *qemu.Result, prefix string) (time.Duration, bool) {
	s, ok1 := r.Find("stress: start")
	d, ok2 := r.Find(prefix)
	if !ok1 || !ok2 {
		return 0, false
	}
	return d.At - s.At, true
}

func TestStressRacyLocksUp(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := stressRun(t, arch, "racy", 1, 0, 60*time.Second)
		d, ok := r.Find("DETECTED:")
		if !ok {
			t.Fatalf("flush=racy ran without a detection: the race was not reproduced\n%s\n%s", r, tail(r.Text(), 15))
		}
		wall, _ := sinceStart(r, "DETECTED:")
		t.Logf("%s racy: %q after %v of wall time", arch, d.Text, wall)
		if r.Status != qemu.TestFailure {
			t.Errorf("status %v after a detection, want TestFailure (the kernel exits with 1)\n%s", r.Status, r)
		}
		for _, want := range []string{"TRACE:", "TRACE END", "stress: result detected flush=racy"} {
			if !r.Contains(want) {
				t.Errorf("detection report lacks %q\n%s", want, r)
			}
		}
		if st, ok := lastStat(r); !ok || st["window_preemptions"] == 0 {
			t.Errorf("no preemption inside a flush window was counted: %v", st)
		}
	})
}

func TestStressFixedSurvives(t *testing.T) {
	secs := stressSeconds(t)
	evidence, err := qemu.EvidenceShift()
	if err != nil {
		t.Fatal(err)
	}
	forArch(t, func(t *testing.T, arch string) {
		// churn=on: address spaces also come and go every second. At the
		// evidence shift: the most flush windows hit per wall second.
		r := stressRunAt(t, evidence, arch, "fixed", 1, secs, secs+60*time.Second, "churn=on")
		if d, ok := r.Find("DETECTED:"); ok {
			t.Fatalf("flush=fixed: %s\nreproduce: %s\n%s", d.Text, r.Reproduce(), tail(r.Text(), 60))
		}
		if r.Status != qemu.Stopped {
			t.Fatalf("flush=fixed did not run the full %v: %v\n%s\n%s", secs, r.Status, r, tail(r.Text(), 30))
		}
		st, ok := lastStat(r)
		if !ok {
			t.Fatalf("no STAT line\n%s", r)
		}
		t.Logf("%s fixed, %v: window_hits=%d deferred=%d switches=%d flushes=%d ticks=%d", arch, secs,
			st["window_hits"], st["deferred"], st["switches"], st["flushes"], st["ticks"])
		if st["window_hits"] == 0 {
			t.Errorf("no timer interrupt landed inside a flush window: the run proved nothing\n%s", r.Reproduce())
		}
		if st["window_preemptions"] != 0 || st["detections"] != 0 || st["spurious_faults"] != 0 {
			t.Errorf("fixed variant: window_preemptions=%d detections=%d spurious_faults=%d, want all 0\n%s",
				st["window_preemptions"], st["detections"], st["spurious_faults"], r.Reproduce())
		}
	})
}

// TestStressRecordReplay records a racy run with QEMU's record/replay and
// replays it: the replay must print the identical serial output, lockup
// and trace included — a failing run can be kept and re-examined (or
// debugged with gdb attached to the replay) as often as needed.
func TestStressRecordReplay(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		rr := t.TempDir() + "/racy.rr"
		base := qemu.Config{Arch: arch, Stress: true, Timeout: 60 * time.Second,
			Args: []string{"flush=racy", "seed=2", "trace=32"}}
		rec := base
		rec.Record = rr
		r1 := qemu.RunT(t, rec)
		if _, ok := r1.Find("DETECTED:"); !ok {
			t.Fatalf("recorded run did not detect the race\n%s", r1)
		}
		rep := base
		rep.Replay = rr
		r2 := qemu.RunT(t, rep)
		if r1.Text() != r2.Text() || r1.Status != r2.Status {
			t.Fatalf("replay differs from the recording (status %v vs %v)\nrecorded:\n%s\nreplayed:\n%s",
				r1.Status, r2.Status, tail(r1.Text(), 20), tail(r2.Text(), 20))
		}
		d, _ := r2.Find("DETECTED:")
		t.Logf("%s: replay reproduced %d lines byte for byte, including %q", arch, len(r2.Lines), d.Text)
	})
}

// TestStressKeepGoing: keepgoing counts every detection and runs on — the
// racy kernel's steady state that make bench measures — and still fails;
// the fixed kernel under keepgoing stays clean.
// noStragglers fails if a run's end waited in vain for its tasks.
func noStragglers(t *testing.T, r *qemu.Result) {
	t.Helper()
	for _, l := range r.Lines {
		if strings.Contains(l.Text, "did not exit within") || strings.Contains(l.Text, "did not stop within") {
			t.Errorf("the end of the run waited in vain: %q\n%s", l.Text, tail(r.Text(), 20))
		}
	}
}

// TestTeardownAfterForeignPointer: a worker the race killed (it jumped to
// a pointer read through the wrong page tables: FOREIGN-POINTER) finishes
// its do_exit while the end of the run waits for it. At the evidence
// shift, a waiter that looked at every tick took every tick from it: the
// worker was preempted at the same instruction 12,000 times in a row and
// the end gave up on it (sched.WaitGone now looks less and less often).
// The run is one that reaches FOREIGN-POINTER with this kernel; should a
// kernel change make it end otherwise, pick another seed (./qemu.sh stress
// --evidence -a amd64 -- flush=racy keepgoing kthreads=4 seed=N).
func TestTeardownAfterForeignPointer(t *testing.T) {
	shift, err := qemu.EvidenceShift()
	if err != nil {
		t.Fatal(err)
	}
	stressSlots <- struct{}{}
	defer func() { <-stressSlots }()
	r := qemu.RunT(t, qemu.Config{Arch: "amd64", Stress: true, Shift: shift, Timeout: 90 * time.Second,
		Args: []string{"flush=racy", "seed=3", "keepgoing", "duration=2", "kthreads=4", "trace=8"}})
	d, ok := r.Find("DETECTED:")
	if !ok || !strings.Contains(d.Text, "FOREIGN-POINTER") || !r.Contains("KILLED: task") {
		t.Fatalf("the run no longer ends by FOREIGN-POINTER and a killed worker (pick another seed): %v\n%s", r.Status, tail(r.Text(), 20))
	}
	noStragglers(t, r)
}

func TestStressKeepGoing(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		r := qemu.RunT(t, qemu.Config{Arch: arch, Stress: true, Timeout: 90 * time.Second,
			Args: []string{"flush=racy", "seed=1", "keepgoing", "duration=1", "trace=8"}})
		st, _ := lastStat(r)
		d, ok := r.Find("DETECTED:")
		if r.Status != qemu.TestFailure || !ok || !r.Contains("stress: result detected") {
			t.Fatalf("racy keepgoing: %v, want a test failure with its DETECTED tally\n%s", r.Status, tail(r.Text(), 20))
		}
		// It saw the race more than once, and ran on to the end of its
		// second (hz=10000) — unless the race itself ended it: a worker
		// that read another task's stack through the wrong page tables
		// and jumped to what it found (FOREIGN-POINTER) or was killed for
		// it, which no run can go on from (kernel/stress, endsKeepGoing).
		ended := strings.Contains(d.Text, "FOREIGN-POINTER") || strings.Contains(d.Text, "WORKER-KILLED")
		if st["ticks"] < 9000 && !ended || st["detections"] < 2 || st["window_preemptions"] < st["detections"] {
			t.Fatalf("racy keepgoing: want a whole second of ticks (or an end by the race's own damage) and several detections, each after a window preemption: %v\n%s", st, d.Text)
		}
		t.Logf("%s racy keepgoing: %s; %d window hits in %d ticks", arch, d.Text, st["window_hits"], st["ticks"])
		noStragglers(t, r)
		f := qemu.RunT(t, qemu.Config{Arch: arch, Stress: true, Timeout: 90 * time.Second,
			Args: []string{"flush=fixed", "seed=1", "keepgoing", "duration=1"}})
		if fs, _ := lastStat(f); f.Status != qemu.Pass || fs["detections"] != 0 || fs["window_hits"] == 0 {
			t.Fatalf("fixed keepgoing: %v, %v: want a pass with window hits and no detection\n%s", f.Status, fs, tail(f.Text(), 10))
		}
	})
}
