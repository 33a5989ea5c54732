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
	for i, r := range t.Records {
		task := t.TaskLabel(r.A)
		switch r.Kind {
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
	}
	return out
}

// detectedKind turns "DETECTED: LOCKUP after ..." into "DETECTED: LOCKUP".
func detectedKind(line string) string {
	f := strings.Fields(line)
	if len(f) >= 2 && f[0] == "DETECTED:" {
		return "DETECTED: " + f[1]
	}
	return "detector fired"
}
