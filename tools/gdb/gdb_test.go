package gdbtest

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var arches = []string{"386", "amd64"}

// The racy stress run of README.md, repeatable under gdb (run.sh runs it
// at a fixed -icount shift): the race shows within ~300 ticks.
// steer=off: the shuffle's own picks, whose sequence of window
// preemptions and resumes the session below was written against.
var stressWords = []string{"workload=stress", "hz=10000", "sched=shuffle", "lockup=4",
	"users=2", "kthreads=4", "flush=racy", "seed=3", "steer=off"}

var (
	cr3Line  = regexp.MustCompile(`CR3 \(what the CPU walks\)\s+0x([0-9a-f]+)`)
	taskLine = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^[ *]\s+\d+ ` + name + `\s`)
	}
)

// TestTasksAndCR3 stops a kernel test at a few context switches and checks
// that tl-tasks lists the boot task and the idle task and that tl-cr3
// reads a CR3 (paging is on by then).
func TestTasksAndCR3(t *testing.T) {
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			out := session(t, arch, "live", `
break 'tlbrace/kernel/sched.contextSwitch'
continue
continue
continue
echo ==TASKS==\n
tl-tasks
echo ==CR3==\n
tl-cr3
`, "test=sched.same_mm_no_cr3")
			tasks, cr3 := after(out, "==TASKS=="), after(out, "==CR3==")
			for _, name := range []string{"main", "idle"} {
				if !taskLine(name).MatchString(tasks) {
					t.Errorf("tl-tasks does not list %q:\n%s", name, out)
				}
			}
			m := cr3Line.FindStringSubmatch(cr3)
			if m == nil {
				t.Fatalf("tl-cr3 printed no CR3:\n%s", out)
			}
			if v, _ := strconv.ParseUint(m[1], 16, 64); v == 0 {
				t.Errorf("CR3 is 0 at a context switch (paging is on by then):\n%s", out)
			}
			t.Logf("%s: %s", arch, m[0])
		})
	}
}

// TestRaceWindow lets tl-window find the race in the racy stress run: a
// task resumes in the flush window borrowing another mm, stops at its
// CR3 write; before the write CR3 and the scheduler agree, after it they
// disagree.
func TestRaceWindow(t *testing.T) {
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			out := session(t, arch, "live", `
tl-window
continue
set $n = 0
while $tl_stale_write == 0 && $n < 20
  continue
  set $n = $n + 1
end
echo ==BEFORE==\n
tl-cr3
stepi
echo ==AFTER==\n
tl-cr3
`, stressWords...)
			checkRace(t, out, "==BEFORE==", "==AFTER==")
		})
	}
}

// checkRace checks the stale resume, the stop at the write, and tl-cr3
// agreeing between the two marks and disagreeing after afterMark.
func checkRace(t *testing.T, out, beforeMark, afterMark string) {
	t.Helper()
	for _, want := range []string{"RESUME", "-> STALE", "is at `mov %"} {
		if !strings.Contains(out, want) {
			t.Fatalf("no %q in the gdb session:\n%s", want, out)
		}
	}
	b, a := after(out, beforeMark), after(out, afterMark)
	if b = b[:len(b)-len(a)]; !strings.Contains(b, "CR3 and the scheduler agree.") {
		t.Errorf("before the stale write, tl-cr3 should show agreement:\n%s", out)
	}
	if !strings.Contains(a, "*** CR3 and the scheduler disagree ***") {
		t.Errorf("after the stale write, tl-cr3 should show disagreement:\n%s", out)
	}
	t.Logf("%s", strings.TrimSpace(strings.Split(a, "[Inferior")[0]))
}

// TestReplayReverse records the racy run (make gdb-record), replays it
// under gdb, steps over the stale CR3 write and back again with
// reverse-stepi (QEMU loads the recording's snapshot and replays forward).
func TestReplayReverse(t *testing.T) {
	const arch = "386"
	if _, err := exec.LookPath("qemu-img"); err != nil {
		t.Skip("no qemu-img (qemu-utils): recordings have no snapshot, so no reverse execution")
	}
	r := root(t)
	needTools(t, arch)
	kernel(t, r, arch)
	rr := filepath.Join(t.TempDir(), "race.rr")
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	rec := exec.CommandContext(ctx, filepath.Join(r, "tools/gdb/run.sh"), "record", arch, rr, "flush=racy", "seed=2")
	rec.Dir = r
	recOut, err := rec.CombinedOutput()
	if err != nil || !strings.Contains(string(recOut), "DETECTED:") {
		t.Fatalf("recording the racy run: %v (want a DETECTED line)\n%s", err, recOut)
	}
	start := time.Now()
	out := session(t, arch, "replay", `
tl-window
continue
set $n = 0
while $tl_stale_write == 0 && $n < 20
  continue
  set $n = $n + 1
end
stepi
echo ==STALE==\n
tl-cr3
reverse-stepi
echo ==BACK==\n
tl-cr3
`, rr)
	for _, bad := range []string{"Remote failure", "not support"} {
		if strings.Contains(out, bad) {
			t.Fatalf("reverse-stepi failed (%q):\n%s", bad, out)
		}
	}
	stale, back := after(out, "==STALE=="), after(out, "==BACK==")
	if !strings.Contains(stale[:len(stale)-len(back)], "disagree") {
		t.Errorf("after the stale write, tl-cr3 should show disagreement:\n%s", out)
	}
	if !strings.Contains(back, "CR3 and the scheduler agree.") {
		t.Errorf("reverse-stepi should undo the stale write:\n%s", out)
	}
	t.Logf("replay with reverse-stepi in %v:\n%s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(strings.Split(back, "[Inferior")[0]))
}
