// scenarios_test.go: the timelines of the later recurrences, from frozen
// copies of real runs: scenario=exit (2016, a user task in do_exit is the
// borrower) and scenario=caller (2018, the modern primitive's assertion).

package main

import (
	"strings"
	"testing"
)

const (
	exitPath   = "testdata/exit-386-live.log"     // ./qemu.sh stress -a 386 -- flush=racy scenario=exit seed=1 trace=48
	callerPath = "testdata/caller-386-inject.log" // ./qemu.sh -a 386 -- workload=stress hz=1000 sched=shuffle inject=50 flush=modern scenario=caller caller=racy seed=1 trace=48
)

func TestBuildExit(t *testing.T) {
	_, tl := load(t, exitPath)
	// exiter[3] is a user task on mm 1536 that borrows from exit_mm on;
	// worker[2] (task B) a user task on mm 1; kspawn a kernel thread.
	for id, want := range map[int]struct {
		kernel bool
		mm     int
	}{2: {false, 1}, 3: {false, 1536}, 5: {true, MMNone}} {
		if task := tl.Task(id); task.Kernel != want.kernel || task.MM != want.mm {
			t.Errorf("%s: Kernel %v MM %d, want %v %d", task.Label, task.Kernel, task.MM, want.kernel, want.mm)
		}
	}
	if !tl.exits(3) || tl.exits(2) {
		t.Errorf("exiting tasks %v, want exiter[3] among them and not worker[2]", tl.Exiting)
	}
	// Its runs: on its own mm, not borrowed, before exit_mm (tick 17836);
	// borrowed after.
	var before, after bool
	for _, r := range tl.Runs {
		if r.Task != 3 {
			continue
		}
		if r.To <= 17836 && !r.Borrowed {
			before = true
		}
		if r.From >= 17836 && r.Borrowed {
			after = true
		}
		if r.From >= 17837 && !r.Borrowed {
			t.Errorf("exiter[3] runs unborrowed after exit_mm: %+v", r)
		}
	}
	if !after {
		t.Errorf("exiter[3] has no borrowed run after exit_mm (before %v): %+v", before, tl.Runs)
	}
	// The story: exit_mm, the teardown flush, the preemption, the stale
	// write of the dying mm, the skipped load for task B, its fault.
	var kinds []string
	for _, m := range tl.Marks {
		kinds = append(kinds, m.Kind.String())
	}
	want := "exit-mm teardown-flush preempt-window resume-window cr3skip fault detect"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("key events %q, want %q", got, want)
	}
	if len(tl.Diverge) != 1 || tl.Diverge[0].MM != 1536 || tl.DivBelief[0] != 1 {
		t.Errorf("divergence %+v / %v, want CR3 = mm 1536 against a belief of mm 1", tl.Diverge, tl.DivBelief)
	}
}

func TestBuildCaller(t *testing.T) {
	_, tl := load(t, callerPath)
	if len(tl.Marks) == 0 || tl.Marks[0].Kind != Warn || !strings.Contains(tl.Marks[0].Text, "kpagealloc[7]") {
		t.Fatalf("first key event %+v, want kpagealloc[7]'s WARN", tl.Marks)
	}
	warns := 0
	for _, m := range tl.Marks {
		if m.Kind == Warn {
			warns++
		}
	}
	if warns != 1 {
		t.Errorf("%d WARN key events, want the first one only", warns)
	}
	for _, id := range []int{5, 7} { // the two seen borrowing (4 and 6 only run on)
		if !tl.Task(id).Kernel {
			t.Errorf("%s is not a kernel thread", tl.Task(id).Label)
		}
	}
	if last := tl.Marks[len(tl.Marks)-1]; last.Kind != Detect || !strings.Contains(last.Text, "CR3-MISMATCH") {
		t.Errorf("last key event %+v, want the CR3-MISMATCH detection", last)
	}
}

// Every scenario's log renders: the SVG names the exit and the WARN.
func TestRenderScenarios(t *testing.T) {
	for path, want := range map[string]string{exitPath: "exit_mm", callerPath: "WARN"} {
		_, tl := load(t, path)
		svg := string(RenderSVG(tl.Clip(focusStart(tl)), DefaultTitle(tl), path))
		if !strings.Contains(svg, want) {
			t.Errorf("%s: the picture does not mention %q", path, want)
		}
	}
}
