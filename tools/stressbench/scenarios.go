package main

import "strconv"

// The later recurrences of the race (README, "One bug, three times"): a row
// per scenario, variant and mode, in the same columns as the kthread table.
//
//	exit    2016: user tasks exit; their exit_mmap flush borrows
//	caller  2018: flush=modern, the DEBUG_PAGEALLOC flush caller guarded or not
//
// Guarded rows run -fixed-seconds of guest time per seed and must never
// detect; the others run until the detection.

type scenarioCase struct {
	label   string   // the scenario, as the mode column shows it
	flush   string   // flush=
	words   []string // the scenario's words
	guarded bool     // must never detect
	steady  bool     // keepgoing for -fixed-seconds: the racy kernel's steady state
}

// steadyMode is the mode column of the steady rows.
const steadyMode = "icount-steady"

// evidence reports whether the case runs at qemu.sh's evidence shift: a
// natural (stress mode) run that gathers evidence — a guarded one, which
// must hit windows and never detect, or the racy kernel's steady state —
// rather than timing the race to its first detection.
func (c scenarioCase) evidence(m mode) bool { return m.stress && (c.guarded || c.steady) }

var scenarioCases = []scenarioCase{
	{label: "exit", flush: "racy", words: []string{"scenario=exit"}},
	{label: "exit", flush: "fixed", words: []string{"scenario=exit"}, guarded: true},
	{label: "exit", flush: "modern", words: []string{"scenario=exit"}, guarded: true},
	{label: "caller=racy", flush: "modern", words: []string{"scenario=caller", "caller=racy"}},
	{label: "caller=fixed", flush: "modern", words: []string{"scenario=caller", "caller=fixed"}, guarded: true},
}

// scenarioModes: natural (-icount) and injected (default TCG), as modes.
var scenarioModes = []string{"icount", "inject-tcg"}

// scenarioArgs are the kernel words of one run.
func scenarioArgs(m mode, c scenarioCase, seed, fixedSecs int) []string {
	args := append(append(append([]string{}, m.words...), c.words...), "flush="+c.flush, "seed="+strconv.Itoa(seed), "trace=8")
	if c.guarded || c.steady {
		args = append(args, "duration="+strconv.Itoa(fixedSecs))
	}
	if c.steady {
		args = append(args, "keepgoing")
	}
	return args
}

// scenario names the row's scenario ("" for the kthread rows of main.go).
func (c scenarioCase) scenario() string {
	if len(c.words) == 0 {
		return ""
	}
	return c.label
}

// scenarioRows runs and prints the scenarios' rows for every architecture.
func scenarioRows(arches []string, o opts) []Row {
	var rows []Row
	for _, arch := range arches {
		for _, name := range scenarioModes {
			for _, m := range modes {
				if m.name != name {
					continue
				}
				for _, c := range scenarioCases {
					rows = append(rows, row(arch, m, c, o))
				}
			}
		}
	}
	return rows
}
