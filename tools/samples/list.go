package main

import "strings"

// all are the runs the documents quote.
var all = []Sample{
	{
		Name:   "racy-386-seed1",
		Arch:   "386",
		Stress: true,
		Args:   []string{"flush=racy", "seed=1", "trace=24"},
		Shell:  "./qemu.sh stress -a 386 -- flush=racy seed=1 trace=24",
		Docs:   []string{"README.md"},
		Quote:  detectionReport,
	},
}

// detectionReport keeps what the kernel prints about a detection for
// people: from the DETECTED line to the end of its explanation (WHAT
// HAPPENED ... WHAT HAPPENED END, kernel/trace/explain.go), without the
// lines for tools (TRACE-RAW, TRACE-TASK), the STAT line and the task
// table.
func detectionReport(lines []string) []string {
	var out []string
	in := false
	for _, l := range lines {
		if strings.HasPrefix(l, "DETECTED:") {
			in = true
		}
		if !in || strings.HasPrefix(l, "TRACE-RAW") || strings.HasPrefix(l, "TRACE-TASK") {
			continue
		}
		out = append(out, l)
		if l == "WHAT HAPPENED END" {
			return out
		}
	}
	return out
}
