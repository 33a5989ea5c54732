// This file checks that the options given make sense together: an option
// that means nothing under the rest of the command line (caller= without
// scenario=caller, kthreads= with scenario=exit, ...) is an error naming
// the word and what it conflicts with, not silently ignored. Describe
// leaves such options out, so the boot banner parses back.
package cmdline

// requirement says when an option means something: only while the option
// named by other does (or, with not set, does not) hold value.
type requirement struct {
	name    string   // the option it constrains
	other   string   // the option it depends on
	values  []uint64 // other's values under which it applies
	not     bool     // it applies unless other holds one of values
	because string   // why, for the error message
}

// requirements lists every constraint; an option may have several, all of
// which must hold.
var requirements = [...]requirement{
	{"scenario", "workload", []uint64{uint64(WorkloadStress), uint64(WorkloadExplore)}, false,
		"scenario= chooses what workload=stress and workload=explore run"},
	{"caller", "scenario", []uint64{uint64(ScenarioCaller)}, false,
		"caller= chooses how scenario=caller's flush is called"},
	{"kthreads", "scenario", []uint64{uint64(ScenarioExit)}, true,
		"scenario=exit has no kernel flusher threads: its user tasks exit and are respawned"},
	{"churn", "scenario", []uint64{uint64(ScenarioExit)}, true,
		"scenario=exit replaces its address spaces continuously already"},
	{"checkcr3", "flush", []uint64{uint64(FlushModern)}, true,
		"flush=modern checks CR3 at every switch always (CONFIG_DEBUG_VM)"},
}

// applies reports whether option i means anything under o; if not, the
// requirement that fails.
func (o *Options) applies(i int) (bool, *requirement) {
	for k := range requirements {
		r := &requirements[k]
		if r.name != table[i].name {
			continue
		}
		j := lookup(r.other)
		if !o.applies1(j) {
			if r.not {
				continue // other is not in force, so neither is the value it excludes
			}
			return false, r // what it needs is not in force itself
		}
		v, in := table[j].get(o), false
		for _, w := range r.values {
			in = in || v == w
		}
		if in == r.not {
			return false, r
		}
	}
	return true, nil
}

// applies1 is applies without the reason.
func (o *Options) applies1(i int) bool {
	ok, _ := o.applies(i)
	return ok
}

// checkCombination returns an error for the first option given on the
// command line (given[i] is its word) that means nothing with the others.
func (o *Options) checkCombination(given *[len(table)]string) *Error {
	for i := range table {
		if given[i] == "" {
			continue
		}
		if ok, r := o.applies(i); !ok {
			name, value, _ := cut(given[i], '=')
			j := lookup(r.other)
			return fail(Error{Problem: Meaningless, Word: given[i], Option: name, Value: value,
				With: r.other, WithValue: valueName(&table[j], table[j].get(o)), Because: r.because})
		}
	}
	return nil
}

// valueName is how the command line spells value v of an enum or bool
// option ("" for others).
func valueName(e *option, v uint64) string {
	if names := e.names(); names != nil && v < uint64(len(names)) {
		return names[v]
	}
	return ""
}
