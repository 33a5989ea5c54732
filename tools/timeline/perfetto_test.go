// perfetto_test.go: the trace-event JSON unmarshals, names every task and
// has its runs, the race's instant events and the two counters.

package main

import (
	"encoding/json"
	"testing"
)

func TestPerfettoSample(t *testing.T) {
	for _, path := range []string{samplePath, livePath} {
		t.Run(path, func(t *testing.T) {
			tr, tl := load(t, path)
			js, err := RenderPerfetto(tl, "test")
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				TraceEvents []traceEvent `json:"traceEvents"`
			}
			if err := json.Unmarshal(js, &doc); err != nil {
				t.Fatalf("JSON does not unmarshal: %v", err)
			}
			named := map[int]string{}
			runs := map[int]int{}
			phases := map[string]int{}
			instants := map[string]bool{}
			counters := map[string]bool{}
			for _, e := range doc.TraceEvents {
				phases[e.Ph]++
				switch e.Ph {
				case "M":
					if e.Name == "thread_name" {
						named[e.Tid], _ = e.Args["name"].(string)
					}
				case "X":
					if e.Cat == "run" {
						runs[e.Tid]++
						// 1 tick = 100 µs.
						if e.Ts < tl.Start*100 || e.Ts+e.Dur > tl.End*100+1e-6 || e.Dur <= 0 {
							t.Errorf("run outside the trace: %+v", e)
						}
					}
				case "i":
					instants[e.Name] = true
				case "C":
					counters[e.Name] = true
				}
			}
			for id := range tr.Names {
				if named[taskTid(id)] != tr.TaskLabel(id) {
					t.Errorf("tid %d named %q, want %q", taskTid(id), named[taskTid(id)], tr.TaskLabel(id))
				}
			}
			for _, task := range tl.Tasks {
				if task.Ran && runs[taskTid(task.ID)] == 0 {
					t.Errorf("no run events for %s", task.Label)
				}
			}
			for _, k := range []string{"preempt-window", "resume-window", "fault", "detect"} {
				if !instants[k] {
					t.Errorf("no instant event %q", k)
				}
			}
			for _, c := range []string{"CR3 owner (mm id)", "belief: active_mm (mm id)", "CR3 != belief"} {
				if !counters[c] {
					t.Errorf("no counter %q", c)
				}
			}
			if phases["X"] == 0 || phases["M"] == 0 {
				t.Errorf("phases %v", phases)
			}
		})
	}
}
