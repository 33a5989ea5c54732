package main

import "strings"

// The recurrences' samples (docs/history.md): the 2016 exit path and the
// 2018 caller, each a natural run whose log tools/timeline draws
// (docs/race-exit-386.svg, docs/race-caller-386.svg; make race-doc).
func init() {
	all = append(all,
		Sample{
			Name:   "exit-386-seed1",
			Arch:   "386",
			Stress: true,
			Args:   []string{"flush=racy", "scenario=exit", "seed=1", "trace=96"},
			Shell:  "./qemu.sh stress -a 386 -- flush=racy scenario=exit seed=1 trace=96",
			Docs:   []string{"docs/history.md"},
			Quote:  exitStory,
		},
		Sample{
			Name:   "caller-386-seed1",
			Arch:   "386",
			Stress: true,
			Args:   []string{"flush=modern", "scenario=caller", "caller=racy", "seed=1", "trace=48"},
			Shell:  "./qemu.sh stress -a 386 -- flush=modern scenario=caller caller=racy seed=1 trace=48",
			Docs:   []string{"docs/history.md"},
			Quote:  warningAndDetection,
		},
	)
}

// exitStory keeps the human trace from the do_exit of the task whose
// flush was preempted (the last PREEMPT line's task) to the detection:
// the 2016 commit's story, event by event. Without such a task, the
// detection and the whole trace.
func exitStory(lines []string) []string {
	var trace []string
	in := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "TRACE:"):
			in = true
			continue
		case strings.HasPrefix(l, "TRACE END"):
			in = false
		}
		if in {
			trace = append(trace, l)
		}
	}
	task := ""
	for _, l := range trace {
		if f := strings.Fields(l); len(f) >= 4 && f[2] == "PREEMPT" {
			task = f[3]
		}
	}
	for i := len(trace) - 1; i >= 0 && task != ""; i-- {
		if f := strings.Fields(trace[i]); len(f) >= 4 && f[2] == "EXIT" && f[3] == task {
			return trace[i:]
		}
	}
	return detectionReport(lines)
}

// warningAndDetection keeps the flush assertion's report (the WARNING line
// and its indented lines: the backtrace) and the detection (the DETECTED
// line and its indented lines).
func warningAndDetection(lines []string) []string {
	var out []string
	in := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "WARNING:"), strings.HasPrefix(l, "DETECTED:"):
			in = true
		case !strings.HasPrefix(l, "  "):
			in = false
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}
