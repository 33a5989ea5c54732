package cmdline

import "testing"

// Options that mean nothing with the others are errors naming the word,
// the option it conflicts with and why.
func TestMeaninglessCombinations(t *testing.T) {
	for _, tt := range []struct{ cmdline, message string }{
		{"workload=stress caller=racy",
			"cmdline: caller=racy means nothing with scenario=kthread: caller= chooses how scenario=caller's flush is called"},
		{"workload=stress scenario=exit caller=fixed",
			"cmdline: caller=fixed means nothing with scenario=exit: caller= chooses how scenario=caller's flush is called"},
		{"scenario=exit",
			"cmdline: scenario=exit means nothing with workload=none: scenario= chooses what workload=stress and workload=explore run"},
		{"workload=monitor scenario=caller caller=racy",
			"cmdline: scenario=caller means nothing with workload=monitor: scenario= chooses what workload=stress and workload=explore run"},
		{"workload=stress scenario=exit kthreads=4",
			"cmdline: kthreads=4 means nothing with scenario=exit: scenario=exit has no kernel flusher threads: its user tasks exit and are respawned"},
		{"workload=explore kthreads=2 scenario=exit",
			"cmdline: kthreads=2 means nothing with scenario=exit: scenario=exit has no kernel flusher threads: its user tasks exit and are respawned"},
		{"workload=stress scenario=exit churn",
			"cmdline: churn means nothing with scenario=exit: scenario=exit replaces its address spaces continuously already"},
		{"workload=stress flush=modern checkcr3=off",
			"cmdline: checkcr3=off means nothing with flush=modern: flush=modern checks CR3 at every switch always (CONFIG_DEBUG_VM)"},
	} {
		_, err := Parse(image + tt.cmdline)
		if err == nil {
			t.Errorf("Parse(%q): accepted", tt.cmdline)
			continue
		}
		if err.Problem != Meaningless {
			t.Errorf("Parse(%q): problem %d, want Meaningless: %s", tt.cmdline, err.Problem, message(err))
		}
		if m := message(err); m != tt.message {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.cmdline, m, tt.message)
		}
	}
}

// Every combination that means something is accepted, and its Describe
// line (the boot banner) parses back to the same options.
func TestMeaningfulCombinations(t *testing.T) {
	for _, cmdline := range []string{
		"workload=stress",
		"workload=stress scenario=kthread kthreads=3 churn flush=modern",
		"workload=stress scenario=exit flush=racy users=3",
		"workload=stress scenario=exit flush=modern",
		"workload=stress scenario=caller caller=racy flush=modern",
		"workload=stress scenario=caller caller=racy flush=fixed kthreads=2",
		"workload=stress scenario=caller flush=racy checkcr3",
		"workload=explore scenario=exit flush=racy explore=4",
		"workload=explore scenario=caller caller=racy flush=modern kthreads=1",
		"kthreads=3 churn checkcr3", // workload=none: the kthread scenario's options stand
	} {
		o, err := Parse(image + cmdline)
		if err != nil {
			t.Errorf("Parse(%q): %s", cmdline, message(err))
			continue
		}
		var buf [512]byte
		line := string(buf[:o.Describe(buf[:])])
		again, err := Parse(image + line)
		if err != nil || again != o {
			t.Errorf("Parse(%q): Describe %q does not parse back: %v", cmdline, line, err)
		}
	}
}

// Describe leaves out what means nothing: no caller= outside
// scenario=caller, no kthreads= with scenario=exit, no checkcr3= with
// flush=modern, no scenario= outside stress and explore.
func TestDescribeLeavesOutMeaningless(t *testing.T) {
	for _, tt := range []struct {
		cmdline    string
		has, lacks []string
	}{
		{"workload=stress", []string{" scenario=kthread ", " kthreads=12 ", " checkcr3=off "}, []string{"caller="}},
		{"workload=stress scenario=caller", []string{" caller=fixed ", " kthreads=12 "}, nil},
		{"workload=stress scenario=exit flush=modern", []string{" scenario=exit "}, []string{"kthreads=", "churn=", "checkcr3=", "caller="}},
		{"workload=none", nil, []string{"scenario=", "caller="}},
	} {
		o, err := Parse(image + tt.cmdline)
		if err != nil {
			t.Fatalf("Parse(%q): %s", tt.cmdline, message(err))
		}
		var buf [512]byte
		line := " " + string(buf[:o.Describe(buf[:])]) + " "
		for _, w := range tt.has {
			if !contains(line, w) {
				t.Errorf("%q: Describe %q lacks %q", tt.cmdline, line, w)
			}
		}
		for _, w := range tt.lacks {
			if contains(line, w) {
				t.Errorf("%q: Describe %q has %q", tt.cmdline, line, w)
			}
		}
	}
}

// Every requirement names real options, and a value each option has.
func TestRequirementsValid(t *testing.T) {
	for _, r := range requirements {
		i, j := lookup(r.name), lookup(r.other)
		if i < 0 || j < 0 {
			t.Fatalf("requirement %s on %s: unknown option", r.name, r.other)
		}
		for _, v := range r.values {
			if valueName(&table[j], v) == "" {
				t.Errorf("requirement %s on %s: value %d has no name", r.name, r.other, v)
			}
		}
		if r.because == "" {
			t.Errorf("requirement %s on %s: no reason", r.name, r.other)
		}
	}
}
