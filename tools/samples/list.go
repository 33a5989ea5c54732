package main

import "strings"

// all are the runs the documents quote.
var all = []Sample{
	{
		Name:   "racy-386-seed3",
		Arch:   "386",
		Stress: true,
		Args:   []string{"flush=racy", "seed=3", "trace=24"},
		Shell:  "./qemu.sh stress -a 386 -- flush=racy seed=3 trace=24",
		Docs:   []string{"README.md"},
		Quote:  detectionReport,
	},
	{
		Name:   "racy-smp-386-seed3",
		Arch:   "386",
		Stress: true,
		SMP:    2,
		Args:   []string{"flush=racy", "seed=3", "trace=40"},
		Shell:  "./qemu.sh stress -a 386 --smp 2 -- flush=racy seed=3 trace=40",
		Docs:   []string{"README.md"},
		Quote:  withoutBorrows,
	},
	{
		Name:   "shoot-noreload-386",
		Arch:   "386",
		Icount: true,
		SMP:    2,
		Args:   []string{"workload=shoot", "shootdown=noreload", "trace=24"},
		Shell:  "./qemu.sh -a 386 --icount --smp 2 -- workload=shoot shootdown=noreload trace=24",
		Docs:   []string{"README.md"},
		Quote:  detectionAndTrace,
	},
	{
		Name:   "shoot-skiplazy-386",
		Arch:   "386",
		Icount: true,
		SMP:    2,
		Args:   []string{"workload=shoot", "shootdown=skiplazy", "trace=24"},
		Shell:  "./qemu.sh -a 386 --icount --smp 2 -- workload=shoot shootdown=skiplazy trace=24",
		Docs:   []string{"README.md"},
		Quote:  detectionAndTrace,
	},
}

// withoutBorrows is detectionAndTrace without the lazy borrows: in a
// two-CPU trace they are half the lines and the story reads without them.
func withoutBorrows(lines []string) []string {
	var out []string
	for _, l := range detectionAndTrace(lines) {
		if !strings.Contains(l, "] borrow ") {
			out = append(out, l)
		}
	}
	return out
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

// detectionAndTrace keeps the detection report and the human trace: from
// the DETECTED line to the last trace line (before TRACE END, the
// machine-readable block, the explanation, STAT and the task table).
func detectionAndTrace(lines []string) []string {
	var out []string
	in := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "DETECTED:"):
			in = true
		case strings.HasPrefix(l, "TRACE END"), strings.HasPrefix(l, "TRACE-RAW"):
			return out
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}
