package sched

import "tlbrace/asm"

// idle runs when nothing else can. It is a kernel thread like any other
// (it borrows the last active_mm), but never queued: pickNext falls back
// to it when the run queue is empty.
var idle *Task

// startIdle creates the idle task.
func startIdle() {
	idle = Spawn("idle", idleLoop, 0)
	rq.Remove(idle.ID) // idle runs only when nothing else can
}

// idleLoop halts until an interrupt, then lets the scheduler look.
// Halting with interrupts on is one atomic STI;HLT.
func idleLoop(uintptr) {
	for {
		asm.Cli()
		if current.Preempt.NeedResched || rq.Len() > 0 {
			schedule()
		}
		asm.StiHlt()
	}
}
