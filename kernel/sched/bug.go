package sched

import "tlbrace/kernel/console"

// Kernel bugs found by debug checks: reported, counted, and the kernel
// carries on (Linux's BUG() would stop; a report that names the task is
// more useful here).

// Bugs counts kernel bugs found by the debug checks.
var Bugs uint64

// Bug reports a kernel bug, naming the running task, and carries on.
func Bug(what string) { Bugf("%s", what) }

// Bugf is Bug with a formatted description.
func Bugf(format string, args ...any) {
	Bugs++
	var what [160]byte
	n := console.Format(what[:], format, args...)
	console.Printf("BUG: %s (task %d %s, preempt_count %d)\n", what[:n], current.ID, current.Name(), current.Preempt.Count)
}

// unbalanced is preempt's report of preempt_enable without preempt_disable.
func unbalanced() {
	Bug("preempt_count went negative: preemptEnable without preemptDisable")
	current.Preempt.Count = 0
}

// badFree is mm's report of a double free.
func badFree(pa uintptr) { Bugf("freeing frame %#x that is not allocated (double free)", pa) }
