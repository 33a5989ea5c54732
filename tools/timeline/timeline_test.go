// timeline_test.go: replaying records into runs, belief, CR3, windows,
// the divergence and the key events.

package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestMomentTimes(t *testing.T) {
	recs := []Record{
		{Tick: 5, Kind: PreemptWindow}, // moment 0 of tick 5
		{Tick: 5, Kind: Borrow},        // moment 1: borrow + switch
		{Tick: 5, Kind: Switch},
		{Tick: 6, Kind: CR3Skip}, // moment 0 of tick 6: cr3skip + switch
		{Tick: 6, Kind: Switch},
		{Tick: 6, Kind: Fault},    // moment 1
		{Tick: 6, Kind: Detect},   // moment 2
		{Tick: 8, Kind: CR3Write}, // a switch part with no switch after it
	}
	got := momentTimes(recs)
	want := []float64{5, 5.5, 5.5, 6, 6, 6 + 1.0/3, 6 + 2.0/3, 8}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("momentTimes = %v, want %v", got, want)
	}
}

func TestBuildLive(t *testing.T) {
	_, tl := load(t, livePath)
	if tl.Start != 247 || tl.End != 282 {
		t.Errorf("span [%v, %v), want [247, 282)", tl.Start, tl.End)
	}
	for _, task := range tl.Tasks {
		wantKernel := task.ID == 0 || task.ID == 5 || task.ID == 6
		if task.Kernel != wantKernel {
			t.Errorf("%s: Kernel = %v", task.Label, task.Kernel)
		}
	}
	if mm := tl.Task(4).MM; mm != 3 {
		t.Errorf("worker[4] own mm = %d, want 3", mm)
	}
	if tl.Task(1).Ran || !tl.Task(2).Ran {
		t.Errorf("idle[1] ran = %v, worker[2] ran = %v", tl.Task(1).Ran, tl.Task(2).Ran)
	}

	// kflush[6] leaves the CPU at the switch of tick 276 and gets it back
	// at the switch of tick 279, holding mm 3's page directory.
	if len(tl.Windows) != 1 {
		t.Fatalf("windows = %+v", tl.Windows)
	}
	w := tl.Windows[0]
	if w.Task != 6 || w.HeldMM != 3 || w.Held != 0x973000 || !w.Resumed || w.ActiveMM != 1 || tickOf(w.From) != 276 || tickOf(w.To) != 279 {
		t.Errorf("window = %+v", w)
	}

	// The race: CR3 holds mm 3 from the stale write on, the belief says mm 1.
	if len(tl.Diverge) != 1 {
		t.Fatalf("divergence = %+v", tl.Diverge)
	}
	d := tl.Diverge[0]
	if tickOf(d.From) != 279 || d.To != tl.End || d.MM != 3 || d.Value != 0x973000 || tl.DivBelief[0] != 1 {
		t.Errorf("divergence = %+v, belief %d", d, tl.DivBelief[0])
	}
	if s, ok := at(tl.CR3, 278.5); !ok || s.MM != 1 {
		t.Errorf("CR3 at 278.5 = %+v, want mm 1", s)
	}

	var kinds []Kind
	for _, m := range tl.Marks {
		kinds = append(kinds, m.Kind)
	}
	if want := []Kind{PreemptWindow, ResumeWindow, CR3Skip, Fault, Detect}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("key events %v, want %v", kinds, want)
	}
	for i, m := range tl.Marks {
		if m.N != i+1 || !m.Harm {
			t.Errorf("mark %d = %+v", i, m)
		}
	}
	if tl.Marks[0].At != w.From {
		t.Errorf("the preemption is drawn at %v, want where kflush[6] leaves the CPU (%v)", tl.Marks[0].At, w.From)
	}

	// Every moment has exactly one running task: runs do not overlap.
	for i := 1; i < len(tl.Runs); i++ {
		if tl.Runs[i].From < tl.Runs[i-1].To {
			t.Errorf("runs overlap: %+v then %+v", tl.Runs[i-1], tl.Runs[i])
		}
	}
}

// A preemption in the window that resumes on the same mm is harmless: no
// divergence, and its resume is not marked as part of a failure.
func TestBuildHarmlessWindow(t *testing.T) {
	log := `TRACE-RAW 1 borrow 3 0 1 0x0 0x0 -1 -2
TRACE-RAW 1 switch 1 3 1 0x0 0x1000 -1 1
TRACE-RAW 2 preempt-window 3 0 1 0x1000 0x0 1 -2
TRACE-RAW 2 cr3skip 1 0 1 0x0 0x1000 -1 1
TRACE-RAW 2 switch 3 1 1 0x0 0x1000 -1 1
TRACE-RAW 3 borrow 3 0 1 0x0 0x0 -1 -2
TRACE-RAW 3 switch 1 3 1 0x0 0x1000 -1 1
TRACE-RAW 3 resume-window 3 0 1 0x1000 0x0 1 -2
TRACE-TASK 1 user
TRACE-TASK 3 kthread
TRACE-RAW END
`
	tr, err := parseString(log)
	if err != nil {
		t.Fatal(err)
	}
	tl := Build(tr)
	if len(tl.Diverge) != 0 {
		t.Errorf("divergence %+v in a harmless trace", tl.Diverge)
	}
	if len(tl.Marks) != 2 || tl.Marks[1].Harm {
		t.Errorf("marks = %+v", tl.Marks)
	}
	if got := Summary(tl, "x.log"); !strings.Contains(got, "agree throughout") {
		t.Errorf("summary:\n%s", got)
	}
}

func TestClip(t *testing.T) {
	_, tl := load(t, livePath)
	c := tl.Clip(focusStart(tl))
	if c.Start != 266 || c.End != tl.End {
		t.Errorf("clipped span [%v, %v)", c.Start, c.End)
	}
	for _, r := range c.Runs {
		if r.From < c.Start {
			t.Errorf("run %+v starts before the view", r)
		}
	}
	if len(c.Marks) != len(tl.Marks) || len(c.Tasks) != len(tl.Tasks) || len(c.Diverge) != 1 {
		t.Errorf("clip lost something: %d marks, %d tasks, %d divergences", len(c.Marks), len(c.Tasks), len(c.Diverge))
	}
	if c.Task(0).Ran { // main[0] only runs before tick 266
		t.Errorf("main[0] still marked as running in the view")
	}
}
