// timeline.go: replay the records to rebuild what the machine did.
//
// Walking the records in order we keep three things up to date:
//   - which task runs (a "switch" ends one run and starts the next),
//   - the scheduler's belief: the running task's active_mm, i.e. the
//     address space the kernel thinks the CPU is on,
//   - CR3: the page directory the CPU really walks (every record that
//     recorded CR3, plus the stale write of a resumed flush).
// The race is wherever the last two differ.

package main

import "math"

// TaskInfo describes one task lane.
type TaskInfo struct {
	ID     int
	Label  string // name[id]
	Kernel bool   // a kernel thread: no mm of its own, borrows lazily
	MM     int    // a user task's own mm; MMNone for kernel threads or unknown
	Ran    bool   // it runs at some point of the trace
}

// Run is a stretch during which one task had the CPU.
type Run struct {
	Task     int
	From, To float64
	MM       int  // its active_mm while running
	Borrowed bool // a kernel thread (or a task past exit_mm) running on a borrowed mm
}

// Window is a flush preempted between its CR3 read and write: the task
// is off the CPU holding a CR3 value in a register.
type Window struct {
	Task     int
	From, To float64
	HeldMM   int    // owner of the value it holds
	Held     uint64 // the value
	Resumed  bool   // it came back (else still pending at the end)
	ActiveMM int    // its active_mm when it resumed (or was preempted)

	preemptAt float64 // time of the preempt-window record
}

// Timeline is the whole reconstruction, times in (fractional) ticks.
type Timeline struct {
	Start, End float64
	Tasks      []TaskInfo
	Runs       []Run
	Belief     []Seg // the running task's active_mm
	CR3        []Seg // owner of the value in CR3
	Diverge    []Seg // CR3 owner (MM) where it differs from the belief
	DivBelief  []int // the believed mm for each Diverge stretch
	Windows    []Window
	Exiting    []int // user tasks that go through do_exit in the trace
	Marks      []Mark
	Detected   string
	Ready      string
	Records    int
	FirstTick  int64
	LastTick   int64
}

// Build replays a parsed trace.
func Build(t *Trace) *Timeline {
	recs := t.Records
	times := momentTimes(recs)
	tl := &Timeline{
		Start:     float64(recs[0].Tick),
		End:       float64(recs[len(recs)-1].Tick + 1),
		Detected:  t.Detected,
		Ready:     t.Ready,
		Records:   len(recs),
		FirstTick: recs[0].Tick,
		LastTick:  recs[len(recs)-1].Tick,
	}

	// Who is a kernel thread, and each user task's own mm. A user task in
	// its exit path (exit-mm) borrows too, but it is a user task: its own
	// mm is the one exit_mm leaves it borrowing, and its switches before
	// that name it.
	kernel := map[int]bool{}
	ownMM := map[int]int{}
	exitAt := map[int]int{} // task -> index of its exit-mm record
	for i, r := range recs {
		if r.Kind == ExitMM {
			exitAt[r.A] = i
			ownMM[r.A] = r.X
		}
	}
	for _, r := range recs {
		switch r.Kind {
		case Borrow, PreemptWindow, ResumeWindow:
			if _, exits := exitAt[r.A]; !exits {
				kernel[r.A] = true
			}
		}
	}
	for i, r := range recs {
		if at, exits := exitAt[r.B]; r.Kind == Switch && !kernel[r.B] && (!exits || i < at) {
			ownMM[r.B] = r.X
		}
	}

	var (
		belief, cr3 steps
		running     = -1 // task id, -1 before the first switch
		runFrom     = tl.Start
		runMM       = MMNone
		open        = map[int]int{} // task -> index in tl.Windows of its open window
		ran         = map[int]bool{}
		borrowing   = map[int]bool{} // user tasks past exit_mm
	)
	endRun := func(at float64) {
		if running >= 0 && at > runFrom {
			tl.Runs = append(tl.Runs, Run{Task: running, From: runFrom, To: at, MM: runMM, Borrowed: kernel[running] || borrowing[running]})
			ran[running] = true
		}
	}
	for i, r := range recs {
		now := times[i]
		switch r.Kind {
		case Switch:
			if running < 0 {
				running = r.A // it was running since the trace began
				runMM = MMNone
				if mm, ok := ownMM[r.A]; ok {
					runMM = mm
				}
			}
			endRun(now)
			running, runFrom, runMM = r.B, now, r.X
			belief.set(now, r.X, 0)
		case ExitMM:
			if r.A == running { // from here on the same run borrows
				endRun(now)
				runFrom, runMM = now, r.X
			}
			borrowing[r.A] = true
		case PreemptWindow:
			open[r.A] = len(tl.Windows)
			tl.Windows = append(tl.Windows, Window{Task: r.A, From: now, To: tl.End, HeldMM: r.VOwner, Held: r.V, ActiveMM: r.X, preemptAt: now})
		case ResumeWindow:
			if w, ok := open[r.A]; ok {
				tl.Windows[w].To, tl.Windows[w].Resumed, tl.Windows[w].ActiveMM = now, true, r.X
				delete(open, r.A)
			} else { // preempted before the trace began
				tl.Windows = append(tl.Windows, Window{Task: r.A, From: tl.Start, To: now, HeldMM: r.VOwner, Held: r.V, Resumed: true, ActiveMM: r.X})
			}
			cr3.set(now, r.VOwner, r.V) // the stale write
		}
		if r.HasCR3() && r.Kind != ResumeWindow {
			cr3.set(now, r.CR3Owner, r.CR3)
		}
	}
	endRun(tl.End)
	fitWindows(tl)

	tl.Belief = belief.finish(tl.End)
	tl.CR3 = cr3.finish(tl.End)
	tl.Diverge, tl.DivBelief = divergence(tl.CR3, tl.Belief)
	tl.Marks = marks(t, times)
	for i, m := range tl.Marks { // a preemption is drawn where the task leaves the CPU
		for _, w := range tl.Windows {
			if m.Kind == PreemptWindow && w.Task == m.Task && w.preemptAt == m.At {
				tl.Marks[i].At, tl.Marks[i].Harm = w.From, w.Stale()
			}
		}
	}

	for _, id := range t.TaskIDs() {
		mm, ok := ownMM[id]
		if !ok || kernel[id] {
			mm = MMNone
		}
		if _, exits := exitAt[id]; exits {
			tl.Exiting = append(tl.Exiting, id)
		}
		tl.Tasks = append(tl.Tasks, TaskInfo{ID: id, Label: t.TaskLabel(id), Kernel: kernel[id], MM: mm, Ran: ran[id]})
	}
	return tl
}

// Stale reports whether the window ended in a stale CR3 write: the task
// came back on another mm than the one whose page directory it held.
func (w Window) Stale() bool { return w.Resumed && w.ActiveMM != w.HeldMM }

// fitWindows makes each window span exactly the time its task is off the
// CPU: the preempt-window record comes just before the switch away, and the
// resume-window record just after the switch back.
func fitWindows(tl *Timeline) {
	for i := range tl.Windows {
		w := &tl.Windows[i]
		for _, r := range tl.Runs {
			if r.Task != w.Task {
				continue
			}
			if r.From <= w.From && w.From < r.To {
				w.From = r.To
			}
			if r.From < w.To && w.To <= r.To {
				w.To = r.From
			}
		}
		w.To = max(w.To, w.From)
	}
}

// Task returns the lane info for a task id.
func (tl *Timeline) Task(id int) TaskInfo {
	for _, t := range tl.Tasks {
		if t.ID == id {
			return t
		}
	}
	return TaskInfo{ID: id, MM: MMNone}
}

// tickOf names the tick a fractional time falls in.
func tickOf(t float64) int64 { return int64(math.Floor(t)) }

// exits reports whether task id goes through do_exit in the trace.
func (tl *Timeline) exits(id int) bool {
	for _, e := range tl.Exiting {
		if e == id {
			return true
		}
	}
	return false
}
