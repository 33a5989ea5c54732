package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/spin"
)

// Kernel bugs found by debug checks: reported, counted, and the kernel
// carries on (Linux's BUG() would stop; a report that names the task is
// more useful here).

// Bugs counts kernel bugs found by the debug checks.
var Bugs uint64

// Bug reports a kernel bug, naming the running task and CPU, and carries on.
func Bug(what string) { Bugf("%s", what) }

// Bugf is Bug with a formatted description.
func Bugf(format string, args ...any) {
	atomic.AddUint64(&Bugs, 1)
	var what [160]byte
	n := console.Format(what[:], format, args...)
	flags := asm.SaveFlagsCli()
	c := this()
	if t := c.curr; t != nil {
		console.Printf("BUG: %s (task %d %s on CPU %d, preempt_count %d)\n", what[:n], t.ID, t.Name(), c.id, t.Preempt.Count)
	} else {
		console.Printf("BUG: %s (CPU %d)\n", what[:n], rt.CPUIndex())
	}
	asm.RestoreFlags(flags)
}

// unbalanced is preempt's report of preempt_enable without preempt_disable.
func unbalanced() {
	Bug("preempt_count went negative: preemptEnable without preemptDisable")
	flags := asm.SaveFlagsCli()
	this().curr.Preempt.Count = 0
	asm.RestoreFlags(flags)
}

// badFree is mm's report of a double free.
func badFree(pa uintptr) { Bugf("freeing frame %#x that is not allocated (double free)", pa) }

// badLock is spin's report of a spinlock misused.
func badLock(what string, l *spin.Lock) { Bugf("%s (lock %s)", what, l.Name) }
