package stress

import (
	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// The three code paths that broke the same invariant in Linux — a CR3
// value read while borrowing an address space must not be written back
// after the borrowed address space may have changed — side by side:
//
//	scenario=kthread  2004, the seed: lazy-TLB kernel threads flush in a
//	                  loop (stress.go's flushers)
//	scenario=exit     2016, 5cf0791da5c1: user tasks exit; exit_mm makes
//	                  each a borrower, exit_mmap flushes (scenario_exit.go)
//	scenario=caller   2018, f77084d96355: the page allocator's
//	                  DEBUG_PAGEALLOC path flushes globally, from
//	                  preemptible context (scenario_caller.go)
//
// Run starts the workers and flushers of the kthread scenario itself; the
// others start their own tasks here and stop them at the end.

var scenarioNames = [...]string{cmdline.ScenarioKthread: "kthread", cmdline.ScenarioExit: "exit", cmdline.ScenarioCaller: "caller"}

func scenarioName() string { return scenarioNames[cfg.Scenario] }

// startScenario starts the tasks of scenario=exit or scenario=caller.
func startScenario() {
	switch cfg.Scenario {
	case cmdline.ScenarioExit:
		startExit()
	case cmdline.ScenarioCaller:
		startCaller()
	}
}

// stopScenario stops them (stopped is set) and waits until they are gone.
func stopScenario() {
	switch cfg.Scenario {
	case cmdline.ScenarioExit:
		stopExit()
	case cmdline.ScenarioCaller:
		stopCaller()
	}
}

// printScenarioStat adds to a STAT line the counters of the later
// recurrences: user tasks through do_exit and exit_mmap's flushes (2016),
// the modern primitives' preemptible calls (the WARN) and the switch-time
// CR3 check's failures (2018), and the page allocator's map changes.
func printScenarioStat() {
	console.Printf(" exits=%d teardown_flushes=%d preemptible_flushes=%d cr3_check_failures=%d pagealloc_flushes=%d",
		sched.Exits, mm.TeardownFlushes, mm.PreemptibleFlushes, sched.DebugVMMismatches, mm.PageAllocFlushes)
}

// believedName names what the switch-time CR3 check compares with.
func believedName() string {
	if mm.Selected == mm.Modern {
		return "loaded_mm"
	}
	return "active_mm"
}
