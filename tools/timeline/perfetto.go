// perfetto.go: the same timeline as Chrome / Perfetto trace-event JSON
// (https://ui.perfetto.dev or chrome://tracing can open it).
//
// One process (pid 1) stands for the CPU; each task is a thread named
// "name[id]" with tid = id + 1 (tid 0 is avoided: viewers treat it as the
// idle/swapper thread). Events:
//
//	X  a run of a task (name "mm 3", or "mm 3 (borrowed)" for a kernel thread),
//	   and a flush sitting preempted in its window ("preempted in flush window")
//	i  preempt-window, resume-window, the CR3-skipping switch_mm, fault, detect
//	C  counters "CR3 owner (mm id)" and "belief: active_mm (mm id)", and
//	   "CR3 != belief" (1 while they differ)
//	M  process and thread names, threads sorted by task id
//
// plus an extra thread "CR3 vs belief" (tid 1000) with one X event per
// divergence. Timestamps are in microseconds: ts = time in ticks × 100 µs
// (hz=10000 in the stress mode; another hz on the ready line is honored),
// with the within-tick spreading described in doc.go.

package main

import (
	"encoding/json"
	"fmt"
	"math"
)

// traceEvent is one entry of "traceEvents".
type traceEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  float64        `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// traceFile is the whole JSON document.
type traceFile struct {
	TraceEvents     []traceEvent      `json:"traceEvents"`
	DisplayTimeUnit string            `json:"displayTimeUnit"`
	OtherData       map[string]string `json:"otherData"`
}

const (
	cpuPid     = 1
	divergeTid = 1000
)

func taskTid(id int) int { return id + 1 }

// RenderPerfetto returns the trace-event JSON for a timeline.
func RenderPerfetto(tl *Timeline, title string) ([]byte, error) {
	us := tickMicros(tl)
	ts := func(t float64) float64 { return math.Round(t*us*1000) / 1000 } // to the nanosecond
	var ev []traceEvent
	add := func(e traceEvent) { e.Pid = cpuPid; ev = append(ev, e) }

	add(traceEvent{Name: "process_name", Ph: "M", Args: map[string]any{"name": title}})
	for _, t := range tl.Tasks {
		add(traceEvent{Name: "thread_name", Ph: "M", Tid: taskTid(t.ID), Args: map[string]any{"name": t.Label}})
		add(traceEvent{Name: "thread_sort_index", Ph: "M", Tid: taskTid(t.ID), Args: map[string]any{"sort_index": t.ID}})
	}
	add(traceEvent{Name: "thread_name", Ph: "M", Tid: divergeTid, Args: map[string]any{"name": "CR3 vs belief"}})
	add(traceEvent{Name: "thread_sort_index", Ph: "M", Tid: divergeTid, Args: map[string]any{"sort_index": 1000}})

	for _, r := range tl.Runs {
		name := mmName(r.MM)
		if r.Borrowed {
			name += " (borrowed)"
		}
		add(traceEvent{Name: name, Cat: "run", Ph: "X", Ts: ts(r.From), Dur: ts(r.To) - ts(r.From), Tid: taskTid(r.Task),
			Args: map[string]any{"active_mm": r.MM, "borrowed": r.Borrowed}})
	}
	for _, w := range tl.Windows {
		if w.To <= w.From {
			continue
		}
		add(traceEvent{Name: "preempted in flush window", Cat: "window", Ph: "X", Ts: ts(w.From), Dur: ts(w.To) - ts(w.From), Tid: taskTid(w.Task),
			Args: map[string]any{"holds_cr3": fmt.Sprintf("%#x", w.Held), "holds_mm": w.HeldMM, "resumed": w.Resumed}})
	}
	for _, m := range tl.Marks {
		e := traceEvent{Name: m.Kind.String(), Cat: "race", Ph: "i", Ts: ts(m.At), Tid: taskTid(m.Task), S: "t",
			Args: map[string]any{"tick": m.Tick, "what": m.Text}}
		if m.Kind == Detect {
			e.S = "g"
		}
		add(e)
	}
	counter := func(name string, segs []Seg, key string) {
		for _, s := range segs {
			add(traceEvent{Name: name, Ph: "C", Ts: ts(s.From), Args: map[string]any{key: s.MM}})
		}
		if n := len(segs); n > 0 {
			add(traceEvent{Name: name, Ph: "C", Ts: ts(segs[n-1].To), Args: map[string]any{key: segs[n-1].MM}})
		}
	}
	counter("CR3 owner (mm id)", tl.CR3, "mm")
	counter("belief: active_mm (mm id)", tl.Belief, "mm")
	add(traceEvent{Name: "CR3 != belief", Ph: "C", Ts: ts(tl.Start), Args: map[string]any{"diverged": 0}})
	for i, s := range tl.Diverge {
		add(traceEvent{Name: "CR3 != belief", Ph: "C", Ts: ts(s.From), Args: map[string]any{"diverged": 1}})
		add(traceEvent{Name: "CR3 != belief", Ph: "C", Ts: ts(s.To), Args: map[string]any{"diverged": 0}})
		add(traceEvent{Name: "CR3 ≠ belief", Cat: "race", Ph: "X", Ts: ts(s.From), Dur: ts(s.To) - ts(s.From), Tid: divergeTid,
			Args: map[string]any{"cr3_mm": s.MM, "cr3": fmt.Sprintf("%#x", s.Value), "belief_mm": tl.DivBelief[i]}})
	}

	doc := traceFile{
		TraceEvents:     ev,
		DisplayTimeUnit: "ms",
		OtherData: map[string]string{
			"title":    title,
			"detected": tl.Detected,
			"ready":    tl.Ready,
			"time":     fmt.Sprintf("1 tick = %g µs; ts = time in ticks × %g", us, us),
		},
	}
	return json.MarshalIndent(doc, "", " ")
}
