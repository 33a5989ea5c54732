package main

import (
	"strings"
	"testing"

	"tlbrace/kernel/cmdline"
)

// Every scenario row's command line is one the kernel accepts (no option
// that means nothing with the others), in each mode it runs in.
func TestScenarioArgsParse(t *testing.T) {
	for _, name := range scenarioModes {
		found := false
		for _, m := range modes {
			if m.name != name {
				continue
			}
			found = true
			for _, c := range scenarioCases {
				args := scenarioArgs(m, c, 1, 1)
				if m.stress {
					args = append([]string{"workload=stress"}, args...) // what qemu.sh stress adds
				}
				if _, err := cmdline.Parse("kernel " + strings.Join(args, " ")); err != nil {
					var buf [512]byte
					t.Errorf("%s %s: %q: %s", c.label, name, args, buf[:err.Message(buf[:])])
				}
			}
		}
		if !found {
			t.Errorf("scenario mode %q is not one of the bench's modes", name)
		}
	}
}

// The steady racy row runs keepgoing for the fixed seconds, and the parser
// takes it; it carries the window-hit rate target, which the racy row that
// stops at its first detection does not (its rate is one over its time).
func TestSteadyRow(t *testing.T) {
	c := scenarioCase{label: "icount", flush: "racy", steady: true}
	args := scenarioArgs(modes[0], c, 3, 2)
	line := "kernel workload=stress " + strings.Join(args, " ")
	o, err := cmdline.Parse(line)
	if err != nil || !o.KeepGoing || o.Duration != 2 || o.Flush != cmdline.FlushRacy {
		t.Fatalf("%q: %+v, %v: want keepgoing, duration=2, flush=racy", line, o, err)
	}
	has := func(r Row) bool {
		for _, tg := range targetsFor(&r) {
			if tg.Name == "window hits/s" {
				return true
			}
		}
		return false
	}
	if has(Row{Mode: "icount", Flush: "racy"}) || !has(Row{Mode: steadyMode, Flush: "racy"}) || !has(Row{Mode: "icount", Flush: "fixed", Guarded: true}) {
		t.Error("the window-hit rate target belongs to the steady racy row and the fixed row, not to the racy row that stops")
	}
}

// TestEvidenceRows: the rows that gather evidence (guarded, steady) run at
// the evidence shift under -icount; the natural race's timing rows and the
// injected rows do not.
func TestEvidenceRows(t *testing.T) {
	icount, inject := modes[0], modes[1]
	for _, c := range []struct {
		m    mode
		c    scenarioCase
		want bool
	}{
		{icount, scenarioCase{flush: "racy"}, false},
		{icount, scenarioCase{flush: "racy", steady: true}, true},
		{icount, scenarioCase{flush: "fixed", guarded: true}, true},
		{icount, scenarioCases[2], true},  // exit, modern
		{icount, scenarioCases[3], false}, // caller=racy
		{inject, scenarioCase{flush: "fixed", guarded: true}, false},
	} {
		if got := c.c.evidence(c.m); got != c.want {
			t.Errorf("%s %s flush=%s steady=%v: evidence %v, want %v", c.m.name, c.c.label, c.c.flush, c.c.steady, got, c.want)
		}
	}
}

// TestBootTargetUnrounded: the boot ratio is judged before it is rounded
// for the report, so the printed verdict and the JSON agree.
func TestBootTargetUnrounded(t *testing.T) {
	if b := bootTarget(1.2043); b.Met || b.Value != 1.2 {
		t.Errorf("1.2043x: met %v, value %v; want missed, reported as 1.2", b.Met, b.Value)
	}
	if b := bootTarget(1.19); !b.Met {
		t.Errorf("1.19x: missed")
	}
}
