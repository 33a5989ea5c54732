// story.go: the key events of the race, in words.
//
// Out of all the records, a student needs five: the flush preempted in its
// window, the stale CR3 write when it resumes, the switch_mm that skips the
// CR3 load because prev and next mm look equal, the fault, and the
// detection. Each becomes a Mark: a numbered marker on the picture and a
// line of text.

package main

import (
	"fmt"
	"strings"
)

// Mark is one key event.
type Mark struct {
	N     int // 1, 2, ... in time order
	Kind  Kind
	At    float64 // time in ticks (fractional)
	Tick  int64
	Task  int  // the task it happened in
	OnCR3 bool // drawn on the CR3 lane rather than the task's lane
	Text  string
	Harm  bool // part of the failure (not a harmless window hit; set for preemptions by Build)
}

// marks picks the key events out of the records.
func marks(t *Trace, times []float64) []Mark {
	var out []Mark
	add := func(r Record, i int, onCR3, harm bool, format string, args ...any) {
		out = append(out, Mark{N: len(out) + 1, Kind: r.Kind, At: times[i], Tick: r.Tick, Task: r.A, OnCR3: onCR3, Harm: harm,
			Text: fmt.Sprintf(format, args...)})
	}
	// The exit path's steps are marked for the task whose flush was
	// preempted (the one that matters), and a page directory's free when
	// CR3 still points at it.
	preempted := map[int]bool{}
	for _, r := range t.Records {
		if r.Kind == PreemptWindow {
			preempted[r.A] = true
		}
	}
	cr3 := uint64(0) // what CR3 holds, as the records say
	warned := false
	for i, r := range t.Records {
		task := t.TaskLabel(r.A)
		switch r.Kind {
		case ExitMM:
			if preempted[r.A] {
				add(r, i, false, true, "%s in do_exit: exit_mm sets its mm to nil, it now borrows its dying %s", task, mmName(r.X))
			}
		case TeardownFlush:
			if next := nextOf(t.Records, i, r.A); preempted[r.A] && next >= 0 && t.Records[next].Kind == PreemptWindow {
				add(r, i, false, true, "%s tears %s down (exit_mmap) and flushes the TLB", task, mmName(r.X))
			}
		case FreePGD:
			if r.V == cr3 {
				add(r, i, true, true, "%s's page directory is freed while CR3 still points at it", mmName(r.X))
			}
		case Warn:
			if !warned {
				warned = true
				add(r, i, false, true, "%s calls the flush primitive preemptible: WARN (the modern contract)", task)
			}
		case PreemptWindow:
			add(r, i, false, true, "%s preempted mid-flush, holding CR3 = %s", task, mmName(r.VOwner))
		case ResumeWindow:
			if r.VOwner != r.X {
				add(r, i, false, true, "%s resumes: writes %s into CR3 while borrowing %s", task, mmName(r.VOwner), mmName(r.X))
			} else {
				add(r, i, false, false, "%s resumes: writes back %s, its own active_mm (harmless)", task, mmName(r.VOwner))
			}
		case CR3Skip:
			if r.HasCR3() && r.CR3Owner != r.X {
				add(r, i, true, true, "switch_mm(%s, %s) for %s: no CR3 load, CR3 stays %s", mmName(r.X), mmName(r.X), task, mmName(r.CR3Owner))
			}
		case Fault:
			add(r, i, false, true, "%s faults at %#x: present in its %s, but CR3 = %s", task, r.V, mmName(r.X), mmName(r.CR3Owner))
		case Detect:
			add(r, i, false, true, "%s in %s", detectedKind(t.Detected), task)
		case Leave:
			add(r, i, true, false, "a shootdown finds this CPU lazy on %s: it leaves it (leave_mm), CR3 = %s", mmName(r.X), mmName(r.CR3Owner))
		case NoReload:
			add(r, i, true, true, "switch_mm(%s, %s) for %s on a CPU that left %s: no reload, CR3 stays %s", mmName(r.X), mmName(r.X), task, mmName(r.X), mmName(r.CR3Owner))
		case StaleTLB:
			add(r, i, false, true, "%s reads %#x through a translation its %s no longer has (the shootdown missed this CPU)", task, r.V, mmName(r.X))
		}
		switch {
		case r.Kind == ResumeWindow:
			cr3 = r.V
		case r.HasCR3():
			cr3 = r.CR3
		}
	}
	return out
}

// nextOf returns the index of task's next record after i, or -1.
func nextOf(recs []Record, i, task int) int {
	for j := i + 1; j < len(recs); j++ {
		if recs[j].A == task {
			return j
		}
	}
	return -1
}

// detectedKind turns "DETECTED: LOCKUP after ..." into "DETECTED: LOCKUP".
func detectedKind(line string) string {
	f := strings.Fields(line)
	if len(f) >= 2 && f[0] == "DETECTED:" {
		return "DETECTED: " + f[1]
	}
	return "detector fired"
}
