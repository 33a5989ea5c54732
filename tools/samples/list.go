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
		Quote:  detectionAndTrace,
	},
}

// detectionAndTrace keeps the detection report and the human trace: from
// the DETECTED line to the last trace line (before TRACE END, the
// machine-readable block, STAT and the task table).
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
